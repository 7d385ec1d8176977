package decode

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// rrdDump writes a dump as rrdtool does, with the comments left out:
// the decoder must not need them.
func rrdDump(step, last int, ds []string, rras ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE rrd SYSTEM \"https://oss.oetiker.ch/rrdtool/rrdtool.dtd\">\n<rrd>\n\t<version>0003</version>\n\t<step>%d</step>\n\t<lastupdate>%d</lastupdate>\n", step, last)
	for _, name := range ds {
		fmt.Fprintf(&b, "\t<ds>\n\t\t<name> %s </name>\n\t\t<type> GAUGE </type>\n\t\t<value>NaN</value>\n\t</ds>\n", name)
	}
	for _, r := range rras {
		b.WriteString(r)
	}
	b.WriteString("</rrd>\n")
	return b.String()
}

// rrdArchiveXML writes an archive; rows are "v v ...", one a row.
func rrdArchiveXML(cf string, pdp int, rows ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\t<rra>\n\t\t<cf>%s</cf>\n\t\t<pdp_per_row>%d</pdp_per_row>\n\t\t<params><xff>5.0000000000e-01</xff></params>\n\t\t<cdp_prep><ds><primary_value>1</primary_value><value>NaN</value></ds></cdp_prep>\n\t\t<database>\n", cf, pdp)
	for _, r := range rows {
		b.WriteString("\t\t\t<row>")
		for _, v := range strings.Fields(r) {
			fmt.Fprintf(&b, "<v>%s</v>", v)
		}
		b.WriteString("</row>\n")
	}
	b.WriteString("\t\t</database>\n\t</rra>\n")
	return b.String()
}

func TestRRDArchives(t *testing.T) {
	// step 100, lastupdate 10050: an archive of N steps a row ends at
	// 10050 rounded down to N*100, that is 10000 for N = 1, 2 and 5.
	//
	//	AVERAGE 1: rows at  9800  9900 10000
	//	AVERAGE 5: rows at  8500  9000  9500 10000  kept: before 9600
	//	AVERAGE 2: rows at  9600  9800 10000        kept: before 9800
	//
	// The coarse archive comes before the middle one, which must still
	// take its times from it; MAX and MIN archives are not read.
	in := rrdDump(100, 10050, []string{"in", "out"},
		rrdArchiveXML("AVERAGE", 1, "1 2", "NaN 4", "5 -nan"),
		rrdArchiveXML("MAX", 1, "91 92", "93 94", "95 96"),
		rrdArchiveXML("AVERAGE", 5, "10 20", "NaN NaN", "3.0e+01 4.0e+01", "50 60"),
		rrdArchiveXML("AVERAGE", 2, "100 200", "300 400", "500 600"),
		rrdArchiveXML("MIN", 5, "81 82", "83 84", "85 86", "87 88"),
	)
	got := drain(t, "rrd", in, Options{Name: "net;host=web1"})
	want := []string{
		"net.in;host=web1 10 8500",
		"net.out;host=web1 20 8500",
		"net.in;host=web1 30 9500",
		"net.out;host=web1 40 9500",
		"net.in;host=web1 100 9600",
		"net.out;host=web1 200 9600",
		"net.in;host=web1 1 9800",
		"net.out;host=web1 2 9800",
		"net.out;host=web1 4 9900",
		"net.in;host=web1 5 10000",
	}
	if !slices.Equal(got.recs, want) || len(got.errs) > 0 {
		t.Errorf("records:\n%s\nerrors: %q\nwant:\n%s", strings.Join(got.recs, "\n"), got.errs, strings.Join(want, "\n"))
	}
}

