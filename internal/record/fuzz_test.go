package record

import (
	"bytes"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// FuzzParse checks that Parse never panics and that a parsed record
// formats to a canonical line that parses back to the same record.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"load.5m;host=web1 0.27 1764045000",
		"disk.used_pct;host=web1;mount=/mnt/my\\040disk 18.62 1764045000",
		"x 1e-300 -1",
		"x;b=2;a=1 -0.5 1700000000.999",
		"x;a=\\176\\134\\073 1 2",
		"x;v=\xff 1 2",
		"x 0x10 2",
		"x NaN 2",
		"x 1 1764045000000",
		`test.a{hello="tiger",blah="bla\"h"} 1 1700000000`,
		"~~~ 1 2",
		"# comment",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := Parse(line, now)
		if err != nil {
			return
		}
		if math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
			t.Fatalf("Parse(%q) gave value %v", line, r.Value)
		}
		canon := r.Append(nil)
		if bytes.Count(canon, []byte("\n")) != 1 {
			t.Fatalf("canonical line %q has a stray newline", canon)
		}
		r2, err := Parse(canon[:len(canon)-1], now+1)
		if err != nil {
			t.Fatalf("Parse(%q) of canonical %q: %v", line, canon, err)
		}
		if !reflect.DeepEqual(r, r2) {
			t.Fatalf("round trip changed %#v into %#v via %q", r, r2, canon)
		}
		if again := r2.Append(nil); !bytes.Equal(again, canon) {
			t.Fatalf("canonical form not stable: %q then %q", canon, again)
		}
	})
}

// FuzzReader checks that the line reader never panics and never hands
// out more than MaxLine bytes of a line (MaxMetaLine of a meta line),
// whatever the input; and that
// Whole changes only the result of a last line without a newline.
func FuzzReader(f *testing.F) {
	f.Add([]byte("a 1 2\r\nb 2\n\n#c\nd"))
	f.Add([]byte("\xef\xbb\xbfa 1 2"))
	f.Add([]byte("a 1 2\nb 3 4"))
	f.Add([]byte("#meta g title=x\na 1 2\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		read := func(whole bool) []string {
			r := NewReader(bytes.NewReader(in), "fuzz")
			r.Whole = whole
			r.Now = func() time.Time { return time.Unix(1764045000, 0) }
			var out []string
			for {
				rec, err := r.Next()
				if err == io.EOF {
					return out
				}
				if len(r.Raw()) > maxLen(r.Raw()) {
					t.Fatalf("Raw() is %d bytes", len(r.Raw()))
				}
				if err != nil {
					if _, ok := err.(*LineError); !ok {
						t.Fatalf("unexpected error %v", err)
					}
					out = append(out, err.Error())
				} else {
					out = append(out, rec.String())
				}
			}
		}
		plain, whole := read(false), read(true)
		if len(plain) != len(whole) {
			t.Fatalf("%d results, %d with Whole", len(plain), len(whole))
		}
		for i := range plain {
			if plain[i] == whole[i] {
				continue
			}
			if i != len(plain)-1 || !strings.HasSuffix(whole[i], ErrCut.Error()) || bytes.HasSuffix(in, []byte("\n")) {
				t.Fatalf("result %d: %q, with Whole %q", i, plain[i], whole[i])
			}
		}
	})
}

// FuzzParseKey checks that ParseKey accepts exactly what Parse accepts,
// and gives the series of Parse's record in canonical form.
func FuzzParseKey(f *testing.F) {
	for _, s := range []string{
		"load.5m;host=web1 0.27 1764045000",
		"x;b=2;a=1 -0.5 1700000000.999",
		"x;a=1;a=2 1 2",
		"x;a=\\040 1 2",
		"x;v=é 1 2",
		"x;=1 1 2",
		"x 1",
		`~t.a{hello="tiger",blah="bla\"h"} 1 1.7e9`,
		`a{k="v;w"} 1 2`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := Parse(line, now)
		key, v, ts, kerr := ParseKey(line, now, nil)
		if (err == nil) != (kerr == nil) {
			t.Fatalf("Parse error %v, ParseKey error %v for %q", err, kerr, line)
		}
		if err != nil {
			if err.Error() != kerr.Error() {
				t.Fatalf("errors differ: %q and %q", err, kerr)
			}
			return
		}
		if want := AppendSeries(nil, r.Name, r.Tags); !bytes.Equal(key, want) || v != r.Value || ts != r.Time {
			t.Fatalf("ParseKey(%q) = %q %v %v, Parse gives %q %v %v", line, key, v, ts, want, r.Value, r.Time)
		}
	})
}

// FuzzParseMeta checks that ParseMeta never panics, keeps its bounds,
// and that a parsed meta line formats to a canonical line that passes
// Check and parses back to the same Meta.
func FuzzParseMeta(f *testing.F) {
	for _, s := range []string{
		"#meta munin.load host=web1 time=1764045000 title=Load\\040average vlabel=load order=load label.load=load",
		"#meta munin.if_eth0 order=down,up label.down=received label.up=bytes\\040/\\040s future=1",
		"#meta g title=\\011tab",
		"#meta g title=\\377",
		"#meta g label.a=1 label.a=2",
		"#meta g order=a,a",
		"#meta .g",
		"#meta g host=~x",
		"#meta g time=-1",
		"#meta",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := ParseMeta(line, now)
		if err != nil {
			return
		}
		if len(m.Title) > MaxMetaText || len(m.VLabel) > MaxMetaText || len(m.Order) > MaxMetaFields || len(m.Labels) > MaxMetaFields {
			t.Fatalf("ParseMeta(%q) past the bounds: %+v", line, m)
		}
		if err := m.Check(); err != nil {
			t.Fatalf("ParseMeta(%q) gave %+v, which Check refuses: %v", line, m, err)
		}
		canon := AppendMeta(nil, &m)
		if bytes.Count(canon, []byte("\n")) != 1 || !IsMeta(canon) {
			t.Fatalf("canonical line %q is not one meta line", canon)
		}
		m2, err := ParseMeta(canon[:len(canon)-1], now+1)
		if err != nil {
			t.Fatalf("ParseMeta(%q) of canonical %q: %v", line, canon, err)
		}
		if !reflect.DeepEqual(m, m2) {
			t.Fatalf("round trip changed %#v into %#v via %q", m, m2, canon)
		}
	})
}
