package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
)

// The open day's hours are packed as they close, each series' hour into
// a block of its own, whose t0 is a second before the hour (hourT0), so
// that the first hour's never takes the day's key. A query of the last
// day then reads the day's blocks, as it reads yesterday's, where it
// read the sample table a row at a time (a call into C and two
// allocations a sample). When the day closes, its pack merges the
// hours' blocks, with what the sample table still has, into the day's
// one block, and deletes them. The day stays in pending until then, its
// hours packed or not.
//
// An hour's block is found as any block is, by series and t0: readers
// of a range read the blocks that may hold its samples, in time order
// (a block's samples come after its t0, within a day), and blocks
// never overlap, since an hour is packed into its own block only while
// the day has none (a day packed early, by a clock set back, takes its
// hours into its block).
//
// Hours' blocks come and go daily, and so would their times rows, were
// they left for --compact: schema 7 indexes the block table by times_id,
// so that a times row that the blocks deleted used, and no block uses
// any more, is found and deleted at once. A times row may be shared by
// any blocks, a day's and an hour's alike.

// blockTimes upgrades schema 6 to 7: the block table gets an index on
// times_id, in the transaction of every migration.
func blockTimes(ctx context.Context, c *sql.Conn) error {
	err := execAll(ctx, c, `CREATE INDEX block_times ON block (times_id)`)
	if err == nil && migrateHook != nil {
		migrateHook(0)
	}
	return err
}

// hourT0 is the t0 of the block of the hour starting at h, dayOf the
// day of a block's t0, whether a day's or an hour's.
func hourT0(h int64) int64 { return h - 1 }
func dayOf(t0 int64) int64 { return periodStart(t0 + 1) }

// isHourT0 reports whether a block's t0 is an hour's: no day's is.
func isHourT0(t0 int64) bool { return (t0+1)%3600 == 0 }

// errEnough stops a read that has what it needs.
var errEnough = errors.New("enough")

// packHours packs the hours of the open days that have closed, past
// their grace, into a block a series and hour: up to n of them, the
// oldest first. It reports whether more are waiting. The day's rows of
// later hours, and its pending row, stay.
func (w *writer) packHours(n int, closed int64) (bool, error) {
	if n <= 0 {
		return false, nil
	}
	// A run that brought a hub's day from a pipe packs what it brought:
	// n is then in the hundreds of thousands, read a round at a time.
	for n > 0 {
		done, left, err := w.packHoursRound(n, closed)
		if err != nil || !left {
			return false, err
		}
		n -= done
	}
	return true, nil
}

// roundPoints bounds the samples one round of packHours holds: it
// stops at the first hour of a series past it.
var roundPoints = 1 << 16

// packHoursRound is a round of packHours: it packs up to n series'
// hours, fewer past roundPoints samples, and returns how many, and
// whether there are more.
func (w *writer) packHoursRound(n int, closed int64) (int, bool, error) {
	first := periodStart(closed) + Period // the first open day
	last := w.db.now().Unix() - 3600 - grace
	if last < first {
		return 0, false, nil
	}
	type hourGroup struct {
		group // an hour: t0 is its start
		pts   []point
	}
	var gs []hourGroup
	more, points := false, 0
	err := w.db.each("SELECT hour, series_id, hour + sec, value FROM sample WHERE hour >= ? AND hour <= ? ORDER BY hour, series_id, sec",
		[]any{first, last}, 4, func(v []driver.Value) error {
			g := group{asInt(v[1]), asInt(v[0])}
			if len(gs) == 0 || gs[len(gs)-1].group != g {
				if len(gs) == n || points >= roundPoints {
					more = true
					return errEnough
				}
				gs = append(gs, hourGroup{group: g})
			}
			h := &gs[len(gs)-1]
			h.pts = append(h.pts, point{asInt(v[2]), asFloat(v[3])})
			points++
			return nil
		})
	if err != nil && !errors.Is(err, errEnough) {
		return 0, false, err
	}
	for i, h := range gs {
		day := periodStart(h.t0)
		var has presence
		err := w.scanGroups("SELECT series_id, t0 FROM block WHERE series_id = ? AND t0 IN (?, ?)", []any{h.series, day, hourT0(h.t0)}, func(g group) {
			if g.t0 == day {
				has.block = true
			} else {
				has.hours = true
			}
		})
		if err != nil {
			return 0, false, err
		}
		if err := w.packHour(h.group, h.pts, has); err != nil {
			return 0, false, err
		}
		// The rows of an hour, of the series from the first packed to
		// this one, are a range of the sample table's key.
		if i == len(gs)-1 || gs[i+1].t0 != h.t0 {
			lo := h.series
			for j := i; j >= 0 && gs[j].t0 == h.t0; j-- {
				lo = gs[j].series
			}
			if err := w.exec("DELETE FROM sample WHERE hour = ? AND series_id >= ? AND series_id <= ?", h.t0, lo, h.series); err != nil {
				return 0, false, err
			}
		}
	}
	return len(gs), more, nil
}

