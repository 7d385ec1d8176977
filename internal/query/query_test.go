package query

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"
	_ "time/tzdata"

	"sm/internal/record"
	"sm/internal/store"
)

func TestBuckets(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) int64 {
		tm, err := time.ParseInLocation(time.DateTime, s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return tm.Unix()
	}
	utc := func(s string) int64 {
		tm, _ := time.Parse(time.DateTime, s)
		return tm.Unix()
	}
	tests := []struct {
		step        time.Duration
		ts          int64
		start, next int64
	}{
		// Under a day: multiples of the step in UTC, whatever the zone.
		{5 * time.Minute, utc("2026-11-25 10:07:13"), utc("2026-11-25 10:05:00"), utc("2026-11-25 10:10:00")},
		{time.Hour, utc("2026-11-25 10:07:13"), utc("2026-11-25 10:00:00"), utc("2026-11-25 11:00:00")},
		{90 * time.Minute, utc("1970-01-01 02:00:00"), utc("1970-01-01 01:30:00"), utc("1970-01-01 03:00:00")},
		{6 * time.Hour, utc("2026-11-25 23:59:59"), utc("2026-11-25 18:00:00"), utc("2026-11-26 00:00:00")},
		// A day: local midnight to local midnight.
		{24 * time.Hour, at("2026-11-25 00:30:00"), at("2026-11-25 00:00:00"), at("2026-11-26 00:00:00")},
		// The day summer time starts has 23 hours, the day it ends 25.
		{24 * time.Hour, at("2026-03-29 12:00:00"), at("2026-03-29 00:00:00"), at("2026-03-29 00:00:00") + 23*3600},
		{24 * time.Hour, at("2026-10-25 23:00:00"), at("2026-10-25 00:00:00"), at("2026-10-25 00:00:00") + 25*3600},
		// Weeks start on Monday; 2026-11-25 is a Wednesday.
		{7 * 24 * time.Hour, at("2026-11-25 10:00:00"), at("2026-11-23 00:00:00"), at("2026-11-30 00:00:00")},
		{7 * 24 * time.Hour, at("2026-11-23 00:00:00"), at("2026-11-23 00:00:00"), at("2026-11-30 00:00:00")},
	}
	for _, tt := range tests {
		b := Buckets{Step: tt.step, Loc: berlin}
		if got := b.Start(tt.ts); got != tt.start {
			t.Errorf("step %v: Start(%s) = %s, want %s", tt.step, time.Unix(tt.ts, 0).In(berlin), time.Unix(got, 0).In(berlin), time.Unix(tt.start, 0).In(berlin))
		}
		if got := b.Next(tt.start); got != tt.next {
			t.Errorf("step %v: Next(%s) = %s, want %s", tt.step, time.Unix(tt.start, 0).In(berlin), time.Unix(got, 0).In(berlin), time.Unix(tt.next, 0).In(berlin))
		}
	}
	for _, bad := range []time.Duration{0, 500 * time.Millisecond, 1500 * time.Millisecond, 36 * time.Hour} {
		if CheckStep(bad) == nil {
			t.Errorf("CheckStep(%v) accepted", bad)
		}
	}
}

func TestParseTagFilter(t *testing.T) {
	for in, want := range map[string]string{"host=web1": "host=web1", "mount!=/": "mount!=/", "host=~web[12]": "host=~web[12]", "a=b=c": "a=b=c"} {
		f, err := ParseTagFilter(in)
		if err != nil || f.String() != want {
			t.Errorf("ParseTagFilter(%q) = %v, %v", in, f, err)
		}
	}
	for _, bad := range []string{"host", "=web1", "host=", "host!=", "h st=x", "host=~(", "host~web"} {
		if _, err := ParseTagFilter(bad); err == nil {
			t.Errorf("ParseTagFilter(%q) accepted", bad)
		}
	}
}

