package record

import (
	"fmt"
	"slices"
	"testing"
)

func TestCheckSeries(t *testing.T) {
	for _, tc := range []struct {
		name string
		tags []Tag
		err  string
	}{
		{"a.b", nil, ""},
		{"a", []Tag{{"z", "1"}, {"b", "~x"}, {"m", "\xff;\\ \t"}}, ""},
		{"", nil, "empty metric name"},
		{"a b", nil, `metric name "a b" has byte 0x20 (names are printable ASCII)`},
		{"é", nil, `metric name "é" has byte 0xc3 (names are printable ASCII)`},
		{"a;b=c", nil, `metric name "a;b=c" has ";", which starts the tags`},
		{"a", []Tag{{"k", "1"}, {"k", "2"}}, `tag "k" given twice`},
		{"a", []Tag{{"k=", "1"}}, `tag name "k=" has byte 0x3d (allowed: A-Z a-z 0-9 _ . -)`},
		{"a", []Tag{{"k", ""}}, `tag "k" has an empty value`},
		{"a", []Tag{{"k", "a\x00b"}}, `tag "k": value "a\x00b" has a NUL byte`},
		{"a", []Tag{{"z", ""}, {"b", ""}}, `tag "b" has an empty value`},
	} {
		t.Run(fmt.Sprintf("%q %q", tc.name, tc.tags), func(t *testing.T) {
			err := CheckSeries(tc.name, tc.tags)
			if got := fmt.Sprint(err); tc.err == "" && err != nil || tc.err != "" && got != tc.err {
				t.Errorf("got %v, want %q", err, tc.err)
			}
		})
	}
}

// FuzzCheckSeries holds CheckSeries to the record format: it takes a
// series exactly when AppendSeries writes what ParseSeries reads back
// the same.
func FuzzCheckSeries(f *testing.F) {
	f.Add("a.b", "k", "v", "k2", "v2")
	f.Add("a", "k", "~x", "m", "\xff \\073;")
	f.Add("a;b", "k", "", "k", "v")
	f.Add("a", "k", "\x00", "k.-_", "\u2028")
	f.Fuzz(func(t *testing.T, name, k1, v1, k2, v2 string) {
		tags := []Tag{{k1, v1}, {k2, v2}}
		err := CheckSeries(name, tags)
		line := AppendSeries(nil, name, tags)
		n, got, perr := ParseSeries(string(line))
		same := perr == nil && n == name && slices.Equal(got, tags)
		if (err == nil) != same {
			t.Errorf("CheckSeries: %v, but %q reads back as %q %q, %v", err, line, n, got, perr)
		}
	})
}
