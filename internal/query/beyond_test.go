package query

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sm/internal/record"
	"sm/internal/store"
)

// TestHugeValues: sums, averages, rates and deviations of values near
// ±MaxFloat64 stay finite where the true result is; a sum beyond is
// reported as such (±Inf, which aggregate leaves out), never NaN.
func TestHugeValues(t *testing.T) {
	const big = 1.7e308
	tests := []struct {
		name string
		vs   []float64
		want map[Func]float64 // ±Inf: beyond
	}{
		{"three up", []float64{big, big, big}, map[Func]float64{
			Avg: big, Sum: math.Inf(1), Stddev: 0, P50: big, P95: big, Min: big, Max: big}},
		{"three down", []float64{-big, -big, -big}, map[Func]float64{
			Avg: -big, Sum: math.Inf(-1), Stddev: 0, P95: -big}},
		{"up and back", []float64{big, big, -big}, map[Func]float64{
			Avg: big / 3, Sum: big, Stddev: math.Sqrt(8.0/9) * big, P50: big, P90: big}},
		{"either side", []float64{-big, big}, map[Func]float64{
			Avg: 0, Sum: 0, Stddev: big, P50: 0, P90: 0.8 * big,
			// A rise of 3.4e308, past MaxFloat64, in a minute.
			Rate: 2 * (big / 60)}},
		{"rate within", []float64{-big, big / 2}, map[Func]float64{Rate: (big / 2) / 60 * 1.5 * 2}},
		{"ordinary", []float64{10, 20, 30}, map[Func]float64{Avg: 20, Sum: 60, Stddev: math.Sqrt(200.0 / 3)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAcc(true)
			for i, v := range tt.vs {
				ts := int64(i) * 60
				a.add(ts, v)
				if i > 0 {
					a.counter(int64(i-1)*60, tt.vs[i-1], ts, v)
				}
			}
			for _, f := range Funcs {
				got, ok := a.value(f)
				if !ok && f != Rate {
					t.Errorf("%s: no value", f)
				}
				if math.IsNaN(got) {
					t.Errorf("%s = NaN", f)
				}
				want, check := tt.want[f]
				if !check {
					if math.IsInf(got, 0) {
						t.Errorf("%s = %v", f, got)
					}
					continue
				}
				scale := 1.0
				for _, v := range tt.vs {
					scale = math.Max(scale, math.Abs(v))
				}
				if got != want && !(math.Abs(got-want) <= 1e-12*scale) {
					t.Errorf("%s = %v, want %v", f, got, want)
				}
			}
		})
	}
}

// TestOrdinaryStddevExact: scaling leaves ordinary values alone, to
// the last bit of the two-pass formula.
func TestOrdinaryStddevExact(t *testing.T) {
	vs := []float64{0.1, 0.7, 1e10, 3.3, -2.2e12, 1e-300}
	var mean float64
	for _, v := range vs {
		mean += v
	}
	mean /= float64(len(vs))
	var ss float64
	for _, v := range vs {
		ss += (v - mean) * (v - mean)
	}
	if got, want := stddev(slicesClone(vs)), math.Sqrt(ss/float64(len(vs))); got != want {
		t.Errorf("stddev = %v, want %v", got, want)
	}
}

func slicesClone(vs []float64) []float64 { return append([]float64(nil), vs...) }

// TestBeyondLeftOut: a sum beyond ±MaxFloat64 is left out of Run's
// records and counted, with the series named; the other functions of
// the same bucket are given.
func TestBeyondLeftOut(t *testing.T) {
	now := time.Unix(1764028800, 0)
	db, err := store.Open(filepath.Join(t.TempDir(), "m.db"), store.Options{Wait: time.Second, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := store.NewBatch()
	for i, v := range []float64{1.7e308, 1.7e308, 1.7e308} {
		b.Add([]byte("x;host=a"), now.Unix()-int64(100-i), v)
	}
	b.Add([]byte("y;host=a"), now.Unix()-50, 1)
	if _, err := db.Write(b); err != nil {
		t.Fatal(err)
	}
	q := Query{From: now.Add(-time.Hour), To: now, Funcs: []Func{Sum, Avg}}
	var got []string
	st, err := Run(db, q, now, func(r *record.Record) error {
		got = append(got, r.String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"x;agg=avg;host=a", "y;agg=sum;host=a", "y;agg=avg;host=a"}
	if strings.Join(trimTimes(got), "\n") != strings.Join(want, "\n") {
		t.Errorf("records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if st.Beyond != 1 || !strings.HasPrefix(st.BeyondFirst, "x;agg=sum;host=a at ") {
		t.Errorf("Beyond = %d, %q", st.Beyond, st.BeyondFirst)
	}
	if w := st.BeyondWarning(); !strings.Contains(w, "x;agg=sum;host=a") || !strings.Contains(w, "beyond") {
		t.Errorf("warning %q", w)
	}
}

// trimTimes keeps the series of records.
func trimTimes(rs []string) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i], _, _ = strings.Cut(r, " ")
	}
	return out
}