func TestFuncValues(t *testing.T) {
	// Hand-computed: 10, 20, 30, 40, then a counter reset to 5.
	pts := []struct {
		ts int64
		v  float64
	}{{0, 10}, {60, 20}, {120, 30}, {180, 40}, {240, 5}}
	a := newAcc(true)
	for i, p := range pts {
		a.add(p.ts, p.v)
		if i > 0 {
			a.counter(pts[i-1].ts, pts[i-1].v, p.ts, p.v)
		}
	}
	want := map[Func]float64{
		Avg: 21, Min: 5, Max: 40, Sum: 105, Count: 5, First: 10, Last: 5,
		P50: 20, P90: 36, P95: 38, P99: 39.6,
		Stddev: math.Sqrt((11*11 + 1 + 9*9 + 19*19 + 16*16) / 5.0),
		// Increases 10, 10, 10, then 5 after the reset, over 240 s.
		Rate: 35.0 / 240,
	}
	for _, f := range Funcs {
		got, ok := a.value(f)
		if !ok || math.Abs(got-want[f]) > 1e-12 {
			t.Errorf("%s = %v (%v), want %v", f, got, ok, want[f])
		}
	}
	if _, ok := newAcc(false).value(Avg); ok {
		t.Error("an empty bucket has an average")
	}
}

