package record

import (
	"errors"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

const now = 1764045000

func TestParse(t *testing.T) {
	tests := []struct {
		line string
		want Record
	}{
		{"load.5m;host=web1 0.27 1764045000", Record{"load.5m", []Tag{{"host", "web1"}}, 0.27, 1764045000}},
		{"disk.used_pct;mount=/;host=web1 18.62 1764045000", Record{"disk.used_pct", []Tag{{"host", "web1"}, {"mount", "/"}}, 18.62, 1764045000}},
		{"backup.duration_s 42", Record{"backup.duration_s", nil, 42, now}},
		{"x 42 -1", Record{"x", nil, 42, now}},
		{"x\t 1.5e3 \t1700000000.75  ", Record{"x", nil, 1500, 1700000000}},
		{"  x -0 0", Record{"x", nil, 0, 0}},
		{"x +.5 1700000000.", Record{"x", nil, 0.5, 1700000000}},
		{"x;mount=/mnt/my\\040disk 1 2", Record{"x", []Tag{{"mount", "/mnt/my disk"}}, 1, 2}},
		{`x;path=C:\dir 1 2`, Record{"x", []Tag{{"path", `C:\dir`}}, 1, 2}},
		{"x;a=\\176home 1 2", Record{"x", []Tag{{"a", "~home"}}, 1, 2}},
		{"x;v=données 1 2", Record{"x", []Tag{{"v", "données"}}, 1, 2}},
		{`it's"a'name(--) 1 2`, Record{`it's"a'name(--)`, nil, 1, 2}},
		{"x 1 253402300799", Record{"x", nil, 1, MaxTime}},
		// As carbon reads them: a name's leading "~" dropped, a time
		// with an exponent.
		{"~~a~.b;k=v 1 2", Record{"a~.b", []Tag{{"k", "v"}}, 1, 2}},
		{"x 1 1.7e9", Record{"x", nil, 1, 1700000000}},
		{"x 1 17E8", Record{"x", nil, 1, 1700000000}},
		{"x 1 .5", Record{"x", nil, 1, 0}},
		// OpenMetrics' style, as graphite-web reads it.
		{`test.a{hello="tiger",blah="bla\"h"} 1 2`, Record{"test.a", []Tag{{"blah", `bla"h`}, {"hello", "tiger"}}, 1, 2}},
		{`~a{k="v;w"} 1 2`, Record{"a", []Tag{{"k", "v;w"}}, 1, 2}},
		// A "{" after the first ";" is a tag value's, the plain way.
		{`a;b=c{k="v"} 1 2`, Record{"a", []Tag{{"b", `c{k="v"}`}}, 1, 2}},
		{"x 1 +7", Record{"x", nil, 1, 7}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			got, err := Parse([]byte(tt.line), now)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.line, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q) = %#v, want %#v", tt.line, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ line, want string }{
		{"x", `expected NAME VALUE [TIMESTAMP], found only "x"`},
		{"x 1 2 3", `expected NAME VALUE [TIMESTAMP], found 4 fields`},
		{";host=a 1 2", `empty metric name`},
		{"lö 1 2", `metric name "lö" has byte 0xc3 (names are printable ASCII)`},
		{"x\x01 1 2", `metric name "x\x01" has byte 0x01 (names are printable ASCII)`},
		{"x;host 1 2", `tag "host" has no "="`},
		{"x; 1 2", `empty tag: ";" with no TAG=VALUE after it`},
		{"x;;host=a 1 2", `empty tag: ";" with no TAG=VALUE after it`},
		{"x;=a 1 2", `empty tag name`},
		{"x;h/st=a 1 2", `tag name "h/st" has byte 0x2f (allowed: A-Z a-z 0-9 _ . -)`},
		{"x;host= 1 2", `tag "host" has an empty value`},
		{"x;host=~a 1 2", `tag "host": value "~a" starts with "~"`},
		{"x;host=a;host=b 1 2", `tag "host" given twice`},
		{"x;v=\xff 1 2", `tag "v": value "\xff" is not valid UTF-8`},
		{"x;v=a\x00b 1 2", `tag "v": value "a\x00b" has control or space character U+0000`},
		{"x;v=a\u00a0b 1 2", `tag "v": value "a\u00a0b" has control or space character U+00A0`},
		{"x;v=a\\000 1 2", `tag "v": escape \000 (NUL) is not allowed`},
		{"x;v=\\777 1 2", `tag "v": escape "\\777" is larger than a byte`},
		{"x abc 2", `value "abc" is not a number`},
		{"x NaN 2", `value "NaN" is not a finite number`},
		{"x -Inf 2", `value "-Inf" is not a finite number`},
		{"x infinity 2", `value "infinity" is not a finite number`},
		{"x 0x10 2", `value "0x10" is not a decimal number`},
		{"x -0X1p3 2", `value "-0X1p3" is not a decimal number`},
		{"x info 2", `value "info" is not a number`},
		{"x NaNa 2", `value "NaNa" is not a number`},
		{"x 1_000 2", `value "1_000" is not a number`},
		{"x 1e 2", `value "1e" is not a number`},
		{"x . 2", `value "." is not a number`},
		{"x 1e400 2", `value "1e400" is out of range`},
		{"x 1 abc", `timestamp "abc" is not in Unix seconds`},
		{"x 1 1e12", `timestamp "1e12" is after the year 9999 (milliseconds instead of seconds?)`},
		{"x 1 1e", `timestamp "1e" is not in Unix seconds`},
		{"~~~ 1 2", `metric name is only "~", which Graphite drops from the start of a name`},
		{"~;k=v 1 2", `metric name is only "~", which Graphite drops from the start of a name`},
		{`a{k=v",j="w"} 1 2`, `tags "k=v\",j=\"w\"" are not TAG="VALUE",...`},
		{`a{k="~v"} 1 2`, `tag "k": value "~v" starts with "~"`},
		{`a{k/x="v"} 1 2`, `tag name "k/x" has byte 0x2f (allowed: A-Z a-z 0-9 _ . -)`},
		{`{k="v"} 1 2`, `metric name "" before "{" is not a name`},
		{"x 1 .", `timestamp "." is not in Unix seconds`},
		{"x 1 -5", `timestamp "-5" is negative (only -1, meaning now, is allowed)`},
		{"x 1 1764045000000", `timestamp "1764045000000" is after the year 9999 (milliseconds instead of seconds?)`},
		{"x 1 99999999999999999999999", `timestamp "99999999999999999999999" is after the year 9999 (milliseconds instead of seconds?)`},
		{"x " + strings.Repeat("9", 50) + "z 2", `value "9999999999999999999999999999999999999999"... is not a number`},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			_, err := Parse([]byte(tt.line), now)
			if err == nil {
				t.Fatalf("Parse(%q) succeeded, want error %q", tt.line, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("Parse(%q) error\n got %q\nwant %q", tt.line, err, tt.want)
			}
		})
	}
}

