package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
)

// Schema 4 keeps a day of a series in one block, its values as deltas,
// deflated, and a day of its hourly rollups in one row, deflated too:
// about a fifth of the bytes of schema 3's three-hour blocks and
// row-per-hour rollups. The views read them with the sqlite3 shell's
// sqlar_uncompress and window functions (SQLite 3.25).

// metricsView4 is the metrics view of schemas 4 and 5, hourlyView the
// hourly view of schemas 5 and on, described in sm-store(1).
const (
	metricsView4 = `CREATE VIEW metrics AS
		SELECT datetime(ts, 'unixepoch') AS time, name, tags, value, ts
		FROM (
			-- Whole numbers as integers, in the shell as in records.
			SELECT s.name, s.tags, ts, CASE WHEN value = CAST(value AS INTEGER) AND abs(value) < 9e15
				THEN CAST(value AS INTEGER) ELSE value END AS value
			FROM sample JOIN series s ON s.id = series_id
			UNION ALL
` + blockSamples + `		)`
	// blockSamples are the samples of the blocks, in the metrics view
	// of every schema since 4.
	blockSamples = `			SELECT name, tags, t0 + CAST(substr(offsets, k * 5 + 1, 5) AS INTEGER),
				CASE div WHEN 0 THEN v WHEN 1 THEN base + n ELSE (base + n) * 1.0 / div END
			FROM (
				-- Differences add up to each value: a running sum over the
				-- block, partitioned by the series' name and tags, so that
				-- SQLite reads only the blocks of the series a WHERE names.
				SELECT s.name, s.tags, b.t0, b.base, b.div, t.offsets, v.key AS k, v.value AS v,
					CASE b.delta WHEN 0 THEN v.value ELSE
						sum(v.value) OVER (PARTITION BY s.name, s.tags, b.t0 ORDER BY v.key) END AS n
				FROM block b JOIN series s ON s.id = b.series_id JOIN times t ON t.id = b.times_id,
					json_each(CAST(sqlar_uncompress(b.vals, b.size) AS TEXT)) v
			)
`
	hourlyView = `CREATE VIEW hourly AS
		SELECT datetime(hour, 'unixepoch') AS time, name, tags,
			min, max, sum * 1.0 / count AS avg, sum, count, last, hour
		FROM (
			-- A row of json_each per hour, its min the value; the other
			-- columns come from the same text, json_each's json column,
			-- so that a row is inflated once, and only the rows of the
			-- series a WHERE names. The hours from t0: an empty list is
			-- the hours 0, 1, 2...
			SELECT s.name, s.tags, r.t0 + 3600 * coalesce(json_extract(h.json, '$[0][' || h.key || ']'), h.key) AS hour,
				h.value AS min,
				json_extract(h.json, '$[2][' || h.key || ']') AS max,
				json_extract(h.json, '$[3][' || h.key || ']') AS sum,
				json_extract(h.json, '$[4][' || h.key || ']') AS count,
				json_extract(h.json, '$[5][' || h.key || ']') AS last
			FROM series s JOIN rollup r ON r.series_id = s.id,
				json_each(CAST(sqlar_uncompress(r.hours, r.size) AS TEXT), '$[1]') h
		)`
)

// dailyBlocks upgrades schema 3 to 4: it rewrites every block and every
// rollup, series by series, in the transaction of every migration, so
// that a crash at any moment leaves schema 3 whole or schema 4 whole.
func dailyBlocks(ctx context.Context, c *sql.Conn) error {
	err := execAll(ctx, c,
		`DROP VIEW metrics`,
		`DROP VIEW hourly`,
		`CREATE TABLE block4 (
			series_id INTEGER NOT NULL,
			t0 INTEGER NOT NULL,
			times_id INTEGER NOT NULL,
			base INTEGER,
			div INTEGER NOT NULL,
			delta INTEGER NOT NULL,
			size INTEGER NOT NULL,
			vals BLOB NOT NULL,
			PRIMARY KEY (series_id, t0)
		)`,
		`CREATE TABLE rollup4 (
			series_id INTEGER NOT NULL,
			t0 INTEGER NOT NULL,
			size INTEGER NOT NULL,
			hours BLOB NOT NULL,
			PRIMARY KEY (series_id, t0)
		)`,
	)
	if err != nil {
		return err
	}
	ids, err := columnInts(ctx, c, "SELECT id FROM series ORDER BY id")
	if err != nil {
		return err
	}
	m := migrator{ctx: ctx, c: c, times: map[string]int64{}}
	for i, id := range ids {
		if err := m.blocks(id); err != nil {
			return fmt.Errorf("series %d: %w", id, err)
		}
		if err := m.rollups(id); err != nil {
			return fmt.Errorf("series %d: %w", id, err)
		}
		if migrateHook != nil {
			migrateHook(i)
		}
	}
	err = execAll(ctx, c,
		`DROP TABLE block`,
		`DROP TABLE rollup`,
		`ALTER TABLE block4 RENAME TO block`,
		`ALTER TABLE rollup4 RENAME TO rollup`,
		`DELETE FROM times WHERE id NOT IN (SELECT times_id FROM block)`,
		// The open periods become open days.
		`INSERT OR IGNORE INTO pending (t0, series_id) SELECT t0 - t0 % 86400, series_id FROM pending WHERE t0 % 86400 != 0`,
		`DELETE FROM pending WHERE t0 % 86400 != 0`,
		metricsView4,
		hourlyView,
	)
	if err == nil && migrateHook != nil {
		migrateHook(len(ids))
	}
	return err
}

