package report

import "strings"

// NaturalCompare orders a and b as a person reads them: runs of digits
// compare by their number (load.1m, load.5m, load.15m; /data2 before
// /data10), and two runs of letters that start with the same two
// letters compare shorter first, as disks are named (sdz before sdaa). Anything else, and a tie, is byte order, so the order
// is total: NaturalCompare(a, b) is 0 only when a == b.
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
		case isLetter(ca) && isLetter(cb):
			ea, eb := runEnd(a, i, isLetter), runEnd(b, j, isLetter)
			ra, rb := a[i:ea], b[j:eb]
			if len(ra) != len(rb) && len(ra) >= 2 && len(rb) >= 2 && ra[:2] == rb[:2] {
				return cmpInt(len(ra), len(rb))
			}
			if c := strings.Compare(ra, rb); c != 0 {
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

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

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
