package esc

import (
	"testing"
	"unicode/utf8"
)

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

// FuzzText: whatever s holds, Text(s) is valid UTF-8 with nothing that
// acts on a terminal, and leaves s alone when it has nothing such.
func FuzzText(f *testing.F) {
	for _, s := range []string{"", "web1", "\x1b[2J", "a\u202eb", "\xff\xfe", "\u0085", "é…"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Text(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Text(%q) = %q, not UTF-8", s, got)
		}
		clean := utf8.ValidString(s)
		for _, r := range s {
			clean = clean && !Hidden(r)
		}
		for _, r := range got {
			if Hidden(r) {
				t.Fatalf("Text(%q) = %q holds %U", s, got, r)
			}
		}
		if clean && got != s {
			t.Fatalf("Text(%q) = %q, want it unchanged", s, got)
		}
	})
}
