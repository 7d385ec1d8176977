package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"sm/internal/record"
)

// A Batch holds samples to store in one transaction: all of them or
// none.
type Batch struct {
	keys    []string         // the distinct series, in order of arrival
	index   map[string]int32 // and their place in keys
	points  []batchPoint
	refused []*LimitError // by key, after Write: the new series not created
	metas   []record.Meta
	// refusedMeta are the metas not stored by the last Write, by index.
	refusedMeta []int
}

type batchPoint struct {
	key int32
	point
}

// NewBatch returns an empty batch.
func NewBatch() *Batch { return &Batch{index: map[string]int32{}} }

// Add adds a sample of the series whose canonical text is key (as
// record.ParseKey gives it). key is copied only the first time.
func (b *Batch) Add(key []byte, ts int64, v float64) {
	i, ok := b.index[string(key)]
	if !ok {
		i = int32(len(b.keys))
		k := string(key)
		b.keys = append(b.keys, k)
		b.index[k] = i
	}
	b.points = append(b.points, batchPoint{i, point{ts, v}})
}

// Len returns the number of samples in the batch.
func (b *Batch) Len() int { return len(b.points) }

// Reset empties the batch for reuse.
func (b *Batch) Reset() {
	b.keys = b.keys[:0]
	clear(b.index)
	b.points = b.points[:0]
	b.refused = b.refused[:0]
	b.metas = b.metas[:0]
	b.refusedMeta = b.refusedMeta[:0]
}

// Each calls f with every sample of the batch, in order of arrival, as
// the series text, time and value: what a spool keeps of a batch that
// could not be stored.
func (b *Batch) Each(f func(key string, ts int64, v float64)) {
	for _, p := range b.points {
		f(b.keys[p.key], p.ts, p.v)
	}
}

// EachRefused calls f with every sample that the last Write did not
// store because its series would have been new past a limit, in order of
// arrival, with the limit.
func (b *Batch) EachRefused(f func(key string, ts int64, v float64, why *LimitError)) {
	if len(b.refused) == 0 {
		return
	}
	for _, p := range b.points {
		if why := b.refused[p.key]; why != nil {
			f(b.keys[p.key], p.ts, p.v, why)
		}
	}
}

// Stats count what a write did.
type Stats struct {
	Stored    int // samples
	NewSeries int
	Refused   int // samples of new series past a limit, not stored
	Metas     int // metas written: the latest of each group, if new
}

// Limits bound the series that senders can create, in the way of
// carbon's MAX_CREATES_PER_MINUTE and VictoriaMetrics'
// -storage.maxHourlySeries: a flood of made-up series would otherwise
// fill the disk and slow every query. 0 is no limit. Samples of series
// that exist are always stored.
type Limits struct {
	// NewSeries is how many series one DB, open for one run, may
	// create in all its writes.
	NewSeries int
	// HostSeries is how many series one host may have: those with the
	// same host tag, or all those without one.
	HostSeries int
}

// A LimitError says why a new series was not created.
type LimitError struct {
	Host  string // the host tag's value as in records (escaped), "" for none
	Limit Limit
	Max   int
}

func (e *LimitError) Error() string {
	if e.Limit == NewSeriesLimit {
		return fmt.Sprintf("more than %d new series in one run", e.Max)
	}
	return fmt.Sprintf("more than %d series of one host", e.Max)
}

// A Limit is one of Limits.
type Limit int

// The limits.
const (
	NewSeriesLimit Limit = iota + 1
	HostSeriesLimit
)

// grace is how long after a period ends its samples are still expected
// to arrive, before it is packed.
const grace = 10 * 60

// Write stores the batch in one transaction. A sample of a series and
// time already stored replaces it. Samples of a closed day are packed
// into its block, at once when the batch holds a later day of the
// series, else by the next batch that does or by Maintain; those of the
// open day go into the sample table until their hour closes, when
// Maintain packs it (see packHours). A sample of a series that would
// be new past a limit of Options.Limits is not stored: Stats count
// them, and Batch.EachRefused lists them. On error nothing of the batch
// is stored.
func (db *DB) Write(b *Batch) (Stats, error) {
	var st Stats
	w := db.writer()
	err := db.tx(func() error {
		var err error
		st, err = w.write(b)
		return err
	})
	if err != nil {
		w.forget()
		return Stats{}, db.fail(err)
	}
	db.deferred += w.deferred
	return st, nil
}

