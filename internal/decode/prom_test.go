package decode

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"sm/internal/format"
	"sm/internal/record"
)

// nodeExporter is the kind of text node_exporter serves, with sm's own
// metrics and some oddities among it.
const nodeExporter = `# HELP node_load1 1m load average.
# TYPE node_load1 gauge
node_load1 0.21
# HELP sm_disk_used_pct disk.used_pct
# TYPE sm_disk_used_pct gauge
sm_disk_used_pct{host="web1",mount="/"} 18.62
sm_disk_used_pct{mount="/mnt/my disk",host="web1"} 3 1764045000123
# HELP sm_x not.x
sm_x 1
# HELP sm_y y y
sm_y 1
sm_no_help 1
# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
x_bucket{le="0.5"} 3
x{a="",b="1"} 1e-3
x{a="q\"\\\n~"} -Inf
x{a="q\"\\\n~"} -0
  x  {  a = "1" , }	 2   999
`

func TestProm(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"node_exporter", nodeExporter, []string{
			"node_load1 0.21 1764045000",
			"disk.used_pct;host=web1;mount=/ 18.62 1764045000",
			`disk.used_pct;host=web1;mount=/mnt/my\040disk 3 1764045000`,
			"sm_x 1 1764045000",
			"sm_y 1 1764045000",
			"sm_no_help 1 1764045000",
			"http_requests_total;code=200;method=post 1027 1395066363",
			"x_bucket;le=0.5 3 1764045000",
			"x;b=1 0.001 1764045000",
			`in:18: value "-Inf" is infinite (sm stores only finite numbers)`,
			`x;a=q"\134\012~ 0 1764045000`,
			"x;a=1 2 0",
		}},
		{"help escapes", "# HELP sm_odd_name_ odd\"name\\\\\nsm_odd_name_ 1 0\n# HELP sm_q q\\\"\nsm_q 2 0\n", []string{
			`odd"name\ 1 0`,
			"sm_q 2 0",
		}},
		// expfmt refuses a second HELP line for a metric: sm refuses
		// it, and the first names the metric's samples.
		{"later help", "# HELP sm_a a\nsm_a 1 0\n# HELP sm_a something else\nsm_a 2 0\n", []string{"a 1 0", `in:3: second # HELP line for metric "sm_a"`, "a 2 0"}},
		{"eof is a comment", "x 1 0\n# EOF\nx 2 0\n", []string{"x 1 0", "x 2 0"}},
		{"errors", strings.Join([]string{
			"x NaN",
			"x +Inf",
			"x 1e999",
			"x abc",
			"x",
			`x{a="1"`,
			`x{a="1" 1`,
			`x{a=1} 1`,
			`x{a="\t"} 1`,
			`x{a "1"} 1`,
			`x{1a="b"} 1`,
			`x{a="1",a="2"} 1`,
			`x{a="1"b="2"} 1`,
			"x 1 2 3",
			"x 1 1.5",
			"x 1 -1",
			"x 1 253402300800000",
			"x 1 99999999999999999999",
			`{a="b"} 1`,
			"x-y 1",
			"x{} ",
			"x 1 # {a=\"b\"} 1",
			"x 1_2",
			"x 0x1p-3",
			"x 0X1P-3",
		}, "\n") + "\n", []string{
			`in:1: value "NaN" is not a number (sm stores only finite numbers)`,
			`in:2: value "+Inf" is infinite (sm stores only finite numbers)`,
			`in:3: value "1e999" is out of range`,
			`in:4: value "abc" is not a number`,
			`in:5: metric "x" has no value`,
			`in:6: labels have no closing "}"`,
			`in:7: expected "," or "}" after label "a", found "1"`,
			`in:8: label "a": value is not in double quotes`,
			`in:9: label "a": unknown escape "\\t" in value`,
			`in:10: label "a" has no "="`,
			`in:11: expected a label name at "1a=\"b\"} 1"`,
			`in:12: tag "a" given twice`,
			`in:13: expected "," or "}" after label "a", found "b=\"2\"} 1"`,
			`in:14: unexpected text after the timestamp: "3"`,
			`in:15: timestamp "1.5" is not an integer number of milliseconds`,
			`in:16: timestamp "-1" is before 1970`,
			`in:17: timestamp "253402300800000" is after the year 9999`,
			`in:18: timestamp "99999999999999999999" is out of range`,
			`in:19: expected a metric name at "{a=\"b\"} 1"`,
			`in:20: metric name "x" is followed by "-y 1"`,
			`in:21: metric "x" has no value`,
			`in:22: timestamp "#" is not an integer number of milliseconds`,
			`in:23: value "1_2" is not a number`,
			`in:24: value "0x1p-3" is not a decimal number`,
			`in:25: value "0X1P-3" is not a decimal number`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := decodeAllOf(t, "prom", tt.in, Options{})
			if !slices.Equal(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestOpenMetrics(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"sm", `# HELP sm_disk_used_pct disk.used_pct
# TYPE sm_disk_used_pct gauge
# UNIT sm_disk_used_pct pct
sm_disk_used_pct{host="web1",mount="/"} 18.62 1764045000
sm_disk_used_pct{host="web1",mount="/"} 18.7 1764045060.999
# HELP sm_odd_name_ odd\"name\\
sm_odd_name_ 1 1.764045e9
# EOF
`, []string{
			"disk.used_pct;host=web1;mount=/ 18.62 1764045000",
			"disk.used_pct;host=web1;mount=/ 18.7 1764045060",
			`odd"name\ 1 1764045000`,
		}},
		{"exemplars", "# TYPE foo counter\nfoo_total 17 1520879607.789 # {trace_id=\"KOO5S4vxi0o\"} 0.67\nfoo_created 1520430000.123 # {a=\"b\"} 1 2\n# EOF\n", []string{
			"foo_total 17 1520879607",
			"foo_created 1520430000.123 1764045000",
		}},
		{"times", "x 1 0.5\nx 2 +7\nx 3 -0.0\nx 4 -0.5\nx 5 1e400\nx 6 NaN\nx 7 1764045000.99999999999999999999\nx 8 1_2\nx 9 0x1p-3\nx 10 1.7e9\n# EOF\n", []string{
			"x 1 0",
			"x 2 7",
			"x 3 0",
			`in:4: timestamp "-0.5" is before 1970`,
			`in:5: timestamp "1e400" is out of range`,
			`in:6: timestamp "NaN" is not a number of seconds`,
			"x 7 1764045000",
			`in:8: timestamp "1_2" is not a number of seconds`,
			`in:9: timestamp "0x1p-3" is not a number of seconds`,
			"x 10 1700000000",
		}},
		{"quoted names", "# HELP \"a.b\" help\n{\"a.b\",\"c.d\"=\"e\"} 1 0\n{x=\"y\", \"a.b\"} 2 0\nm{\"k-1\"=\"v\"} 3 0\n{\"a b\"} 4 0\n{\"a\",\"b\"} 5 0\n{x=\"y\"} 6 0\n{\"a\\qb\"} 7 0\n# EOF\n", []string{
			"a.b;c.d=e 1 0",
			"a.b;x=y 2 0",
			"m;k-1=v 3 0",
			`in:5: metric name "a b" has byte 0x20 (names are printable ASCII)`,
			`in:6: metric "b" is named twice`,
			`in:7: expected a metric name at "{x=\"y\"} 6 0"`,
			`a\qb 7 0`,
		}},
		{"unknown escape kept", "x{a=\"b\\\\a\\z\",b=\"\\foo\"} 1 0\n# EOF\n", []string{`x;a=b\134a\134z;b=\134foo 1 0`}},
		{"after eof", "x 1 0\n# EOF\nx 2 0\nx 3 0\n", []string{"x 1 0", `in:3: text after "# EOF"`}},
		{"blank after eof", "x 1 0\n# EOF\n\n", []string{"x 1 0"}},
		{"no eof", "x 1 0\n", []string{"x 1 0", `in:2: input ends without "# EOF"`}},
		{"empty", "", []string{`in:1: input ends without "# EOF"`}},
		{"only eof", "# EOF", nil},
		{"eof with text", "# EOF now\n", []string{`in:1: comment " EOF now": OpenMetrics has only # HELP, # TYPE, # UNIT and # EOF`, `in:2: input ends without "# EOF"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := decodeAllOf(t, "openmetrics", tt.in, Options{})
			if !slices.Equal(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestPromEmpty(t *testing.T) {
	for _, in := range []string{"", "\n", "# only a comment\n", "# HELP x y\n# TYPE x gauge\n"} {
		if got, _ := decodeAllOf(t, "prom", in, Options{}); len(got) != 0 {
			t.Errorf("%q: got %q", in, got)
		}
	}
}

// TestPromRaw: a sample's Raw is its line; the error at the end of an
// OpenMetrics input without # EOF has none.
func TestPromRaw(t *testing.T) {
	_, raws := decodeAllOf(t, "openmetrics", "# HELP sm_a a\r\n  sm_a 1 0 \r\nx NaN", Options{})
	if want := []string{"  sm_a 1 0 ", "x NaN", ""}; !slices.Equal(raws, want) {
		t.Errorf("got %q, want %q", raws, want)
	}
}

// fuzzPromDecoder checks that the prom or openmetrics decoder never
// panics, gives only legal records and line errors, and that a record
// it gives, written in the same format, reads back the same: but for its
// time in prom, and for tag keys that are not label names.
func fuzzPromDecoder(t *testing.T, name string, in []byte) {
	d, _ := New(name, bytes.NewReader(in), Options{File: "fuzz", Now: func() time.Time { return rtNow }})
	for range 2*len(in) + 10 {
		rec, err := d.Next()
		if len(d.Raw()) > record.MaxLine {
			t.Fatalf("Raw() is %d bytes", len(d.Raw()))
		}
		if err == io.EOF {
			return
		}
		if err != nil {
			if _, ok := err.(*record.LineError); !ok {
				t.Fatalf("error %v is not a *record.LineError", err)
			}
			continue
		}
		checkLegalRecord(t, rec)
		if !validUTF8Tags(rec.Tags) {
			continue // the writer makes the bytes U+FFFD
		}
		text, err := writeRecords(t, name, []record.Record{rec}, format.Options{})
		if err != nil {
			continue // tags that become the same label: _a and tag__a
		}
		if longestLine(text) > record.MaxLine {
			continue // a long name makes a HELP line longer than a reader takes
		}
		want := rec
		want.Tags = slices.Clone(rec.Tags)
		for i, tag := range want.Tags {
			want.Tags[i].Key = format.PromLabel(tag.Key)
		}
		if err := record.SortTags(want.Tags); err != nil {
			t.Fatal(err)
		}
		if name == "prom" {
			want.Time = rtNow.Unix()
		}
		back, _ := decodeAllOf(t, name, text, Options{})
		if len(back) != 1 || back[0] != want.String() {
			t.Fatalf("%q read as %q, written as %q, read back as %q", in, rec.String(), text, back)
		}
	}
	t.Fatalf("no end to the records of %q", in)
}

var promSeeds = []string{
	nodeExporter,
	"# HELP sm_odd_name_ odd\"name\\\\\nsm_odd_name_ 1 0\n",
	"x{a=\"1\",a=\"2\"} 1\nx{a=\"\\t\"} 1\nx 1 -1\nx 0x1p3\n",
	"# HELP sm_disk_used_pct disk.used_pct\nsm_disk_used_pct{_a=\"x\",tag__a=\"y\"} 1 0\n",
	"foo_total 17 1520879607.789 # {trace_id=\"KOO5S4vxi0o\"} 0.67\n# EOF\nx 1\n",
	"x 1 1.764045e9\nx 2 -0.5\n",
	"x{a=\"\xa9\"} 1 0\n",
}

func FuzzProm(f *testing.F) {
	f.Add([]byte("A0" + strings.Repeat("Z", 3900) + "C .0"))
	f.Add([]byte("# HELP sm_a a\n# HELP sm_a b\n# HELP sm_a a\nsm_a 1\n"))
	for _, s := range promSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) { fuzzPromDecoder(t, "prom", in) })
}

func FuzzOpenMetrics(f *testing.F) {
	f.Add([]byte("  " + strings.Repeat("H", 2870) + "  0"))
	for _, s := range promSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) { fuzzPromDecoder(t, "openmetrics", in) })
}
