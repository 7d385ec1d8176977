package report

import (
	"errors"
	"time"

	"sm/internal/query"
	"sm/internal/store"
)

// rollupHours bounds the series-hours of rollups a report holds at
// once: a batch of series reads its rollups in chunks of this many.
var rollupHours int64 = 1 << 17

// A rollupReader gives each series the hourly rollups of the hours
// before its first sample, where the retention has pruned the samples:
// min, avg, max, last, the charts, the busiest hour, thresholds and
// coverage come from them; p95 from the samples alone.
type rollupReader struct {
	db       *store.DB
	from, to int64 // the whole hours that may have only rollups
	series   []query.Series
	lo, hi   int                      // the chunk of series read
	rolls    map[int64][]store.Rollup // of the chunk
}

// newRollupReader returns a reader of the period [from, to) on db, or
// nil when no part of the period is past the raw retention.
func newRollupReader(db *store.DB, from, to int64, now time.Time) *rollupReader {
	raw := db.Policy().Raw
	if raw <= 0 {
		return nil
	}
	// Samples after the retention are never pruned: past it, an hour
	// without samples has no rollup either.
	edge := now.Add(-raw).Unix()
	edge += mod(-edge, 3600)
	r := &rollupReader{db: db, from: from + mod(-from, 3600), to: min(edge, to-mod(to, 3600))}
	if r.from >= r.to {
		return nil
	}
	return r
}

// batch starts a batch of series.
func (r *rollupReader) batch(series []query.Series) {
	if r != nil {
		r.series, r.lo, r.hi, r.rolls = series, 0, 0, nil
	}
}

// errFound ends a scan at the first sample.
var errFound = errors.New("found")

// scan feeds sc the i-th series of the batch: its rollups of the hours
// before its first sample, then its samples from rng.
func (r *rollupReader) scan(rng *store.Range, i int, sc *seriesScan) error {
	if r == nil {
		return rng.Scan(sc.s.ID, sc.add)
	}
	if i < r.lo || i >= r.hi {
		n := int(max(1, rollupHours/((r.to-r.from)/3600)))
		r.lo, r.hi = i, min(len(r.series), i+n)
		ids := make([]int64, 0, r.hi-r.lo)
		for _, s := range r.series[r.lo:r.hi] {
			ids = append(ids, s.ID)
		}
		var err error
		if r.rolls, err = r.db.RollupsOf(r.from, r.to, ids); err != nil {
			return err
		}
	}
	rolls := r.rolls[sc.s.ID]
	err := rng.Scan(sc.s.ID, func(ts int64, v float64) error {
		for len(rolls) > 0 && rolls[0].Hour+3600 <= ts-mod(ts, 3600) {
			sc.addRollup(rolls[0])
			rolls = rolls[1:]
		}
		rolls = nil // the hours from the first sample on have theirs
		return sc.add(ts, v)
	})
	for _, ro := range rolls {
		sc.addRollup(ro)
	}
	return err
}

// addRollup adds an hour's rollup, in time order with the samples. Its
// samples are taken as spaced from its start at the shortest spacing of
// the hours so far, spread evenly over the hour at most: they
// count for coverage and the usual interval, and the last of them is
// the series' last sample so far. Its average goes into the chart, the
// busiest hour, the trend of a filling disk and thresholds (an hour
// breaches when its average does); p95 keeps to the samples.
func (sc *seriesScan) addRollup(ro store.Rollup) {
	if ro.Count <= 0 {
		return
	}
	n := min(ro.Count, 3600)
	step := 3600 / n
	if sc.rollStep > 0 && sc.rollStep < step {
		step = sc.rollStep
	}
	sc.rollStep = step
	if sc.n == 0 {
		sc.first = ro.Hour
	} else {
		sc.gaps = append(sc.gaps, ro.Hour-sc.last)
	}
	for range n - 1 {
		sc.gaps = append(sc.gaps, step)
	}
	sc.n += ro.Count
	sc.rolled = true
	sc.last, sc.lastV = ro.Hour+(n-1)*step, ro.Last
	sc.acc.AddRollup(ro.Hour, ro.Min, ro.Max, ro.Sum, ro.Last, ro.Count)
	c := Bucket{N: ro.Count, Min: ro.Min, Max: ro.Max}
	c.sum.Add(ro.Sum)
	avg, _ := c.sum.Div(float64(ro.Count))
	mid := ro.Hour + 1800
	sc.chartBucket(mid, c)
	if sc.fit {
		// Every sample of the hour at its middle.
		t, w := float64(mid-sc.from), float64(ro.Count)
		sc.st += w * t
		sc.sv += ro.Sum
		sc.stt += w * t * t
		sc.stv += t * ro.Sum
	}
	switch sc.oomKind {
	case oomSince:
		// The hour's lowest count, then its highest at its middle.
		sc.addOOM(ro.Hour, ro.Min)
		sc.addOOM(mid, ro.Max)
		sc.addOOM(sc.last, ro.Last)
	case oomInterval:
		if s, ok := c.sum.Value(); ok {
			sc.addOOM(mid, s)
		}
	}
	if sc.hourly != nil {
		b := Bucket{Start: time.Unix(ro.Hour, 0)}
		b.merge(c)
		sc.hourly = append(sc.hourly, b)
	}
	if sc.th.Any() {
		l := sc.th.Level(avg)
		sc.worst = sc.worst.Worse(l)
		sc.warn.add(ro.Hour, avg, l >= Warning)
		sc.crit.add(ro.Hour, avg, l == Critical)
	}
}

// setP95 sets the row's p95, from the samples alone: none when the
// period has only rollups, and from when it has both.
func (sc *seriesScan) setP95(r *Row) {
	v, ok := query.Percentile(query.P95, sc.values)
	switch {
	case !ok:
		r.NoP95 = true
	case sc.rolled:
		r.P95, r.P95From = v, sc.t(sc.rawFirst)
	default:
		r.P95 = v
	}
}

// P95Cell writes a row's p95 for its table: a dash when there is none,
// and a * after it when it covers only the samples since P95From.
func P95Cell(r Row) string {
	switch {
	case r.NoP95:
		return "–"
	case !r.P95From.IsZero():
		return Num(r.P95, r.Unit) + "*"
	}
	return Num(r.P95, r.Unit)
}

// rollupWarning says that p95 leaves out the hours kept only as
// rollups.
func rollupWarning(db *store.DB, now time.Time) string {
	return "samples before " + now.Add(-db.Policy().Raw).Format(stampLayout) +
		" are kept only as hourly rollups: p95 leaves those hours out (marked * where it covers part of the period, – where none)"
}
