package decode

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"sm/internal/record"
)

// decodeNow is the clock of the tests: 2026-11-25T07:00:00Z.
func decodeNow() time.Time { return time.Unix(1795590000, 0) }

// drained is what a decoder gave: records as lines, errors as text.
type drained struct {
	recs []string
	errs []string
	raws []string // Raw after each record or error, "<nil>" for nil
}

// drain reads a whole input, checking that every record is one sm can
// store and that every error but the last is a LineError of o.File.
func drain(t testing.TB, format, input string, o Options) drained {
	t.Helper()
	if o.File == "" {
		o.File = "in"
	}
	if o.Now == nil {
		o.Now = decodeNow
	}
	d, err := New(format, strings.NewReader(input), o)
	if err != nil {
		t.Fatal(err)
	}
	var out drained
	lines := strings.Count(input, "\n") + 1
	for i := 0; ; i++ {
		if i > 1e6 {
			t.Fatal("the decoder does not end")
		}
		r, err := d.Next()
		if err == io.EOF {
			return out
		}
		raw := "<nil>"
		if b := d.Raw(); b != nil {
			raw = string(b)
		}
		out.raws = append(out.raws, raw)
		if err != nil {
			out.errs = append(out.errs, err.Error())
			var le *record.LineError
			if !errors.As(err, &le) {
				return out
			}
			if le.File != o.File || le.Line < 1 || le.Line > lines {
				t.Fatalf("error %q: file %q, line %d, in an input of %d lines", err, le.File, le.Line, lines)
			}
			continue
		}
		checkRecord(t, r)
		out.recs = append(out.recs, r.String())
	}
}

// checkRecord fails on a record that sm could not store and read back.
func checkRecord(t testing.TB, r record.Record) {
	t.Helper()
	s := string(record.AppendSeries(nil, r.Name, r.Tags))
	name, tags, err := record.ParseSeries(s)
	if err != nil {
		t.Fatalf("record %q does not parse: %v", s, err)
	}
	if name != r.Name || !slices.Equal(tags, r.Tags) {
		t.Fatalf("record %q reads back as %q %q", s, name, tags)
	}
	if err := record.CheckSeries(r.Name, slices.Clone(r.Tags)); err != nil {
		t.Fatalf("record %q: %v", s, err)
	}
	if math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
		t.Fatalf("record %q: value %v", s, r.Value)
	}
	if r.Time < 0 || r.Time > record.MaxTime {
		t.Fatalf("record %q: time %d", s, r.Time)
	}
}

