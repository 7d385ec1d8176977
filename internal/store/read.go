package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// A Series is one series as stored.
type Series struct {
	ID   int64
	Name string
	Tags string // canonical and escaped, as in records: host=web1;mount=/
}

// Key returns the series' canonical text, NAME;TAG=VALUE....
func (s Series) Key() string {
	if s.Tags == "" {
		return s.Name
	}
	return s.Name + ";" + s.Tags
}

// SeriesID returns the id of the series with canonical text key, or 0.
func (db *DB) SeriesID(key string) (int64, error) {
	name, tags, _ := strings.Cut(key, ";")
	var id int64
	err := db.conn.QueryRowContext(context.Background(), "SELECT id FROM series WHERE name = ? AND tags = ?", name, tags).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return id, db.fail(err)
}

// FindSeries returns the series whose name matches one of the globs
// (any name when there are none, * and ? as in the shell), whose tags
// include every one of with and none of without (TAG=VALUE in canonical
// text), ordered by name and tags. A host=NAME among with is looked up
// in the index of hosts. The patterns reach SQLite as
// parameters, never as SQL.
func (db *DB) FindSeries(globs, with, without []string) ([]Series, error) {
	var out []Series
	err := db.EachSeries(globs, with, without, 0, func(ss []Series) error {
		out = append(out, ss...)
		return nil
	})
	return out, err
}

// EachSeries calls fn with the series that FindSeries returns, in the
// same order, a batch of at most n at a time (n ≤ 0: all at once), so
// that memory holds one batch however many series match. Each batch is
// its own query, resumed after the last series of the one before: fn
// may use the database, and the batch is fn's to keep.
func (db *DB) EachSeries(globs, with, without []string, n int, fn func([]Series) error) error {
	q, args := findQuery(globs, with, without)
	if n <= 0 {
		ss, err := db.seriesRows(q+" ORDER BY name, tags", args)
		if err != nil || len(ss) == 0 {
			return err
		}
		return fn(ss)
	}
	where := len(args)
	q += " AND (name, tags) > (?, ?) ORDER BY name, tags LIMIT ?"
	args = append(args, "", "", n)
	for {
		ss, err := db.seriesRows(q, args)
		if err != nil || len(ss) == 0 {
			return err
		}
		last := ss[len(ss)-1]
		if err := fn(ss); err != nil {
			return err
		}
		if len(ss) < n {
			return nil
		}
		// Resume after the last: (name, tags) is unique, and the index
		// on it gives the order. Names are never empty, so ("", "")
		// starts before the first.
		args[where], args[where+1] = last.Name, last.Tags
	}
}

// seriesRows runs a query of series rows: id, name, tags.
func (db *DB) seriesRows(query string, args []any) ([]Series, error) {
	rows, err := db.conn.QueryContext(context.Background(), query, args...)
	if err != nil {
		return nil, db.fail(err)
	}
	defer rows.Close()
	var out []Series
	for rows.Next() {
		var s Series
		if err := rows.Scan(&s.ID, &s.Name, &s.Tags); err != nil {
			return nil, db.fail(err)
		}
		out = append(out, s)
	}
	return out, db.fail(rows.Err())
}

// findQuery returns FindSeries' query, without its order, and its
// parameters, looking up a host in the host column.
func findQuery(globs, with, without []string) (string, []any) {
	var q strings.Builder
	var args []any
	q.WriteString("SELECT id, name, tags FROM series WHERE 1")
	if len(globs) > 0 {
		q.WriteString(" AND (0")
		for _, g := range globs {
			q.WriteString(" OR name GLOB ?")
			args = append(args, g)
		}
		q.WriteString(")")
	}
	for _, t := range with {
		// One host's series come through the host index: the other
		// tests read every series' tags.
		if h, ok := strings.CutPrefix(t, "host="); ok && !strings.Contains(h, ";") {
			q.WriteString(" AND host = ?")
			args = append(args, h)
			continue
		}
		q.WriteString(" AND instr(';' || tags || ';', ?) > 0")
		args = append(args, ";"+t+";")
	}
	for _, t := range without {
		q.WriteString(" AND instr(';' || tags || ';', ?) = 0")
		args = append(args, ";"+t+";")
	}
	return q.String(), args
}

