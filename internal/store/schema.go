package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// applicationID marks a SQLite file as sm's ("smdb"), so that sm never
// writes into another program's database.
const applicationID = 0x736d6462

// A migration brings the schema from one version to the next. They run
// in order, in the transaction that opens the database, and the
// schema version is kept in PRAGMA user_version.
type migration func(ctx context.Context, c *sql.Conn) error

// migrations[i] upgrades version i to i+1.
var migrations = []migration{
	createV1,
	addHost,
	addGroupMeta,
	dailyBlocks,
	implicitHours,
	hourKeys,
	blockTimes,
}

// createV1 is the first schema, described for users in sm-store(1).
func createV1(ctx context.Context, c *sql.Conn) error {
	return execAll(ctx, c,
		`CREATE TABLE meta (
			key TEXT PRIMARY KEY,
			value
		) WITHOUT ROWID`,
		// A series is a name and its tags, canonical and escaped as in
		// records: host=web1;mount=/.
		`CREATE TABLE series (
			id INTEGER PRIMARY KEY,
			name TEXT NOT NULL,
			tags TEXT NOT NULL,
			UNIQUE (name, tags)
		)`,
		// Samples of periods still open, one row each.
		`CREATE TABLE sample (
			series_id INTEGER NOT NULL,
			ts INTEGER NOT NULL,
			value REAL NOT NULL,
			PRIMARY KEY (series_id, ts)
		) WITHOUT ROWID`,
		// The periods with samples in the sample table, to be packed.
		`CREATE TABLE pending (
			t0 INTEGER NOT NULL,
			series_id INTEGER NOT NULL,
			PRIMARY KEY (t0, series_id)
		) WITHOUT ROWID`,
		// Time offsets from a period's start, five digits each, shared by
		// the blocks of the series sampled at the same moments.
		`CREATE TABLE times (
			id INTEGER PRIMARY KEY,
			hash INTEGER NOT NULL,
			offsets TEXT NOT NULL
		)`,
		`CREATE INDEX times_hash ON times (hash)`,
		// One row per series and period: the i-th value goes with the i-th
		// offset. A value is (base + vals[i]) / div, or vals[i] when div
		// is 0.
		`CREATE TABLE block (
			series_id INTEGER NOT NULL,
			t0 INTEGER NOT NULL,
			times_id INTEGER NOT NULL,
			base INTEGER,
			div INTEGER NOT NULL,
			vals TEXT NOT NULL,
			PRIMARY KEY (series_id, t0)
		)`,
		`CREATE TABLE rollup (
			series_id INTEGER NOT NULL,
			hour INTEGER NOT NULL,
			min REAL NOT NULL,
			max REAL NOT NULL,
			sum REAL NOT NULL,
			count INTEGER NOT NULL,
			last REAL NOT NULL,
			PRIMARY KEY (series_id, hour)
		) WITHOUT ROWID`,
		// Every sample, readable from the sqlite3 shell. Only functions
		// that SQLite 3.31 already had: the shells of older systems read
		// it too.
		`CREATE VIEW metrics AS
		SELECT datetime(ts, 'unixepoch') AS time, s.name AS name, s.tags AS tags, value, ts
		FROM (
			-- Whole numbers as integers, in the shell as in records.
			SELECT series_id, ts, CASE WHEN value = CAST(value AS INTEGER) AND abs(value) < 9e15
				THEN CAST(value AS INTEGER) ELSE value END AS value FROM sample
			UNION ALL
			SELECT b.series_id,
				b.t0 + CAST(substr(t.offsets, v.key * 5 + 1, 5) AS INTEGER),
				CASE b.div WHEN 0 THEN v.value WHEN 1 THEN b.base + v.value
					ELSE (b.base + v.value) * 1.0 / b.div END
			FROM block b JOIN times t ON t.id = b.times_id, json_each(b.vals) v
		) JOIN series s ON s.id = series_id`,
		`CREATE VIEW hourly AS
		SELECT datetime(hour, 'unixepoch') AS time, s.name AS name, s.tags AS tags,
			min, max, sum / count AS avg, sum, count, last, hour
		FROM rollup JOIN series s ON s.id = series_id`,
		`INSERT INTO meta (key, value) VALUES ('retention_raw', 400 * 86400), ('retention_hourly', 0)`,
	)
}

// hostOfTags is hostOf in SQL, for the rows already there when the host
// column is added: the value of the host tag as written in tags, or none.
// Tags are canonical, so a ';' inside a value is escaped and ';host='
// can only start the host tag.
const hostOfTags = `CASE WHEN instr(';' || tags, ';host=') = 0 THEN '' ELSE
	substr(substr(';' || tags || ';', instr(';' || tags, ';host=') + 6), 1,
		instr(substr(';' || tags || ';', instr(';' || tags, ';host=') + 6), ';') - 1) END`

// addHost keeps each series' host beside its tags, indexed, so that one
// host's series are found without reading every series' tags: what
// sm-query --host, sm-report --host and the series budget per host of
// sm-store(1) do. It runs in the transaction of every migration: a
// crash leaves the old schema or the new one, whole.
func addHost(ctx context.Context, c *sql.Conn) error {
	return execAll(ctx, c,
		`ALTER TABLE series ADD COLUMN host TEXT NOT NULL DEFAULT ''`,
		`UPDATE series SET host = `+hostOfTags+` WHERE instr(';' || tags, ';host=') > 0`,
		`CREATE INDEX series_host ON series (host, name, tags)`,
	)
}

// hostOf returns the value of the host tag in canonical tags, as
// written there (escaped), or "" for none: the series table's host.
func hostOf(tags string) string {
	for tags != "" {
		var t string
		t, tags, _ = strings.Cut(tags, ";")
		if v, ok := strings.CutPrefix(t, "host="); ok {
			return v
		}
	}
	return ""
}

func execAll(ctx context.Context, c *sql.Conn, stmts ...string) error {
	for _, s := range stmts {
		if _, err := c.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%w in %.60q", err, s)
		}
	}
	return nil
}

// HostOf returns the value of the host tag of a series given by its
// canonical text, as written there (escaped), or "" for none.
func HostOf(key string) string {
	_, tags, _ := strings.Cut(key, ";")
	return hostOf(tags)
}
