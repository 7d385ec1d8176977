package decode

import (
	"slices"
	"strings"
	"testing"
)

func TestDelimited(t *testing.T) {
	for _, tc := range []struct {
		name, format, in string
		want, errs, raws []string
	}{
		{
			name:   "csv as sm-query writes it",
			format: "csv",
			in: "time,name,host,mount,value\n" +
				"2026-11-25T07:00:00Z,disk.used_pct,web1,/,18.62\n" +
				"2026-11-25T08:00:00+01:00,load.1m,web1,,0.27\n" +
				"2026-11-25T07:00:00Z,disk.used_pct,web1,\"/mnt/a,b \"\"c\"\"\",1e+21\n",
			want: []string{
				"disk.used_pct;host=web1;mount=/ 18.62 1795590000",
				"load.1m;host=web1 0.27 1795590000",
				`disk.used_pct;host=web1;mount=/mnt/a,b\040"c" 1e+21 1795590000`,
			},
		},
		{
			name:   "csv: no tag columns, Unix seconds, an empty time is now",
			format: "csv",
			in:     "\xef\xbb\xbftime,name,value\r\n1000,a,1\r\n1000.5,b,2\r\n,c,-0\r\n",
			want:   []string{"a 1 1000", "b 2 1000", "c 0 1795590000"},
		},
		{
			name:   "csv: a quoted cell over several lines",
			format: "csv",
			in:     "time,name,k,value\n0,a,\"x\n\n#y\",1\n0,b,\"\"\"\",2\n0,c,\"z\",3\n",
			want:   []string{`a;k=x\012\012#y 1 0`, `b;k=" 2 0`, "c;k=z 3 0"},
			raws:   []string{"0,a,\"x\n\n#y\",1", `0,b,"""",2`, `0,c,"z",3`},
		},
		{
			name:   "csv: bad rows, good ones still read",
			format: "csv",
			in: "time,name,host,value\n" +
				"0,a,web1,1\n" +
				"0,a,web1\n" +
				"0,a,web1,1,2\n" +
				"0,a,web\"1,1\n" +
				"0,a,\"web1\"x,1\n" +
				"0,a b,web1,1\n" +
				"0,a,~web1,1\n" +
				"0,a,web1,abc\n" +
				"0,a,web1,NaN\n" +
				"0,a,web1,0x10\n" +
				"yesterday,a,web1,1\n" +
				"-1,a,web1,1\n" +
				"99999999999999,a,web1,1\n" +
				"# a comment\n" +
				"1,z,web1,2\n" +
				"0,a,\"web1\n",
			// A leading "~" is carried escaped, as in a record line.
			want: []string{"a;host=web1 1 0", `a;host=\176web1 1 0`, "z;host=web1 2 1"},
			errs: []string{
				"in:3: row has 3 cells, the header 4",
				"in:4: row has 5 cells, the header 4",
				"in:5: cell 3: quote in an unquoted cell",
				`in:6: cell 3: "x" after the closing quote`,
				`in:7: metric name "a b" has byte 0x20 (names are printable ASCII)`,
				`in:9: value "abc" is not a number`,
				`in:10: value "NaN" is not a finite number`,
				`in:11: value "0x10" is not a decimal number`,
				`in:12: time "yesterday" is neither RFC 3339 (2006-01-02T15:04:05Z) nor Unix seconds`,
				`in:13: time "-1" is neither RFC 3339 (2006-01-02T15:04:05Z) nor Unix seconds`,
				`in:14: timestamp "99999999999999" is after the year 9999 (milliseconds instead of seconds?)`,
				"in:15: row has 1 cell, the header 4",
				"in:17: quoted cell not closed at the end of the input",
			},
		},
		{
			name:   "tsv: escaped tag values",
			format: "tsv",
			in: "time\tname\thost\tmount\tvalue\n" +
				"2026-11-25T07:00:00Z\tdisk.used_pct\tweb1\t/mnt/my\\040disk\t18.62\n" +
				"2026-11-25T07:00:00Z\tdisk.used_pct\tweb1\ta\\176x\\073y\\134\t1\n" +
				"0\tload.1m\tweb1\t\t0.27\n",
			want: []string{
				`disk.used_pct;host=web1;mount=/mnt/my\040disk 18.62 1795590000`,
				`disk.used_pct;host=web1;mount=a~x\073y\134 1 1795590000`,
				"load.1m;host=web1 0.27 0",
			},
		},
		{
			name:   "tsv: bad rows",
			format: "tsv",
			in: "time\tname\tk\tvalue\n" +
				"0\ta\tx y\t1\n" +
				"0\ta\tx;y\t1\n" +
				"0\ta\t\\000\t1\n" +
				"0\ta\t\\377\t1\n" +
				"0\ta\t~x\t1\n" +
				"0\ta,b\t\"x\"\t1\n",
			// Bytes that are not UTF-8 are carried escaped; a raw
			// leading "~" is not an escaped value.
			want: []string{`a;k=\377 1 0`, `a,b;k="x" 1 0`},
			errs: []string{
				`in:2: tag "k": value "x y" has control or space character U+0020`,
				`in:3: tag "k": value "x;y" has ";" (escaped, it is \073)`,
				`in:4: tag "k": escape \000 (NUL) is not allowed`,
				`in:6: tag "k": value "~x" starts with "~"`,
			},
		},
		{
			name:   "csv: neutralised cells and folded tags",
			format: "csv",
			in: "time,name,'-k,host,;tags,value\n" +
				"0,'=SUM(A1),'+1,'@web,a=1;b=x\\040y,-1\n" +
				"0,''q,,web1,,2\n" +
				"0,x,,web1,host=web2,3\n" +
				"0,x,,,a=1;a=2,4\n" +
				"0,x,,,a,5\n",
			want: []string{
				`=SUM(A1);-k=+1;a=1;b=x\040y;host=@web -1 0`,
				"'q;host=web1 2 0",
			},
			errs: []string{
				`in:4: tag "host" given twice`,
				`in:5: column ";tags": tag "a" given twice`,
				`in:6: column ";tags": tag "a" has no "="`,
			},
		},
		{
			name:   "tsv: folded tags",
			format: "tsv",
			in:     "time\tname\t;tags\tvalue\n0\tx\tmount=/mnt/my\\040disk;host=web1\t1\n",
			want:   []string{`x;host=web1;mount=/mnt/my\040disk 1 0`},
		},
		{
			name:   "folded column twice in the header",
			format: "csv",
			in:     "time,name,;tags,;tags,value\n",
			errs:   []string{`in:1: bad header: column ";tags" given twice; nothing can be read without it`},
		},
		{
			name:   "no header",
			format: "csv",
			in:     "2026-11-25T07:00:00Z,a,1\n2026-11-25T07:00:00Z,b,2\n",
			errs:   []string{`in:1: bad header: want time,name,[TAG,...]value, found "2026-11-25T07:00:00Z,a,1"; nothing can be read without it`},
		},
		{
			name:   "bad tag key in the header",
			format: "tsv",
			in:     "time\tname\thost name\tvalue\n0\ta\tb\t1\n",
			errs:   []string{`in:1: bad header: column 3: tag name "host name" has byte 0x20 (allowed: A-Z a-z 0-9 _ . -); nothing can be read without it`},
		},
		{
			name:   "tag twice in the header",
			format: "csv",
			in:     "time,name,host,host,value\n",
			errs:   []string{`in:1: bad header: tag "host" given twice; nothing can be read without it`},
		},
		{
			name:   "a csv header is no tsv header",
			format: "tsv",
			in:     "time,name,value\n",
			errs:   []string{`in:1: bad header: want time\tname\t[TAG\t...]value, found "time,name,value"; nothing can be read without it`},
		},
		{
			name:   "only a header",
			format: "csv",
			in:     "time,name,value\n",
		},
		{
			name:   "empty",
			format: "tsv",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := drain(t, tc.format, tc.in, Options{})
			if !slices.Equal(got.recs, tc.want) {
				t.Errorf("records:\n%s\nwant:\n%s", strings.Join(got.recs, "\n"), strings.Join(tc.want, "\n"))
			}
			if !slices.Equal(got.errs, tc.errs) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got.errs, "\n"), strings.Join(tc.errs, "\n"))
			}
			if tc.raws != nil && !slices.Equal(got.raws, tc.raws) {
				t.Errorf("Raw gave %q, want %q", got.raws, tc.raws)
			}
		})
	}
}

