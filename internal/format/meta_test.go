package format

import (
	"bytes"
	"testing"

	"sm/internal/record"
)

// TestMetaWriter checks that graphite alone carries meta lines, escaped
// as esc does on a terminal.
func TestMetaWriter(t *testing.T) {
	for _, name := range Names() {
		if name == "table" {
			continue
		}
		w, err := New(name, &bytes.Buffer{}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := w.(MetaWriter); ok != (name == "graphite") {
			t.Errorf("%s: MetaWriter %v", name, ok)
		}
	}
	m := record.Meta{Group: "munin.x", Host: "web1", Time: 5, Title: "a\u202eb"}
	for _, tc := range []struct {
		term bool
		want string
	}{
		{false, "#meta munin.x host=web1 time=5 title=a\u202eb\nx 1 5\n"},
		{true, "#meta munin.x host=web1 time=5 title=a\\u202eb\nx 1 5\n"},
	} {
		var buf bytes.Buffer
		w, _ := New("graphite", &buf, Options{Terminal: tc.term})
		if err := w.(MetaWriter).WriteMeta(&m); err != nil {
			t.Fatal(err)
		}
		w.Write(&record.Record{Name: "x", Value: 1, Time: 5})
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if buf.String() != tc.want {
			t.Errorf("terminal %v: %q, want %q", tc.term, buf.String(), tc.want)
		}
	}
}
