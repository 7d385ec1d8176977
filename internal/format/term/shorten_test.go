package term

import (
	"testing"
	"unicode/utf8"
)

func TestShorten(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{
		{"diskio.read_bytes_per_s", 30, "diskio.read_bytes_per_s"},
		{"diskio.read_bytes_per_s", 23, "diskio.read_bytes_per_s"},
		{"diskio.read_bytes_per_s", 12, "diski…_per_s"},
		{"mount=/mnt/data/sda1", 9, "moun…sda1"},
		{"mount=/mnt/data/sda2", 9, "moun…sda2"},
		{"héllo wörld", 6, "hé…rld"},
		{"abc", 2, "…c"},
		{"abc", 1, "…"},
		{"abc", 0, ""},
		{"abc", -1, ""},
		{"", 0, ""},
	} {
		t.Run(c.want, func(t *testing.T) {
			got := Shorten(c.s, c.n)
			if got != c.want {
				t.Errorf("Shorten(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
			}
		})
	}
}

// FuzzShorten: whatever the text, the result is valid where s was, no
// longer than n runes, and keeps both ends.
func FuzzShorten(f *testing.F) {
	f.Add("diskio.read_bytes_per_s", 12)
	f.Add("héllo wörld", 6)
	f.Add("\xff\xfe", 1)
	f.Fuzz(func(t *testing.T, s string, n int) {
		got := Shorten(s, n)
		l := textWidth(got)
		if l > max(n, 0) {
			t.Fatalf("Shorten(%q, %d) = %q: %d columns", s, n, got, l)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Shorten(%q, %d) = %q: not UTF-8", s, n, got)
		}
		if textWidth(s) <= n && got != s {
			t.Fatalf("Shorten(%q, %d) = %q: changed what fits", s, n, got)
		}
	})
}
