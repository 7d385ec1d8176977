package query

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"sm/internal/record"
	"sm/internal/store"
)

// A Query is what to select and how to sum it up.
type Query struct {
	Selector
	// From and To bound the samples, both included.
	From, To time.Time
	// Funcs aggregate the samples, each into a series of its own with
	// an agg tag; without them the samples are given as they are.
	Funcs []Func
	// Buckets cut the range; a zero step makes the range one bucket.
	Buckets Buckets
	// Limit caps the records given; 0 is no limit.
	Limit int

	noRollups bool // for tests: always read samples
}

// errLimit ends a query that has given Limit records.
var errLimit = errors.New("limit reached")

// Stats tell what a query did.
type Stats struct {
	Records int
	// RawGone is set when functions that need samples were asked about
	// a time before the raw retention: before RawSince.
	RawGone  []Func
	RawSince time.Time
	// OnlyRollups is set when samples were asked for a time before the
	// raw retention, for which only hourly rollups are left.
	OnlyRollups bool
	// Beyond counts the buckets left out because their sum or rate
	// lies beyond ±MaxFloat64, which no output can write; BeyondFirst
	// names the first: the series with its agg tag, and the bucket.
	Beyond      int
	BeyondFirst string
}

// Run runs q on db and gives each record to out, series by series, each
// in time order.
// It reads the series a batch at a time: memory holds one batch.
func Run(db *store.DB, q Query, now time.Time, out func(*record.Record) error) (Stats, error) {
	return RunEach(db, q, now, func(fn func([]Series) error) error { return q.Each(db, fn) }, out)
}

// RunEach is Run on the series that each gives to its function, in
// their order, as Selector.Each and Selector.EachOrdered do.
func RunEach(db *store.DB, q Query, now time.Time, each func(func([]Series) error) error, out func(*record.Record) error) (Stats, error) {
	st := newStats(db, now)
	err := each(func(series []Series) error {
		return runSeries(db, q, series, &st, out)
	})
	if errors.Is(err, errLimit) {
		err = nil
	}
	return st, err
}

// RunSeries is Run on series found before, by q.Find or otherwise.
func RunSeries(db *store.DB, q Query, series []Series, now time.Time, out func(*record.Record) error) (Stats, error) {
	st := newStats(db, now)
	for len(series) > 0 {
		batch := series[:min(len(series), Batch)]
		series = series[len(batch):]
		if err := runSeries(db, q, batch, &st, out); errors.Is(err, errLimit) {
			return st, nil
		} else if err != nil {
			return st, err
		}
	}
	return st, nil
}

func newStats(db *store.DB, now time.Time) Stats {
	var st Stats
	if raw := db.Policy().Raw; raw > 0 {
		st.RawSince = now.Add(-raw)
	}
	return st
}