// Scan calls fn with each sample of a series from from up to, not
// including, to, in time order. It streams: memory does not grow with
// the range. fn must not use the database.
func (db *DB) Scan(series, from, to int64, fn func(ts int64, v float64) error) error {
	hot, err := db.hotRows(from, to, &series)
	if err != nil {
		return err
	}
	return db.scan(series, from, to, hot[series], fn)
}

// A Range reads many series over one range: the open period's rows of
// them all come in one query, rather than one a series, while they are
// few; so do the blocks of a batch of series over a short range.
type Range struct {
	db       *DB
	from, to int64
	hot      map[int64][]point // nil: a query a series
	held     heldBlocks
}

// hotBulkMax is how many series' open periods Range reads in one query
// at most: past it (a flood of new series, all in the open period),
// reading them all would cost the few series of one host as much as all
// of them, in time and memory.
var hotBulkMax = 1 << 14

// Range prepares to read series from from up to, not including, to.
func (db *DB) Range(from, to int64) (*Range, error) {
	// The pending table, in order of period, counts the series with
	// rows in the sample table at once; the sample table itself is in
	// order of series.
	var n int
	err := db.conn.QueryRowContext(context.Background(), "SELECT count(*) FROM (SELECT 1 FROM pending WHERE t0 > ? AND t0 < ? LIMIT ?)", from-Period, to, hotBulkMax+1).Scan(&n)
	switch {
	case err != nil || n > hotBulkMax:
		return &Range{db: db, from: from, to: to}, db.fail(err)
	case n == 0:
		// Every row of the sample table has its period in pending,
		// written and removed in the same transaction: none is in the
		// range, and a range of the past reads no table of the present.
		return &Range{db: db, from: from, to: to, hot: map[int64][]point{}}, nil
	}
	hot, err := db.hotRows(from, to, nil)
	return &Range{db: db, from: from, to: to, hot: hot}, err
}

// Scan is DB.Scan over the range.
func (r *Range) Scan(series int64, fn func(ts int64, v float64) error) error {
	if r.hot == nil {
		return r.db.Scan(series, r.from, r.to, fn)
	}
	if bs, ok := r.held.blocks[series]; ok {
		return r.db.scanHeld(series, r.from, r.to, r.hot[series], bs, r.held.offsets, fn)
	}
	return r.db.scan(series, r.from, r.to, r.hot[series], fn)
}

