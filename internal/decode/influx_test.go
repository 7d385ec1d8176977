package decode

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sm/internal/format"
	"sm/internal/record"
)

func TestInflux(t *testing.T) {
	tests := []struct {
		name string
		in   string
		prec time.Duration
		want []string
	}{
		{"split", "disk,host=web1,mount=/ used_pct=18.62 1764045000000000000\n", 0,
			[]string{"disk.used_pct;host=web1;mount=/ 18.62 1764045000"}},
		{"value field", "load value=1\n", 0, []string{"load 1 1764045000"}},
		{"tags sorted", "m,z=1,a=2 v=1 0", 0, []string{"m.v;a=2;z=1 1 0"}},
		{"field types", "m,h=a f=1.5,i=-3i,u=7u,b=t,B=FALSE,e=1E3,d=.5,p=1.,value=2 1764045000123456789", 0, []string{
			"m.f;h=a 1.5 1764045000",
			"m.i;h=a -3 1764045000",
			"m.u;h=a 7 1764045000",
			"m.b;h=a 1 1764045000",
			"m.B;h=a 0 1764045000",
			"m.e;h=a 1000 1764045000",
			"m.d;h=a 0.5 1764045000",
			"m.p;h=a 1 1764045000",
			"m;h=a 2 1764045000",
		}},
		{"escapes", `my\,m\=x,mount=/mnt/my\ disk\,a\=b f\=1\,2=1 0`, 0,
			[]string{`my,m\=x.f=1,2;mount=/mnt/my\040disk,a=b 1 0`}},
		{"backslashes", `x,path=C:\dir,q=a\\,b value=1 0`, 0, []string{`x;path=C:\134dir;q=a\134,b 1 0`}},
		{"blanks", "  m   v=-0   7  \r\n\n# comment\n\t# another\n", time.Second, []string{"m.v 0 7"}},
		{"UTF-8 and tilde", "m,v=~é v=1 0", 0, []string{`m.v;v=\176é 1 0`}},
		{"strings", `m s="hi, \"x\" there",v=1,t="a b" 0`, 0, []string{
			"m.v 1 0",
			`in:1: field "s" is a string, not a number (and 1 more bad field)`,
		}},
		{"string only", `m s="x"` + "\nm v=2 0", 0, []string{
			`in:1: field "s" is a string, not a number`,
			"m.v 2 0",
		}},
		{"bad fields", "m a=1e999,b=NaN,c=99999999999999999999i,d=18446744073709551616u,e=abc,ok=1 0", 0, []string{
			"m.ok 1 0",
			`in:1: field "a": value "1e999" is out of range (and 4 more bad fields)`,
		}},
		{"bad names", "mé v=1 0\nm;x v=1\nm\x01 v=1", 0, []string{
			`in:1: field "v": metric name "mé.v" has byte 0xc3 (names are printable ASCII)`,
			`in:2: field "v": metric name "m;x.v" has ";", which starts the tags`,
			`in:3: field "v": metric name "m\x01.v" has byte 0x01 (names are printable ASCII)`,
		}},
		{"seconds", "m v=1 1764045000\n", time.Second, []string{"m.v 1 1764045000"}},
		{"milliseconds", "m v=1 1764045000999\n", time.Millisecond, []string{"m.v 1 1764045000"}},
		{"microseconds", "m v=1 1764045000999999\n", time.Microsecond, []string{"m.v 1 1764045000"}},
		{"nanoseconds", "m v=1 1764045000999999999\n", time.Nanosecond, []string{"m.v 1 1764045000"}},
		{"minutes", "m v=1 29400750\n", time.Minute, []string{"m.v 1 1764045000"}},
		{"after 9999", "m v=1 253402300800\n", time.Second, []string{`in:1: timestamp "253402300800" is after the year 9999`}},
		{"before 1970", "m v=1 -1\n", 0, []string{`in:1: timestamp "-1" is before 1970`}},
		{"syntax", strings.Join([]string{
			"m",
			"m,h=a",
			"m v",
			"m v=",
			"m v=1,",
			`m v="a"x`,
			"m v=1 abc",
			"m v=1 1 2",
			"m v=1 99999999999999999999",
			"m,h= v=1",
			"m,h v=1",
			"m,h=a=b v=1",
			"m,h/x=1 v=1",
			"m,h=1,h=2 v=1",
			",h=1 v=1",
			"m, v=1",
			"m  =1",
			"m ",
			`m v="abc`,
		}, "\n"), 0, []string{
			`in:1: no fields after "m": expected MEASUREMENT[,TAG=VALUE]... FIELD=VALUE[,FIELD=VALUE]... [TIMESTAMP]`,
			`in:2: no fields after "m,h=a": expected MEASUREMENT[,TAG=VALUE]... FIELD=VALUE[,FIELD=VALUE]... [TIMESTAMP]`,
			`in:3: field "v" has no "="`,
			`in:4: field "v" has an empty value`,
			`in:5: nothing after the "," that follows field "v"`,
			`in:6: field "v": unexpected "x" after the string`,
			`in:7: timestamp "abc" is not an integer`,
			`in:8: unexpected text after the timestamp: "2"`,
			`in:9: timestamp "99999999999999999999" is out of range`,
			`in:10: tag "h" has an empty value`,
			`in:11: tag "h" has no "="`,
			`in:12: tag "h": value "a" is followed by an unescaped "="`,
			`in:13: tag name "h/x" has byte 0x2f (allowed: A-Z a-z 0-9 _ . -)`,
			`in:14: tag "h" given twice`,
			`in:15: no measurement name at ",h=1 v=1"`,
			`in:16: empty tag name at " v=1"`,
			`in:17: empty field name at "=1"`,
			`in:18: no fields: expected MEASUREMENT[,TAG=VALUE]... FIELD=VALUE[,FIELD=VALUE]... [TIMESTAMP]`,
			`in:19: field "v": string has no closing quote`,
		}},
		// The line protocol's reference reads a line ending inside a
		// string as part of the string, blank lines and "#" too.
		{"string over lines", "m v=1,s=\"a\nb\" 1764045000000000000\nm v=2,s=\"\n\n# c\n\" 1764045000000000000\nm v=3 1764045000000000000\n", 0, []string{
			"m.v 1 1764045000",
			`in:1: field "s" is a string, not a number`,
			"m.v 2 1764045000",
			`in:3: field "s" is a string, not a number`,
			"m.v 3 1764045000",
		}},
		{"string too long", "m v=1,s=\"" + strings.Repeat("a\n", record.MaxLine/2) + "\"\nm v=2\n", time.Second, []string{
			`in:1: a string field goes on over more than 4096 bytes`,
			"m.v 2 1764045000",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := decodeAllOf(t, "influx", tt.in, Options{Precision: tt.prec})
			if !slices.Equal(got, tt.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestInfluxEmpty(t *testing.T) {
	for _, in := range []string{"", "\n", "# only a comment\n", "\xef\xbb\xbf"} {
		if got, _ := decodeAllOf(t, "influx", in, Options{}); len(got) != 0 {
			t.Errorf("%q: got %q", in, got)
		}
	}
}

// TestInfluxRaw: every record of a line, and its error, have the line as
// their Raw; an overlong line has none, having gone to Reject whole.
func TestInfluxRaw(t *testing.T) {
	long := "m v=" + strings.Repeat("1", record.MaxLine)
	in := "m a=1,b=\"x\",c=2 0\r\n" + long + "\nm v=3 0\n"
	var rej bytes.Buffer
	got, raws := decodeAllOf(t, "influx", in, Options{Reject: &rej})
	want := []string{"m.a 1 0", "m.c 2 0", `in:1: field "b" is a string, not a number`, "in:2: line is longer than 4096 bytes", "m.v 3 0"}
	wantRaw := []string{`m a=1,b="x",c=2 0`, `m a=1,b="x",c=2 0`, `m a=1,b="x",c=2 0`, "", "m v=3 0"}
	if !slices.Equal(got, want) || !slices.Equal(raws, wantRaw) {
		t.Errorf("got %q\nraws %q", got, raws)
	}
	if rej.String() != long+"\n" {
		t.Errorf("rejected %d bytes", rej.Len())
	}
}

// FuzzInflux checks that the influx decoder never panics, gives only
// legal records and line errors, and that what it gives, written in the
// influx format, reads back the same.
func FuzzInflux(f *testing.F) {
	for _, s := range []string{
		"disk,host=web1,mount=/ used_pct=18.62 1764045000000000000",
		"load value=1",
		"m,h=a f=1.5,i=-3i,u=7u,b=t,s=\"x, y\" 1764045000123456789",
		`my\,m\ x,mount=/mnt/my\ disk\,a\=b f\=1\,2=1 0`,
		`x,path=C:\dir,q=a\\,b value=1 0`,
		"m v=1e999,w=NaN 1\nm,h= v=1\n# c\n\n",
		"m v=1 -1\r\nm v=.5 9223372036854775807",
		"m,v=~é v=1 0",
		"0,0=\xa9 0=0",
	} {
		f.Add([]byte(s), uint8(0))
	}
	f.Add([]byte("m v=1 1764045000"), uint8(1))
	f.Add([]byte("m v=1 1764045000000"), uint8(2))
	precs := []time.Duration{time.Nanosecond, time.Second, time.Millisecond, time.Microsecond}
	f.Fuzz(func(t *testing.T, in []byte, p uint8) {
		prec := precs[int(p)%len(precs)]
		d, _ := New("influx", bytes.NewReader(in), Options{File: "fuzz", Precision: prec, Now: func() time.Time { return rtNow }})
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
			if prec == time.Nanosecond && rec.Time > 9223372036 {
				continue // past 2262, which nanoseconds do not reach
			}
			if !validUTF8Tags(rec.Tags) {
				continue // the writer makes the bytes U+FFFD
			}
			text, err := writeRecords(t, "influx", []record.Record{rec}, format.Options{Precision: prec})
			if err != nil {
				continue // a record line protocol cannot hold
			}
			if longestLine(text) > record.MaxLine {
				continue // escapes made the line longer than a reader takes
			}
			back, _ := decodeAllOf(t, "influx", text, Options{Precision: prec})
			if len(back) != 1 || back[0] != rec.String() {
				t.Fatalf("%q read as %q, written as %q, read back as %q", in, rec.String(), text, back)
			}
		}
		t.Fatalf("no end to the records of %q", in)
	})
}

func validUTF8Tags(tags []record.Tag) bool {
	for _, t := range tags {
		if !utf8.ValidString(t.Value) {
			return false
		}
	}
	return true
}
