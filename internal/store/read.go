package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
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
// few.
type Range struct {
	db       *DB
	from, to int64
	hot      map[int64][]point // nil: a query a series
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
		return &Range{db, from, to, map[int64][]point{}}, nil
	}
	hot, err := db.hotRows(from, to, nil)
	return &Range{db, from, to, hot}, err
}

// Scan is DB.Scan over the range.
func (r *Range) Scan(series int64, fn func(ts int64, v float64) error) error {
	if r.hot == nil {
		return r.db.Scan(series, r.from, r.to, fn)
	}
	return r.db.scan(series, r.from, r.to, r.hot[series], fn)
}

// RangeOf is Range for the given series only: the open period's rows
// of a hub's every series may be many, those of a batch are few.
func (db *DB) RangeOf(from, to int64, series []int64) (*Range, error) {
	hot := map[int64][]point{}
	for len(series) > 0 {
		chunk := series[:min(len(series), 500)] // well under SQLite's limit of parameters
		series = series[len(chunk):]
		args := []any{from, to}
		q := strings.Repeat(",?", len(chunk))
		for _, id := range chunk {
			args = append(args, id)
		}
		err := db.each("SELECT series_id, ts, value FROM sample WHERE ts >= ? AND ts < ? AND series_id IN ("+q[1:]+") ORDER BY series_id, ts",
			args, 3, func(v []driver.Value) error {
				id := asInt(v[0])
				hot[id] = append(hot[id], point{asInt(v[1]), asFloat(v[2])})
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	return &Range{db, from, to, hot}, nil
}

// hotRows returns the sample table's rows in the range, of one series or
// of all: the rows of the open period, few.
func (db *DB) hotRows(from, to int64, series *int64) (map[int64][]point, error) {
	q, args := "SELECT series_id, ts, value FROM sample WHERE ts >= ? AND ts < ? ORDER BY series_id, ts", []any{from, to}
	if series != nil {
		q, args = "SELECT series_id, ts, value FROM sample WHERE series_id = ? AND ts >= ? AND ts < ? ORDER BY ts", []any{*series, from, to}
	}
	hot := map[int64][]point{}
	err := db.each(q, args, 3, func(v []driver.Value) error {
		id := asInt(v[0])
		hot[id] = append(hot[id], point{asInt(v[1]), asFloat(v[2])})
		return nil
	})
	return hot, err
}

// scan streams a series' blocks in the range, merging in its rows of the
// sample table, which win a tie.
func (db *DB) scan(series, from, to int64, hot []point, fn func(ts int64, v float64) error) error {
	ctx := context.Background()
	emitHot := func(before int64) error {
		for len(hot) > 0 && hot[0].ts < before {
			if err := fn(hot[0].ts, hot[0].v); err != nil {
				return err
			}
			hot = hot[1:]
		}
		return nil
	}
	rows, err := db.conn.QueryContext(ctx, `SELECT b.t0, b.base, b.div, b.delta, b.size, b.vals, t.offsets
		FROM block b JOIN times t ON t.id = b.times_id
		WHERE b.series_id = ? AND b.t0 > ? AND b.t0 < ? ORDER BY b.t0`, series, from-Period, to)
	if err != nil {
		return db.fail(err)
	}
	defer rows.Close()
	// The database's scratch slices, borrowed for the scan: a query of
	// a day of 300 series would otherwise grow two slices for each.
	// Were fn to scan too, which it must not, it would find none.
	tss, vals := db.scratch.tss[:0], db.scratch.vals[:0]
	db.scratch = scratch{}
	defer func() { db.scratch = scratch{tss[:0], vals[:0]} }()
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
		e.vals, err = db.inf.inflate(data, size)
		if err == nil {
			tss, err = decodeTimes(t0, offsets, tss[:0])
		}
		if err == nil {
			vals, err = decodeValues(e, vals[:0])
		}
		if err == nil && len(tss) != len(vals) {
			err = errors.New("block with more times than values, or fewer")
		}
		if err != nil {
			return db.fail(fmt.Errorf("series %d, block %d: %w", series, t0, err))
		}
		for i, ts := range tss {
			if ts < from || ts >= to {
				continue
			}
			if err := emitHot(ts); err != nil {
				return err
			}
			if len(hot) > 0 && hot[0].ts == ts {
				continue // the sample table's is the later
			}
			if err := fn(ts, vals[i]); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return db.fail(err)
	}
	return emitHot(to)
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
