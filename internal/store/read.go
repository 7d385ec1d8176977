package store

import (
	"context"
	"database/sql"
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

// AllSeries returns every series, by id.
func (db *DB) AllSeries() ([]Series, error) {
	rows, err := db.conn.QueryContext(context.Background(), "SELECT id, name, tags FROM series ORDER BY id")
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

// Scan calls fn with each sample of a series from from up to, not
// including, to, in time order.
func (db *DB) Scan(series, from, to int64, fn func(ts int64, v float64) error) error {
	pts, err := db.points(context.Background(), series, from, to)
	if err != nil {
		return db.fail(err)
	}
	for _, p := range pts {
		if err := fn(p.ts, p.v); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) points(ctx context.Context, series, from, to int64) ([]point, error) {
	var blocks, hot []point
	rows, err := db.conn.QueryContext(ctx, `SELECT b.t0, b.base, b.div, b.vals, t.offsets
		FROM block b JOIN times t ON t.id = b.times_id
		WHERE b.series_id = ? AND b.t0 > ? AND b.t0 < ? ORDER BY b.t0`, series, from-Period, to)
	if err != nil {
		return nil, err
	}
	var tss []int64
	var vals []float64
	for rows.Next() {
		var t0 int64
		var base sql.NullInt64
		var e encoded
		var offsets []byte
		if err := rows.Scan(&t0, &base, &e.div, &e.vals, &offsets); err != nil {
			rows.Close()
			return nil, err
		}
		e.base = base.Int64
		pts, err := decodeBlock(t0, offsets, e, &tss, &vals)
		if err != nil {
			rows.Close()
			return nil, err
		}
		for _, p := range pts {
			if p.ts >= from && p.ts < to {
				blocks = append(blocks, p)
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.conn.QueryContext(ctx, "SELECT ts, value FROM sample WHERE series_id = ? AND ts >= ? AND ts < ? ORDER BY ts", series, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p point
		if err := rows.Scan(&p.ts, &p.v); err != nil {
			return nil, err
		}
		hot = append(hot, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(hot) == 0 {
		return blocks, nil
	}
	return merge(blocks, hot), nil
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
	rows, err := db.conn.QueryContext(context.Background(), "SELECT hour, min, max, sum, count, last FROM rollup WHERE series_id = ? AND hour >= ? AND hour < ? ORDER BY hour", series, from, to)
	if err != nil {
		return db.fail(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r Rollup
		if err := rows.Scan(&r.Hour, &r.Min, &r.Max, &r.Sum, &r.Count, &r.Last); err != nil {
			return db.fail(err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return db.fail(rows.Err())
}
