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
	"# TYPE h histogram\nh_bucket{le=\"1\"} 2 0 # {a=\"b\"} 1 0\nh_bucket{le=\"+Inf\"} 1 0\nh_count 1 0\n# TYPE s stateset\ns{s=\"a\"} 1 0\n# EOF\n",
	"# TYPE a counter\n# UNIT a_s s\na_total -1 0\n# HELP a x\n# TYPE a gauge\nb 1 0\na 1 0\n\n# EOF\n",
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

// TestPromRules: a line that breaks a rule of its format is refused,
// with the lines around it kept; a rule sm reads past is warned of, once
// per kind and input.
func TestPromRules(t *testing.T) {
	const om, prom = "openmetrics", "prom"
	tests := []struct {
		name, format, in string
		want, warns      []string
	}{
		// Prometheus' text format.
		{"prom cut last line", prom, "a 1 0\nb 2 0", []string{"a 1 0", "in:2: last line cut short: no newline at its end"}, nil},
		{"prom second help", prom, "# HELP a x\n# HELP a y\na 1 0\n", []string{`in:2: second # HELP line for metric "a"`, "a 1 0"}, nil},
		{"prom second type", prom, "# TYPE a gauge\n# TYPE a counter\na 1 0\n", []string{`in:2: second # TYPE line for metric "a"`, "a 1 0"}, nil},
		{"prom type after samples", prom, "a 1 0\n# TYPE a gauge\na 2 0\n", []string{"a 1 0", `in:2: # TYPE line for metric "a" comes after its samples`, "a 2 0"}, nil},
		{"prom unknown type", prom, "# TYPE a bla\na 1 0\n", []string{`in:1: metric "a": unknown type "bla"`, "a 1 0"}, nil},
		{"prom gauge histogram", prom, "# TYPE a gaugehistogram\n# TYPE b gauge_histogram\n", nil, nil},
		{"prom bad name in comment", prom, "# TYPE met-ric gauge\n# HELP 1a x\n", []string{`in:1: # TYPE line: expected a metric name at "met-ric gauge"`, `in:2: # HELP line: expected a metric name at "1a x"`}, nil},
		{"prom comment without text", prom, "# HELP\n# TYPE a\n# HELP a \n# HELP a\n", nil, nil},
		{"prom le", prom, "# TYPE h histogram\nh_bucket{le=\"bla\"} 1 0\nh_bucket{le=\"0x1p-3\"} 1 0\nh_bucket{le=\"+Inf\"} 1 0\n", []string{`in:2: histogram "h": le "bla" is not a number`, `in:3: histogram "h": le "0x1p-3" is not a number`, "h_bucket;le=+Inf 1 0"}, nil},
		{"prom quantile", prom, "# TYPE s summary\ns{quantile=\"bla\"} 1 0\ns{quantile=\"0.5\"} 1 0\ns_sum -1 0\n", []string{`in:2: summary "s": quantile "bla" is not a number`, "s;quantile=0.5 1 0", "s_sum -1 0"}, nil},
		{"prom negative histogram", prom, "# TYPE h histogram\nh_bucket{le=\"1\"} -1 0\nh_count -2 0\nh_sum -3 0\n", []string{`in:2: histogram "h" has a negative bucket count`, `in:3: histogram "h" has a negative count`, "h_sum -3 0"}, nil},
		{"prom __name__", prom, "a{__name__=\"b\"} 1 0\n", []string{`in:1: label name "__name__" is reserved for the metric's name`}, nil},
		// expfmt refuses a label value that is not UTF-8; sm carries its
		// bytes escaped, as every reader does (TestOneTagRule).
		{"prom not utf-8", prom, "a{l=\"\xbd\"} 1 0\n", []string{`a;l=\275 1 0`}, nil},
		// OpenMetrics: refused lines.
		{"om free comment", om, "# some words\na 1 0\n# EOF\n", []string{`in:1: comment " some words": OpenMetrics has only # HELP, # TYPE, # UNIT and # EOF`, "a 1 0"}, nil},
		{"om malformed metadata", om, "# HELP\n# TYPE a\n# UNIT a\t\n# TYPE  a gauge\n# EOF\n", []string{
			"in:1: # HELP line has no metric name",
			`in:2: # TYPE line for "a" has no text after the name`,
			`in:3: # UNIT line: expected a metric name at "a\t"`,
			`in:4: # TYPE line: expected a metric name at " a gauge"`,
		}, nil},
		{"om types", om, "# TYPE a untyped\n# TYPE b meh\n# TYPE c gauge \n# EOF\n", []string{
			`in:1: "a": type "untyped" is Prometheus's; OpenMetrics says "unknown"`,
			`in:2: "b": unknown type "meh"`,
			`in:3: "c": unknown type "gauge "`,
		}, nil},
		{"om repeated metadata", om, "# HELP a x\n# HELP a y\n# TYPE a gauge\n# TYPE a gauge\n# UNIT a \n# UNIT a \na 1 0\n# EOF\n", []string{
			`in:2: second # HELP line for "a"`, `in:4: second # TYPE line for "a"`, `in:6: second # UNIT line for "a"`, "a 1 0",
		}, nil},
		{"om metadata after samples", om, "# TYPE a gauge\na 1 0\n# HELP a x\na 2 1\n# EOF\n", []string{"a 1 0", `in:3: # HELP line for "a" comes after its samples`, "a 2 1"}, nil},
		{"om unit", om, "# UNIT a seconds\n# TYPE b_u info\n# UNIT b_u u\n# UNIT c_u u\n# TYPE c_u stateset\n# EOF\n", []string{
			`in:1: metric "a" does not end in its unit "_seconds"`, `in:3: info "b_u" may not have a unit`, `in:5: stateset "c_u" may not have a unit`,
		}, nil},
		{"om clashing names", om, "# TYPE a_created gauge\n# TYPE a counter\n# TYPE b gauge\nb 1 0\nc 1 0\nb 2 1\n# EOF\n", []string{
			`in:2: metric "a": name "a_created" is taken by an earlier family`, "b 1 0", "c 1 0",
			`in:6: metric "b" comes again after other families, or clashes with a name of one`,
		}, nil},
		{"om negative values", om, "# TYPE a counter\na_total -1 0\na_total 1 0\na_created -1 0\n# TYPE h histogram\nh_sum -1 0\n# TYPE g gaugehistogram\ng_gcount -1 0\n# EOF\n", []string{
			`in:2: counter "a" has a negative value`, "a_total 1 0", "a_created -1 0", `in:6: histogram "h" has a negative _sum`, `in:8: gaugehistogram "g" has a negative _gcount`,
		}, nil},
		{"om summary", om, "# TYPE s summary\ns 1 0\ns{quantile=\"1.01\"} 1 0\ns{quantile=\"NaN\"} 1 0\ns{quantile=\"0.5\"} -1 0\ns{quantile=\"0.5\"} 2 0\n# EOF\n", []string{
			`in:2: summary "s": quantile "" is not a number from 0 to 1`, `in:3: summary "s": quantile "1.01" is not a number from 0 to 1`,
			`in:4: summary "s": quantile "NaN" is not a number from 0 to 1`, `in:5: summary "s" has a negative quantile`, "s;quantile=0.5 2 0",
		}, nil},
		{"om le", om, "# TYPE h histogram\nh_bucket 0 0\nh_bucket{le=\"+INF\"} 0 0\nh_bucket{le=\"+Inf\"} 0 0\nh_count 0 0\nh_sum 0 0\n# EOF\n", []string{
			`in:2: histogram "h": le "" is not a number`, `in:3: histogram "h": le "+INF" is not a number`, "h_bucket;le=+Inf 0 0", "h_count 0 0", "h_sum 0 0",
		}, nil},
		{"om stateset and info", om, "# TYPE s stateset\ns 1 0\ns{s=\"a\"} 2 0\ns{s=\"a\"} 1 0\n# TYPE i info\ni_info{a=\"b\"} 2 0\ni_info{a=\"b\"} 1 0\n# EOF\n", []string{
			`in:2: stateset "s": sample has no label "s"`, `in:3: stateset "s" has a value other than 0 and 1`, "s;s=a 1 0",
			`in:6: info "i" has a value other than 1`, "i_info;a=b 1 0",
		}, nil},
		// OpenMetrics: rules read past, with a warning once per kind.
		{"om exemplars", om, "# TYPE a gauge\na 1 0 # {a=\"b\"} 1\na 2 1 # {a=\"b\"} 1\n# TYPE c counter\nc_total 1 0 # {} 0x1p-3\n# EOF\n", []string{"a 1 0", "a 2 1", "c_total 1 0"}, []string{
			`in:2: "a" may not have an exemplar: only a counter's _total and a histogram's _bucket may (` + warnExemplar + `; said once per input)`,
		}},
		{"om exemplar syntax", om, "# TYPE c counter\nc_total 1 0 # {a=\"" + strings.Repeat("x", 128) + "\"} 1\n# EOF\n", []string{"c_total 1 0"}, []string{
			`in:2: exemplar of "c_total": labels of 129 characters, more than 128 (` + warnExemplar + `; said once per input)`,
		}},
		{"om histogram", om, "# TYPE h histogram\nh_bucket{le=\"2\"} 1 0\nh_bucket{le=\"1\"} 0 0\nh_bucket{le=\"+Inf\"} 1 0\n# TYPE i histogram\ni_sum 1 0\n# EOF\n", []string{
			"h_bucket;le=2 1 0", "h_bucket;le=1 0 0", "h_bucket;le=+Inf 1 0", "i_sum 1 0",
		}, []string{`in:3: histogram "h": buckets out of order (` + warnHistogram + `; said once per input)`}},
		{"om histogram at its end", om, "# TYPE h gaugehistogram\nh_bucket{le=\"+Inf\"} 0 0\nh_gsum 0 0\n# EOF\n", []string{"h_bucket;le=+Inf 0 0", "h_gsum 0 0"}, []string{
			`in:2: gaugehistogram "h" has a _gsum without a _gcount (` + warnHistogram + `; said once per input)`,
		}},
		{"om order", om, "# TYPE a gauge\na 0 1\na 1 0\na{b=\"c\"} 2 0\na 3 2\n# EOF\n", []string{"a 0 1", "a 1 0", "a;b=c 2 0", "a 3 2"}, []string{
			`in:3: the timestamps of "a" go back (` + warnOrder + `; said once per input)`,
		}},
		{"om spacing", om, "a  1 0\n\na{b=\"c\",} 2 0\n# EOF\n", []string{"a 1 0", "a;b=c 2 0"}, []string{
			`in:1: extra blanks or tabs (` + warnSpacing + `; said once per input)`,
		}},
		{"om empty line", om, "a 1 0\n\n# EOF\n", []string{"a 1 0"}, []string{
			`in:2: an empty line (` + warnSpacing + `; said once per input)`,
		}},
		{"om comma", om, "a{b=\"c\",} 2 0\n# EOF\n", []string{"a;b=c 2 0"}, []string{
			`in:1: a comma before "}" (` + warnSpacing + `; said once per input)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var warns []string
			got, _ := decodeAllOf(t, tt.format, tt.in, Options{Warn: func(err error) { warns = append(warns, err.Error()) }})
			if !slices.Equal(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if !slices.Equal(warns, tt.warns) {
				t.Errorf("warnings\n%s\nwant\n%s", strings.Join(warns, "\n"), strings.Join(tt.warns, "\n"))
			}
		})
	}
}

// TestPromFamilyBound: past maxFamilies metric names, a line that would
// need one more is refused, and the others are read.
func TestPromFamilyBound(t *testing.T) {
	defer func(n int) { maxFamilies = n }(maxFamilies)
	maxFamilies = 2
	got, _ := decodeAllOf(t, "prom", "a 1 0\nb 1 0\nc 1 0\na 2 0\n", Options{})
	want := []string{"a 1 0", "b 1 0", `in:3: metric "c": more than 2 metric names in one input`, "a 2 0"}
	if !slices.Equal(got, want) {
		t.Errorf("prom: got %q, want %q", got, want)
	}
	got, _ = decodeAllOf(t, "openmetrics", "a 1 0\nb 1 0\nc 1 0\n# EOF\n", Options{})
	want = []string{"a 1 0", "b 1 0", `in:3: metric "c": more than 2 metric names in one input`}
	if !slices.Equal(got, want) {
		t.Errorf("openmetrics: got %q, want %q", got, want)
	}
}
