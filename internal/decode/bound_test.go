package decode

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"sm/internal/record"
)

// A lazyReader gives head, then body n times, then tail, without
// holding more than those: a 400 MB input costs what the decoder reads
// of it. read counts the bytes given.
type lazyReader struct {
	head, body, tail string
	n                int64
	off              int64
	read             int64
}

func (l *lazyReader) Read(p []byte) (int, error) {
	i := 0
	for i < len(p) {
		var piece string
		mid := int64(len(l.head)) + l.n*int64(len(l.body))
		switch {
		case l.off < int64(len(l.head)):
			piece = l.head[l.off:]
		case l.off < mid:
			k := (l.off - int64(len(l.head))) % int64(len(l.body))
			piece = l.body[k:]
			if left := mid - l.off; int64(len(piece)) > left {
				piece = piece[:left]
			}
		case l.off < mid+int64(len(l.tail)):
			piece = l.tail[l.off-mid:]
		default:
			l.read += int64(i)
			if i == 0 {
				return 0, io.EOF
			}
			return i, nil
		}
		c := copy(p[i:], piece)
		i += c
		l.off += int64(c)
	}
	l.read += int64(i)
	return i, nil
}

// drainAll reads r to its end with a decoder of format, as drain does a
// string, and returns the records and the errors.
func drainAll(t *testing.T, format string, r io.Reader, o Options) drained {
	t.Helper()
	o.File = "in"
	if o.Now == nil {
		o.Now = decodeNow
	}
	d, err := New(format, r, o)
	if err != nil {
		t.Fatal(err)
	}
	var out drained
	for {
		rec, err := d.Next()
		switch {
		case err == io.EOF:
			return out
		case err != nil:
			out.errs = append(out.errs, err.Error())
			var le *record.LineError
			if !errors.As(err, &le) {
				return out
			}
		default:
			out.recs = append(out.recs, rec.String())
		}
	}
}

// lower sets a bound for the rest of a test, so that it is met without
// an input of its size.
func lower(t *testing.T, bound *int, v int) {
	old := *bound
	*bound = v
	t.Cleanup(func() { *bound = old })
}

func TestJSONScan(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	long := func(n int) string { return `"` + strings.Repeat("x", n-2) + `"` }
	for _, tc := range []struct {
		name, in, err string
	}{
		{"nested 64 deep", deep(64), ""},
		{"nested 65 deep", deep(65), "JSON nested more than 64 deep"},
		{"objects nested 65 deep", strings.Repeat(`{"a":`, 65), "JSON nested more than 64 deep"},
		{"brackets in a string", `"` + strings.Repeat("[", 100) + `"`, ""},
		{"a string of the bound", long(maxToken), ""},
		{"a string past it", long(maxToken + 1), "JSON string longer than 65536 bytes"},
		{"escaped quotes inside", `"` + strings.Repeat(`\"`, maxToken/2) + `"`, "JSON string longer than 65536 bytes"},
		{"short strings side by side", strings.Repeat(`"ab",`, maxToken), ""},
		{"a number past the bound", "[" + strings.Repeat("1", maxToken+1) + "]", "JSON number or word longer than 65536 bytes"},
		{"numbers side by side", strings.Repeat("1, ", maxToken), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkJSON([]byte(tc.in))
			if got := fmt.Sprint(err); tc.err == "" && err != nil || tc.err != "" && got != tc.err {
				t.Errorf("got %v, want %q", err, tc.err)
			}
		})
	}
}

