package format

import (
	"slices"

	"sm/internal/record"
)

// NeutraliseCell returns a text cell of csv or tsv (a name, a tag key or
// value) made safe for a spreadsheet: one that starts with "=", "+",
// "-", "@", a tab or a carriage return, which a spreadsheet would run as
// a formula (=HYPERLINK(...) sends data away), gets a "'" in front, as
// OWASP's advice on CSV injection has it. So does one that starts with
// "'" itself, so that RestoreCell can undo it without a doubt. Value
// cells are numbers and are left alone: -1 is minus one.
func NeutraliseCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\'':
		return "'" + s
	}
	return s
}

// RestoreCell undoes NeutraliseCell.
func RestoreCell(s string) string {
	if len(s) > 0 && s[0] == '\'' {
		return s[1:]
	}
	return s
}

// FoldedColumn is the header of the column of folded tags (see
// Options.FoldTags) in csv and tsv. It is not a legal tag key, so that a
// reader cannot take it for the column of a tag named "tags".
const FoldedColumn = ";tags"

// AppendFolded appends the tags that have no column of their own (not in
// cols) as KEY=VALUE;KEY=VALUE, as in a record line: a value escaped
// with record.AppendTagValue, so that ";" cannot end it early.
func AppendFolded(b []byte, tags []record.Tag, cols []string) []byte {
	first := true
	for _, t := range tags {
		if slices.Contains(cols, t.Key) {
			continue
		}
		if !first {
			b = append(b, ';')
		}
		first = false
		b = append(b, t.Key...)
		b = append(b, '=')
		b = record.AppendTagValue(b, t.Value)
	}
	return b
}
