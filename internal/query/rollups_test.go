package query

import (
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"sm/internal/record"
	"sm/internal/store"
)

// TestAccMixed: a bucket that holds an hour's rollup gives what rollups
// can answer, and first only when its first hour is of samples.
func TestAccMixed(t *testing.T) {
	sample := func(a *acc, ts int64, v float64) { a.add(ts, v) }
	rollup := func(a *acc, hour int64) { a.addRollup(hour, 1, 3, 6, 3, 3) }
	tests := []struct {
		name string
		fill func(a *acc)
		want map[Func]float64 // the functions with a value; the rest have none
	}{
		{"samples only", func(a *acc) { sample(a, 0, 2); sample(a, 60, 4) },
			map[Func]float64{Avg: 3, Min: 2, Max: 4, Sum: 6, Count: 2, First: 2, Last: 4, P50: 3, P90: 3.8, P95: 3.9, P99: 3.98, Stddev: 1}},
		{"rollup then samples", func(a *acc) { rollup(a, 0); sample(a, 3600, 5) },
			map[Func]float64{Avg: 11.0 / 4, Min: 1, Max: 5, Sum: 11, Count: 4, Last: 5}},
		{"samples then rollup", func(a *acc) { sample(a, 0, 5); rollup(a, 3600) },
			map[Func]float64{Avg: 11.0 / 4, Min: 1, Max: 5, Sum: 11, Count: 4, First: 5, Last: 3}},
		{"rollup only", func(a *acc) { rollup(a, 0) },
			map[Func]float64{Avg: 2, Min: 1, Max: 3, Sum: 6, Count: 3, Last: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAcc(true)
			tt.fill(a)
			for _, f := range Funcs {
				if f == Rate {
					continue // needs counter() calls, as aggregate makes
				}
				got, ok := a.value(f)
				want, wantOK := tt.want[f]
				if ok != wantOK || ok && math.Abs(got-want) > 1e-12 {
					t.Errorf("%s = %v (%v), want %v (%v)", f, got, ok, want, wantOK)
				}
			}
		})
	}
}

// TestRollupsWhereSamplesGone: once the retention has pruned samples,
// the functions that rollups answer still come for every bucket, the
// same as before the pruning, whatever else is asked; the others come
// only for buckets whose samples are all kept, the same as a query of
// samples gives them, and the stats name them.
func TestRollupsWhereSamplesGone(t *testing.T) {
	db, _, start := testDB(t)
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	collect := func(q Query) (map[string]string, Stats) {
		t.Helper()
		out := map[string]string{}
		st, err := Run(db, q, q.To, func(r *record.Record) error {
			out[string(record.AppendSeries(nil, r.Name, r.Tags))+"@"+time.Unix(r.Time, 0).UTC().Format(time.RFC3339)] = strings.Fields(r.String())[1]
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out, st
	}
	type tcase struct {
		step time.Duration
		loc  *time.Location
		rng  [2]int64
	}
	var cases []tcase
	for _, loc := range []*time.Location{time.UTC, kolkata} {
		for _, step := range []time.Duration{0, time.Hour, 3 * time.Hour, 24 * time.Hour} {
			for _, rng := range [][2]int64{{start, start + 3*86400 - 1}, {start + 1234, start + 2*86400 + 999}} {
				cases = append(cases, tcase{step, loc, rng})
			}
		}
	}
	query := func(c tcase, funcs []Func) Query {
		return Query{From: time.Unix(c.rng[0], 0), To: time.Unix(c.rng[1], 0), Funcs: funcs, Buckets: Buckets{Step: c.step, Loc: c.loc}}
	}
	var rolled []Func
	for _, f := range Funcs {
		if f.FromRollups() {
			rolled = append(rolled, f)
		}
	}
	// Before the pruning, from samples alone.
	before := make([]map[string]string, len(cases))
	for i, c := range cases {
		q := query(c, rolled)
		q.noRollups = true
		before[i], _ = collect(q)
	}
	if err := db.SetPolicy(store.Policy{Raw: 36 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	if err := db.Compact(); err != nil {
		t.Fatal(err)
	}
	// The samples kept start at the period after the pruned ones: a
	// block goes when its whole period is past the retention.
	now := start + 3*86400 + store.Period
	gone := now - 36*3600 - store.Period
	cut := gone - gone%store.Period + store.Period
	for i, c := range cases {
		t.Run(c.loc.String()+" "+c.step.String()+" "+time.Unix(c.rng[0], 0).UTC().Format(time.TimeOnly), func(t *testing.T) {
			got, st := collect(query(c, Funcs))
			q := query(c, Funcs)
			q.noRollups = true
			samples, _ := collect(q)
			if c.rng[0] < cut && !slices.ContainsFunc(Funcs, func(f Func) bool { return !f.FromRollups() && slices.Contains(st.RawGone, f) }) {
				t.Errorf("stats name no function left out: %v", st.RawGone)
			}
			alone, _ := collect(query(c, rolled))
			for k, v := range alone {
				if got[k] != v {
					t.Errorf("%s = %q, want %q, as asked alone", k, got[k], v)
				}
			}
			if c.loc != time.UTC || c.rng[0]%3600 != 0 {
				// Midnight at :30 splits an hour between days, and a
				// range that starts within an hour splits that one:
				// its rollup answers neither, and its samples are gone.
				return
			}
			if !maps.Equal(alone, before[i]) {
				t.Errorf("rollups give %d records, the samples before the pruning %d", len(alone), len(before[i]))
			}
			for k, v := range samples {
				f := Func(strings.SplitN(strings.SplitN(k, "agg=", 2)[1], ";", 2)[0])
				if f.FromRollups() {
					continue
				}
				at, _ := time.Parse(time.RFC3339, strings.SplitN(k, "@", 2)[1])
				whole := at.Unix() >= cut
				if whole && got[k] != v {
					t.Errorf("%s = %q, want %q, as from samples", k, got[k], v)
				}
				if !whole && got[k] != "" {
					t.Errorf("%s = %q, of a bucket partly rolled up", k, got[k])
				}
			}
			for k := range got {
				if _, ok := alone[k]; !ok {
					if _, ok := samples[k]; !ok {
						t.Errorf("%s: a record neither samples nor rollups give", k)
					}
				}
			}
		})
	}
}
