package record

import "strings"

// NaturalCompare orders a and b as a person reads them: runs of digits
// compare by their number (load.1m, load.5m, load.15m; /data2 before
// /data10). Anything else, and a tie (01 and 1), is byte order, so the
// order is total: NaturalCompare(a, b) is 0 only when a == b. Letters
// are not reordered: sdaa sorts before sdz, as ls shows them, rather
// than words such as used and usage changing places.
func NaturalCompare(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		switch {
		case isDigit(ca) && isDigit(cb):
			ea, eb := runEnd(a, i, isDigit), runEnd(b, j, isDigit)
			na := strings.TrimLeft(a[i:ea], "0")
			nb := strings.TrimLeft(b[j:eb], "0")
			if len(na) != len(nb) {
				return cmpInt(len(na), len(nb))
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			i, j = ea, eb
		default:
			if ca != cb {
				return cmpInt(int(ca), int(cb))
			}
			i, j = i+1, j+1
		}
	}
	if c := cmpInt(len(a)-i, len(b)-j); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// runEnd returns where the run of bytes in s from i for which in holds
// ends.
func runEnd(s string, i int, in func(byte) bool) int {
	for i < len(s) && in(s[i]) {
		i++
	}
	return i
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