// packHour writes a series' hour as a block, merging in the hour's block
// already there. A day that has its block takes the hour into it, with
// the rest of the day's rows, and stays pending only if more come.
func (w *writer) packHour(h group, pts []point, has presence) error {
	if has.block {
		return w.pack(group{h.series, periodStart(h.t0)}, nil, presence{block: true, hot: true})
	}
	if has.hours {
		// Samples that came after the hour was packed.
		old, err := w.readBlocks(h.series, hourT0(h.t0), hourT0(h.t0)+1)
		if err != nil {
			return err
		}
		pts = merge(old, pts)
	}
	return w.putBlock(h.series, hourT0(h.t0), pts, has.hours)
}

// readBlocks returns the points of a series' blocks whose t0 is from lo
// up to, not including, hi, in time order. The blocks are about to be
// written anew or deleted: their times rows are noted for dropTimes,
// which keeps those still in use.
func (w *writer) readBlocks(series, lo, hi int64) ([]point, error) {
	var all []point
	rows, err := w.c.QueryContext(w.ctx, `SELECT b.t0, b.base, b.div, b.delta, b.size, b.vals, t.offsets, b.times_id
		FROM block b JOIN times t ON t.id = b.times_id WHERE b.series_id = ? AND b.t0 >= ? AND b.t0 < ? ORDER BY b.t0`, series, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t0, size, tid int64
		var base sql.NullInt64
		var e encoded
		var data, offsets []byte
		if err := rows.Scan(&t0, &base, &e.div, &e.delta, &size, &data, &offsets, &tid); err != nil {
			return nil, err
		}
		w.freed = append(w.freed, tid)
		e.base = base.Int64
		if e.vals, err = w.db.inf.inflate(data, size); err != nil {
			return nil, fmt.Errorf("series %d, block %d: %w", series, t0, err)
		}
		pts, err := decodeBlock(t0, offsets, e, &w.tss, &w.vals)
		if err != nil {
			return nil, fmt.Errorf("series %d, block %d: %w", series, t0, err)
		}
		all = append(all, pts...)
	}
	return all, rows.Err()
}

// dropBlocks deletes a series' blocks whose t0 is from lo up to, not
// including, hi, those of hours only if hours, and notes their times
// rows for dropTimes.
func (w *writer) dropBlocks(series, lo, hi int64, hours bool) error {
	q := "DELETE FROM block WHERE series_id = ? AND t0 >= ? AND t0 < ?"
	if hours {
		q += " AND (t0 + 1) % 3600 = 0"
	}
	rows, err := w.c.QueryContext(w.ctx, q+" RETURNING times_id", series, lo, hi)
	if err != nil {
		return err
	}
	var tids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		tids = append(tids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	w.freed = append(w.freed, tids...)
	return nil
}

// dropTimes deletes those of the times rows of the blocks dropBlocks
// deleted that no block uses any more, through the index on times_id,
// and forgets them: once a transaction, as the series of a host share
// their times rows.
func (w *writer) dropTimes() error {
	ids := w.freed
	w.freed = nil
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	gone := map[int64]bool{}
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		in, args := inList(chunk)
		rows, err := w.c.QueryContext(w.ctx, "DELETE FROM times WHERE id IN "+in+" AND NOT EXISTS (SELECT 1 FROM block b WHERE b.times_id = times.id) RETURNING id", args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			gone[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if len(gone) > 0 {
		for k, id := range w.db.times {
			if gone[id] {
				delete(w.db.times, k)
			}
		}
	}
	return nil
}