func TestDelimitedLong(t *testing.T) {
	long := strings.Repeat("x", 3000)
	in := "time,name,k,value\n" +
		"0,a,\"" + long + "\n" + long + "\n" + long + "\",1\n" +
		"0,b,c,2\n"
	got := drain(t, "csv", in, Options{})
	if want := []string{"b;k=c 2 0"}; !slices.Equal(got.recs, want) {
		t.Errorf("records %q, want %q", got.recs, want)
	}
	if want := []string{"in:2: row is longer than 4096 bytes"}; !slices.Equal(got.errs, want) {
		t.Errorf("errors %q, want %q", got.errs, want)
	}
	if got.raws[0] != "<nil>" {
		t.Errorf("Raw of an overlong row is %d bytes, want nil", len(got.raws[0]))
	}
}

func FuzzDelimited(f *testing.F) {
	f.Add([]byte("time,name,host,mount,value\n2026-11-25T07:00:00Z,disk.used_pct,web1,/,18.62\n0,a,\"x\n\ny\",1\n"), false)
	f.Add([]byte("time,name,k,value\n0,a,\"\"\"\",2\n1,b,,3\n"), false)
	f.Add([]byte("time\tname\thost\tmount\tvalue\n2026-11-25T07:00:00Z\td\tweb1\t/mnt/my\\040disk\t18.62\n0\ta\t\\176x\t1\n"), true)
	f.Fuzz(func(t *testing.T, b []byte, tsv bool) {
		format := "csv"
		if tsv {
			format = "tsv"
		}
		drain(t, format, string(b), Options{})
	})
}