// implicitHours upgrades schema 4 to 5: a day's rollups whose hours are
// 0, 1, 2... from its start, as a whole day's are, leave the list of
// hours empty, which saves a fortieth of a byte a sample. The rows of
// schema 4 stay as they are: the view of schema 5 reads both.
func implicitHours(ctx context.Context, c *sql.Conn) error {
	return execAll(ctx, c, `DROP VIEW hourly`, hourlyView)
}

// migrateHook, when set, is called after each series the migration
// rewrites, and once more at its end: the tests kill the process there.
var migrateHook func(step int)

// A migrator rewrites schema 3's rows of one series at a time.
type migrator struct {
	ctx   context.Context
	c     *sql.Conn
	times map[string]int64 // new times rows, by offsets
	sq    squeezer
	buf   []byte
}

// blocks rewrites a series' three-hour blocks as day blocks.
func (m *migrator) blocks(series int64) error {
	rows, err := m.c.QueryContext(m.ctx, `SELECT b.t0, b.base, b.div, b.vals, t.offsets
		FROM block b JOIN times t ON t.id = b.times_id WHERE b.series_id = ? ORDER BY b.t0`, series)
	if err != nil {
		return err
	}
	type day struct {
		t0  int64
		pts []point
	}
	var days []day
	for rows.Next() {
		var t0 int64
		var base sql.NullInt64
		var e encoded
		var offsets []byte
		if err := rows.Scan(&t0, &base, &e.div, &e.vals, &offsets); err != nil {
			rows.Close()
			return err
		}
		e.base = base.Int64
		tss, err := decodeTimes(t0, offsets, nil)
		var vals []float64
		if err == nil {
			vals, err = decodeValues(e, nil) // levels
		}
		if err == nil && len(tss) != len(vals) {
			err = errors.New("more times than values, or fewer")
		}
		if err != nil {
			rows.Close()
			return fmt.Errorf("block %d: %w", t0, err)
		}
		d := periodStart(t0)
		if len(days) == 0 || days[len(days)-1].t0 != d {
			days = append(days, day{t0: d})
		}
		for i := range tss {
			days[len(days)-1].pts = append(days[len(days)-1].pts, point{tss[i], vals[i]})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, d := range days {
		// Blocks never overlap, and each is in time order.
		tid, err := m.timesID(encodeTimes(d.t0, d.pts, nil))
		if err != nil {
			return err
		}
		e, data := m.sq.block(d.pts)
		var base any
		if e.div != 0 {
			base = e.base
		}
		if _, err := m.c.ExecContext(m.ctx, "INSERT INTO block4 (series_id, t0, times_id, base, div, delta, size, vals) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			series, d.t0, tid, base, e.div, e.delta, len(e.vals), data); err != nil {
			return err
		}
	}
	return nil
}

// rollups rewrites a series' hourly rollups as a row a day.
func (m *migrator) rollups(series int64) error {
	rows, err := m.c.QueryContext(m.ctx, "SELECT hour, min, max, sum, count, last FROM rollup WHERE series_id = ? ORDER BY hour", series)
	if err != nil {
		return err
	}
	var rs []rollup
	for rows.Next() {
		var r rollup
		if err := rows.Scan(&r.hour, &r.min, &r.max, &r.sum, &r.count, &r.last); err != nil {
			rows.Close()
			return err
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for len(rs) > 0 {
		t0 := periodStart(rs[0].hour)
		n := 1
		for n < len(rs) && periodStart(rs[n].hour) == t0 {
			n++
		}
		text := encodeRollups(t0, rs[:n], m.buf)
		m.buf = text
		if _, err := m.c.ExecContext(m.ctx, "INSERT INTO rollup4 (series_id, t0, size, hours) VALUES (?, ?, ?, ?)",
			series, t0, len(text), m.sq.squeeze(text)); err != nil {
			return err
		}
		rs = rs[n:]
	}
	return nil
}

// timesID returns the id of a new times row with these offsets.
func (m *migrator) timesID(offsets []byte) (int64, error) {
	if id, ok := m.times[string(offsets)]; ok {
		return id, nil
	}
	var id int64
	if err := m.c.QueryRowContext(m.ctx, "INSERT INTO times (hash, offsets) VALUES (?, ?) RETURNING id", timesHash(offsets), string(offsets)).Scan(&id); err != nil {
		return 0, err
	}
	m.times[string(offsets)] = id
	return id, nil
}

// timesHash is the hash column of a times row, to find one by its
// offsets.
func timesHash(offsets []byte) int64 {
	h := fnv.New64a()
	h.Write(offsets)
	return int64(h.Sum64())
}

// columnInts returns the one integer column of a query's rows.
func columnInts(ctx context.Context, c *sql.Conn, query string, args ...any) ([]int64, error) {
	rows, err := c.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