func (db *DB) writer() *writer {
	return &writer{db: db, c: db.conn, ctx: context.Background(), created: db.created}
}

// A writer is one transaction's work.
type writer struct {
	db        *DB
	c         *sql.Conn
	ctx       context.Context
	newSeries []string // added to the cache, to be dropped on rollback
	newTimes  []string
	created   int        // db.created before, restored on rollback
	deferred  int        // closed days and hours left in the sample table
	freed     []int64    // times rows of blocks deleted or rewritten, for dropTimes
	queued    []dayBlock // new days' blocks, for flushBlocks
	buf       []byte
	vals      []float64
	tss       []int64
}

// forget drops from the caches what a rolled back transaction added.
func (w *writer) forget() {
	w.db.blocks.clear()
	for _, k := range w.newSeries {
		delete(w.db.names, w.db.series[k])
		delete(w.db.series, k)
	}
	for _, t := range w.newTimes {
		delete(w.db.times, t)
	}
	w.db.created = w.created
	clear(w.db.hostSeries)
}

func (w *writer) write(b *Batch) (Stats, error) {
	var st Stats
	ids := make([]int64, len(b.keys))
	b.refused = b.refused[:0]
	if err := w.preload(b.keys); err != nil {
		return st, err
	}
	for i, k := range b.keys {
		id, isNew, why, err := w.seriesID(k)
		if err != nil {
			return st, err
		}
		ids[i] = id
		if isNew {
			st.NewSeries++
		}
		if why != nil {
			if len(b.refused) == 0 {
				b.refused = make([]*LimitError, len(b.keys))
			}
			b.refused[i] = why
		}
	}
	// Group by series and period, keeping the order of arrival in each.
	groups := map[group][]point{}
	var order []group
	for _, p := range b.points {
		if ids[p.key] == 0 {
			st.Refused++
			continue
		}
		g := group{ids[p.key], periodStart(p.ts)}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], p.point)
	}
	closed := w.db.now().Unix() - Period - grace
	// A stream in time order brings a day over many batches. The latest
	// closed day of each series in a batch waits in the sample table, as
	// the open day does, so that its block is written once: when a later
	// batch brings a later day of the series, or by Maintain.
	latest := map[int64]int64{}
	lo := int64(math.MaxInt64)
	for _, g := range order {
		latest[g.series] = max(latest[g.series], g.t0)
		lo = min(lo, g.t0)
	}
	var packs, hot []group
	for _, g := range order {
		st.Stored += len(groups[g])
		if g.t0 <= closed && (g.t0 < latest[g.series] || endsDay(g, groups[g])) {
			packs = append(packs, g)
			continue
		}
		hot = append(hot, g)
		if g.t0 <= closed {
			w.deferred++
		} else {
			w.deferred += closedHours(groups[g], closed+Period-3600)
		}
	}
	if err := w.hot(hot, groups); err != nil {
		return st, err
	}
	// The days an earlier batch left waiting, which this one has passed.
	if len(order) > 0 {
		err := w.scanGroups("SELECT series_id, t0 FROM pending WHERE t0 >= ? AND t0 < ?", []any{lo - Period, lo + Period}, func(g group) {
			if _, ok := groups[g]; !ok && g.t0 <= closed && g.t0 < latest[g.series] {
				packs = append(packs, g)
			}
		})
		if err != nil {
			return st, err
		}
	}
	known, err := w.survey(packs)
	if err != nil {
		return st, err
	}
	for _, g := range packs {
		if err := w.pack(g, groups[g], known[g]); err != nil {
			return st, err
		}
	}
	if err := w.flushBlocks(); err != nil {
		return st, err
	}
	if err := w.dropTimes(); err != nil {
		return st, err
	}
	b.refusedMeta = b.refusedMeta[:0]
	st.Metas, err = w.writeMetas(b)
	return st, err
}