// RangeOf is Range for the given series only: the open period's rows
// of a hub's every series may be many, those of a batch are few. Over a
// range of a few periods (see heldPeriods) it reads the blocks of the
// batch in one query too.
func (db *DB) RangeOf(from, to int64, series []int64) (*Range, error) {
	hot := map[int64][]point{}
	hours, err := db.hotHours(from, to)
	if err != nil {
		return nil, err
	}
	err = db.hotEach(hours, from, to, series, func(id int64, p point) { hot[id] = append(hot[id], p) })
	if err != nil {
		return nil, err
	}
	r := &Range{db: db, from: from, to: to, hot: hot}
	if to-from <= heldPeriods*Period {
		if r.held, err = db.holdBlocks(from, to, series); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// hotRows returns the sample table's rows in the range, of one series or
// of all: the rows of the open period, few.
func (db *DB) hotRows(from, to int64, series *int64) (map[int64][]point, error) {
	hot := map[int64][]point{}
	add := func(id int64, p point) { hot[id] = append(hot[id], p) }
	if series != nil {
		hours, err := db.hotHours(from, to)
		if err != nil {
			return nil, err
		}
		return hot, db.hotEach(hours, from, to, []int64{*series}, add)
	}
	err := db.each("SELECT series_id, hour + sec, value FROM sample WHERE hour >= ? AND hour < ? AND hour + sec >= ? AND hour + sec < ? ORDER BY hour, series_id, sec",
		[]any{hourOf(max(from, 0)), to, from, to}, 3, func(v []driver.Value) error {
			add(asInt(v[0]), point{asInt(v[1]), asFloat(v[2])})
			return nil
		})
	return hot, err
}

// scan streams a series' blocks in the range, merging in its rows of the
// sample table, which win a tie.
func (db *DB) scan(series, from, to int64, hot []point, fn func(ts int64, v float64) error) error {
	rows, err := db.conn.QueryContext(context.Background(), `SELECT b.t0, b.base, b.div, b.delta, b.size, b.vals, t.offsets
		FROM block b JOIN times t ON t.id = b.times_id
		WHERE b.series_id = ? AND b.t0 > ? AND b.t0 < ? ORDER BY b.t0`, series, from-Period, to)
	if err != nil {
		return db.fail(err)
	}
	defer rows.Close()
	m := db.merger(series, from, to, hot, fn)
	defer m.release()
	var e encoded
	// Raw: each block is decoded before the next row is read.
	var data, offsets sql.RawBytes
	for rows.Next() {
		var t0, size int64
		var base sql.NullInt64
		if err := rows.Scan(&t0, &base, &e.div, &e.delta, &size, &data, &offsets); err != nil {
			return db.fail(err)
		}
		e.base = base.Int64
		if err := m.block(t0, e, size, data, offsets); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return db.fail(err)
	}
	return m.emitHot(to)
}

// scanHeld is scan over blocks read before, in time order.
func (db *DB) scanHeld(series, from, to int64, hot []point, bs []heldBlock, offsets map[int64][]byte, fn func(ts int64, v float64) error) error {
	m := db.merger(series, from, to, hot, fn)
	defer m.release()
	for _, b := range bs {
		if err := m.block(b.t0, b.encoded, b.size, b.vals, offsets[b.times]); err != nil {
			return err
		}
	}
	return m.emitHot(to)
}

// A blockMerge gives a series' samples in time order from its blocks, one
// after the other, and its rows of the sample table, which win a tie.
type blockMerge struct {
	db       *DB
	series   int64
	from, to int64
	hot      []point
	fn       func(ts int64, v float64) error
	tss      []int64
	vals     []float64
}

// merger starts a merge, borrowing the database's scratch slices until
// release: a query of a day of 300 series would otherwise grow two
// slices for each. Were fn to scan too, which it must not, it would
// find none.
func (db *DB) merger(series, from, to int64, hot []point, fn func(ts int64, v float64) error) *blockMerge {
	m := &blockMerge{db, series, from, to, hot, fn, db.scratch.tss[:0], db.scratch.vals[:0]}
	db.scratch = scratch{}
	return m
}

func (m *blockMerge) release() { m.db.scratch = scratch{m.tss[:0], m.vals[:0]} }

// emitHot gives the sample table's rows before before.
func (m *blockMerge) emitHot(before int64) error {
	for len(m.hot) > 0 && m.hot[0].ts < before {
		if err := m.fn(m.hot[0].ts, m.hot[0].v); err != nil {
			return err
		}
		m.hot = m.hot[1:]
	}
	return nil
}

// block gives a block's samples in the range, data being its values as
// stored, squeezed from size bytes.
func (m *blockMerge) block(t0 int64, e encoded, size int64, data, offsets []byte) error {
	var err error
	e.vals, err = m.db.inf.inflate(data, size)
	if err == nil {
		m.tss, err = decodeTimes(t0, offsets, m.tss[:0])
	}
	if err == nil {
		m.vals, err = decodeValues(e, m.vals[:0])
	}
	if err == nil && len(m.tss) != len(m.vals) {
		err = errors.New("block with more times than values, or fewer")
	}
	if err != nil {
		return m.db.fail(fmt.Errorf("series %d, block %d: %w", m.series, t0, err))
	}
	for i, ts := range m.tss {
		if ts < m.from || ts >= m.to {
			continue
		}
		if err := m.emitHot(ts); err != nil {
			return err
		}
		if len(m.hot) > 0 && m.hot[0].ts == ts {
			continue // the sample table's is the later
		}
		if err := m.fn(ts, m.vals[i]); err != nil {
			return err
		}
	}
	return nil
}

// heldPeriods is the longest range, in periods, whose blocks RangeOf
// reads for its whole batch at once. One query a series costs SQLite
// more than reading the series' one or two blocks of a day; over a
// range of many periods it is a small part of the reading, and holding
// every block of a batch would only grow memory, so a long range (a
// year's dump) streams series by series. Eight covers the report's
// week, which starts within a period.
const heldPeriods = 8

// heldBytesMax bounds the bytes of blocks a Range holds, as stored
// (values squeezed, each distinct offsets once): a batch sampled every
// second, whose day is 86,400 values a series, would otherwise hold
// far more than a batch at a minute. The series past it are read by a
// query each, as over a long range.
var heldBytesMax = 4 << 20

// heldBlocks are the blocks of a batch of series over a short range.
type heldBlocks struct {
	blocks  map[int64][]heldBlock // by series; a series not in it has its own query
	offsets map[int64][]byte      // by id in the times table
}

// A heldBlock is a block's row as stored, its values still squeezed.
type heldBlock struct {
	encoded // vals: the stored bytes
	t0      int64
	size    int64
	times   int64
}

// errHeldFull stops the reading of a batch's blocks at heldBytesMax.
var errHeldFull = errors.New("held blocks full")

// holdBlocks reads the blocks of series over the range, in order of
// series and time, until they come to heldBytesMax: the series read
// whole are held, with no blocks for one that has none.
func (db *DB) holdBlocks(from, to int64, series []int64) (heldBlocks, error) {
	h := heldBlocks{map[int64][]heldBlock{}, map[int64][]byte{}}
	ids := slices.Clone(series)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	size := 0
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)] // well under SQLite's limit of parameters
		ids = ids[len(chunk):]
		in, args := inList(chunk, from-Period, to)
		var last int64
		// The driver copies each column out of SQLite: the bytes are
		// the row's own to keep.
		err := db.each(`SELECT b.series_id, b.t0, b.base, b.div, b.delta, b.size, b.vals, b.times_id, t.offsets
			FROM block b JOIN times t ON t.id = b.times_id
			WHERE b.t0 > ? AND b.t0 < ? AND b.series_id IN `+in+` ORDER BY b.series_id, b.t0`,
			args, 9, func(v []driver.Value) error {
				id := asInt(v[0])
				last = id
				b := heldBlock{encoded{asInt(v[2]), asInt(v[3]), asInt(v[4]) != 0, asBytes(v[6])}, asInt(v[1]), asInt(v[5]), asInt(v[7])}
				size += len(b.vals)
				if _, ok := h.offsets[b.times]; !ok {
					h.offsets[b.times] = asBytes(v[8])
					size += len(h.offsets[b.times])
				}
				if size > heldBytesMax {
					return errHeldFull
				}
				h.blocks[id] = append(h.blocks[id], b)
				return nil
			})
		if errors.Is(err, errHeldFull) {
			// The series being read, and those after it, are not whole.
			for id := range h.blocks {
				if id >= last {
					delete(h.blocks, id)
				}
			}
			for _, id := range chunk {
				if id >= last {
					break
				}
				if _, ok := h.blocks[id]; !ok {
					h.blocks[id] = nil
				}
			}
			return h, nil
		}
		if err != nil {
			return heldBlocks{}, err
		}
		for _, id := range chunk {
			if _, ok := h.blocks[id]; !ok {
				h.blocks[id] = nil
			}
		}
	}
	return h, nil
}

