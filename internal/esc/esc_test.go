package esc

import "testing"

func TestText(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"plain", "disk.used_pct /mnt/my disk", "disk.used_pct /mnt/my disk"},
		{"utf8", "Zürich …", "Zürich …"},
		{"clear screen", "\x1b[2J", `\x1b[2J`},
		{"osc 52", "\x1b]52;c;aGk=\x07", `\x1b]52;c;aGk=\x07`},
		{"line feed", "a\nOK - all fine", `a\x0aOK - all fine`},
		{"carriage return and tab", "a\rb\tc", `a\x0db\x09c`},
		{"del", "a\x7f", `a\x7f`},
		{"c1 csi", "a\u009b2J", `a\u009b2J`},
		{"rlo", "abc\u202etxt.exe", `abc\u202etxt.exe`},
		{"isolates", "\u2066x\u2069", `\u2066x\u2069`},
		{"line separator", "a\u2028b", `a\u2028b`},
		{"not utf8", "a\xffb", `a\xffb`},
		{"replacement char stays", "a\ufffdb", "a\ufffdb"},
		{"backslash stays", `a\040b`, `a\040b`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Text(c.in); got != c.want {
				t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
			}
			if got := string(Append([]byte("x"), c.in)); got != "x"+c.want {
				t.Errorf("Append(%q) = %q", c.in, got)
			}
		})
	}
}
