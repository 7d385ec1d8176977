// Package esc makes untrusted text inert on a terminal: the characters
// that move the cursor, clear the screen, write the clipboard, end a
// line or reverse the order of what follows are written as visible
// escapes, in the way of strconv.Quote but without the quotes. Every
// tool runs names, tag keys, tag values and error messages through it
// before they reach a person's terminal.
package esc

import "unicode/utf8"

// Text returns s with every character that Hidden reports written as a
// visible escape: \x1b for an ASCII control, \u009b or \u202e for a C1
// or a bidirectional control, \xff for a byte that is not UTF-8. Everything else, a
// backslash included, is left as it is: the point is that nothing in s
// acts on the terminal, not that s can be read back.
func Text(s string) string {
	if !needs(s) {
		return s
	}
	return string(Append(make([]byte, 0, len(s)+8), s))
}

// Append appends Text(s) to b.
func Append(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if Hidden(rune(c)) {
				b = appendByte(b, c)
			} else {
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = appendByte(b, c)
		case Hidden(r):
			b = append(b, `\u`...)
			b = append(b, hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
		default:
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return b
}

const hex = "0123456789abcdef"

func appendByte(b []byte, c byte) []byte {
	return append(b, '\\', 'x', hex[c>>4], hex[c&0xf])
}

// Hidden reports whether r acts on a terminal or on the text around it
// rather than showing as itself: a C0 control (a tab and a line feed
// too), DEL, a C1 control, a bidirectional embedding, override, isolate
// or mark, or a line or paragraph separator.
func Hidden(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, 0x80 <= r && r < 0xa0:
		return true
	case 0x202a <= r && r <= 0x202e, 0x2066 <= r && r <= 0x2069:
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c, r == 0x2028, r == 0x2029:
		return true
	}
	return false
}

// needs reports whether Text would change s.
func needs(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			// Only ASCII text is certain to pass as it is.
			for _, r := range s[i:] {
				if r == utf8.RuneError || Hidden(r) {
					return true
				}
			}
			return false
		}
	}
	return false
}