func TestAppend(t *testing.T) {
	tests := []struct {
		r    Record
		want string
	}{
		{Record{"load.5m", []Tag{{"host", "web1"}}, 0.27, 1764045000}, "load.5m;host=web1 0.27 1764045000\n"},
		{Record{"m", nil, 1e6, 1}, "m 1000000 1\n"},
		{Record{"m", nil, 123456789012345678, 1}, "m 123456789012345680 1\n"},
		{Record{"m", nil, 1e21, 1}, "m 1e+21 1\n"},
		{Record{"m", nil, 0.0001, 1}, "m 0.0001 1\n"},
		{Record{"m", nil, 0.00001, 1}, "m 1e-05 1\n"},
		{Record{"m", nil, -2.5, 1}, "m -2.5 1\n"},
		{Record{"m", nil, math.Copysign(0, -1), 1}, "m 0 1\n"},
		{Record{"m", []Tag{{"mount", "/mnt/my disk"}}, 1, 1}, "m;mount=/mnt/my\\040disk 1 1\n"},
		{Record{"m", []Tag{{"v", "~a;b\\c\td\n"}}, 1, 1}, "m;v=\\176a\\073b\\134c\\011d\\012 1 1\n"},
		{Record{"m", []Tag{{"v", "a~\u00a0\xff"}}, 1, 1}, "m;v=a~\\302\\240\\377 1 1\n"},
	}
	for _, tt := range tests {
		if got := string(tt.r.Append(nil)); got != tt.want {
			t.Errorf("Append(%#v) = %q, want %q", tt.r, got, tt.want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	values := []float64{0, 1, -1, 0.1, 1.0 / 3, math.MaxFloat64, math.SmallestNonzeroFloat64, 18.62, 1e-4, 9.999999999999999e20, 1e21, 123456789.123456789}
	for _, v := range values {
		r := Record{"m", []Tag{{"k", "~ \\;"}}, v, 42}
		line := r.Append(nil)
		got, err := Parse(line[:len(line)-1], now)
		if err != nil {
			t.Fatalf("Parse(%q): %v", line, err)
		}
		if !reflect.DeepEqual(got, r) {
			t.Errorf("round trip of %v gave %v via %q", r, got, line)
		}
	}
}

func TestReader(t *testing.T) {
	long := "x " + strings.Repeat("1", MaxLine) + " 2"
	in := "\xef\xbb\xbfa 1 10\r\n" +
		"\n" +
		"# a comment\n" +
		"   \t\n" +
		"b 2\n" +
		long + "\n" +
		"c abc 10\n" +
		strings.Repeat("y", 100<<10) + "\n" +
		"d 4 10" // no final newline
	r := NewReader(strings.NewReader(in), "in.txt")
	r.Now = func() time.Time { return time.Unix(now, 0) }
	type result struct {
		rec  string
		err  string
		line int
	}
	var got []result
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		res := result{line: r.Line()}
		var le *LineError
		switch {
		case errors.As(err, &le):
			res.err = err.Error()
			if len(r.Raw()) > MaxLine {
				t.Errorf("line %d: Raw() holds %d bytes, more than MaxLine", r.Line(), len(r.Raw()))
			}
		case err != nil:
			t.Fatal(err)
		default:
			res.rec = rec.String()
		}
		got = append(got, res)
	}
	want := []result{
		{rec: "a 1 10", line: 1},
		{rec: "b 2 1764045000", line: 5},
		{err: "in.txt:6: line is longer than 4096 bytes", line: 6},
		{err: `in.txt:7: value "abc" is not a number`, line: 7},
		{err: "in.txt:8: line is longer than 4096 bytes", line: 8},
		{rec: "d 4 10", line: 9},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

func TestReaderRaw(t *testing.T) {
	r := NewReader(strings.NewReader("good 1 2\nbad line here\r\n"), "stdin")
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err == nil {
		t.Fatal("bad line accepted")
	}
	if got := string(r.Raw()); got != "bad line here" {
		t.Errorf("Raw() = %q", got)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReaderReadError(t *testing.T) {
	r := NewReader(io.MultiReader(strings.NewReader("a 1 2\n"), errReader{}), "f")
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	_, err := r.Next()
	var le *LineError
	if err == nil || errors.As(err, &le) || err.Error() != "disk on fire" {
		t.Errorf("got %v, want the read error", err)
	}
}

func TestTagAndSortTags(t *testing.T) {
	tags := []Tag{{"mount", "/"}, {"host", "a"}}
	if err := SortTags(tags); err != nil {
		t.Fatal(err)
	}
	r := Record{Name: "x", Tags: tags}
	if r.Tags[0].Key != "host" || r.Tag("mount") != "/" || r.Tag("nope") != "" {
		t.Errorf("tags %v", r.Tags)
	}
	if err := SortTags([]Tag{{"a", "1"}, {"a", "2"}}); err == nil {
		t.Error("duplicate key accepted")
	}
}