func TestXMLScan(t *testing.T) {
	over := strings.Repeat("x", maxToken)
	for _, tc := range []struct {
		name, in, err string
	}{
		{"text of the bound", "<a>" + over[1:] + "</a>", ""},
		{"text past it", "<a>" + over + "x</a>", "XML text longer than 65536 bytes"},
		{"text in pieces", strings.Repeat("<a>"+over[:1000]+"</a>", 200), ""},
		{"a tag past the bound", "<a b=\"" + over + "\">", "XML markup longer than 65536 bytes"},
		{"> in a quoted attribute", "<a b=\"" + strings.Repeat(">", maxToken) + "\">", "XML markup longer than 65536 bytes"},
		{"> in a comment", "<!--" + strings.Repeat(">", maxToken) + "-->", "XML markup longer than 65536 bytes"},
		{"--> ends a comment", strings.Repeat("<!-- x -->", maxToken), ""},
		{"> in CDATA", "<a><![CDATA[" + strings.Repeat("]>", maxToken/2) + "]]></a>", "XML markup longer than 65536 bytes"},
		{"> in an instruction", "<?x " + strings.Repeat(">", maxToken) + "?>", "XML markup longer than 65536 bytes"},
		{"> nested in a directive", "<!DOCTYPE a [" + strings.Repeat("<!ENTITY b 'c'>", maxToken/15) + "]>", "XML markup longer than 65536 bytes"},
		{"a doctype", "<!DOCTYPE rrd SYSTEM \"https://oss.oetiker.ch/rrdtool/rrdtool.dtd\">" + strings.Repeat("<a/>", maxToken), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s xmlScan
			var err error
			for i := 0; i < len(tc.in) && err == nil; i++ {
				err = s.step(tc.in[i])
			}
			if got := fmt.Sprint(err); tc.err == "" && err != nil || tc.err != "" && got != tc.err {
				t.Errorf("got %v, want %q", err, tc.err)
			}
		})
	}
}

