package store

import (
	"context"
	"math"
	"time"
)

// Work bounds what one Maintain does, so that a cron run stays fast.
type Work struct {
	Pack  int // periods to pack at most
	Prune int // series to prune at most
}

// DefaultWork is what every sm-store run does after storing: at one
// sample a minute, a host's hundred series close their day at midnight
// (UTC), packed over the next two runs, and the whole table of series
// is pruned over a few runs.
var DefaultWork = Work{Pack: 64, Prune: 16}

// Maintain does a bounded share of the background work, in one
// transaction of its own: it packs periods that have closed, then the
// open days' hours that have (see packHours), and prunes samples and
// rollups past the retention policy, a few series at a time. Past
// work.Pack, it packs as many more periods and hours as the closed days
// and hours this DB's writes left in the sample table (see Write), so
// that a run packs what it brought. It reports whether work remains.
func (db *DB) Maintain(work Work) (more bool, err error) {
	w := db.writer()
	work.Pack += db.deferred
	err = db.tx(func() error {
		more, err = w.maintain(work, db.now().Unix()-Period-grace)
		return err
	})
	if err != nil {
		w.forget()
		return false, db.fail(err)
	}
	db.deferred = 0
	return more, nil
}

func (w *writer) maintain(work Work, closed int64) (bool, error) {
	type job struct{ t0, series int64 }
	var jobs []job
	rows, err := w.c.QueryContext(w.ctx, "SELECT t0, series_id FROM pending WHERE t0 <= ? ORDER BY t0, series_id LIMIT ?", closed, work.Pack+1)
	if err != nil {
		return false, err
	}
	for rows.Next() {
		var j job
		if err := rows.Scan(&j.t0, &j.series); err != nil {
			rows.Close()
			return false, err
		}
		jobs = append(jobs, j)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	more := len(jobs) > work.Pack
	jobs = jobs[:min(len(jobs), work.Pack)]
	gs := make([]group, len(jobs))
	for i, j := range jobs {
		gs[i] = group{j.series, j.t0}
	}
	known, err := w.survey(gs)
	if err != nil {
		return false, err
	}
	for _, g := range gs {
		if err := w.pack(g, nil, known[g]); err != nil {
			return false, err
		}
	}
	// The hours' packing looks for the days' blocks.
	if err := w.flushBlocks(); err != nil {
		return false, err
	}
	hours, err := w.packHours(work.Pack-len(jobs), closed)
	if err == nil {
		err = w.flushBlocks()
	}
	if err == nil {
		err = w.dropTimes()
	}
	if err != nil {
		return false, err
	}
	pruned, err := w.prune(work.Prune)
	return more || hours || pruned, err
}

// prune deletes the blocks and rollups past the retention policy of the
// next n series after the cursor kept in meta, with the times rows no
// block uses any more, and moves the cursor on.
// It reports whether the round has series left.
//
// A round over every series is needed only when a cut has moved: the
// retention prunes whole days, so the first day past it changes once a
// day. The cuts of the last round are kept in meta, and a run that finds
// them current writes nothing: a cron minute's commit is then its
// samples alone.
func (w *writer) prune(n int) (bool, error) {
	if n <= 0 {
		return false, nil
	}
	p, now := w.db.policy, w.db.now().Unix()
	cutRaw, cutHourly := cut(now, p.Raw), cut(now, p.Hourly)
	m := map[string]int64{}
	rows, err := w.c.QueryContext(w.ctx, "SELECT key, value FROM meta WHERE key IN ('prune_cursor', 'prune_raw', 'prune_hourly')")
	if err != nil {
		return false, err
	}
	for rows.Next() {
		var k string
		var v int64
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return false, err
		}
		m[k] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	cursor, roundRaw, roundHourly := m["prune_cursor"], m["prune_raw"], m["prune_hourly"]
	if cursor == 0 {
		// A round begins, or is not due.
		_, seen := m["prune_raw"]
		if seen && roundRaw == cutRaw && roundHourly == cutHourly {
			return false, nil
		}
		roundRaw, roundHourly = cutRaw, cutHourly
	}
	rows, err = w.c.QueryContext(w.ctx, "SELECT id FROM series WHERE id > ? ORDER BY id LIMIT ?", cursor, n)
	if err != nil {
		return false, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return false, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	// A round that began under other cuts prunes its series by the
	// round's own cuts, and the next round catches up.
	for _, id := range ids {
		if p.Raw > 0 {
			// Hours' blocks stay: their day is pending, and its pack,
			// which deletes them, takes their rollups first.
			if err := w.pruneBlocks(id, roundRaw); err != nil {
				return false, err
			}
		}
		if p.Hourly > 0 {
			if _, err := w.c.ExecContext(w.ctx, "DELETE FROM rollup WHERE series_id = ? AND t0 <= ?", id, roundHourly); err != nil {
				return false, err
			}
		}
	}
	if err := w.dropTimes(); err != nil {
		return false, err
	}
	next := int64(0)
	if len(ids) == n {
		next = ids[len(ids)-1]
	}
	for k, v := range map[string]int64{"prune_cursor": next, "prune_raw": roundRaw, "prune_hourly": roundHourly} {
		if _, err := w.c.ExecContext(w.ctx, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", k, v); err != nil {
			return false, err
		}
	}
	return next != 0, nil
}

// pruneBlocks deletes a series' days' blocks from before cut, notes
// their times rows for dropTimes, and drops them from the block cache.
func (w *writer) pruneBlocks(series, cut int64) error {
	rows, err := w.c.QueryContext(w.ctx, "DELETE FROM block WHERE series_id = ? AND t0 <= ? AND (t0 + 1) % 3600 != 0 RETURNING t0, times_id", series, cut)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var t0, tid int64
		if err := rows.Scan(&t0, &tid); err != nil {
			return err
		}
		w.freed = append(w.freed, tid)
		w.db.blocks.drop(series, t0)
	}
	return rows.Err()
}

// cut returns the start of the latest day wholly older than keep at now:
// that day and all before it are past a retention of keep. A keep of 0,
// forever, cuts nothing.
func cut(now int64, keep time.Duration) int64 {
	if keep <= 0 {
		return math.MinInt64
	}
	c := now - int64(keep/time.Second) - Period
	return c - ((c%Period)+Period)%Period
}

// Compact does all the background work at once: it packs every closed
// period, prunes every series, drops time rows no block uses, and gives
// the freed space back to the filesystem.
func (db *DB) Compact() error {
	// A round from the first series, due whatever the last one's cuts.
	if _, err := db.conn.ExecContext(context.Background(), "DELETE FROM meta WHERE key IN ('prune_cursor', 'prune_raw')"); err != nil {
		return db.fail(err)
	}
	for {
		more, err := db.Maintain(Work{Pack: 1000, Prune: 1000})
		if err != nil {
			return err
		}
		if !more {
			break
		}
	}
	if _, err := db.conn.ExecContext(context.Background(), "DELETE FROM times WHERE id NOT IN (SELECT DISTINCT times_id FROM block)"); err != nil {
		return db.fail(err)
	}
	clear(db.times)
	for _, q := range []string{"PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"} {
		if _, err := db.conn.ExecContext(context.Background(), q); err != nil {
			return db.fail(err)
		}
	}
	return nil
}

// Checkpoint copies the WAL into the database file and empties it.
func (db *DB) Checkpoint() error {
	_, err := db.conn.ExecContext(context.Background(), "PRAGMA wal_checkpoint(TRUNCATE)")
	return db.fail(err)
}

// Retired counts what RetireHost removed.
type Retired struct {
	Series  int64
	Samples int64 // raw samples
	Rollups int64 // hourly rollups
	Groups  int64 // groups with meta
}

// RetireHost removes every series of a host, given as its tag value is
// written in records (escaped), with all its samples, rollups and groups'
// meta, in one
// transaction: a crash leaves all of it or none. The times rows its
// blocks shared with other series stay.
func (db *DB) RetireHost(host string) (Retired, error) {
	var r Retired
	const of = "series_id IN (SELECT id FROM series WHERE host = ?)"
	err := db.tx(func() error {
		ctx := context.Background()
		var raw, packed int64
		for _, q := range []struct {
			query string
			n     *int64
		}{
			{"SELECT count(*) FROM series WHERE host = ?", &r.Series},
			{"SELECT coalesce(sum(length(t.offsets) / 5), 0) FROM block b JOIN times t ON t.id = b.times_id WHERE " + of, &packed},
			{"SELECT coalesce(sum(json_array_length(CAST(sqlar_uncompress(hours, size) AS TEXT), '$[1]')), 0) FROM rollup WHERE " + of, &r.Rollups},
			{"SELECT count(*) FROM group_meta WHERE host = ?", &r.Groups},
		} {
			if err := db.conn.QueryRowContext(ctx, q.query, host).Scan(q.n); err != nil {
				return err
			}
		}
		// The sample table's rows, through the days pending: a seek an
		// hour, where a condition on series_id alone reads every row.
		var days []group
		err := scanGroups(ctx, db.conn, "SELECT series_id, t0 FROM pending WHERE "+of, []any{host}, func(g group) { days = append(days, g) })
		if err != nil {
			return err
		}
		for _, g := range days {
			res, err := db.conn.ExecContext(ctx, "DELETE FROM sample WHERE hour IN "+dayHoursIn+" AND series_id = ?", append(dayHours(g.t0, nil), g.series)...)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			raw += n
		}
		r.Samples = raw + packed
		for _, table := range []string{"pending", "block", "rollup"} {
			if _, err := db.conn.ExecContext(ctx, "DELETE FROM "+table+" WHERE "+of, host); err != nil {
				return err
			}
		}
		if _, err := db.conn.ExecContext(ctx, "DELETE FROM group_meta WHERE host = ?", host); err != nil {
			return err
		}
		_, err = db.conn.ExecContext(ctx, "DELETE FROM series WHERE host = ?", host)
		return err
	})
	// The caches may hold the series removed, or their blocks.
	clear(db.series)
	clear(db.names)
	clear(db.hostSeries)
	db.blocks.clear()
	if err != nil {
		return Retired{}, db.fail(err)
	}
	return r, nil
}
