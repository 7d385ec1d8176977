package record

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestMetaRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    Meta
		line string
	}{
		{"munin load", Meta{
			Group: "munin.load", Host: "web1", Time: 1764045000,
			Title: "Load average", VLabel: "load",
			Order: []string{"load"}, Labels: map[string]string{"load": "load"},
		}, `#meta munin.load host=web1 time=1764045000 title=Load\040average vlabel=load order=load label.load=load`},
		{"only a group", Meta{Group: "g", Time: 5}, `#meta g time=5`},
		{"escapes", Meta{
			Group: "munin.df", Host: "a;b c", Time: 1,
			Title: `Disk usage in percent; 100% = full \o/`, VLabel: "~%",
			Order:  []string{"_dev_sda1", "x-y"},
			Labels: map[string]string{"x-y": "a=b,c", "_dev_sda1": "/ (é)"},
		}, `#meta munin.df host=a\073b\040c time=1 title=Disk\040usage\040in\040percent\073\040100%\040=\040full\040\134o/ vlabel=\176% order=_dev_sda1,x-y label._dev_sda1=/\040(é) label.x-y=a=b,c`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.m.Check(); err != nil {
				t.Fatal(err)
			}
			got := string(AppendMeta(nil, &tc.m))
			if got != tc.line+"\n" {
				t.Fatalf("AppendMeta:\n got %q\nwant %q", got, tc.line+"\n")
			}
			back, err := ParseMeta([]byte(tc.line), now)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, tc.m) {
				t.Fatalf("ParseMeta gave %#v, want %#v", back, tc.m)
			}
		})
	}
}

func TestParseMeta(t *testing.T) {
	long := strings.Repeat("x", MaxMetaText)
	fields := make([]string, MaxMetaFields)
	labels := make([]string, MaxMetaFields)
	for i := range fields {
		fields[i] = "f" + strconv.Itoa(i)
		labels[i] = "label." + fields[i] + "=x"
	}
	for _, tc := range []struct {
		name, line string
		want       *Meta  // nil: only that it parses
		err        string // part of the error, "" for none
	}{
		{"tabs and runs of spaces", "#meta g\t title=a  vlabel=b", &Meta{Group: "g", Time: now, Title: "a", VLabel: "b"}, ""},
		{"unknown keys skipped", "#meta g future=1 title=a", &Meta{Group: "g", Time: now, Title: "a"}, ""},
		{"time -1 is now", "#meta g time=-1", &Meta{Group: "g", Time: now}, ""},
		{"bounds reached", "#meta g title=" + long + " order=" + strings.Join(fields, ",") + " " + strings.Join(labels, " "), nil, ""},
		{"not meta", "# meta g", nil, "does not start with"},
		{"no group", "#meta  ", nil, "names no group"},
		{"bad group", "#meta g/h", nil, "group"},
		{"group dot", "#meta munin.", nil, "starts or ends with a dot"},
		{"no =", "#meta g title", nil, "is not KEY=VALUE"},
		{"bad key", "#meta g ti/tle=x", nil, `key name "ti/tle" has byte 0x2f`},
		{"twice", "#meta g title=a title=b", nil, `key "title" given twice`},
		{"empty value", "#meta g title=", nil, "empty value"},
		{"title too long", "#meta g title=" + long + "y", nil, "more than 200"},
		{"escaped too long", "#meta g title=" + strings.Repeat(`\040`, MaxMetaText+1), nil, "more than 200"},
		{"control character", `#meta g title=a\011b`, nil, "control character"},
		{"raw control character", "#meta g title=a\x01b", nil, "control character"},
		{"not UTF-8", `#meta g label.a=\377`, nil, "not valid UTF-8"},
		{"NUL", `#meta g title=\000`, nil, "NUL"},
		{"bad host", "#meta g host=~a", nil, `starts with "~"`},
		{"bad time", "#meta g time=soon", nil, "timestamp"},
		{"field with dot", "#meta g label.a.b=x", nil, `field name "a.b" has byte 0x2e`},
		{"empty field", "#meta g label.=x", nil, "empty field name"},
		{"order twice", "#meta g order=a,b,a", nil, `field "a" given twice`},
		{"order empty field", "#meta g order=a,,b", nil, "order: empty field name"},
		{"order too long", "#meta g order=" + strings.Join(fields, ",") + ",z", nil, "more than 500 fields"},
		{"labels too many", "#meta g " + strings.Join(labels, " ") + " label.z=x", nil, "more than 500 labels"},
		{"line too long", "#meta g title=" + strings.Repeat("x", MaxMetaLine), nil, "longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseMeta([]byte(tc.line), now)
			switch {
			case tc.err == "" && err != nil:
				t.Fatal(err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("error %v, want one with %q", err, tc.err)
			case tc.want != nil && !reflect.DeepEqual(m, *tc.want):
				t.Fatalf("got %#v, want %#v", m, *tc.want)
			}
		})
	}
}

func TestMetaCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    Meta
	}{
		{"bad group", Meta{Group: ""}},
		{"time", Meta{Group: "g", Time: -1}},
		{"field", Meta{Group: "g", Order: []string{"a b"}}},
		{"order twice", Meta{Group: "g", Order: []string{"a", "a"}}},
		{"label field", Meta{Group: "g", Labels: map[string]string{"a.b": "x"}}},
		{"control", Meta{Group: "g", Title: "a\nb"}},
		{"long", Meta{Group: "g", VLabel: strings.Repeat("x", MaxMetaText+1)}},
		{"line", Meta{Group: "g", Labels: func() map[string]string {
			l := map[string]string{}
			for i := range MaxMetaFields {
				l["f"+strconv.Itoa(i)] = strings.Repeat(" ", 100)
			}
			return l
		}()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.m.Check(); err == nil {
				t.Fatalf("Check passed %+v", tc.m)
			}
		})
	}
}

func TestMetaText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Load average", "Load average"},
		{"  a\t\tb\n", "a b"},
		{"a\x00b\x7fc", "a b c"},
		{"bad \xff byte", "bad \uFFFD byte"},
		{strings.Repeat("é", 150), strings.Repeat("é", 100)},
		{strings.Repeat("x", 199) + " y", strings.Repeat("x", 199)},
	} {
		got := MetaText(tc.in)
		if got != tc.want {
			t.Errorf("MetaText(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if _, err := metaText("title", []byte(got)); err != nil {
			t.Errorf("MetaText(%q) = %q, which a meta line refuses: %v", tc.in, got, err)
		}
	}
}

// TestReaderMeta checks that a Reader skips meta lines as comments, up
// to MaxMetaLine, unless Meta is set, when NextLine returns them.
func TestReaderMeta(t *testing.T) {
	big := "#meta g title=" + strings.Repeat("x", MaxMetaLine-len("#meta g title="))
	over := big + "y"
	in := "#meta g title=a\n" + big + "\r\na 1 2\n#metal 1 2\n" + over + "\nb 1 2\n"
	read := func(meta bool) (lines []string, errs []error) {
		r := NewReader(strings.NewReader(in), "f")
		r.Meta = meta
		for {
			line, err := r.NextLine()
			if err == io.EOF {
				return
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			lines = append(lines, string(line))
		}
	}
	for _, meta := range []bool{false, true} {
		lines, errs := read(meta)
		want := []string{"a 1 2", "b 1 2"}
		if meta {
			want = []string{"#meta g title=a", big, "a 1 2", "b 1 2"}
		}
		if !reflect.DeepEqual(lines, want) {
			t.Errorf("Meta %v: lines %.80q, want %.80q", meta, lines, want)
		}
		if len(errs) != 1 || !errors.Is(errs[0], ErrMetaLong) || !errors.Is(errs[0], ErrLong) || !strings.HasPrefix(errs[0].Error(), "f:5: meta line is longer than 65536") {
			t.Errorf("Meta %v: errors %v", meta, errs)
		}
	}
	r := NewReader(strings.NewReader(in), "f")
	r.Meta = true
	var names []string
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err == nil {
			names = append(names, rec.Name)
		}
	}
	if !reflect.DeepEqual(names, []string{"a", "b"}) {
		t.Errorf("Next with Meta: %q", names)
	}
}

// TestMetaBackslashText: a title holding a backslash and digits, which
// a line gives as \134000, is a text like any other: Check takes it, and
// it reads back the same.
func TestMetaBackslashText(t *testing.T) {
	m, err := ParseMeta([]byte(`#meta g title=\134000`), 1764045000)
	if err != nil || m.Title != `\000` {
		t.Fatalf("got %+v, %v", m, err)
	}
	if err := m.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
	back, err := ParseMeta(bytes.TrimSuffix(AppendMeta(nil, &m), []byte("\n")), 1764045000)
	if err != nil || back.Title != m.Title {
		t.Errorf("read back %+v, %v", back, err)
	}
}