// TestHostile meets each reader that nests, or reads a document, with
// input past its bounds: one error naming the line, and no more of the
// input read than the bound and a buffer.
func TestHostile(t *testing.T) {
	const sadfTop = `{"sysstat": {"hosts": [{"nodename": "web1", "statistics": [` + "\n"
	const sadfStat = `{"timestamp": {"date": "2026-11-24", "time": "10:10:00", "utc": 1}, "queue": {"ldavg-1": 1.00}}`
	for _, tc := range []struct {
		name, format string
		in           *lazyReader
		recs         []string
		err          string
		lowered      func(t *testing.T)
	}{
		{
			name: "json, 5 MB of [", format: "json",
			in:  &lazyReader{body: "[", n: 5 << 20},
			err: "in:1: line is longer than 4096 bytes",
		},
		{
			name: "json, a line nested 65 deep", format: "json",
			in:  &lazyReader{head: `{"name":"a","value":1,"x":`, body: "[", n: 65, tail: "\n"},
			err: "in:1: JSON nested more than 64 deep",
		},
		{
			name: "sadf, 5 MB of [", format: "sadf",
			in:  &lazyReader{body: "[", n: 5 << 20},
			err: "in:1: line is longer than 4096 bytes",
		},
		{
			name: "sadf -j, 5 MB of [", format: "sadf",
			in:  &lazyReader{head: `{"x": `, body: "[", n: 5 << 20},
			err: "in:1: JSON nested more than 64 deep",
		},
		{
			name: "sadf -j, nested deep in statistics after a good one", format: "sadf",
			in:   &lazyReader{head: sadfTop + sadfStat + ",\n" + `{"x": `, body: "{\"a\":\n", n: 5 << 20},
			recs: []string{"load.1m;host=web1 1 1795515000"},
			err:  "in:61: JSON nested more than 64 deep",
		},
		{
			name: "sadf -j, a 400 MB string", format: "sadf",
			in:   &lazyReader{head: sadfTop + sadfStat + ",\n" + `{"x": "`, body: "x", n: 400 << 20},
			recs: []string{"load.1m;host=web1 1 1795515000"},
			err:  "in:3: JSON string longer than 65536 bytes",
		},
		{
			name: "sadf -j, a 400 MB number", format: "sadf",
			in:  &lazyReader{head: sadfTop + `{"x": `, body: "1", n: 400 << 20},
			err: "in:2: JSON number or word longer than 65536 bytes",
		},
		{
			name: "sadf -j, an element of too many values", format: "sadf",
			in:  &lazyReader{head: sadfTop + `{"x": [`, body: "0,", n: maxSadfValues + 1},
			err: "in:2: an element of sadf -j holds more than 262144 values",
		},
		{
			name: "sadf -j, an element too long", format: "sadf",
			in:  &lazyReader{head: sadfTop + `{"x": [`, body: `"` + strings.Repeat("x", 1000) + `",`, n: maxSadfElement / 1000},
			err: "in:2: an element of sadf -j is longer than 8388608 bytes",
		},
		{
			name: "sadf -j, a value above the statistics too long", format: "sadf",
			in:  &lazyReader{head: `{"sysstat": {"x": [`, body: `"` + strings.Repeat("x", 1000) + `",`, n: maxSadfElement / 1000},
			err: "in:1: an element of sadf -j is longer than 8388608 bytes",
		},
		{
			name: "rrd, a 400 MB text node", format: "rrd",
			in:  &lazyReader{head: "<rrd>\n<version>", body: "0", n: 400 << 20},
			err: "in:2: XML text longer than 65536 bytes",
		},
		{
			name: "rrd, a 400 MB comment", format: "rrd",
			in:  &lazyReader{head: "<rrd>\n<!--", body: "<>\n", n: 400 << 20},
			err: "in:21846: XML markup longer than 65536 bytes",
		},
		{
			name: "rrd, 5 MB of elements nested", format: "rrd",
			in:  &lazyReader{head: "<rrd>", body: "<a>", n: 5 << 20},
			err: "in:1: XML nested more than 64 deep",
		},
		{
			name: "rrd, a long data source name", format: "rrd",
			in:  &lazyReader{head: "<rrd>\n<ds><name>", body: "a", n: 2000, tail: "</name></ds></rrd>"},
			err: "in:2: data source name is longer than 1024 bytes",
		},
		{
			name: "rrd, a long legend entry", format: "rrd",
			in:  &lazyReader{head: "<xport><meta>\n<legend><entry>", body: "a", n: 2000, tail: "</entry></legend></meta></xport>"},
			err: "in:2: legend entry is longer than 1024 bytes",
		},
		{
			name: "rrd, a long step", format: "rrd",
			in:  &lazyReader{head: "<rrd>\n<step>", body: "1", n: 2000, tail: "</step></rrd>"},
			err: `in:2: <step>: "1111111111111111111111111111111111111111"... is not a whole number`,
		},
		{
			name: "rrd, too many data sources", format: "rrd",
			in:  &lazyReader{head: "<rrd>\n", body: "<ds><name>a</name></ds>", n: maxRRDColumns + 1, tail: "</rrd>"},
			err: "in:2: more than 4096 data sources",
		},
		{
			name: "rrd, too many legend entries", format: "rrd",
			in:  &lazyReader{head: "<xport><meta><legend>\n", body: "<entry>a</entry>", n: maxRRDColumns + 1, tail: "</legend></meta></xport>"},
			err: "in:2: more than 4096 legend entries",
		},
		{
			name: "rrd, an export row too long", format: "rrd",
			in:  &lazyReader{head: "<xport><meta><columns>1</columns></meta><data><row>\n", body: "<v>1</v>", n: maxRRDColumns + 1, tail: "</row></data></xport>"},
			err: "in:2: row of more than 4096 values",
		},
		{
			name: "rrd, a dump of too many values", format: "rrd",
			in: &lazyReader{
				head: "<rrd>\n<step>60</step>\n<lastupdate>6000</lastupdate>\n<ds><name>a</name></ds>\n" +
					"<rra><cf>AVERAGE</cf><pdp_per_row>1</pdp_per_row><database>\n",
				body: "<row><v>1</v></row>", n: 1 << 20},
			err:     "in:6: dump of more than 1000 values held at once: rrdtool xport gives them a row at a time",
			lowered: func(t *testing.T) { lower(t, &maxRRDValues, 1000) },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.lowered != nil {
				tc.lowered(t)
			}
			got := drainAll(t, tc.format, tc.in, Options{Name: "x"})
			if want := []string{tc.err}; !slices.Equal(got.errs, want) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got.errs, "\n"), tc.err)
			}
			if !slices.Equal(got.recs, tc.recs) {
				t.Errorf("records %q, want %q", got.recs, tc.recs)
			}
			// What the decoder read, held or not: the bound, the
			// buffers, and for sadf -j an element.
			if limit := int64(maxSadfElement + 1<<20); tc.in.read > limit {
				t.Errorf("read %d bytes of the input, more than %d", tc.in.read, limit)
			}
		})
	}
}

