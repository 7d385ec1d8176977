package report

import (
	"testing"
	"time"

	"sm/internal/query"
	"sm/internal/report/fixture"
	"sm/internal/store"
)

// TestRollupsInReport: once the retention has pruned samples, the
// report reads the rollups of those hours: every row's min, avg, max,
// last, samples and coverage are what the samples gave, however the
// series are cut into chunks for reading; p95 says what it covers.
func TestRollupsInReport(t *testing.T) {
	db := fixtureDB(t)
	build := func() *Report {
		t.Helper()
		rep, err := Build(db, Options{
			Query: query.Query{From: fixture.Now.Add(-14 * 24 * time.Hour), To: fixture.Now},
			Now:   fixture.Now,
			Rules: DefaultRules(),
		})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	rows := func(rep *Report) map[string]Row {
		out := map[string]Row{}
		for _, h := range rep.Hosts {
			for _, f := range h.Groups {
				for _, r := range f.Rows {
					out[r.Series] = r
				}
			}
		}
		return out
	}
	before := rows(build())
	for _, raw := range []time.Duration{3 * 24 * time.Hour, 24 * time.Hour} {
		if err := db.SetPolicy(store.Policy{Raw: raw}); err != nil {
			t.Fatal(err)
		}
		if err := db.Compact(); err != nil {
			t.Fatal(err)
		}
		defer func(n int64) { rollupHours = n }(rollupHours)
		for _, hours := range []int64{rollupHours, 14 * 24, 1} {
			rollupHours = hours
			t.Run(raw.String()+" "+time.Duration(hours*int64(time.Hour)).String(), func(t *testing.T) {
				rep := build()
				if len(rep.Warnings) != 1 {
					t.Errorf("warnings %q, want the one of p95", rep.Warnings)
				}
				got := rows(rep)
				if len(got) != len(before) {
					t.Fatalf("%d rows, %d before the pruning", len(got), len(before))
				}
				for key, b := range before {
					g := got[key]
					if g.Min != b.Min || g.Avg != b.Avg || g.Max != b.Max || g.Last != b.Last || g.Samples != b.Samples ||
						g.Expected != b.Expected || g.Interval != b.Interval || !g.LastTime.Equal(b.LastTime) {
						t.Errorf("%s: %+v, before the pruning %+v", key, g, b)
					}
					var n, m int64
					for i := range g.Spark {
						n, m = n+g.Spark[i].N, m+b.Spark[i].N
					}
					if n != m {
						t.Errorf("%s: %d samples in the sparkline, %d before", key, n, m)
					}
					if g.P95From.IsZero() == !g.NoP95 {
						t.Errorf("%s: p95 from %v, none %v: want one of them", key, g.P95From, g.NoP95)
					}
				}
				if r := got["load.1m;host=web3"]; raw == 24*time.Hour && !r.NoP95 {
					t.Errorf("web3's p95 %v of rollups alone", r.P95)
				}
			})
		}
	}
}
