package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// t0 is a period start, 2025-11-25 03:00 UTC.
const t0 = 1764039600

type clock struct{ now int64 }

func (c *clock) Now() time.Time { return time.Unix(c.now, 0) }

func openTest(t *testing.T, path string, c *clock) *DB {
	t.Helper()
	db, err := Open(path, Options{Wait: 5 * time.Second, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func write(t *testing.T, db *DB, lines ...string) Stats {
	t.Helper()
	b := NewBatch()
	for _, l := range lines {
		var key string
		var ts int64
		var v float64
		if _, err := fmt.Sscan(l, &key, &v, &ts); err != nil {
			t.Fatalf("bad test line %q: %v", l, err)
		}
		b.Add([]byte(key), ts, v)
	}
	st, err := db.Write(b)
	if err != nil {
		t.Fatal(err)
	}
	// Then what sm-store does after storing: pack what the run brought
	// of closed days.
	if _, err := db.Maintain(Work{}); err != nil {
		t.Fatal(err)
	}
	return st
}

// dump returns every sample as "key value ts", series by series.
func dump(t *testing.T, db *DB) []string {
	t.Helper()
	ss, err := db.FindSeries(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range ss {
		err := db.Scan(s.ID, 0, 1<<40, func(ts int64, v float64) error {
			out = append(out, fmt.Sprintf("%s %v %d", s.Key(), v, ts))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func count(t *testing.T, db *DB, table string) int {
	t.Helper()
	var n int
	if err := db.conn.QueryRowContext(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNewDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "metrics.db")
	db := openTest(t, path, &clock{t0})
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", fi.Mode().Perm())
	}
	var mode string
	db.conn.QueryRowContext(context.Background(), "PRAGMA journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal mode %q", mode)
	}
	if p := db.Policy(); p.Raw != 400*24*time.Hour || p.Hourly != 0 {
		t.Errorf("default policy %+v", p)
	}
	// Closed, the database leaves its journal, empty, and the journal's
	// index: a reader who may not write the folder needs both.
	write(t, db, "load.5m 1 1764043200")
	db.Close()
	for _, f := range []string{path + "-wal", path + "-shm"} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o640 || strings.HasSuffix(f, "-wal") && fi.Size() != 0 {
			t.Errorf("%s: mode %v, %d bytes", filepath.Base(f), fi.Mode().Perm(), fi.Size())
		}
	}
}

// TestRefuseForeignFiles checks that a file that is not sm's is refused
// and left byte for byte as it was, with no journal files beside it.
func TestRefuseForeignFiles(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other.db")
	odb, err := sql.Open("sqlite3", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := odb.Exec("CREATE TABLE t (x); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	odb.Close()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("these are my notes\n"), 0o644)
	short := filepath.Join(dir, "short")
	os.WriteFile(short, []byte("SQLite format 3\x00"), 0o644)

	tests := []struct {
		path, want string
	}{
		{other, "not an sm database: another program's SQLite database; left untouched"},
		{text, "not an sm database: not a SQLite file; left untouched"},
		{short, "not an sm database: not a SQLite file; left untouched"},
	}
	for _, tt := range tests {
		before, _ := os.ReadFile(tt.path)
		_, err := Open(tt.path, Options{Wait: time.Second})
		if err == nil || !errors.Is(err, ErrNotSM) || err.Error() != tt.path+": "+tt.want {
			t.Errorf("Open(%s) = %v, want %q", filepath.Base(tt.path), err, tt.want)
		}
		after, _ := os.ReadFile(tt.path)
		if !bytes.Equal(before, after) {
			t.Errorf("%s was changed", filepath.Base(tt.path))
		}
		for _, suffix := range []string{"-wal", "-shm", "-journal"} {
			if _, err := os.Stat(tt.path + suffix); err == nil {
				t.Errorf("%s%s was created", filepath.Base(tt.path), suffix)
			}
		}
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	db := openTest(t, path, &clock{t0})
	db.conn.ExecContext(context.Background(), fmt.Sprintf("PRAGMA user_version=%d", len(migrations)+1))
	db.Close()
	_, err := Open(path, Options{Wait: time.Second})
	if err == nil || !strings.Contains(err.Error(), "written by a newer sm-store") {
		t.Errorf("got %v", err)
	}
}

// TestMigration adds a step to the schema's history and checks that an
// older database is brought up to it in place, its samples kept, and
// that a failing step leaves the database as it was.
func TestMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	c := &clock{t0 + 3600}
	db := openTest(t, path, c)
	write(t, db, "x;host=a 1 1764039600")
	db.Close()

	saved := migrations
	t.Cleanup(func() { migrations = saved })
	migrations = append(saved[:len(saved):len(saved)], func(ctx context.Context, c *sql.Conn) error {
		return errors.New("disk on fire")
	})
	if _, err := Open(path, Options{Wait: time.Second}); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("upgrading the schema from version %d: disk on fire", len(saved))) {
		t.Fatalf("failing step: %v", err)
	}
	migrations = append(saved[:len(saved):len(saved)], func(ctx context.Context, c *sql.Conn) error {
		_, err := c.ExecContext(ctx, "CREATE TABLE note (x)")
		return err
	})
	db = openTest(t, path, c)
	var v int
	db.conn.QueryRowContext(context.Background(), "PRAGMA user_version").Scan(&v)
	if v != len(saved)+1 || count(t, db, "note") != 0 {
		t.Errorf("version %d after the upgrade", v)
	}
	if got := dump(t, db); !reflect.DeepEqual(got, []string{"x;host=a 1 1764039600"}) {
		t.Errorf("after the upgrade: %q", got)
	}
}

func TestWriteAndScan(t *testing.T) {
	c := &clock{t0 + 3600} // in the period starting at t0
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	st := write(t, db,
		"load.5m;host=web1 0.27 1764039600",
		"load.5m;host=web1 0.31 1764039660",
		"disk.used_pct;host=web1;mount=/ 18.62 1764039600",
		"load.5m;host=web1 0.5 1764039600", // the same time again: the later value wins
	)
	if st.Stored != 4 || st.NewSeries != 2 {
		t.Errorf("stats %+v", st)
	}
	st = write(t, db, "load.5m;host=web1 0.29 1764039720")
	if st.NewSeries != 0 {
		t.Errorf("stats %+v", st)
	}
	want := []string{
		"disk.used_pct;host=web1;mount=/ 18.62 1764039600",
		"load.5m;host=web1 0.5 1764039600",
		"load.5m;host=web1 0.31 1764039660",
		"load.5m;host=web1 0.29 1764039720",
	}
	if got := dump(t, db); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// The period is open: one row per sample, and the period pending.
	if n := count(t, db, "sample"); n != 4 {
		t.Errorf("%d rows in sample", n)
	}
	if n := count(t, db, "pending"); n != 2 {
		t.Errorf("%d rows in pending", n)
	}
}

// TestPacking follows a period from open to packed: after it closes,
// Maintain moves its samples into one block per series, with rollups,
// and everything reads back the same.
func TestPacking(t *testing.T) {
	c := &clock{t0 + 60}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	var lines []string
	for i := int64(0); i < 180; i++ {
		ts := t0 + 60*i
		lines = append(lines,
			fmt.Sprintf("cpu.busy_pct;host=a %v %d", float64(i%7)+0.25, ts),
			fmt.Sprintf("mem.total_bytes;host=a %d %d", 8241418240, ts))
	}
	write(t, db, lines...)
	before := dump(t, db)

	// Not yet: the period has closed but is within its grace. Its
	// hours have closed, each packed into a block of its own.
	c.now = periodStart(t0) + Period + 60
	if _, err := db.Maintain(DefaultWork); err != nil {
		t.Fatal(err)
	}
	if b, s, p := count(t, db, "block WHERE t0 = "+fmt.Sprint(periodStart(t0))), count(t, db, "block"), count(t, db, "pending"); b != 0 || s != 6 || p != 2 {
		t.Fatalf("within the grace: %d blocks of the day, %d in all, %d pending", b, s, p)
	}
	if n := count(t, db, "sample"); n != 0 {
		t.Fatalf("%d rows of closed hours in the sample table", n)
	}
	if after := dump(t, db); !reflect.DeepEqual(after, before) {
		t.Errorf("packing the hours changed the samples")
	}
	c.now = periodStart(t0) + Period + grace
	if _, err := db.Maintain(DefaultWork); err != nil {
		t.Fatal(err)
	}
	if b, s, p := count(t, db, "block"), count(t, db, "sample"), count(t, db, "pending"); b != 2 || s != 0 || p != 0 {
		t.Fatalf("after packing: %d blocks, %d samples, %d pending", b, s, p)
	}
	// Both series were sampled at the same moments: one times row, and
	// those of the hours' blocks are gone with them.
	if n := count(t, db, "times"); n != 1 {
		t.Errorf("%d times rows", n)
	}
	if after := dump(t, db); !reflect.DeepEqual(after, before) {
		t.Errorf("packing changed the samples")
	}
	var data []byte
	var size int64
	db.conn.QueryRowContext(context.Background(), "SELECT vals, size FROM block b JOIN series s ON s.id = b.series_id WHERE s.name = 'mem.total_bytes'").Scan(&data, &size)
	vals, err := db.inf.inflate(data, size)
	if want := "[" + strings.Repeat("0,", 179) + "0]"; err != nil || string(vals) != want {
		t.Errorf("a constant series packs to %q (%v)", vals, err)
	}
	if len(data) >= 30 {
		t.Errorf("a constant series deflates to %d bytes", len(data))
	}
	id, _ := db.SeriesID("cpu.busy_pct;host=a")
	var rs []Rollup
	db.Rollups(id, 0, 1<<40, func(r Rollup) error { rs = append(rs, r); return nil })
	if len(rs) != 3 || rs[0].Hour != t0 || rs[0].Count != 60 || rs[0].Min != 0.25 || rs[0].Max != 6.25 || rs[0].Last != float64(59%7)+0.25 {
		t.Errorf("rollups %+v", rs)
	}
}

// TestLateSamples: samples of a closed period are packed at once,
// merged with the block already there; a replayed sample replaces its
// twin.
func TestLateSamples(t *testing.T) {
	c := &clock{t0 + 2*Period}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	write(t, db, "x 1 1764039600", "x 2 1764039660")
	if count(t, db, "block") != 1 || count(t, db, "sample") != 0 {
		t.Fatal("a closed period was not packed at once")
	}
	write(t, db, "x 3 1764039630", "x 20 1764039660")
	want := []string{"x 1 1764039600", "x 3 1764039630", "x 20 1764039660"}
	if got := dump(t, db); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	write(t, db, "x 1 1764039600", "x 3 1764039630", "x 20 1764039660")
	if got := dump(t, db); !reflect.DeepEqual(got, want) {
		t.Errorf("after a replay %q", got)
	}
}

func TestRetention(t *testing.T) {
	c := &clock{t0 + 10*86400}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	if err := db.SetPolicy(Policy{Raw: 2 * 86400 * time.Second, Hourly: 10 * 86400 * time.Second}); err != nil {
		t.Fatal(err)
	}
	// Ten days old: past the raw retention on arrival, so only its
	// rollup is kept.
	write(t, db, "x 1 1764039600")
	if count(t, db, "block") != 0 || count(t, db, "rollup") != 1 {
		t.Errorf("old sample: %d blocks, %d rollups", count(t, db, "block"), count(t, db, "rollup"))
	}
	// One day old: kept whole, until the clock moves on.
	write(t, db, fmt.Sprintf("x 2 %d", c.now-86400))
	if count(t, db, "block") != 1 {
		t.Fatal("a recent sample was not kept")
	}
	c.now += 3 * 86400
	if err := db.Compact(); err != nil {
		t.Fatal(err)
	}
	// The block is past the raw retention, the first rollup past the
	// hourly one.
	if b, r, tm := count(t, db, "block"), count(t, db, "rollup"), count(t, db, "times"); b != 0 || r != 1 || tm != 0 {
		t.Errorf("after compacting: %d blocks, %d rollups, %d times", b, r, tm)
	}
	db.Close()
	db = openTest(t, db.Path(), c)
	if p := db.Policy(); p.Raw != 2*86400*time.Second {
		t.Errorf("policy not kept: %+v", p)
	}
}

// TestFailedBatchLeavesNothing: a batch that fails half way leaves no
// sample and no series behind, in the file or in the caches.
func TestFailedBatchLeavesNothing(t *testing.T) {
	c := &clock{t0 + 60}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	write(t, db, "a 1 1764039600")
	// Make the sample table refuse the second series' row.
	if _, err := db.conn.ExecContext(context.Background(), "CREATE TRIGGER no_b BEFORE INSERT ON sample WHEN NEW.value = 666 BEGIN SELECT RAISE(ABORT, 'refused'); END"); err != nil {
		t.Fatal(err)
	}
	b := NewBatch()
	b.Add([]byte("a"), t0+60, 2)
	b.Add([]byte("b"), t0, 666)
	if _, err := db.Write(b); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("write: %v", err)
	}
	if got := dump(t, db); !reflect.DeepEqual(got, []string{"a 1 1764039600"}) {
		t.Errorf("after a failed batch: %q", got)
	}
	if _, ok := db.series["b"]; ok {
		t.Error("the failed batch's series stayed in the cache")
	}
	db.conn.ExecContext(context.Background(), "DROP TRIGGER no_b")
	write(t, db, "b 3 1764039600")
	if got := dump(t, db); len(got) != 2 {
		t.Errorf("after a good batch: %q", got)
	}
}

func TestHostileNames(t *testing.T) {
	c := &clock{t0 + 60}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	key := `x');DROP/**/TABLE/**/series;--;note='";--`
	write(t, db, key+" 1 1764039600")
	if got := dump(t, db); !reflect.DeepEqual(got, []string{key + " 1 1764039600"}) {
		t.Errorf("got %q", got)
	}
}

// TestView reads the metrics view, through our own SQLite and through
// the system's sqlite3 shell where there is one: the rows must be the
// samples, the same numbers.
func TestView(t *testing.T) {
	c := &clock{t0 + 2*Period}
	path := filepath.Join(t.TempDir(), "m.db")
	db := openTest(t, path, c)
	write(t, db, "disk.used_pct;host=web1;mount=/mnt/my\\040disk 18.62 1764039600",
		"mem.available_bytes;host=web1 24948719616 1764039660",
		"odd 0.30000000000000004 1764039600")
	write(t, db, fmt.Sprintf("load.5m;host=web1 0.27 %d", c.now)) // open period: a plain row
	want := []string{
		"2025-11-25 03:00:00|disk.used_pct|host=web1;mount=/mnt/my\\040disk|18.62",
		"2025-11-25 03:01:00|mem.available_bytes|host=web1|24948719616",
		"2025-11-25 03:00:00|odd||0.30000000000000004",
		"2025-11-27 03:00:00|load.5m|host=web1|0.27",
	}
	rows, err := db.conn.QueryContext(context.Background(), "SELECT time, name, tags, value FROM metrics ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for rows.Next() {
		var tm, name, tags string
		var v float64
		rows.Scan(&tm, &name, &tags, &v)
		got[fmt.Sprintf("%s|%s|%s|%s", tm, name, tags, strconv.FormatFloat(v, 'f', -1, 64))] = true
	}
	rows.Close()
	for _, w := range want {
		if !got[w] {
			t.Errorf("view lacks %q; has %v", w, got)
		}
	}
	db.Close()

	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("no sqlite3 shell to read the view with")
	}
	// The shell prints 15 significant digits: enough for a person.
	out, err := exec.Command(shell, path, "SELECT time, name, tags, value FROM metrics ORDER BY name").CombinedOutput()
	if err != nil {
		t.Fatalf("sqlite3: %v: %s", err, out)
	}
	for _, w := range []string{
		"2025-11-25 03:00:00|disk.used_pct|host=web1;mount=/mnt/my\\040disk|18.62",
		"2025-11-25 03:01:00|mem.available_bytes|host=web1|24948719616",
		"2025-11-27 03:00:00|load.5m|host=web1|0.27",
	} {
		if !strings.Contains(string(out), w+"\n") {
			t.Errorf("the sqlite3 shell's view lacks %q:\n%s", w, out)
		}
	}
}

func TestFindSeries(t *testing.T) {
	c := &clock{t0 + 60}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	write(t, db,
		"disk.used_pct;host=web1;mount=/ 1 1764039600",
		"disk.used_pct;host=web2;mount=/var 1 1764039600",
		"disk.avail_bytes;host=web1;mount=/ 1 1764039600",
		"mem.used_pct;host=web1 1 1764039600",
		"odd'name;host=web1 1 1764039600",
	)
	keys := func(ss []Series, err error) []string {
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range ss {
			out = append(out, s.Key())
		}
		return out
	}
	tests := []struct {
		globs, with, without []string
		want                 []string
	}{
		{nil, nil, nil, []string{"disk.avail_bytes;host=web1;mount=/", "disk.used_pct;host=web1;mount=/", "disk.used_pct;host=web2;mount=/var", "mem.used_pct;host=web1", "odd'name;host=web1"}},
		{[]string{"disk.*"}, nil, nil, []string{"disk.avail_bytes;host=web1;mount=/", "disk.used_pct;host=web1;mount=/", "disk.used_pct;host=web2;mount=/var"}},
		{[]string{"*.used_pct", "odd*"}, nil, nil, []string{"disk.used_pct;host=web1;mount=/", "disk.used_pct;host=web2;mount=/var", "mem.used_pct;host=web1", "odd'name;host=web1"}},
		{[]string{"*.used_pct"}, []string{"host=web1"}, nil, []string{"disk.used_pct;host=web1;mount=/", "mem.used_pct;host=web1"}},
		{[]string{"disk.*"}, []string{"host=web1", "mount=/"}, nil, []string{"disk.avail_bytes;host=web1;mount=/", "disk.used_pct;host=web1;mount=/"}},
		{nil, nil, []string{"host=web1"}, []string{"disk.used_pct;host=web2;mount=/var"}},
		// A tag value is matched whole: mount=/ is not mount=/var.
		{nil, []string{"mount=/"}, nil, []string{"disk.avail_bytes;host=web1;mount=/", "disk.used_pct;host=web1;mount=/"}},
		{[]string{"x' OR 1=1 --"}, nil, nil, nil},
		{nil, []string{"host=web1' OR '1'='1"}, nil, nil},
	}
	for _, tt := range tests {
		if got := keys(db.FindSeries(tt.globs, tt.with, tt.without)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("FindSeries(%q, %q, %q) = %q, want %q", tt.globs, tt.with, tt.without, got, tt.want)
		}
	}
}

// insertHot puts a row in the sample table as a writer of another clock
// would, its day pending.
func insertHot(t *testing.T, db *DB, series, ts int64, v float64) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.conn.ExecContext(ctx, "INSERT OR REPLACE INTO sample (hour, series_id, sec, value) VALUES (?, ?, ?, ?)", hourOf(ts), series, ts%3600, v); err != nil {
		t.Fatal(err)
	}
	if _, err := db.conn.ExecContext(ctx, "INSERT OR IGNORE INTO pending (t0, series_id) VALUES (?, ?)", periodStart(ts), series); err != nil {
		t.Fatal(err)
	}
}

// TestScanMerges: a series with both a block and rows in the sample
// table (another process's clock) reads back in order, the row winning.
func TestScanMerges(t *testing.T) {
	c := &clock{t0 + 2*Period}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	write(t, db, "x 1 1764039600", "x 2 1764039720")
	insertHot(t, db, 1, 1764039660, 5)
	insertHot(t, db, 1, 1764039720, 6)
	insertHot(t, db, 1, 1764039780, 7)
	want := []string{"x 1 1764039600", "x 5 1764039660", "x 6 1764039720", "x 7 1764039780"}
	if got := dump(t, db); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	var got []int64
	db.Scan(1, 1764039660, 1764039780, func(ts int64, v float64) error { got = append(got, ts); return nil })
	if !reflect.DeepEqual(got, []int64{1764039660, 1764039720}) {
		t.Errorf("a range: %v", got)
	}
}

// TestStreamPacksOnce: a stream in time order that brings closed days
// over many batches leaves each series' latest day in the sample table,
// and packs it once a batch ends it or passes it: each block is written
// once, not once a batch.
func TestStreamPacksOnce(t *testing.T) {
	d0 := periodStart(t0)
	c := &clock{d0 + 5*Period}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	var want []string
	batch := NewBatch()
	for m := int64(0); m < 2*1440; m++ {
		ts := d0 + m*60
		for _, k := range []string{"a", "b"} {
			batch.Add([]byte(k), ts, float64(m%97))
			want = append(want, fmt.Sprintf("%s %v %d", k, float64(m%97), ts))
		}
		if m%100 != 99 && m != 2*1440-1 {
			continue
		}
		if _, err := db.Write(batch); err != nil {
			t.Fatal(err)
		}
		batch.Reset()
		days := (m + 1) / 1440 // the last batch ends the second day
		if n := count(t, db, "block"); int64(n) != 2*days {
			t.Fatalf("minute %d: %d blocks, want those of the days ended", m, n)
		}
	}
	if _, err := db.Maintain(Work{}); err != nil {
		t.Fatal(err)
	}
	if b, s, p := count(t, db, "block"), count(t, db, "sample"), count(t, db, "pending"); b != 4 || s != 0 || p != 0 {
		t.Errorf("after maintaining: %d blocks, %d samples, %d pending", b, s, p)
	}
	if got := dump(t, db); !sameSet(got, want) {
		t.Errorf("%d samples back, want %d", len(got), len(want))
	}
}

// TestPruneRounds: the retention is applied by rounds over the series, a
// few a run, and a round is due only when a day has passed the
// retention: the runs between write nothing for it.
func TestPruneRounds(t *testing.T) {
	c := &clock{t0 + 3*86400}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	if err := db.SetPolicy(Policy{Raw: 2 * 86400 * time.Second}); err != nil {
		t.Fatal(err)
	}
	for s := range 3 {
		write(t, db, fmt.Sprintf("s%d 1 %d", s, c.now-2*86400))
	}
	if count(t, db, "block") != 3 {
		t.Fatalf("%d blocks, want 3", count(t, db, "block"))
	}
	changes := func() (n int64) {
		if err := db.conn.QueryRowContext(context.Background(), "SELECT total_changes()").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	maintain := func() bool {
		more, err := db.Maintain(Work{Prune: 2})
		if err != nil {
			t.Fatal(err)
		}
		return more
	}
	// The round of this day: nothing is old enough yet.
	for maintain() {
	}
	before := changes()
	if maintain() || changes() != before {
		t.Errorf("a run with no round due wrote %d rows", changes()-before)
	}
	// A day on, the blocks' day is past the retention: one round, two
	// series a run, prunes them all.
	c.now += 86400
	if !maintain() || count(t, db, "block") != 1 {
		t.Errorf("the first run of the round left %d blocks, want 1", count(t, db, "block"))
	}
	if maintain() || count(t, db, "block") != 0 {
		t.Errorf("the round left %d blocks", count(t, db, "block"))
	}
	if n := count(t, db, "times"); n != 0 {
		t.Errorf("the round left %d times rows of the blocks it pruned", n)
	}
	before = changes()
	maintain()
	if changes() != before {
		t.Error("a run after the round wrote to the database")
	}
}

// TestPreload: a run that brings many series of a host reads the host's
// series in one query, the tagless series too, and finds each of them,
// old and new, under its own id.
func TestPreload(t *testing.T) {
	c := &clock{t0 + 60}
	path := filepath.Join(t.TempDir(), "m.db")
	db := openTest(t, path, c)
	var first, second []string
	for i := range 2 * preloadMin {
		first = append(first, fmt.Sprintf("m%d;host=a 1 %d", i, t0), fmt.Sprintf("m%d 1 %d", i, t0), fmt.Sprintf("m%d;host=b 1 %d", i, t0))
		second = append(second, fmt.Sprintf("m%d;host=a 2 %d", i, t0+60), fmt.Sprintf("m%d 2 %d", i, t0+60))
	}
	write(t, db, first...)
	db.Close()
	db = openTest(t, path, c)
	second = append(second, fmt.Sprintf("new;host=a 3 %d", t0+60))
	if st := write(t, db, second...); st.NewSeries != 1 || st.Stored != len(second) {
		t.Errorf("second run: %+v", st)
	}
	if n := count(t, db, "series"); n != 6*preloadMin+1 {
		t.Errorf("%d series, want %d", n, 6*preloadMin+1)
	}
	got := dump(t, db)
	if len(got) != len(first)+len(second) {
		t.Fatalf("%d samples, want %d", len(got), len(first)+len(second))
	}
	for _, l := range got {
		if strings.HasPrefix(l, "m3;host=a ") && l != fmt.Sprintf("m3;host=a 1 %d", t0) && l != fmt.Sprintf("m3;host=a 2 %d", t0+60) {
			t.Errorf("unexpected %q", l)
		}
	}
}

// TestImplicitHours: a whole day's rollups leave their hours out, a
// day begun late lists them, and the hourly view reads both the same,
// through sm's connection and through the sqlite3 shell.
func TestImplicitHours(t *testing.T) {
	day := periodStart(t0)
	c := &clock{day + 3*Period}
	path := filepath.Join(t.TempDir(), "m.db")
	db := openTest(t, path, c)
	var lines []string
	for h := range 24 {
		lines = append(lines, fmt.Sprintf("whole %d %d", h, day+int64(h)*3600+60))
		if h >= 20 {
			lines = append(lines, fmt.Sprintf("late %d %d", h, day+int64(h)*3600))
		}
	}
	write(t, db, lines...)
	if err := db.Compact(); err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{}
	rows, err := db.conn.QueryContext(context.Background(), "SELECT s.name, CAST(sqlar_uncompress(r.hours, r.size) AS TEXT) FROM rollup r JOIN series s ON s.id = r.series_id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, text string
		rows.Scan(&name, &text)
		texts[name] = text
	}
	rows.Close()
	if !strings.HasPrefix(texts["whole"], "[[],") || !strings.HasPrefix(texts["late"], "[[20,21,22,23],") {
		t.Errorf("rollup texts %q", texts)
	}
	const q = "SELECT name, hour, min, count FROM hourly ORDER BY name, hour"
	var want []string
	for h := 20; h < 24; h++ {
		want = append(want, fmt.Sprintf("late|%d|%d|1", day+int64(h)*3600, h))
	}
	for h := range 24 {
		want = append(want, fmt.Sprintf("whole|%d|%d|1", day+int64(h)*3600, h))
	}
	var got []string
	rows, err = db.conn.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		var hour, n int64
		var min float64
		rows.Scan(&name, &hour, &min, &n)
		got = append(got, fmt.Sprintf("%s|%d|%v|%d", name, hour, min, n))
	}
	rows.Close()
	if !slices.Equal(got, want) {
		t.Errorf("hourly view:\n%q\nwant\n%q", got, want)
	}
	db.Close()
	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("no sqlite3 shell to read the view with")
	}
	out, err := exec.Command(shell, path, q).CombinedOutput()
	if err != nil {
		t.Fatalf("sqlite3: %v: %s", err, out)
	}
	if s := strings.Join(want, "\n") + "\n"; string(out) != s {
		t.Errorf("the sqlite3 shell's hourly view:\n%s\nwant\n%s", out, s)
	}
}

// TestReaderCache: a reader's page cache is readerCache's, a writer's
// SQLite's default, which a transaction's dirty pages may need.
func TestReaderCache(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	w := openTest(t, path, &clock{t0})
	write(t, w, "load.1m;host=web1 1 1764039600")
	r, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, c := range []struct {
		db   *DB
		want int64
	}{{r, -256}, {w, -2000}} {
		var n int64
		if err := c.db.conn.QueryRowContext(context.Background(), "PRAGMA cache_size").Scan(&n); err != nil || n != c.want {
			t.Errorf("cache_size %d, %v; want %d", n, err, c.want)
		}
	}
}