// closedHours counts the hours that samples of an open day bring whose
// end, past its grace, is at or before end: each to be packed into a
// block by Maintain. A run's samples come in time order, or nearly.
func closedHours(pts []point, last int64) int {
	n, prev := 0, int64(-1)
	for _, p := range pts {
		if h := hourOf(p.ts); h != prev && h <= last {
			n, prev = n+1, h
		}
	}
	return n
}

// endsDay reports whether a batch's samples of a closed day end it: the
// next sample, one interval after the last (the shortest step between
// the batch's samples), would be in the next day. A stream in series
// order brings a day whole, and so does the last batch of a day in
// time order: such a day is packed at once, where waiting in the
// sample table would only cost it a round trip there, a row at a time.
func endsDay(g group, pts []point) bool {
	last, step := int64(math.MinInt64), int64(math.MaxInt64)
	for i, p := range pts {
		last = max(last, p.ts)
		if i > 0 && p.ts > pts[i-1].ts {
			step = min(step, p.ts-pts[i-1].ts)
		}
	}
	return step != math.MaxInt64 && last+step >= g.t0+Period
}

// A group is one series' period.
type group struct {
	series, t0 int64
}

// What a period to pack already has: a block, rows in the sample table,
// blocks of some of its hours (packed while the day was open: see
// packHours).
type presence struct {
	block, hot, hours bool
}

// survey finds which of the periods about to be packed already have a
// block, and which have rows in the sample table: a query a series and
// one in all, rather than two a period.
func (w *writer) survey(gs []group) (map[group]presence, error) {
	known := map[group]presence{}
	if len(gs) == 0 {
		return known, nil
	}
	lo, hi := gs[0].t0, gs[0].t0
	span := map[int64][2]int64{} // series to its periods' range
	for _, g := range gs {
		lo, hi = min(lo, g.t0), max(hi, g.t0)
		r, ok := span[g.series]
		if !ok {
			r = [2]int64{g.t0, g.t0}
		}
		span[g.series] = [2]int64{min(r[0], g.t0), max(r[1], g.t0)}
	}
	scan := w.scanGroups
	err := scan("SELECT series_id, t0 FROM pending WHERE t0 >= ? AND t0 <= ?", []any{lo, hi}, func(g group) {
		p := known[g]
		p.hot = true
		known[g] = p
	})
	if err != nil {
		return nil, err
	}
	for series, r := range span {
		// Blocks this process wrote last need no query. A day with
		// its block has no blocks of its hours: packHours packs an
		// hour of such a day into the day's block.
		cached := true
		for t0 := r[0]; t0 <= r[1] && cached; t0 += Period {
			_, cached = w.db.blocks.get(series, t0)
		}
		if cached {
			for t0 := r[0]; t0 <= r[1]; t0 += Period {
				p := known[group{series, t0}]
				p.block = true
				known[group{series, t0}] = p
			}
			continue
		}
		err := scan("SELECT series_id, t0 FROM block WHERE series_id = ? AND t0 >= ? AND t0 < ?", []any{series, hourT0(r[0]), hourT0(r[1] + Period)}, func(g group) {
			day := group{g.series, dayOf(g.t0)}
			p := known[day]
			if isHourT0(g.t0) {
				p.hours = true
			} else {
				p.block = true
			}
			known[day] = p
		})
		if err != nil {
			return nil, err
		}
	}
	return known, nil
}

// scanGroups runs a query of (series_id, t0) rows and calls f with each.
func (w *writer) scanGroups(query string, args []any, f func(g group)) error {
	return scanGroups(w.ctx, w.c, query, args, f)
}

// scanGroups calls f with each row of a query of series and period.
func scanGroups(ctx context.Context, c *sql.Conn, query string, args []any, f func(g group)) error {
	rows, err := c.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var g group
		if err := rows.Scan(&g.series, &g.t0); err != nil {
			return err
		}
		f(g)
	}
	return rows.Err()
}

// preloadMin is how many series of one host a batch brings, not yet
// known to this process, for preload to read all the host's series.
const preloadMin = 16

