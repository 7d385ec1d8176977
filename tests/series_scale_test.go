//go:build !faults

package tests

// manySeries is how many series TestFaultManySeries stores: a few in
// make test, a hub's worth in make test-faults.
const manySeries = 20_000
