package report

import (
	"strings"
	"unicode/utf8"
)

// noteWidth is the widest line of a note in the text report.
const noteWidth = 100

// notes writes the report's warnings under its title: what it could not
// cover, or covers only in part. Text wraps them at noteWidth; Markdown
// leaves that to its reader.
func (p *printer) notes(warnings []string) {
	for _, w := range warnings {
		w = p.esc("Note: " + w)
		if p.md {
			p.line(w)
			p.line("")
			continue
		}
		for _, l := range wrapWords(w, noteWidth) {
			p.line(l)
		}
	}
	if len(warnings) > 0 && !p.md {
		p.line("")
	}
}

// wrapWords cuts s into lines of at most n characters at spaces, where
// it can: a word longer than n has a line of its own.
func wrapWords(s string, n int) []string {
	var out []string
	var line strings.Builder
	for _, word := range strings.Fields(s) {
		if line.Len() > 0 && utf8.RuneCountInString(line.String())+1+utf8.RuneCountInString(word) > n {
			out = append(out, line.String())
			line.Reset()
		}
		if line.Len() > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(word)
	}
	if line.Len() > 0 {
		out = append(out, line.String())
	}
	return out
}
