package query

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"sm/internal/store"
)

// A Func is an aggregate function.
type Func string

// The aggregate functions.
const (
	Avg    Func = "avg"
	Min    Func = "min"
	Max    Func = "max"
	Sum    Func = "sum"
	Count  Func = "count"
	First  Func = "first"
	Last   Func = "last"
	P50    Func = "p50"
	P90    Func = "p90"
	P95    Func = "p95"
	P99    Func = "p99"
	Stddev Func = "stddev"
	Rate   Func = "rate"
)

// Funcs lists them all, in the order the manual gives them.
var Funcs = []Func{Avg, Min, Max, Sum, Count, First, Last, P50, P90, P95, P99, Stddev, Rate}

// ParseFuncs parses a comma-separated list of functions.
func ParseFuncs(s string) ([]Func, error) {
	var out []Func
	for _, name := range strings.Split(s, ",") {
		f := Func(strings.TrimSpace(name))
		if !slices.Contains(Funcs, f) {
			var names []string
			for _, f := range Funcs {
				names = append(names, string(f))
			}
			return nil, fmt.Errorf("unknown function %q (want %s)", name, strings.Join(names, " "))
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// FromRollups reports whether hourly rollups can answer f.
func (f Func) FromRollups() bool {
	switch f {
	case Avg, Min, Max, Sum, Count, Last:
		return true
	}
	return false
}

// quantile is the level of a percentile function, or 0.
func (f Func) quantile() float64 {
	switch f {
	case P50:
		return 0.5
	case P90:
		return 0.9
	case P95:
		return 0.95
	case P99:
		return 0.99
	}
	return 0
}

// An acc gathers a bucket's samples.
//
// Sums add up each hour's samples first, in time order, and then the
// hours, in order: the way rollups are summed, so that a sum or average
// is the same to the last bit whether it comes from samples or rollups.
type acc struct {
	count            int64
	min, max         float64
	first, last      float64
	firstTs, lastTs  int64
	hour             int64 // of hourSum, -1 before any
	hourSum, total   Total
	hourExact        store.DecimalSum // hourSum, exactly while it can be
	exact            bool             // hourExact holds every sample of the hour
	values           []float64        // kept only when a function needs them
	keep             bool
	incr             Total // for rate
	span             int64
	prevTs           int64
	prevV            float64
	hasPrev, hasRate bool
	// rolled is set when the bucket holds an hour's rollup, whose
	// samples are gone: the functions that need every sample have no
	// value; firstRolled when its first hour is one, and first none.
	rolled, firstRolled bool
}

func newAcc(keep bool) *acc { return &acc{hour: -1, keep: keep} }

func (a *acc) reset() {
	*a = acc{hour: -1, keep: a.keep, values: a.values[:0]}
}

// sumHour adds s, a sample of hour h; rolled says s is the sum of an
// hour's rollup, summed as rollups are.
func (a *acc) sumHour(h int64, s float64, rolled bool) {
	if a.hour != h {
		a.total.Merge(a.hourTotal())
		a.hour, a.hourSum = h, Total{}
		a.hourExact, a.exact = store.DecimalSum{}, !rolled
	}
	a.hourSum.Add(s)
	a.exact = a.exact && !rolled && a.hourExact.Add(s)
}

// hourTotal is the sum of the current hour's samples: exact where the
// rollups would be.
func (a *acc) hourTotal() Total {
	if a.hour < 0 {
		return Total{}
	}
	if a.exact {
		var t Total
		t.Add(a.hourExact.Value())
		return t
	}
	return a.hourSum
}

func (a *acc) sum() Total {
	t := a.total
	t.Merge(a.hourTotal())
	return t
}

// add adds a sample; samples come in time order.
func (a *acc) add(ts int64, v float64) {
	if a.count == 0 {
		a.min, a.max, a.first, a.firstTs = v, v, v, ts
	}
	a.count++
	a.min = math.Min(a.min, v)
	a.max = math.Max(a.max, v)
	a.last, a.lastTs = v, ts
	a.sumHour(ts-ts%3600, v, false)
	if a.keep {
		a.values = append(a.values, v)
	}
}

// addRollup adds an hour's rollup; hours come in time order, between
// the samples of other hours.
func (a *acc) addRollup(hour int64, min, max, sum, last float64, count int64) {
	if count == 0 {
		return
	}
	if a.count == 0 {
		a.min, a.max = min, max
		a.firstRolled = true
	}
	a.rolled = true
	a.count += count
	a.min = math.Min(a.min, min)
	a.max = math.Max(a.max, max)
	a.last, a.lastTs = last, hour+3599
	a.sumHour(hour, sum, true)
}

// counter feeds rate: the increase from the previous sample, which may
// be in the previous bucket; a decrease is a counter reset, and the new
// value is all increase.
func (a *acc) counter(prevTs int64, prevV float64, ts int64, v float64) {
	if v >= prevV {
		a.incr.AddDiff(v, prevV)
	} else {
		a.incr.Add(v)
	}
	a.span += ts - prevTs
	a.hasRate = true
}

// value returns f of the bucket, and whether it has one. A sum, or a
// rate, beyond ±MaxFloat64 is ±Inf: the caller says it cannot be
// written.
func (a *acc) value(f Func) (float64, bool) {
	if a.count == 0 || a.rolled && !f.FromRollups() && (f != First || a.firstRolled) {
		return 0, false
	}
	switch f {
	case Avg:
		return beyond(a.sum().Div(float64(a.count))), true
	case Min:
		return a.min, true
	case Max:
		return a.max, true
	case Sum:
		return beyond(a.sum().Value()), true
	case Count:
		return float64(a.count), true
	case First:
		return a.first, true
	case Last:
		return a.last, true
	case Stddev:
		return stddev(a.values), len(a.values) > 0
	case Rate:
		if !a.hasRate || a.span <= 0 {
			return 0, false
		}
		return beyond(a.incr.Div(float64(a.span))), true
	}
	if q := f.quantile(); q > 0 && len(a.values) > 0 {
		// Sorted, not selected: stddev sums the values in their order.
		slices.Sort(a.values)
		return quantile(a.values, q), true
	}
	return 0, false
}

// Percentile returns percentile function f of values, as an Acc that
// kept them gives it, and whether there is one: none of no values, nor
// for a function that is not a percentile. It reorders values, in time
// linear in their number: it selects the two closest ranks rather than
// sort them all.
func Percentile(f Func, values []float64) (float64, bool) {
	q := f.quantile()
	if q == 0 || len(values) == 0 {
		return 0, false
	}
	r := q * float64(len(values)-1)
	lo := int(math.Floor(r))
	selectNth(values, lo)
	if lo+1 >= len(values) {
		return values[lo], true
	}
	// The next rank is the least of those after lo.
	next := values[lo+1]
	for _, v := range values[lo+2:] {
		if cmp.Less(v, next) {
			next = v
		}
	}
	return between(values[lo], next, r-float64(lo)), true
}

// selectNth reorders vs so that vs[k] holds what sorting them would put
// there, none after it less and none before it greater, in the order
// of slices.Sort (cmp.Less: NaN first).
func selectNth(vs []float64, k int) {
	lo, hi := 0, len(vs)-1
	for hi > lo {
		// The median of the first, middle and last as the pivot, which
		// keeps sorted and reversed values linear.
		mid := lo + (hi-lo)/2
		if cmp.Less(vs[mid], vs[lo]) {
			vs[mid], vs[lo] = vs[lo], vs[mid]
		}
		if cmp.Less(vs[hi], vs[lo]) {
			vs[hi], vs[lo] = vs[lo], vs[hi]
		}
		if cmp.Less(vs[hi], vs[mid]) {
			vs[hi], vs[mid] = vs[mid], vs[hi]
		}
		pivot := vs[mid]
		// Hoare's partition: [lo, j] ≤ pivot ≤ [i, hi].
		i, j := lo, hi
		for i <= j {
			for cmp.Less(vs[i], pivot) {
				i++
			}
			for cmp.Less(pivot, vs[j]) {
				j--
			}
			if i <= j {
				vs[i], vs[j] = vs[j], vs[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return // between j and i: equal to the pivot
		}
	}
}

// An Acc sums up samples into the aggregate functions: what Run does
// for each bucket, for callers that read the samples themselves.
type Acc struct {
	a       acc
	prevTs  int64
	prevV   float64
	hasPrev bool
}

// NewAcc returns an Acc that can give funcs; only percentiles and stddev
// make it keep every value.
func NewAcc(funcs ...Func) *Acc {
	keep := false
	for _, f := range funcs {
		keep = keep || f.quantile() > 0 || f == Stddev
	}
	return &Acc{a: acc{hour: -1, keep: keep}}
}

// Add adds a sample; samples come in time order.
func (a *Acc) Add(ts int64, v float64) {
	a.a.add(ts, v)
	if a.hasPrev {
		a.a.counter(a.prevTs, a.prevV, ts, v)
	}
	a.prevTs, a.prevV, a.hasPrev = ts, v, true
}

// Count returns the number of samples added.
func (a *Acc) Count() int64 { return a.a.count }

// Value returns f of the samples, and whether there is one. A
// percentile sorts the kept values: add no more after asking for one.
func (a *Acc) Value(f Func) (float64, bool) { return a.a.value(f) }

// beyond returns v when it is finite, and the infinity of its sign
// when it is not.
func beyond(v float64, ok bool) float64 {
	if !ok {
		return math.Copysign(math.Inf(1), v)
	}
	return v
}

// quantile interpolates linearly between the closest ranks of sorted
// values (the method of Excel's PERCENTILE.INC and Prometheus).
func quantile(sorted []float64, q float64) float64 {
	r := q * float64(len(sorted)-1)
	lo := int(math.Floor(r))
	if lo+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return between(sorted[lo], sorted[lo+1], r-float64(lo))
}

// between is the point f of the way from a to b, a ≤ b, 0 ≤ f < 1.
func between(a, b, f float64) float64 {
	if d := b - a; finite(d) {
		return a + f*d
	}
	// Values far apart either side of 0: weighted, which cannot
	// overflow.
	return a*(1-f) + b*f
}

// stddev is the population standard deviation, computed in two passes.
// Values so large that their sums or squares could overflow are scaled
// down first by a power of two, which changes no digit of the result;
// ordinary values are not scaled at all.
func stddev(vs []float64) float64 {
	var big float64
	for _, v := range vs {
		big = math.Max(big, math.Abs(v))
	}
	scale := 1.0
	if big > 0x1p400 {
		// A whole power of two that brings the largest under 1.
		_, exp := math.Frexp(big)
		scale = math.Ldexp(1, -exp)
	}
	var mean float64
	for _, v := range vs {
		mean += v * scale
	}
	mean /= float64(len(vs))
	var ss float64
	for _, v := range vs {
		d := v*scale - mean
		ss += d * d
	}
	return math.Sqrt(ss/float64(len(vs))) / scale
}

// Buckets cut time into steps: multiples of the step in UTC for steps
// under a day; local midnights for days, and Mondays for weeks.
type Buckets struct {
	Step time.Duration // 0: one bucket for the whole range
	Loc  *time.Location
}

// CheckStep reports whether a step can cut time: whole seconds, and
// whole days from a day up.
func CheckStep(d time.Duration) error {
	switch {
	case d < time.Second || d%time.Second != 0:
		return fmt.Errorf("--step %v: want whole seconds, at least 1s", d)
	case d >= 24*time.Hour && d%(24*time.Hour) != 0:
		return fmt.Errorf("--step %v: a step of a day or more must be whole days", d)
	}
	return nil
}

// days is the step in days, or 0 for steps under a day.
func (b Buckets) days() int64 {
	return int64(b.Step / (24 * time.Hour))
}

// Start returns the start of the bucket holding ts.
func (b Buckets) Start(ts int64) int64 {
	step := int64(b.Step / time.Second)
	n := b.days()
	if n == 0 {
		return ts - mod(ts, step)
	}
	t := time.Unix(ts, 0).In(b.Loc)
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	origin := int64(0)
	if n%7 == 0 {
		origin = 4 // 1970-01-05, a Monday
	}
	day -= mod(day-origin, n)
	y, m, d = time.Unix(day*86400, 0).UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, b.Loc).Unix()
}

// Next returns the start of the bucket after the one starting at start.
func (b Buckets) Next(start int64) int64 {
	n := b.days()
	if n == 0 {
		return start + int64(b.Step/time.Second)
	}
	y, m, d := time.Unix(start, 0).In(b.Loc).Date()
	return time.Date(y, m, d+int(n), 0, 0, 0, 0, b.Loc).Unix()
}

func mod(a, b int64) int64 {
	r := a % b
	if r < 0 {
		r += b
	}
	return r
}

// AddRollup adds an hour's rollup, in time order with the samples: an
// Acc with one gives min, max, avg, sum, count and last, and no
// function that needs every sample.
func (a *Acc) AddRollup(hour int64, min, max, sum, last float64, count int64) {
	a.a.addRollup(hour, min, max, sum, last, count)
	a.hasPrev = false
}
