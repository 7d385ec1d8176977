package table

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"sm/internal/format"
	"sm/internal/record"
)

func rec(series string, v float64) record.Record {
	name, tags, err := record.ParseSeries(series)
	if err != nil {
		panic(err)
	}
	return record.Record{Name: name, Tags: tags, Value: v, Time: 1764045000}
}

func write(t *testing.T, o format.Options, recs ...record.Record) string {
	t.Helper()
	var sb strings.Builder
	o.Location = time.UTC
	w, err := format.New("table", &sb, o)
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		if err := w.Write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return sb.String()
}

// TestTableInert: a table is for a terminal; nothing in a tag acts on it.
func TestTableInert(t *testing.T) {
	recs := []record.Record{
		rec(`evil;t=\033]52\073c\073aGk=\007`, 1),
		rec(`evil;t=\033[2J\015`, 2),
		rec("evil;t=abc\u202etxt.exe", 3),
		rec(`evil;t=\302\233`, 4),
	}
	raw := regexp.MustCompile("[\x00-\x09\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]")
	for _, o := range []format.Options{{Columns: []string{"t"}}, {FoldTags: true}} {
		out := write(t, o, recs...)
		if m := raw.FindString(out); m != "" {
			t.Errorf("raw %q in\n%s", m, out)
		}
		if !strings.Contains(out, `abc\u202etxt.exe`) {
			t.Errorf("no visible escape of U+202E in\n%s", out)
		}
	}
	// Render, as sm-query --list uses it.
	var sb strings.Builder
	if err := Render(&sb, []string{"name", "tags"}, [][]string{{"x", "t=\x1b[2J\u202e"}}); err != nil {
		t.Fatal(err)
	}
	if m := raw.FindString(sb.String()); m != "" {
		t.Errorf("Render: raw %q in\n%s", m, sb.String())
	}
}

func TestTableFolded(t *testing.T) {
	out := write(t, format.Options{Columns: []string{"host"}, FoldTags: true},
		rec(`cpu;a=1;host=web1;z=x\040y`, 1), rec(`cpu;host=web2`, 2))
	want := ` time                 name  host  tags          value 
──────────────────────────────────────────────────────
 2025-11-25 04:30:00  cpu   web1  a=1;z=x\040y      1 
 2025-11-25 04:30:00  cpu   web2                    2 
`
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}