func TestRRDTestdata(t *testing.T) {
	for _, tc := range []struct {
		file, name string
		want       []string
	}{
		{
			// The coarse archive's row at 1000000620 is NaN: minutes 8
			// to 10 were unknown.
			file: "gauge.xml", name: "temp;host=web1",
			want: []string{
				"temp;host=web1 12.333333333 1000000800",
				"temp;host=web1 15.333333333 1000000920",
				"temp;host=web1 16.333333333 1000000980",
				"temp;host=web1 17.333333333 1000001040",
				"temp;host=web1 18.333333333 1000001100",
				"temp;host=web1 19.333333333 1000001160",
			},
		},
		{
			file: "gauge-xport.xml", name: "temp;host=web1",
			want: []string{
				"temp;host=web1 12.333333333 1000000800",
				"temp;host=web1 15.333333333 1000000980",
				"temp;host=web1 18.333333333 1000001160",
			},
		},
		{
			// lastupdate 1764460800, step 300: rows of 1, 6, 24 and
			// 288 steps, each archive before the oldest row of the
			// finer ones (1764457500, 1764448200, 1764424800).
			file: "munin.xml", name: "load",
			want: []string{
				"load 5.5 1764201600", "load 5.5 1764288000", "load 5.5 1764374400",
				"load 5.5 1764424800", "load 5.5 1764432000", "load 5.5 1764439200", "load 5.5 1764446400",
				"load 3.5 1764448200", "load 7.5 1764450000", "load 3.5 1764451800",
				"load 7.5 1764453600", "load 3.5 1764455400", "load 7.5 1764457200",
				"load 1 1764457500", "load 2 1764457800", "load 3 1764458100", "load 4 1764458400",
				"load 5 1764458700", "load 6 1764459000", "load 7 1764459300", "load 8 1764459600",
				"load 9 1764459900", "load 10 1764460200", "load 11 1764460500", "load 0 1764460800",
			},
		},
		{
			// xport leaves <t> out: start 1764029280, step 80; the
			// last row is NaN.
			file: "if_octets-xport.xml", name: "if_octets;iface=eth0",
			want: []string{
				"if_octets.rx;iface=eth0 4450 1764029280",
				"if_octets.tx;iface=eth0 1112.5 1764029280",
				"if_octets.rx;iface=eth0 5250 1764029360",
				"if_octets.tx;iface=eth0 1312.5 1764029360",
			},
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got := drain(t, "rrd", readTestdata(t, "rrd/"+tc.file), Options{Name: tc.name})
			if !slices.Equal(got.recs, tc.want) || len(got.errs) > 0 {
				t.Errorf("records:\n%s\nerrors: %q\nwant:\n%s", strings.Join(got.recs, "\n"), got.errs, strings.Join(tc.want, "\n"))
			}
		})
	}
	// collectd: step 10, lastupdate 1764029400; 12 rows of one step
	// from 1764029290, then rows of 8 steps ending at 1764029360,
	// before that: 1764028960 to 1764029280.
	for _, f := range []string{"if_octets.xml", "memory-used.xml"} {
		got := drain(t, "rrd", readTestdata(t, "rrd/"+f), Options{Name: "x"})
		var times []string
		for _, r := range got.recs {
			if ts := r[strings.LastIndexByte(r, ' ')+1:]; !slices.Contains(times, ts) {
				times = append(times, ts)
			}
		}
		want := []string{"1764028960", "1764029040", "1764029120", "1764029200", "1764029280"}
		for t := 1764029290; t <= 1764029400; t += 10 {
			want = append(want, fmt.Sprint(t))
		}
		if !slices.Equal(times, want) || len(got.errs) > 0 {
			t.Errorf("%s: times %q, errors %q; want %q", f, times, got.errs, want)
		}
	}
}

func TestRRDXport(t *testing.T) {
	in := `<?xml version="1.0" encoding="ISO-8859-1"?>
<xport>
  <meta>
    <start>1000</start>
    <step>60</step>
    <end>1180</end>
    <rows>4</rows>
    <columns>4</columns>
    <legend>
      <entry>bits/s in` + "\xe9" + `</entry>
      <entry>in</entry>
      <entry>in</entry>
      <entry></entry>
    </legend>
  </meta>
  <data>
    <row><v0>1</v0><v1>2</v1><v2>3</v2><v3>4</v3></row>
    <row><v0>NaN</v0><v1>NaN</v1><v2>NaN</v2><v3>5</v3></row>
    <row><t>5000</t><v>6</v><v>7</v><v>8</v><v>9</v></row>
    <row><v>1</v></row>
    <row><v>x</v><v>1</v><v>inf</v><v>NaN</v></row>
  </data>
</xport>
`
	got := drain(t, "rrd", in, Options{Name: "if"})
	want := []string{
		"if.bits_s_in_ 1 1000", "if.in 2 1000", "if.in_2 3 1000", "if.v3 4 1000",
		"if.v3 5 1060",
		"if.bits_s_in_ 6 5000", "if.in 7 5000", "if.in_2 8 5000", "if.v3 9 5000",
		"if.in 1 1240",
	}
	errs := []string{
		"in:20: row has 1 values, the export 4 columns",
		`in:21: value "x" is not a number`,
		`in:21: value "inf" is not a finite number`,
	}
	if !slices.Equal(got.recs, want) {
		t.Errorf("records:\n%s\nwant:\n%s", strings.Join(got.recs, "\n"), strings.Join(want, "\n"))
	}
	if !slices.Equal(got.errs, errs) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got.errs, "\n"), strings.Join(errs, "\n"))
	}
}