// scratch is what scan decodes a block into, kept for the next scan.
type scratch struct {
	tss  []int64
	vals []float64
}

// A Rollup is one series' summary of one hour.
type Rollup struct {
	Hour                int64 // start, in Unix seconds
	Min, Max, Sum, Last float64
	Count               int64
}

// Rollups calls fn with each hourly rollup of a series whose hour starts
// from from up to, not including, to.
func (db *DB) Rollups(series, from, to int64, fn func(Rollup) error) error {
	return db.rollupDays("SELECT series_id, t0, size, hours FROM rollup WHERE series_id = ? AND t0 > ? AND t0 < ? ORDER BY t0",
		[]any{series, from - Period, to}, func(_ int64, day []Rollup) error {
			for _, r := range day {
				if r.Hour >= from && r.Hour < to {
					if err := fn(r); err != nil {
						return err
					}
				}
			}
			return nil
		})
}

// rollupDays runs a query of rollup rows (series_id, t0, size, hours)
// and calls fn with each row's rollups, in a slice reused for the next.
// The rows are inflated with the database's one zlib reader: a new one
// for each call costs more than the inflating, and fn, which cannot use
// the database, cannot use it.
func (db *DB) rollupDays(query string, args []any, fn func(series int64, rs []Rollup) error) error {
	var rs []Rollup
	return db.each(query, args, 4, func(v []driver.Value) error {
		data, _ := v[3].([]byte)
		series, t0 := asInt(v[0]), asInt(v[1])
		text, err := db.inf.inflate(data, asInt(v[2]))
		if err == nil {
			rs, err = decodeRollups(t0, text, rs[:0])
		}
		if err != nil {
			return fmt.Errorf("series %d, rollups %d: %w", series, t0, err)
		}
		return fn(series, rs)
	})
}