// preload reads into the cache, in one query a host, the series of the
// hosts whose series the batch brings many of: a cron run's first batch
// brings a hundred series of its host, which would otherwise be a
// query each. It reads no more than a few times the batch's count, so a
// host of a million series costs no more than its batch.
func (w *writer) preload(keys []string) error {
	want := map[string]int{}
	for _, k := range keys {
		if _, ok := w.db.series[k]; !ok {
			_, tags, _ := strings.Cut(k, ";")
			want[hostOf(tags)]++
		}
	}
	for host, n := range want {
		if n < preloadMin {
			continue
		}
		rows, err := w.c.QueryContext(w.ctx, "SELECT id, name, tags FROM series WHERE host = ? LIMIT ?", host, 4*n)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var name, tags string
			if err := rows.Scan(&id, &name, &tags); err != nil {
				rows.Close()
				return err
			}
			k := name
			if tags != "" {
				k += ";" + tags
			}
			w.db.series[k] = id
			w.db.names[id] = k
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// seriesID returns the id of the series with canonical text key, adding
// it when new, or why it was not added: a refused series leaves nothing
// behind, in the database or the caches.
func (w *writer) seriesID(key string) (int64, bool, *LimitError, error) {
	if id, ok := w.db.series[key]; ok {
		return id, false, nil, nil
	}
	name, tags, _ := strings.Cut(key, ";")
	var id int64
	err := w.c.QueryRowContext(w.ctx, "SELECT id FROM series WHERE name = ? AND tags = ?", name, tags).Scan(&id)
	isNew := errors.Is(err, sql.ErrNoRows)
	if isNew {
		host := hostOf(tags)
		var why *LimitError
		if why, err = w.budget(host); why != nil || err != nil {
			return 0, false, why, err
		}
		err = w.c.QueryRowContext(w.ctx, "INSERT INTO series (name, tags, host) VALUES (?, ?, ?) RETURNING id", name, tags, host).Scan(&id)
		if err == nil {
			w.db.created++
			if _, ok := w.db.hostSeries[host]; ok {
				w.db.hostSeries[host]++
			}
		}
	}
	if err != nil {
		return 0, false, nil, err
	}
	w.db.series[key] = id
	w.db.names[id] = key
	w.newSeries = append(w.newSeries, key)
	return id, isNew, nil, nil
}

// budget says whether one more series of host would go past a limit.
// The series of a host are counted once a run, through the host index,
// and then kept count of: a batch of series that exist, the usual one,
// costs nothing here.
func (w *writer) budget(host string) (*LimitError, error) {
	l := w.db.limits
	if l.NewSeries > 0 && w.db.created >= l.NewSeries {
		return &LimitError{Host: host, Limit: NewSeriesLimit, Max: l.NewSeries}, nil
	}
	if l.HostSeries <= 0 {
		return nil, nil
	}
	n, ok := w.db.hostSeries[host]
	if !ok {
		if err := w.c.QueryRowContext(w.ctx, "SELECT count(*) FROM series WHERE host = ?", host).Scan(&n); err != nil {
			return nil, err
		}
		w.db.hostSeries[host] = n
	}
	if n >= l.HostSeries {
		return &LimitError{Host: host, Limit: HostSeriesLimit, Max: l.HostSeries}, nil
	}
	return nil, nil
}

// hot stores samples of open periods one per row, and notes the
// periods for packing. Rows go many to a statement, of a few fixed
// sizes that the statement cache keeps, whatever their series: a call
// into C costs more than a row, and a cron run brings a row or two of
// each of a hundred series. A statement holds the rows of a few series
// at most: series far apart, as a hub's hosts' are, have their rows of
// an hour in pages of their own, and a statement that changes more pages
// than SQLite's statement journal keeps in memory (64 KiB) writes them
// all to a temporary file first.
func (w *writer) hot(gs []group, pts map[group][]point) error {
	var args []any
	// flush runs the statements of sql, of per arguments a row, that
	// take the rows in args.
	flush := func(sql map[int]string, per int) error {
		for rows := len(args) / per; rows > 0; rows = len(args) / per {
			n := bestRows(rows)
			if err := w.exec(sql[n], args[:n*per]...); err != nil {
				return err
			}
			args = args[n*per:]
		}
		return nil
	}
	series := 0 // in args
	for _, g := range gs {
		if series == hotSeries {
			if err := flush(hotSQL, 4); err != nil {
				return err
			}
			series = 0
		}
		series++
		for _, p := range pts[g] {
			args = append(args, hourOf(p.ts), g.series, p.ts%3600, p.v)
			if len(args) == 4*hotRows[len(hotRows)-1] {
				if err := flush(hotSQL, 4); err != nil {
					return err
				}
				series = 1
			}
		}
	}
	if err := flush(hotSQL, 4); err != nil {
		return err
	}
	// The pending rows of a day are neighbours.
	for _, g := range gs {
		args = append(args, g.t0, g.series)
		if len(args) == 2*hotRows[len(hotRows)-1] {
			if err := flush(pendingSQL, 2); err != nil {
				return err
			}
		}
	}
	return flush(pendingSQL, 2)
}

// bestRows returns the largest statement size of hotRows that n rows
// fill.
func bestRows(n int) int {
	best := hotRows[0]
	for _, m := range hotRows {
		if n >= m {
			best = m
		}
	}
	return best
}

// hotRows are the numbers of rows hot inserts take in one statement, in
// increasing order; hotSQL[n] and pendingSQL[n] are the statements of n
// rows. hotSeries is how many series' rows one statement takes at most.
var (
	hotRows    = []int{1, 2, 4, 8, 16, 32}
	hotSeries  = 8
	hotSQL     = map[int]string{}
	pendingSQL = map[int]string{}
)

func init() {
	for _, n := range hotRows {
		hotSQL[n] = "INSERT OR REPLACE INTO sample (hour, series_id, sec, value) VALUES (?, ?, ?, ?)" + strings.Repeat(", (?, ?, ?, ?)", n-1)
		pendingSQL[n] = "INSERT OR IGNORE INTO pending (t0, series_id) VALUES (?, ?)" + strings.Repeat(", (?, ?)", n-1)
	}
}

// pack writes a series' period as one block, merging in the blocks
// already there (the day's, or those of its hours) and the period's rows
// in the sample table, and writes its hourly rollups. A period older
// than the raw retention keeps only its rollups.
func (w *writer) pack(g group, pts []point, has presence) error {
	series, t0 := g.series, g.t0
	var old, hot []point
	var err error
	switch {
	case has.hours:
		old, err = w.readBlocks(series, hourT0(t0), hourT0(t0+Period))
	case has.block:
		old, err = w.readBlock(series, t0)
	}
	if err != nil {
		return err
	}
	if has.hot {
		if hot, err = w.takeHot(series, t0); err != nil {
			return err
		}
	}
	all := merge(old, hot, pts)
	if len(all) == 0 {
		return nil
	}
	rs := rollups(all)
	if !has.block {
		// A day without its block may be one the raw retention has
		// pruned, whose rollups stay: the hours without news keep theirs.
		if rs, err = w.keepRollups(series, t0, rs); err != nil {
			return err
		}
	}
	if keep := w.db.policy.Hourly; keep > 0 {
		cut := w.db.now().Unix() - int64(keep.Seconds()) - 3600
		for len(rs) > 0 && rs[0].hour <= cut {
			rs = rs[1:]
		}
	}
	if err := w.putRollups(series, t0, rs); err != nil {
		return err
	}
	if has.hours {
		// The hours' blocks give way to the day's.
		if err := w.dropBlocks(series, hourT0(t0), hourT0(t0+Period), true); err != nil {
			return err
		}
	}
	if raw := w.db.policy.Raw; raw > 0 && t0+Period <= w.db.now().Unix()-int64(raw.Seconds()) {
		w.db.blocks.drop(series, t0)
		if has.block {
			return w.dropBlocks(series, t0, t0+1, false)
		}
		return nil
	}
	if err := w.putBlock(series, t0, all, has.block); err != nil {
		return err
	}
	w.db.blocks.put(series, t0, all)
	return nil
}

// putBlock writes the block of a series starting at t0, a day's or an
// hour's, in place of the one there if update. An hour's block, which
// lives a day at most, is not deflated: inflating its few samples would
// cost a reader more than decoding them, and its writer as much again.
func (w *writer) putBlock(series, t0 int64, pts []point, update bool) error {
	w.buf = encodeTimes(t0, pts, w.buf)
	tid, err := w.timesID(w.buf)
	if err != nil {
		return err
	}
	squeeze := w.db.sq.block
	if isHourT0(t0) {
		squeeze = w.db.sq.plain
	}
	e, vals := squeeze(pts)
	var base any
	if e.div != 0 {
		base = e.base
	}
	if update {
		// The old times row goes with dropTimes, if no other block
		// shares it.
		var old int64
		if err := w.c.QueryRowContext(w.ctx, "SELECT times_id FROM block WHERE series_id = ? AND t0 = ?", series, t0).Scan(&old); err != nil {
			return err
		}
		if old != tid {
			w.freed = append(w.freed, old)
		}
		// In place: a REPLACE would delete the row and its index entry
		// and write both again.
		return w.exec("UPDATE block SET times_id = ?, base = ?, div = ?, delta = ?, size = ?, vals = ? WHERE series_id = ? AND t0 = ?",
			tid, base, e.div, e.delta, len(e.vals), vals, series, t0)
	}
	if !isHourT0(t0) {
		w.queueBlock(series, t0, tid, base, e, vals)
		return nil
	}
	return w.exec("INSERT INTO block (rowid, series_id, t0, times_id, base, div, delta, size, vals) VALUES ("+hourRowid+", ?, ?, ?, ?, ?, ?, ?, ?)",
		series, t0, tid, base, e.div, e.delta, len(e.vals), vals)
}

// The block table's rows are in two runs of rowids: the days' blocks,
// kept for years, from 1 on, each new one after the last, and the
// hours' blocks, deleted daily, from -hourRowids on, below them. The
// days' blocks are then appended at the table's end and fill its last
// page as flushBlocks reckons, where the rows of hours between them
// would leave each day's last page part empty once deleted, and the
// hours' blocks free whole pages. The hours' blocks that earlier
// versions numbered from hourRowids on, above the days', are left out
// of the days' run, and are gone within a day. (VACUUM may number the
// rows anew: the runs come back as blocks come and go.)
const (
	hourRowids = 1 << 62
	dayRowid   = "(SELECT max(coalesce(max(rowid), 0), 0) + 1 FROM block WHERE rowid < 4611686018427387904)"
	hourRowid  = "(SELECT coalesce(max(rowid), -4611686018427387905) + 1 FROM block WHERE rowid < 0)"
)

// exec runs a statement that returns no rows. It goes through Query:
// go-sqlite3 then binds and steps in one call into C, where Exec makes
// one a value, and calls into C are most of what a small statement
// costs.
func (w *writer) exec(query string, args ...any) error {
	rows, err := w.c.QueryContext(w.ctx, query, args...)
	if err != nil {
		return err
	}
	return rows.Close()
}

// putRollups writes a day's rollups as its row of the rollup table.
func (w *writer) putRollups(series, t0 int64, rs []rollup) error {
	if len(rs) == 0 {
		return nil
	}
	text := encodeRollups(t0, rs, w.buf)
	w.buf = text
	return w.exec("INSERT OR REPLACE INTO rollup (series_id, t0, size, hours) VALUES (?, ?, ?, ?)",
		series, t0, len(text), w.db.sq.squeeze(text))
}

// keepRollups adds to rs, a day's new rollups, the day's rollups
// already stored of the hours rs lacks.
func (w *writer) keepRollups(series, t0 int64, rs []rollup) ([]rollup, error) {
	var size int64
	var data []byte
	err := w.c.QueryRowContext(w.ctx, "SELECT size, hours FROM rollup WHERE series_id = ? AND t0 = ?", series, t0).Scan(&size, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return rs, nil
	}
	if err != nil {
		return nil, err
	}
	text, err := w.db.inf.inflate(data, size)
	if err != nil {
		return nil, fmt.Errorf("series %d, rollups %d: %w", series, t0, err)
	}
	old, err := decodeRollups(t0, text, nil)
	if err != nil {
		return nil, fmt.Errorf("series %d, rollups %d: %w", series, t0, err)
	}
	news := map[int64]bool{}
	for _, r := range rs {
		news[r.hour] = true
	}
	for _, o := range old {
		if !news[o.Hour] {
			rs = append(rs, rollup{hour: o.Hour, min: o.Min, max: o.Max, sum: o.Sum, count: o.Count, last: o.Last})
		}
	}
	slices.SortFunc(rs, func(a, b rollup) int { return cmp.Compare(a.hour, b.hour) })
	return rs, nil
}

// readBlock returns the points of a block, none when there is none.
func (w *writer) readBlock(series, t0 int64) ([]point, error) {
	if pts, ok := w.db.blocks.get(series, t0); ok {
		return pts, nil
	}
	var tid, size int64
	var base sql.NullInt64
	var e encoded
	var data, offsets []byte
	err := w.c.QueryRowContext(w.ctx, "SELECT b.times_id, b.base, b.div, b.delta, b.size, b.vals, t.offsets FROM block b JOIN times t ON t.id = b.times_id WHERE b.series_id = ? AND b.t0 = ?",
		series, t0).Scan(&tid, &base, &e.div, &e.delta, &size, &data, &offsets)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	e.base = base.Int64
	if e.vals, err = w.db.inf.inflate(data, size); err != nil {
		return nil, fmt.Errorf("series %d, block %d: %w", series, t0, err)
	}
	return decodeBlock(t0, offsets, e, &w.tss, &w.vals)
}

// decodeBlock returns the points of a block, using the scratch slices.
func decodeBlock(t0 int64, offsets []byte, e encoded, tss *[]int64, vals *[]float64) ([]point, error) {
	var err error
	if *tss, err = decodeTimes(t0, offsets, (*tss)[:0]); err != nil {
		return nil, err
	}
	if *vals, err = decodeValues(e, (*vals)[:0]); err != nil {
		return nil, err
	}
	if len(*tss) != len(*vals) {
		return nil, errors.New("block with more times than values, or fewer")
	}
	pts := make([]point, len(*tss))
	for i := range pts {
		pts[i] = point{(*tss)[i], (*vals)[i]}
	}
	return pts, nil
}

// takeHot removes and returns a series' rows of a period in the sample
// table. A period has rows there only while it is pending, which the
// pending table answers at once.
func (w *writer) takeHot(series, t0 int64) ([]point, error) {
	res, err := w.c.ExecContext(w.ctx, "DELETE FROM pending WHERE t0 = ? AND series_id = ?", t0, series)
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return nil, err
	}
	args := append(dayHours(t0, nil), series)
	rows, err := w.c.QueryContext(w.ctx, "SELECT hour + sec, value FROM sample WHERE hour IN "+dayHoursIn+" AND series_id = ? ORDER BY hour, sec", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var pts []point
	for rows.Next() {
		var p point
		if err := rows.Scan(&p.ts, &p.v); err != nil {
			return nil, err
		}
		pts = append(pts, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	_, err = w.c.ExecContext(w.ctx, "DELETE FROM sample WHERE hour IN "+dayHoursIn+" AND series_id = ?", args...)
	return pts, err
}

// timesID returns the id of the times row with these offsets, adding it
// when new.
func (w *writer) timesID(offsets []byte) (int64, error) {
	if id, ok := w.db.times[string(offsets)]; ok {
		return id, nil
	}
	sum := timesHash(offsets)
	rows, err := w.c.QueryContext(w.ctx, "SELECT id, offsets FROM times WHERE hash = ?", sum)
	if err != nil {
		return 0, err
	}
	var id int64
	for rows.Next() {
		var have []byte
		var hid int64
		if err := rows.Scan(&hid, &have); err != nil {
			rows.Close()
			return 0, err
		}
		if bytes.Equal(have, offsets) {
			id = hid
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if id == 0 {
		if err := w.c.QueryRowContext(w.ctx, "INSERT INTO times (hash, offsets) VALUES (?, ?) RETURNING id", sum, string(offsets)).Scan(&id); err != nil {
			return 0, err
		}
	}
	w.db.times[string(offsets)] = id
	w.newTimes = append(w.newTimes, string(offsets))
	return id, nil
}
