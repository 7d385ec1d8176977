//go:build !faults

package tests

// hostileText is the size of the text nodes and strings of
// TestFaultHostileInput in make test: past every bound all the same.
const hostileText = 2 << 20
