package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sm/internal/report/fixture"
)

// TestRowsNaturalOrder: a group's rows, in every format, are in
// natural order (load.1m, load.5m, load.15m; /data2 before /data10),
// and the MaxRows kept of a bigger family are the first in that order,
// not in the database's byte order.
func TestRowsNaturalOrder(t *testing.T) {
	const disks = 30
	var b bytes.Buffer
	end := fixture.Now.Unix()
	for k := range int64(3) {
		ts := end - 3600 + k*600
		for _, m := range []string{"15m", "1m", "5m"} {
			fmt.Fprintf(&b, "load.%s;host=web1 0.5 %d\n", m, ts)
		}
		for i := range disks {
			fmt.Fprintf(&b, "disk.used_pct;host=web1;mount=/data%d 10 %d\n", i, ts)
		}
	}
	rep := dayReport(t, b.Bytes())
	labels := map[string][]string{}
	for _, g := range rep.Hosts[0].Groups {
		for _, r := range g.Rows {
			labels[g.Name] = append(labels[g.Name], r.Label)
		}
	}
	var wantDisks []string
	for i := range MaxRows {
		wantDisks = append(wantDisks, fmt.Sprintf("used_pct /data%d", i))
	}
	tests := []struct {
		family string
		want   []string
	}{
		{"load", []string{"1m", "5m", "15m"}},
		{"disk", wantDisks},
	}
	for _, tt := range tests {
		t.Run(tt.family, func(t *testing.T) {
			if got := labels[tt.family]; !slices.Equal(got, tt.want) {
				t.Errorf("rows %q, want %q", got, tt.want)
			}
		})
	}

	// Every format shows them in that order.
	var text, md, html bytes.Buffer
	for _, w := range []struct {
		out   *bytes.Buffer
		write func(*bytes.Buffer, *Report) error
	}{
		{&text, func(b *bytes.Buffer, r *Report) error { return WriteText(b, r) }},
		{&md, func(b *bytes.Buffer, r *Report) error { return WriteMarkdown(b, r) }},
		{&html, func(b *bytes.Buffer, r *Report) error { return WriteHTML(b, r) }},
	} {
		if err := w.write(w.out, rep); err != nil {
			t.Fatal(err)
		}
	}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"text": text.String(), "markdown": md.String(), "html": html.String(), "json": string(js)} {
		t.Run(name, func(t *testing.T) {
			// The labels, as cells: after a space, a bar, a quote or a
			// tag, and before one.
			at := func(label string) int {
				loc := regexp.MustCompile(`[\s|">]` + label + `[\s|"<]`).FindStringIndex(out)
				if loc == nil {
					return -1
				}
				return loc[0]
			}
			i1, i5, i15 := at("1m"), at("5m"), at("15m")
			if i1 < 0 || !(i1 < i5 && i5 < i15) {
				t.Errorf("1m at %d, 5m at %d, 15m at %d: want in that order", i1, i5, i15)
			}
			d2, d10 := strings.Index(out, "/data2"), strings.Index(out, "/data10")
			if d2 < 0 || d10 < d2 {
				t.Errorf("/data2 at %d, /data10 at %d: want /data2 first", d2, d10)
			}
			if strings.Contains(out, "/data25") {
				t.Errorf("/data25 shown, past the first %d", MaxRows)
			}
		})
	}
}