// each runs a query of n numeric columns and calls fn with each row,
// through the driver: database/sql's conversions cost more than
// SQLite's reading of a row, and a year of one series' rollups is
// 8,760 rows. The connection is held meanwhile, so fn must not use db.
func (db *DB) each(query string, args []any, n int, fn func([]driver.Value) error) error {
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return db.fail(db.conn.Raw(func(dc any) error {
		rows, err := dc.(driver.QueryerContext).QueryContext(context.Background(), query, named)
		if err != nil {
			return err
		}
		defer rows.Close()
		dest := make([]driver.Value, n)
		for {
			if err := rows.Next(dest); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			if err := fn(dest); err != nil {
				return err
			}
		}
	}))
}

// asInt and asFloat read a numeric column: SQLite keeps a REAL that is
// a whole number as an integer.
func asInt(v driver.Value) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case float64:
		return int64(v)
	}
	return 0
}

// asBytes reads a TEXT or BLOB column.
func asBytes(v driver.Value) []byte {
	switch v := v.(type) {
	case []byte:
		return v
	case string:
		return []byte(v)
	}
	return nil
}

func asFloat(v driver.Value) float64 {
	switch v := v.(type) {
	case float64:
		return v
	case int64:
		return float64(v)
	}
	return 0
}

// RollupsBefore reports whether a series has rollups of hours before ts:
// samples of those hours were there once, and were pruned.
func (db *DB) RollupsBefore(series, ts int64) (bool, error) {
	found := false
	err := db.rollupDays("SELECT series_id, t0, size, hours FROM rollup WHERE series_id = ? AND t0 < ? ORDER BY t0 LIMIT 1",
		[]any{series, ts}, func(_ int64, rs []Rollup) error {
			found = len(rs) > 0 && rs[0].Hour < ts
			return nil
		})
	return found, err
}

// inList returns the SQL list of parameters for ids, (?, ?, ...), and
// args followed by the ids: a chunk of series for IN, well under
// SQLite's limit of parameters.
func inList(ids []int64, args ...any) (string, []any) {
	for _, id := range ids {
		args = append(args, id)
	}
	return "(" + strings.Repeat("?, ", len(ids)-1) + "?)", args
}
