package decode

import (
	"slices"
	"strings"
	"testing"

	"sm/internal/format"
	"sm/internal/record"
)

// FuzzDelimitedRoundTrip: a record with any legal name and tag value
// comes back from csv and tsv as it was, in columns and folded, however
// its cells are neutralised.
func FuzzDelimitedRoundTrip(f *testing.F) {
	for _, s := range [][2]string{
		{"disk.used_pct", "/"}, {"=HYPERLINK(1)", "+1"}, {"-x", "@y"}, {"'q", "'"},
		{"x", "\x1b]52;c;aGk=\x07"}, {"x", "a\r\nb"}, {"x", "a;b=c"}, {"x", "\tx"}, {"x", "abc\u202e"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		line := record.AppendSeries(nil, name, []record.Tag{{Key: "host", Value: "web1"}, {Key: "t", Value: value}})
		n, tags, err := record.ParseSeries(string(line))
		if err != nil || n != name || len(tags) != 2 || tags[1].Value != value || record.CheckTags(tags) != nil {
			return // not a record sm could hold, or one the readers refuse
		}
		rec := record.Record{Name: name, Tags: tags, Value: -1.5, Time: 1764045000}
		for _, fmtName := range []string{"csv", "tsv"} {
			if fmtName == "csv" && strings.Contains(value, "\r\n") {
				// A quoted csv cell reads CR LF as LF, as encoding/csv
				// does: the one thing csv does not carry.
				continue
			}
			for _, o := range []format.Options{{Columns: []string{"host", "t"}}, {Columns: []string{"host"}, FoldTags: true}} {
				text, err := writeRecords(t, fmtName, []record.Record{rec}, o)
				if err != nil {
					t.Fatal(err)
				}
				// Past the readers' documented bound: a line, or a row,
				// which in csv may span lines within quotes.
				_, row, _ := strings.Cut(text, "\n")
				if longestLine(text) > record.MaxLine || len(row) > record.MaxLine {
					continue
				}
				got, _ := decodeAllOf(t, fmtName, text, Options{})
				if want := []string{rec.String()}; !slices.Equal(got, want) {
					t.Fatalf("%s, fold %v: wrote %q, read %q, want %q", fmtName, o.FoldTags, text, got, want)
				}
			}
		}
	})
}