// TestNotThisFormat gives each reader what is not its format: an error,
// never an exit 0 with nothing stored. An empty input is an error for
// the formats that are one document or end with a mark (rrd, sadf,
// openmetrics), and no error for the others, as for an empty file of
// records.
func TestNotThisFormat(t *testing.T) {
	inputs := []struct{ name, in string }{
		{"empty", ""},
		{"blank", "\n \n"},
		{"text", "hello world\nfoo bar\n"},
		{"XML", "<?xml version=\"1.0\"?>\n<foo><bar>1</bar></foo>\n"},
		{"JSON", "{\"a\": 1}\n"},
		{"JSON array", "[1, 2]\n"},
	}
	emptyBad := map[string]bool{"rrd": true, "sadf": true, "openmetrics": true}
	for _, format := range Names() {
		for _, in := range inputs {
			t.Run(format+"/"+in.name, func(t *testing.T) {
				got := drain(t, format, in.in, Options{Name: "x"})
				if len(got.recs) > 0 {
					t.Errorf("records %q", got.recs)
				}
				empty := strings.TrimSpace(in.in) == ""
				if want := !empty || emptyBad[format]; (len(got.errs) > 0) != want {
					t.Errorf("errors %q, want some: %v", got.errs, want)
				}
			})
		}
	}
	for _, tc := range []struct{ format, in, err string }{
		{"sadf", "", "in:1: empty input: no sadf -d header nor sadf -j document"},
		{"sadf", "\n\n", "in:2: empty input: no sadf -d header nor sadf -j document"},
		{"sadf", `{"a": 1}`, `in:1: not sadf -j's JSON: no "sysstat" object`},
		{"sadf", "{\"sysstat\": {\n\"x\": 1}}", `in:2: not sadf -j's JSON: no "hosts" in "sysstat"`},
		{"rrd", "", "in:1: no root element: neither <rrd> (rrdtool dump) nor <xport> (rrdtool xport)"},
		{"rrd", "<?xml version=\"1.0\"?>\n<!-- nothing -->\n", "in:3: no root element: neither <rrd> (rrdtool dump) nor <xport> (rrdtool xport)"},
		{"rrd", "\n\n  hello world\nfoo\n", `in:3: not XML: text "hello world" before the root element`},
		{"rrd", `{"a": 1}`, `in:1: not XML: text "{\"a\": 1}" before the root element`},
	} {
		t.Run(tc.format+"/"+tc.err, func(t *testing.T) {
			got := drain(t, tc.format, tc.in, Options{Name: "x"})
			if want := []string{tc.err}; !slices.Equal(got.errs, want) {
				t.Errorf("errors %q, want %q", got.errs, want)
			}
		})
	}
}

// TestPromNamesBound gives more HELP names than are held: the one past
// the bound is an error, and its samples keep their Prometheus name;
// the names held before still count.
func TestPromNamesBound(t *testing.T) {
	var b strings.Builder
	n := 0
	for held := 0; held <= maxPromNames; n++ {
		name := fmt.Sprintf("m.metric%06d", n)
		fmt.Fprintf(&b, "# HELP sm_m_metric%06d %s\n", n, name)
		held += len(name) + len("sm_") + len(name)
	}
	fmt.Fprintf(&b, "sm_m_metric%06d 1 1795515000000\nsm_m_metric%06d 2 1795515000000\n", 0, n-1)
	got := drain(t, "prom", b.String(), Options{})
	want := []string{fmt.Sprintf(`in:%d: HELP lines name more than 1048576 bytes of sm metrics: "sm_m_metric%06d" keeps its Prometheus name`, n, n-1)}
	if !slices.Equal(got.errs, want) {
		t.Errorf("errors %q, want %q", got.errs, want)
	}
	recs := []string{"m.metric000000 1 1795515000", fmt.Sprintf("sm_m_metric%06d 2 1795515000", n-1)}
	if !slices.Equal(got.recs, recs) {
		t.Errorf("records %q, want %q", got.recs, recs)
	}
}
