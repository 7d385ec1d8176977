package query

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestPercentile checks that Percentile, which selects, gives every
// percentile function what an Acc that sorts gives, to the bit: of
// values few and many, sorted, reversed, repeated, and with NaN, ±0
// and ±Inf among them.
func TestPercentile(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	odd := []float64{math.NaN(), math.Copysign(0, -1), 0, math.Inf(1), math.Inf(-1), -math.MaxFloat64, math.MaxFloat64, 1e-300}
	var cases [][]float64
	for n := 1; n <= 40; n++ {
		var random, few, sorted, reversed, mixed []float64
		for i := range n {
			random = append(random, rng.NormFloat64()*100)
			few = append(few, float64(rng.IntN(3)))
			sorted = append(sorted, float64(i)/4)
			reversed = append(reversed, float64(n-i))
			if rng.IntN(3) == 0 {
				mixed = append(mixed, odd[rng.IntN(len(odd))])
			} else {
				mixed = append(mixed, float64(rng.IntN(5))-2)
			}
		}
		cases = append(cases, random, few, sorted, reversed, mixed)
	}
	big := make([]float64, 10007)
	for i := range big {
		big[i] = math.Round(rng.Float64()*1000) / 100
	}
	cases = append(cases, big)
	for _, vs := range cases {
		for _, f := range []Func{P50, P90, P95, P99} {
			a := NewAcc(f)
			for i, v := range vs {
				a.Add(int64(i), v)
			}
			want, wantOK := a.Value(f)
			got, ok := Percentile(f, slices.Clone(vs))
			if ok != wantOK || math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("%s of %v: %v %v, want %v %v", f, vs, got, ok, want, wantOK)
			}
		}
	}
	if _, ok := Percentile(P95, nil); ok {
		t.Error("p95 of no values: a value")
	}
	if _, ok := Percentile(Avg, []float64{1}); ok {
		t.Error("Percentile(avg): a value")
	}
}