func TestJSON(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
		errs     []string
	}{
		{
			name: "as sm-query writes it",
			in: `{"time":"2026-11-25T07:00:00Z","ts":1795590000,"name":"disk.used_pct","tags":{"host":"web1","mount":"/"},"value":18.62}
{"time":"2026-11-25T08:00:00+01:00","ts":1795590000,"name":"load.1m","tags":{"mount":"/mnt/my disk","host":"web1"},"value":1e+21}
`,
			want: []string{
				"disk.used_pct;host=web1;mount=/ 18.62 1795590000",
				`load.1m;host=web1;mount=/mnt/my\040disk 1e+21 1795590000`,
			},
		},
		{
			name: "ts wins over time, time over now",
			in: `{"ts":1000,"time":"2026-11-25T07:00:00Z","name":"a","value":1}
{"time":"2026-11-25T08:00:00+01:00","name":"a","value":2}
{"time":null,"ts":null,"name":"a","value":3}
{"ts":1e3,"name":"a","value":4}
{"ts":1000.9,"name":"a","value":5}
`,
			want: []string{"a 1 1000", "a 2 1795590000", "a 3 1795590000", "a 4 1000", "a 5 1000"},
		},
		{
			name: "unknown keys, no tags, white space",
			in:   "  {\"name\":\"a\", \"value\": -0, \"unit\": \"s\", \"tags\": null, \"x\": {\"y\": [1]}}  \r\n\n{\"name\":\"b\",\"tags\":{},\"value\":-1.5e-7}\n",
			want: []string{"a 0 1795590000", "b -1.5e-07 1795590000"},
		},
		{
			name: "bad lines, good ones still read",
			in: `{"name":"a","value":1,"ts":1}
not json
[1,2]
{"name":"a","value":1
{"value":1}
{"name":null,"value":1}
{"name":"a"}
{"name":"a","value":"1"}
{"name":"a","value":1e999}
{"name":"a b","value":1}
{"name":"a;b=c","value":1}
{"name":7,"value":1}
{"name":"a","tags":[],"value":1}
{"name":"a","tags":{"host":1},"value":1}
{"name":"a","tags":{"bad key":"x"},"value":1}
{"name":"a","tags":{"host":""},"value":1}
{"name":"a","tags":{"host":"~web1"},"value":1}
{"name":"a","tags":{"host":"a\u0000b"},"value":1}
{"name":"a","ts":-5,"value":1}
{"name":"a","ts":"5","value":1}
{"name":"a","ts":1795590000000,"value":1}
{"name":"a","time":"yesterday","value":1}
{"name":"a","time":"1969-12-31T23:59:59Z","value":1}
{"name":"a","time":5,"value":1}
{"name":"z","value":2,"ts":2}
`,
			// A leading "~" is carried escaped, as in a record line.
			want: []string{"a 1 1", `a;host=\176web1 1 1795590000`, "z 2 2"},
			errs: []string{
				"in:2: not a JSON object",
				"in:3: not a JSON object",
				"in:4: bad JSON: unexpected end of JSON input",
				`in:5: no "name"`,
				`in:6: no "name"`,
				`in:7: no "value"`,
				`in:8: "value" is a string, not a number`,
				`in:9: value "1e999" is out of range`,
				`in:10: metric name "a b" has byte 0x20 (names are printable ASCII)`,
				`in:11: metric name "a;b=c" has ";", which starts the tags`,
				`in:12: "name" is not a string`,
				`in:13: "tags" is not an object`,
				`in:14: tag "host" is not a string`,
				`in:15: tag name "bad key" has byte 0x20 (allowed: A-Z a-z 0-9 _ . -)`,
				`in:16: tag "host" has an empty value`,
				`in:18: tag "host": value "a\x00b" has a NUL byte`,
				`in:19: timestamp "-5" is before 1970`,
				`in:20: "ts" is a string, not a number`,
				`in:21: timestamp "1795590000000" is after the year 9999 (milliseconds instead of seconds?)`,
				`in:22: time "yesterday" is not in RFC 3339 form (2006-01-02T15:04:05Z)`,
				`in:23: timestamp "1969-12-31T23:59:59Z" is before 1970`,
				`in:24: "time" is not a string`,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := drain(t, "json", tc.in, Options{})
			if !slices.Equal(got.recs, tc.want) {
				t.Errorf("records:\n%s\nwant:\n%s", strings.Join(got.recs, "\n"), strings.Join(tc.want, "\n"))
			}
			if !slices.Equal(got.errs, tc.errs) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got.errs, "\n"), strings.Join(tc.errs, "\n"))
			}
		})
	}
}

func TestJSONRaw(t *testing.T) {
	long := `{"name":"a","value":1,"pad":"` + strings.Repeat("x", record.MaxLine) + `"}`
	in := "{\"name\":\"a\",\"value\":1}\r\n\n{\"name\":\"a\"}\n" + long + "\n{\"name\":\"b\",\"value\":2}"
	var rejected bytes.Buffer
	got := drain(t, "json", in, Options{Reject: &rejected})
	want := []string{`{"name":"a","value":1}`, `{"name":"a"}`, "<nil>", `{"name":"b","value":2}`}
	if !slices.Equal(got.raws, want) {
		t.Errorf("Raw gave %q, want %q", got.raws, want)
	}
	if rejected.String() != long+"\n" {
		t.Errorf("Reject got %d bytes, want the long line", rejected.Len())
	}
	if len(got.errs) != 2 || got.errs[1] != "in:4: line is longer than 4096 bytes" {
		t.Errorf("errors %q", got.errs)
	}
}

func FuzzJSON(f *testing.F) {
	f.Add([]byte(`{"time":"2026-11-25T07:00:00Z","ts":1795590000,"name":"disk.used_pct","tags":{"host":"web1","mount":"/"},"value":18.62}`))
	f.Add([]byte("{\"name\":\"a\",\"tags\":{\"k\":\"\\u00e9 \\t~\"},\"value\":-0}\n{\"time\":\"2026-11-25T08:00:00+01:00\",\"name\":\"b\",\"value\":1e-300}\n"))
	f.Add([]byte(`{"name":"a","tags":{"k":"\ud800"},"ts":1e3,"value":1}`))
	f.Add([]byte(`{"name":"a","value":1,"x":` + strings.Repeat("[", 70) + "\n<?xml version=\"1.0\"?>\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		drain(t, "json", string(b), Options{})
	})
}

// readTestdata reads a file under testdata, for seeds and tests.
func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