func TestRRDErrors(t *testing.T) {
	good := rrdArchiveXML("AVERAGE", 1, "1", "2")
	for _, tc := range []struct {
		name, in, series string
		want, errs       []string
	}{
		{
			name: "bad --name", in: rrdDump(60, 120, []string{"a"}, good), series: "a b",
			errs: []string{`--name "a b": metric name "a b" has byte 0x20 (names are printable ASCII)`},
		},
		{
			name: "bad tag in --name", in: rrdDump(60, 120, []string{"a"}, good), series: `a;host=\000x`,
			errs: []string{`--name "a;host=\\000x": tag "host": escape \000 (NUL) is not allowed`},
		},
		{
			name: "not rrdtool's", in: "<?xml version=\"1.0\"?>\n<html><body/></html>\n",
			errs: []string{"in:2: root element <html> is neither <rrd> (rrdtool dump) nor <xport> (rrdtool xport)"},
		},
		{
			name: "not XML", in: "<rrd>\n<step>60</ste>\n",
			errs: []string{"in:2: bad XML: element <step> closed by </ste>"},
		},
		{
			name: "cut short", in: strings.TrimSuffix(rrdDump(60, 120, []string{"a"}, good), "</rrd>\n"),
			errs: []string{"in:22: bad XML: unexpected EOF"},
		},
		{
			name: "no AVERAGE", in: rrdDump(60, 120, []string{"a"}, rrdArchiveXML("MAX", 1, "1")),
			errs: []string{"in:21: no AVERAGE archive in the dump"},
		},
		{
			name: "a value too long to be a number", in: rrdDump(60, 60, []string{"a"},
				rrdArchiveXML("AVERAGE", 1, "1"+strings.Repeat("0", 1100))),
			errs: []string{"in:18: value is longer than 1024 bytes"},
		},
		{
			name: "bad step", in: rrdDump(0, 120, []string{"a"}, good),
			errs: []string{`in:5: <step>: "0" is less than 1`},
		},
		{
			name: "archives before lastupdate", in: "<rrd><step>60</step><ds><name>a</name></ds>\n" + good + "</rrd>",
			errs: []string{"in:7: archive before <step> and <lastupdate>"},
		},
		{
			// A bad value or row is unknown: the rows after it keep
			// their times, and the other values of the row are read.
			name: "bad values and rows",
			in: rrdDump(60, 300, []string{"a", "b"},
				rrdArchiveXML("AVERAGE", 1, "1 2", "3", "abc 4", "1e999 5", "6 7"),
				rrdArchiveXML("AVERAGE", 0, "8 9")),
			series: "x",
			want:   []string{"x.a 1 60", "x.b 2 60", "x.b 4 180", "x.b 5 240", "x.a 6 300", "x.b 7 300"},
			errs: []string{
				"in:24: row has 1 values, the dump 2 data sources",
				`in:25: value "abc" is not a number`,
				`in:26: value "1e999" is out of range`,
				`in:32: <pdp_per_row>: "0" is less than 1; archive 1 skipped`,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.series == "" {
				tc.series = "x"
			}
			got := drain(t, "rrd", tc.in, Options{Name: tc.series})
			if !slices.Equal(got.errs, tc.errs) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got.errs, "\n"), strings.Join(tc.errs, "\n"))
			}
			if !slices.Equal(got.recs, tc.want) {
				t.Errorf("records:\n%s\nwant:\n%s", strings.Join(got.recs, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func FuzzRRD(f *testing.F) {
	for _, name := range []string{"gauge.xml", "gauge-xport.xml", "munin.xml", "if_octets.xml", "if_octets-xport.xml", "memory-used.xml"} {
		f.Add([]byte(readTestdata(f, "rrd/"+name)), "x;host=web1")
	}
	f.Add([]byte(rrdDump(100, 10050, []string{"in", "out"},
		rrdArchiveXML("AVERAGE", 5, "10 20", "NaN NaN"),
		rrdArchiveXML("AVERAGE", 1, "1 2", "NaN 4"))), "net")
	f.Add([]byte("<rrd>"+strings.Repeat("<a>", 70)), "x")
	f.Add([]byte("<rrd><!-- > --><![CDATA[ > ]]><?x > ?><a b='>'/></rrd>"), "x")
	f.Add([]byte("hello\n<rrd/>"), "x")
	f.Add([]byte("<?xml version=\"1.0\"?>\n"), "x")
	f.Add([]byte("<xport><meta><start>0</start><step>1</step><legend><entry>a</entry></legend></meta><data><row><v0>1</v0></row></data></xport>"), "a b")
	f.Fuzz(func(t *testing.T, b []byte, name string) {
		if name == "" {
			name = "x" // New refuses an empty --name before any decoder
		}
		drain(t, "rrd", string(b), Options{Name: name})
	})
}