// testDB stores rand's samples of a few series every minute for three
// days, all of it in closed periods, so rolled up.
func testDB(t *testing.T) (*store.DB, map[string][]point, int64) {
	t.Helper()
	start := int64(1764028800) // a period start, 2025-11-25 00:00 UTC
	now := start + 3*86400 + store.Period
	db, err := store.Open(filepath.Join(t.TempDir(), "m.db"), store.Options{Wait: time.Second, Now: func() time.Time { return time.Unix(now, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r := rand.New(rand.NewPCG(5, 6))
	data := map[string][]point{}
	b := store.NewBatch()
	for _, key := range []string{"cpu.busy_pct;host=a", "cpu.busy_pct;host=b", "net.rx;host=a"} {
		v := 50.0
		for m := int64(0); m < 3*1440; m++ {
			if r.IntN(50) == 0 {
				continue // a missed run
			}
			v = math.Round((v+r.NormFloat64())*100) / 100
			ts := start + m*60 + int64(r.IntN(3))
			b.Add([]byte(key), ts, v)
			data[key] = append(data[key], point{ts, v})
		}
	}
	if _, err := db.Write(b); err != nil {
		t.Fatal(err)
	}
	return db, data, start
}

type point struct {
	ts int64
	v  float64
}

func run(t *testing.T, db *store.DB, q Query) []string {
	t.Helper()
	var out []string
	_, err := Run(db, q, q.To, func(r *record.Record) error {
		out = append(out, r.String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRollupsEqualSamples: answers from hourly rollups are the answers
// from the samples, to the last bit, for every step, zone and range,
// and however the range is cut into windows for reading.
func TestRollupsEqualSamples(t *testing.T) {
	db, _, start := testDB(t)
	kolkata, _ := time.LoadLocation("Asia/Kolkata") // midnight at :30 UTC
	defer func(w int64) { rollupWindow = w }(rollupWindow)
	for _, window := range []int64{rollupWindow, 7 * 3600} {
		rollupWindow = window
		for _, loc := range []*time.Location{time.UTC, kolkata} {
			for _, step := range []time.Duration{0, time.Hour, 90 * time.Minute, 3 * time.Hour, 24 * time.Hour} {
				for _, rng := range [][2]int64{{start, start + 3*86400 - 1}, {start + 1234, start + 2*86400 + 999}} {
					q := Query{From: time.Unix(rng[0], 0), To: time.Unix(rng[1], 0), Funcs: []Func{Avg, Min, Max, Sum, Count, Last},
						Buckets: Buckets{Step: step, Loc: loc}}
					fast := run(t, db, q)
					q.noRollups = true
					slow := run(t, db, q)
					if len(fast) == 0 || !reflect.DeepEqual(fast, slow) {
						t.Fatalf("window %ds, %v step %v range %v: rollups gave %d records, samples %d; first difference %q",
							window, loc, step, rng, len(fast), len(slow), firstDiff(fast, slow))
					}
				}
			}
		}
	}
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + " vs " + b[i]
		}
	}
	return ""
}

// TestAggregatesAgainstReference checks every function, bucket by
// bucket, against a plain computation over the stored samples.
func TestAggregatesAgainstReference(t *testing.T) {
	db, data, start := testDB(t)
	step := 6 * time.Hour
	q := Query{From: time.Unix(start, 0), To: time.Unix(start+3*86400-1, 0), Funcs: Funcs, Buckets: Buckets{Step: step, Loc: time.UTC},
		Selector: Selector{Metrics: []string{"cpu.busy_pct"}, Tags: []TagFilter{{Key: "host", Op: "=", Value: "b"}}}}
	got := map[string]float64{}
	_, err := Run(db, q, q.To, func(r *record.Record) error {
		got[fmt.Sprintf("%s@%d", r.Tag("agg"), r.Time)] = r.Value
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	pts := data["cpu.busy_pct;host=b"]
	var prev *point
	for b0 := start; b0 < start+3*86400; b0 += int64(step.Seconds()) {
		var vs []float64
		var incr float64
		var span int64
		for i := range pts {
			p := pts[i]
			if p.ts < b0 || p.ts >= b0+int64(step.Seconds()) {
				continue
			}
			vs = append(vs, p.v)
			if prev != nil {
				if p.v >= prev.v {
					incr += p.v - prev.v
				} else {
					incr += p.v
				}
				span += p.ts - prev.ts
			}
			prev = &pts[i]
		}
		var sum float64
		for _, v := range vs {
			sum += v
		}
		sorted := slices.Sorted(slices.Values(vs))
		pct := func(q float64) float64 {
			r := q * float64(len(sorted)-1)
			lo := int(r)
			if lo+1 >= len(sorted) {
				return sorted[lo]
			}
			return sorted[lo] + (r-float64(lo))*(sorted[lo+1]-sorted[lo])
		}
		mean := sum / float64(len(vs))
		var ss float64
		for _, v := range vs {
			ss += (v - mean) * (v - mean)
		}
		want := map[Func]float64{
			Avg: mean, Min: slices.Min(vs), Max: slices.Max(vs), Sum: sum, Count: float64(len(vs)),
			First: vs[0], Last: vs[len(vs)-1], P50: pct(.5), P90: pct(.9), P95: pct(.95), P99: pct(.99),
			Stddev: math.Sqrt(ss / float64(len(vs))), Rate: incr / float64(span),
		}
		for f, w := range want {
			g, ok := got[fmt.Sprintf("%s@%d", f, b0)]
			// Sums may differ in the last bits: the reference adds the
			// samples in one run, sm hour by hour.
			if !ok || math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
				t.Errorf("bucket %d %s = %v (%v), want %v", b0, f, g, ok, w)
			}
		}
	}
}

func TestSelect(t *testing.T) {
	db, _, start := testDB(t)
	q := Query{From: time.Unix(start, 0), To: time.Unix(start+3600, 0)}
	keys := func(sel Selector) []string {
		q.Selector = sel
		var out []string
		for _, l := range run(t, db, q) {
			r, _ := record.Parse([]byte(l), 0)
			if k := string(record.AppendSeries(nil, r.Name, r.Tags)); !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
		return out
	}
	tf := func(s string) TagFilter {
		f, err := ParseTagFilter(s)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	tests := []struct {
		sel  Selector
		want []string
	}{
		{Selector{}, []string{"cpu.busy_pct;host=a", "cpu.busy_pct;host=b", "net.rx;host=a"}},
		{Selector{Metrics: []string{"cpu.*"}}, []string{"cpu.busy_pct;host=a", "cpu.busy_pct;host=b"}},
		{Selector{Tags: []TagFilter{tf("host=a")}}, []string{"cpu.busy_pct;host=a", "net.rx;host=a"}},
		{Selector{Tags: []TagFilter{tf("host!=a")}}, []string{"cpu.busy_pct;host=b"}},
		{Selector{Tags: []TagFilter{tf("host=~[ab]"), tf("host!=b")}, Metrics: []string{"*.busy_pct"}}, []string{"cpu.busy_pct;host=a"}},
		{Selector{Tags: []TagFilter{tf("mount=~")}}, []string{"cpu.busy_pct;host=a", "cpu.busy_pct;host=b", "net.rx;host=a"}},
		{Selector{Metrics: []string{"nope"}}, nil},
	}
	for _, tt := range tests {
		if got := keys(tt.sel); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%+v: got %q, want %q", tt.sel, got, tt.want)
		}
	}
}

func TestLimit(t *testing.T) {
	db, _, start := testDB(t)
	q := Query{From: time.Unix(start, 0), To: time.Unix(start+86400, 0), Limit: 7}
	if got := run(t, db, q); len(got) != 7 {
		t.Errorf("%d records with --limit 7", len(got))
	}
}
