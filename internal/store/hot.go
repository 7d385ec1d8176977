package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"slices"
	"strings"
)

// The sample table holds the rows of the days still open, keyed by hour
// first (schema 6): hour, series_id, sec, the time being hour + sec
// (sec takes two bytes where a time takes four, so that a row costs
// three bytes more than one keyed by series and time). A cron minute's
// rows, one a series, are then neighbours in a page or a few, and a
// stream in time order appends to the table's end. Keyed by series
// first, as before, each row of a minute was in a page of its own: a
// minute of 100 series wrote 100 pages to the WAL and as many again at
// its checkpoint, and a batch of a stream in time order rewrote every
// page of the day's table.
//
// A series' rows of a day are 24 seeks away, one an hour. Readers find
// the days to seek through the pending table, which has every day with
// rows in the sample table.

// hourOf returns the start of the hour holding ts: the sample table's
// first key. Times are never negative.
func hourOf(ts int64) int64 { return ts - ts%3600 }

// dayHoursIn is the IN list of the 24 hours of a day, whose arguments
// dayHours gives.
var dayHoursIn = "(" + strings.Repeat("?, ", 23) + "?)"

// dayHours appends the 24 hours of the day starting at t0 to args.
func dayHours(t0 int64, args []any) []any {
	for h := range int64(24) {
		args = append(args, t0+h*3600)
	}
	return args
}

// hotHours returns the hours of [from, to) in the days with rows in the
// sample table, in order: a seek in the pending table a day, however
// many series the days have.
func (db *DB) hotHours(from, to int64) ([]int64, error) {
	var hours []int64
	first := hourOf(max(from, 0))
	for after := from - Period; ; {
		var t0 sql.NullInt64
		err := db.conn.QueryRowContext(context.Background(), "SELECT min(t0) FROM pending WHERE t0 > ? AND t0 < ?", after, to).Scan(&t0)
		if err != nil {
			return nil, db.fail(err)
		}
		if !t0.Valid {
			return hours, nil
		}
		after = t0.Int64
		for h := max(t0.Int64, first); h < t0.Int64+Period && h < to; h += 3600 {
			hours = append(hours, h)
		}
	}
}

// hotHoursChunk and hotSeriesChunk bound the hours and the series of
// one query of hotEach, well under SQLite's limit of parameters.
const hotHoursChunk, hotSeriesChunk = 240, 500

// hotEach calls fn with the sample table's rows of the given series in
// the given hours (hotHours), within [from, to). Each series' rows come
// in time order. Series whose ids lie close together, as a batch of a
// host's or of all series does, are read as a range of ids an hour,
// the rows of others left out here; series far apart take a seek each
// an hour.
func (db *DB) hotEach(hours []int64, from, to int64, series []int64, fn func(id int64, p point)) error {
	for len(hours) > 0 {
		hs := hours[:min(len(hours), hotHoursChunk)]
		hours = hours[len(hs):]
		for ids := series; len(ids) > 0; {
			chunk := ids[:min(len(ids), hotSeriesChunk)]
			ids = ids[len(chunk):]
			lo, hi := slices.Min(chunk), slices.Max(chunk)
			inHours, args := inList(hs)
			where, take := "", func(int64) bool { return true }
			if hi-lo < 2*int64(len(chunk)) {
				want := make([]bool, hi-lo+1)
				for _, id := range chunk {
					want[id-lo] = true
				}
				where, args = "series_id BETWEEN ? AND ?", append(args, lo, hi)
				take = func(id int64) bool { return want[id-lo] }
			} else {
				var in string
				in, args = inList(chunk, args...)
				where = "series_id IN " + in
			}
			err := db.each("SELECT series_id, hour + sec, value FROM sample WHERE hour IN "+inHours+" AND "+where+
				" AND hour + sec >= ? AND hour + sec < ? ORDER BY hour, series_id, sec", append(args, from, to), 3, func(v []driver.Value) error {
				if id := asInt(v[0]); take(id) {
					fn(id, point{asInt(v[1]), asFloat(v[2])})
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// metricsView is the metrics view of schema 6: metricsView4 with the
// sample table read an hour at a time, so that a WHERE on the name
// still reads that series' rows only. The hours come a seek each, and
// the joins are CROSS, which keeps SQLite's planner to this order: left
// free, it reads every row of each hour and looks up its series.
const metricsView = `CREATE VIEW metrics AS
		SELECT datetime(ts, 'unixepoch') AS time, name, tags, value, ts
		FROM (
			-- Whole numbers as integers, in the shell as in records.
			SELECT s.name, s.tags, x.hour + x.sec AS ts, CASE WHEN x.value = CAST(x.value AS INTEGER) AND abs(x.value) < 9e15
				THEN CAST(x.value AS INTEGER) ELSE x.value END AS value
			FROM (WITH RECURSIVE hs(hour) AS (
					SELECT (SELECT min(hour) FROM sample)
					UNION ALL
					SELECT (SELECT min(hour) FROM sample WHERE hour > hs.hour) FROM hs WHERE hs.hour IS NOT NULL)
				SELECT hour FROM hs WHERE hour IS NOT NULL) h
				CROSS JOIN series s
				CROSS JOIN sample x ON x.hour = h.hour AND x.series_id = s.id
			UNION ALL
` + blockSamples + `		)`

// hourKeys upgrades schema 5 to 6: the sample table, the open days'
// rows, is copied in the order of its new key, in the transaction of
// every migration, so that a crash leaves schema 5 whole or schema 6
// whole. The table holds a day or two, so the copy is quick.
func hourKeys(ctx context.Context, c *sql.Conn) error {
	err := execAll(ctx, c,
		`DROP VIEW metrics`,
		`CREATE TABLE sample6 (
			hour INTEGER NOT NULL,
			series_id INTEGER NOT NULL,
			sec INTEGER NOT NULL,
			value REAL NOT NULL,
			PRIMARY KEY (hour, series_id, sec)
		) WITHOUT ROWID`,
		`INSERT INTO sample6 (hour, series_id, sec, value)
			SELECT ts - ts % 3600, series_id, ts % 3600, value FROM sample ORDER BY ts - ts % 3600, series_id, ts % 3600`,
	)
	if err != nil {
		return err
	}
	if migrateHook != nil {
		migrateHook(0)
	}
	err = execAll(ctx, c,
		`DROP TABLE sample`,
		`ALTER TABLE sample6 RENAME TO sample`,
		metricsView,
	)
	if err == nil && migrateHook != nil {
		migrateHook(1)
	}
	return err
}
