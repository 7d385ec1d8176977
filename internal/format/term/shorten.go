package term

import (
	"strings"

	"github.com/mattn/go-runewidth"
)

// Shorten returns s cut to at most n columns of a terminal (a wide
// character, as of Chinese, takes two) by taking out its middle, where
// "…" stands for what was taken out: the start and the end of a name or
// a tag value are what tell it from its neighbours
// (disk.used_pct;mount=/srv/a…/data). With n of 1 only "…" is left.
func Shorten(s string, n int) string {
	if textWidth(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	// The end is often the part that differs (sda1, sda2): it gets the
	// larger half.
	head := (n - 1) / 2
	tail := n - 1 - head
	var b strings.Builder
	w, i := 0, 0
	for ; i < len(r) && w+runewidth.RuneWidth(r[i]) <= head; i++ {
		w += runewidth.RuneWidth(r[i])
		b.WriteRune(r[i])
	}
	b.WriteString("…")
	j, tw := len(r), 0
	for j > i && tw+runewidth.RuneWidth(r[j-1]) <= tail {
		j--
		tw += runewidth.RuneWidth(r[j])
	}
	b.WriteString(string(r[j:]))
	return b.String()
}
