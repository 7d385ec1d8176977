//go:build faults

package tests

// manySeries is how many series TestFaultManySeries stores: a hub of
// ten hosts with ten thousand series each and more.
const manySeries = 150_000
