//go:build faults

package tests

// hostileText is the size of the text nodes and strings of
// TestFaultHostileInput in make test-faults: 400 MB, which sm-store once
// held 2.3 times over.
const hostileText = 400 << 20
