package decode

import (
	"slices"
	"strings"
	"testing"
	"time"

	"sm/internal/format"
	"sm/internal/record"
)

// roundTrip are records whose every part a text format must carry:
// names with quotes and backslashes, tag values with the separators of
// each format, spaces, line ends and escapes, values of every size.
var roundTrip = []record.Record{
	{Name: "load.5m", Tags: []record.Tag{{Key: "host", Value: "web1"}}, Value: 0.27, Time: 1764045000},
	{Name: "disk.used_pct", Tags: []record.Tag{{Key: "host", Value: "web1"}, {Key: "mount", Value: "/mnt/my disk"}}, Value: 18.62, Time: 1764045000},
	{Name: `odd"name\`, Tags: []record.Tag{{Key: "k", Value: "a,b \"c\"\ttab"}}, Value: 1e21, Time: 0},
	{Name: "n", Tags: []record.Tag{{Key: "k", Value: "new\nline\n\n#not a comment"}, {Key: "mount", Value: `x;y\z=w`}}, Value: -1.5e-7, Time: 1},
	{Name: "n", Tags: []record.Tag{{Key: "host", Value: " lead"}, {Key: "k", Value: `\040 is no escape here`}}, Value: 123456789012, Time: record.MaxTime - 86400}, // a zone east of UTC would make MaxTime the year 10000
	{Name: "n", Tags: []record.Tag{{Key: "k", Value: "é~\u00a0\u2028"}}, Value: -0.1, Time: 1795590000},
	{Name: "no.tags", Value: 5e-324, Time: 86400},
	{Name: "n", Tags: []record.Tag{{Key: "host", Value: "#"}, {Key: "k", Value: `\.`}, {Key: "mount", Value: `"`}}, Value: 1.7976931348623157e308, Time: 2},
}

func TestRoundTripText(t *testing.T) {
	var cols []string
	for _, r := range roundTrip {
		for _, tag := range r.Tags {
			if !slices.Contains(cols, tag.Key) {
				cols = append(cols, tag.Key)
			}
		}
	}
	slices.Sort(cols)
	var want []string
	for _, r := range roundTrip {
		want = append(want, r.String())
	}
	for _, name := range []string{"json", "csv", "tsv"} {
		for _, loc := range []*time.Location{time.UTC, time.FixedZone("CET", 3600)} {
			t.Run(name+"/"+loc.String(), func(t *testing.T) {
				var sb strings.Builder
				w, err := format.New(name, &sb, format.Options{Columns: cols, Location: loc})
				if err != nil {
					t.Fatal(err)
				}
				for i := range roundTrip {
					if err := w.Write(&roundTrip[i]); err != nil {
						t.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				got := drain(t, name, sb.String(), Options{})
				if len(got.errs) > 0 {
					t.Errorf("errors: %q\nfrom:\n%s", got.errs, sb.String())
				}
				if !slices.Equal(got.recs, want) {
					t.Errorf("records:\n%s\nwant:\n%s\nfrom:\n%s", strings.Join(got.recs, "\n"), strings.Join(want, "\n"), sb.String())
				}
			})
		}
	}
}
