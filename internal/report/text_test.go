package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
)

// hostileReport has names and tags that would act on a terminal, or
// make HTML, links or new columns in Markdown, were they written as
// they are.
func hostileReport(evil string) *Report {
	from := time.Date(2026, 11, 18, 7, 0, 0, 0, time.UTC)
	to := from.Add(7*24*time.Hour - time.Second)
	spark := make([]Bucket, SparkBuckets)
	return &Report{From: from, To: to, End: to,
		Highlights: []Highlight{
			{Level: Critical, Kind: KindThreshold, Host: evil, Label: evil, Op: ">", Value: 3, Threshold: 2, Ongoing: true, Since: from},
			{Level: Warning, Kind: KindForecast, Host: evil, Label: "disk.used_pct " + evil, Value: 90, PerDay: 1},
		},
		Busiest: []Busiest{{Host: evil, Series: evil, Hour: from, Avg: 1}},
		Hosts: []Host{{Name: evil, LastSeen: to, Groups: []Group{{Name: "other", Title: "other", Rows: []Row{
			{Label: evil, Spark: spark},
		}}}}},
	}
}

// rawControl matches a control character other than a line feed, or a
// bidirectional control.
var rawControl = regexp.MustCompile("[\x00-\x09\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]")

func TestTextInert(t *testing.T) {
	for _, evil := range []string{"\x1b]52;c;aGk=\x07", "\x1b[2J", "x\nOK - all fine", "a\rb", "abc\u202etxt", "\u009b2J", "a\tb\x7f"} {
		for name, write := range map[string]func(*bytes.Buffer, *Report) error{
			"text":     func(b *bytes.Buffer, r *Report) error { return WriteText(b, r) },
			"markdown": func(b *bytes.Buffer, r *Report) error { return WriteMarkdown(b, r) },
		} {
			var b bytes.Buffer
			if err := write(&b, hostileReport(evil)); err != nil {
				t.Fatal(err)
			}
			if m := rawControl.FindString(b.String()); m != "" {
				t.Errorf("%s of %q: raw %q in\n%s", name, evil, m, b.String())
			}
			if strings.Contains(b.String(), "\nOK - all fine") {
				t.Errorf("%s of %q: a line forged:\n%s", name, evil, b.String())
			}
		}
	}
}

func TestMarkdownEscapes(t *testing.T) {
	const evil = `<script>alert(1)</script><img src=x onerror=alert(1)>&lt;b|c [x](http://e/) *b* _i_ ` + "`c`" + ` \x`
	var b bytes.Buffer
	if err := WriteMarkdown(&b, hostileReport(evil)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"<script", "<img", "&lt;b", "b|c", "[x]", "*b*", "_i_", "`c`"} {
		if strings.Contains(out, bad) {
			t.Errorf("%q reached the Markdown:\n%s", bad, out)
		}
	}
	want := `&lt;script>alert(1)&lt;/script>&lt;img src=x onerror=alert(1)>&amp;lt;b\|c \[x\](http://e/) \*b\* \_i\_ ` + "\\`c\\`" + ` \\x`
	if !strings.Contains(out, "| "+want) {
		t.Errorf("no cell %s in\n%s", want, out)
	}
	// Every row of a table has as many cells as its header.
	for line := range strings.Lines(out) {
		if strings.HasPrefix(line, "|") {
			if n := strings.Count(line, "|") - strings.Count(line, `\|`); n != 5 && n != 10 {
				t.Errorf("%d cells in %q", n-1, line)
			}
		}
	}
}

// TestTablesReused checks that a printer's tables, which share one
// tablewriter table, come out as tables of their own would: a table
// with a header after one without, narrower, with other alignments and
// fewer columns, keeps nothing of the one before.
func TestTablesReused(t *testing.T) {
	tables := []struct {
		header []string
		rows   [][]string
		align  string
	}{
		{nil, [][]string{{"critical", "web1", "disk.used_pct / at 97 %, for 3 days"}, {"warning", "db2", "load.1m"}}, "lll"},
		{[]string{"host", "avg"}, [][]string{{"a", "1.5"}, {"web10", "12"}}, "lr"},
		{[]string{"memory", "min", "max", "trend"}, [][]string{{"mem.used_pct", "6.16", "25.7", "▁▂█"}}, "lrrl"},
		{nil, [][]string{{"x"}}, "r"},
	}
	for _, md := range []bool{false, true} {
		var shared, alone bytes.Buffer
		p := &printer{w: &shared, md: md}
		for _, tb := range tables {
			p.table(tb.header, clone(tb.rows), tb.align)
			q := &printer{w: &alone, md: md}
			q.table(tb.header, clone(tb.rows), tb.align)
			if p.err != nil || q.err != nil {
				t.Fatal(p.err, q.err)
			}
		}
		if shared.String() != alone.String() {
			t.Errorf("markdown %v: tables of one printer:\n%s\ntables each of its own:\n%s", md, shared.String(), alone.String())
		}
	}
}

func clone(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = append([]string(nil), r...)
	}
	return out
}