// runSeries runs q on a batch of series, adding to st; it returns
// errLimit once st holds q.Limit records.
func runSeries(db *store.DB, q Query, series []Series, st *Stats, out func(*record.Record) error) error {
	from, to := q.From.Unix(), q.To.Unix()+1
	emit := func(r *record.Record) error {
		if q.Limit > 0 && st.Records >= q.Limit {
			return errLimit
		}
		st.Records++
		return out(r)
	}
	var rng *store.Range
	if len(q.Funcs) == 0 {
		ids := make([]int64, len(series))
		for i, s := range series {
			ids[i] = s.ID
		}
		var err error
		if rng, err = db.RangeOf(from, to, ids); err != nil {
			return err
		}
	}
	var err error
	for _, s := range series {
		if len(q.Funcs) == 0 && !st.RawSince.IsZero() && from < st.RawSince.Unix() && !st.OnlyRollups {
			if st.OnlyRollups, err = db.RollupsBefore(s.ID, st.RawSince.Unix()); err != nil {
				return err
			}
		}
		if len(q.Funcs) == 0 {
			err = samples(rng, s, emit)
		} else {
			err = aggregate(db, s, q, from, to, st, emit)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// samples gives a series' samples as they are.
func samples(rng *store.Range, s Series, emit func(*record.Record) error) error {
	r := record.Record{Name: s.Name, Tags: s.Tags}
	return rng.Scan(s.ID, func(ts int64, v float64) error {
		r.Time, r.Value = ts, v
		return emit(&r)
	})
}

// A bucket is one step of time and what it gathered.
type bucket struct {
	start int64
	vals  []float64
	has   []bool
}

// maxHeldBuckets is how many buckets aggregate holds of a series, to
// give its functions one after the other from one reading: with more,
// it reads the series once a function, and holds none.
var maxHeldBuckets int64 = 4096

// aggregate gives the functions of a series, bucket by bucket, each
// function a series of its own.
func aggregate(db *store.DB, s Series, q Query, from, to int64, st *Stats, emit func(*record.Record) error) error {
	if len(q.Funcs) > 1 && q.Buckets.Step > 0 && (to-from)/int64(q.Buckets.Step/time.Second) > maxHeldBuckets {
		// A minute's step over a year is half a million buckets:
		// memory would grow with the range.
		for _, f := range q.Funcs {
			one := q
			one.Funcs = []Func{f}
			if err := aggregate(db, s, one, from, to, st, emit); err != nil {
				return err
			}
		}
		return nil
	}
	needValues, needRaw := false, false
	for _, f := range q.Funcs {
		if f.quantile() > 0 || f == Stddev {
			needValues = true
		}
		if !f.FromRollups() {
			needRaw = true
		}
	}
	rawGone := needRaw && !st.RawSince.IsZero() && from < st.RawSince.Unix()
	mixed := rawGone && !q.noRollups && rollupsFit(q, from, to)
	gone := func(f Func) {
		if !slices.Contains(st.RawGone, f) {
			st.RawGone = append(st.RawGone, f)
		}
	}
	if rawGone && !mixed {
		for _, f := range q.Funcs {
			if !f.FromRollups() {
				gone(f)
			}
		}
	}
	a := newAcc(needValues)
	tags := make([]record.Tag, 0, len(s.Tags)+1)
	for _, t := range s.Tags {
		if t.Key != "agg" {
			tags = append(tags, t)
		}
	}
	tags = append(tags, record.Tag{Key: "agg"})
	if err := record.SortTags(tags); err != nil {
		return err
	}
	setAgg := func(f Func) {
		for j := range tags {
			if tags[j].Key == "agg" {
				tags[j].Value = string(f)
			}
		}
	}
	r := record.Record{Name: s.Name, Tags: tags}
	// give emits function i of bucket b.
	give := func(i int, b bucket) error {
		if b.has[i] && math.IsInf(b.vals[i], 0) {
			if st.Beyond++; st.Beyond == 1 {
				st.BeyondFirst = fmt.Sprintf("%s at %s", record.AppendSeries(nil, s.Name, tags),
					time.Unix(b.start, 0).UTC().Format(time.RFC3339))
			}
			return nil
		}
		if !b.has[i] {
			return nil
		}
		r.Time, r.Value = b.start, b.vals[i]
		return emit(&r)
	}
	// One function is given bucket by bucket, as they close; more are
	// held, to give one after the other.
	hold := len(q.Funcs) > 1
	if !hold {
		setAgg(q.Funcs[0])
	}
	var out []bucket
	cur := int64(-1) // the start of the bucket a gathers, -1 before any
	var prevTs int64
	var prevV float64
	hasPrev := false
	// The bucket of the last lookup, [lo, hi): samples come in order, and
	// a day's bucket costs a calendar computation.
	lo, hi := int64(1), int64(0)
	start := func(ts int64) int64 {
		if q.Buckets.Step == 0 {
			return from
		}
		if ts < lo || ts >= hi {
			lo = q.Buckets.Start(ts)
			hi = q.Buckets.Next(lo)
		}
		return lo
	}
	one := bucket{vals: make([]float64, 1), has: make([]bool, 1)}
	flush := func() error {
		if cur < 0 || a.count == 0 {
			return nil
		}
		b := one
		if hold {
			b = bucket{vals: make([]float64, len(q.Funcs)), has: make([]bool, len(q.Funcs))}
		}
		b.start = cur
		for i, f := range q.Funcs {
			b.vals[i], b.has[i] = a.value(f)
			if !b.has[i] && a.rolled && !f.FromRollups() {
				gone(f)
			}
		}
		if !hold {
			return give(0, b)
		}
		out = append(out, b)
		return nil
	}
	into := func(ts int64) error {
		if b := start(ts); b != cur {
			if err := flush(); err != nil {
				return err
			}
			a.reset()
			cur = b
		}
		return nil
	}
	// A rollup's bucket may close the one before, whose giving may
	// fail: the readers of rollups take no error, so it waits here.
	var rollupErr error
	addSample := func(ts int64, v float64) error {
		if rollupErr != nil {
			return rollupErr
		}
		if err := into(ts); err != nil {
			return err
		}
		a.add(ts, v)
		if hasPrev {
			a.counter(prevTs, prevV, ts, v)
		}
		prevTs, prevV, hasPrev = ts, v, true
		return nil
	}
	addRollup := func(r store.Rollup) {
		if rollupErr == nil {
			rollupErr = into(r.Hour)
		}
		a.addRollup(r.Hour, r.Min, r.Max, r.Sum, r.Last, r.Count)
	}
	var err error
	switch {
	case mixed:
		err = beforeSamples(db, s.ID, from, to, start, addSample, addRollup)
	case needRaw || q.noRollups || !rollupsFit(q, from, to):
		err = db.Scan(s.ID, from, to, addSample)
	default:
		err = fromRollups(db, s.ID, q, from, to, start, addSample, addRollup)
	}
	if err == nil {
		err = rollupErr
	}
	if err == nil {
		err = flush()
	}
	if err != nil || !hold {
		return err
	}
	for i, f := range q.Funcs {
		setAgg(f)
		for _, b := range out {
			if err := give(i, b); err != nil {
				return err
			}
		}
	}
	return nil
}

// rollupsFit reports whether buckets are long enough for hourly rollups
// to be worth reading: an hour or more.
func rollupsFit(q Query, from, to int64) bool {
	if q.Buckets.Step == 0 {
		return to-from >= 3600
	}
	return q.Buckets.Step >= time.Hour
}

// rollupWindow is how much of a range fromRollups reads at a time, in
// seconds: a whole number of hours.
var rollupWindow int64 = 30 * 24 * 3600

// fromRollups feeds the range in time order: the rollup of every whole
// hour that lies in one bucket and has one, and the samples of the rest
// (the edges of the range, hours split between buckets, and hours not
// yet rolled up, in the open period). It reads the rollups a month at a
// time, so memory stays flat however long the range.
func fromRollups(db *store.DB, series int64, q Query, from, to int64, start func(int64) int64,
	sample func(int64, float64) error, rollup func(store.Rollup)) error {
	rawFrom := from // samples from here are still to be read
	rs := make([]store.Rollup, 0, windowHours(from, to))
	for w := from + mod(-from, 3600); w+3600 <= to; w += rollupWindow {
		rs = rs[:0]
		err := db.Rollups(series, w, min(w+rollupWindow, to-3600+1), func(r store.Rollup) error {
			rs = append(rs, r)
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range rs {
			if start(r.Hour) != start(r.Hour+3599) {
				continue // split between buckets: samples
			}
			if math.IsInf(r.Sum, 0) || math.IsNaN(r.Sum) {
				continue // a sum that overflowed when it was rolled up: samples
			}
			if rawFrom < r.Hour {
				if err := db.Scan(series, rawFrom, r.Hour, sample); err != nil {
					return err
				}
			}
			rollup(r)
			rawFrom = r.Hour + 3600
		}
	}
	if rawFrom < to {
		return db.Scan(series, rawFrom, to, sample)
	}
	return nil
}

// windowHours is how many rollups a window of the range from from to
// to holds at most: a week's report reads a week of each series, and a
// month's room for each cost it more than the rollups.
func windowHours(from, to int64) int64 {
	return min(rollupWindow, max(0, to-from))/3600 + 1
}

// errFound ends a scan that has found what it looked for.
var errFound = errors.New("found")

// beforeSamples feeds the range in time order, for functions of which
// some need samples: the rollup of every whole hour before the series'
// first sample in the range that lies in one bucket, whose samples the
// retention has pruned, then the samples. Where samples are kept, it
// reads them alone, as a query of samples does; buckets that hold a
// rollup give only the functions that rollups can answer.
func beforeSamples(db *store.DB, series int64, from, to int64, start func(int64) int64,
	sample func(int64, float64) error, rollup func(store.Rollup)) error {
	cut := to
	err := db.Scan(series, from, to, func(ts int64, _ float64) error {
		cut = max(from, ts-mod(ts, 3600))
		return errFound
	})
	if err != nil && !errors.Is(err, errFound) {
		return err
	}
	rs := make([]store.Rollup, 0, windowHours(from, cut))
	for w := from + mod(-from, 3600); w+3600 <= cut; w += rollupWindow {
		rs = rs[:0]
		err := db.Rollups(series, w, min(w+rollupWindow, cut-3600+1), func(r store.Rollup) error {
			rs = append(rs, r)
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range rs {
			if start(r.Hour) == start(r.Hour+3599) && !math.IsNaN(r.Sum) {
				rollup(r)
			}
		}
	}
	if cut < to {
		return db.Scan(series, cut, to, sample)
	}
	return nil
}

// BeyondWarning says which buckets were left out for a sum or rate
// beyond ±MaxFloat64, or "".
func (st Stats) BeyondWarning() string {
	switch st.Beyond {
	case 0:
		return ""
	case 1:
		return st.BeyondFirst + ": left out, its value is beyond ±1.8e308"
	}
	return fmt.Sprintf("%s: left out, its value is beyond ±1.8e308, and %d more like it", st.BeyondFirst, st.Beyond-1)
}

// Warning says what the query could not answer, or "".
func (st Stats) Warning() string {
	since := st.RawSince.Format(time.RFC3339)
	switch {
	case len(st.RawGone) > 0:
		names := make([]string, len(st.RawGone))
		for i, f := range st.RawGone {
			names[i] = string(f)
		}
		return fmt.Sprintf("%s need samples, which are kept since %s: their buckets of hours kept only as rollups are left out (see sm-store --retention)",
			strings.Join(names, ", "), since)
	case st.OnlyRollups:
		return fmt.Sprintf("samples before %s are kept only as hourly rollups: see them with --step 1h --agg avg,min,max", since)
	}
	return ""
}
