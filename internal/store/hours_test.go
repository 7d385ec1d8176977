package store

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// minutes returns the lines of n series sampled each minute from from
// up to, not including, to, the value telling series and minute of the
// day apart.
func minutes(n int, from, to int64) []string {
	var lines []string
	for ts := from; ts < to; ts += 60 {
		for s := range n {
			lines = append(lines, fmt.Sprintf("s%d;host=a %d %d", s, s*100000+int(ts%Period)/60, ts))
		}
	}
	return lines
}

// hourBlocks counts the blocks of hours.
func hourBlocks(t *testing.T, db *DB) int {
	t.Helper()
	return count(t, db, "block WHERE (t0 + 1) % 3600 = 0")
}

// TestPackHours follows a day as cron runs bring it: each hour, once
// closed past its grace, goes into a block a series, a bounded number a
// run, and leaves the sample table; every sample reads back the same,
// from sm and from the metrics view; when the day closes, its hours'
// blocks become its one block, with the rollups of every hour, and
// their times rows go.
func TestPackHours(t *testing.T) {
	day := periodStart(t0)
	// Written as cron runs write, before the hours close: the runs
	// that close them bring none of their samples.
	c := &clock{day}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	lines := minutes(5, day, day+3*3600+grace)
	if _, err := db.Write(batchOf(lines...)); err != nil {
		t.Fatal(err)
	}
	want := dump(t, db)
	c.now = day + 3*3600 + grace
	// Three hours of five series closed, packed four at a time.
	for run := 1; ; run++ {
		more, err := db.Maintain(Work{Pack: 4})
		if err != nil {
			t.Fatal(err)
		}
		if got := hourBlocks(t, db); got != min(4*run, 15) {
			t.Fatalf("run %d: %d hours' blocks", run, got)
		}
		if got := dump(t, db); !reflect.DeepEqual(got, want) {
			t.Fatalf("run %d: the samples changed", run)
		}
		if !more {
			if run != 4 {
				t.Fatalf("done after %d runs", run)
			}
			break
		}
	}
	// The open hour's rows stay, and the day stays pending.
	if s, p := count(t, db, "sample"), count(t, db, "pending"); s != 5*grace/60 || p != 5 {
		t.Fatalf("%d rows in the sample table, %d pending", s, p)
	}
	if shell, err := exec.LookPath("sqlite3"); err == nil {
		out, err := exec.Command(shell, db.path, "SELECT count(*), sum(value) FROM metrics").CombinedOutput()
		var sum int64
		for _, l := range lines {
			var key string
			var v int64
			fmt.Sscan(l, &key, &v)
			sum += v
		}
		if w := fmt.Sprintf("%d|%v", len(lines), sum); err != nil || strings.TrimSpace(string(out)) != w {
			t.Errorf("the metrics view: %v %q, want %q", err, out, w)
		}
	}

	// The rest of the day, then its close.
	for ts := day + 3*3600 + grace; ts < day+Period; ts += 3600 {
		c.now = min(ts+3600, day+Period+grace-1)
		write(t, db, minutes(5, ts, min(ts+3600, day+Period))...)
		db.Maintain(DefaultWork)
	}
	want = dump(t, db)
	if n := hourBlocks(t, db); n < 5*23 {
		t.Fatalf("%d hours' blocks before the day closed", n)
	}
	c.now = day + Period + grace
	if _, err := db.Maintain(DefaultWork); err != nil {
		t.Fatal(err)
	}
	if b, h, s, p := count(t, db, "block"), hourBlocks(t, db), count(t, db, "sample"), count(t, db, "pending"); b != 5 || h != 0 || s != 0 || p != 0 {
		t.Fatalf("after the day closed: %d blocks, %d of hours, %d samples, %d pending", b, h, s, p)
	}
	if got := dump(t, db); !reflect.DeepEqual(got, want) {
		t.Errorf("the day's pack changed the samples")
	}
	if n := count(t, db, "times"); n != 1 {
		t.Errorf("%d times rows, want the day's one", n)
	}
	id, _ := db.SeriesID("s1;host=a")
	var rs []Rollup
	db.Rollups(id, day, day+Period, func(r Rollup) error { rs = append(rs, r); return nil })
	if len(rs) != 24 || rs[0].Count != 60 || rs[0].Min != 100000 || rs[23].Last != 100000+1439 {
		t.Errorf("%d rollups, the first %+v", len(rs), rs[0])
	}
}

// TestPackHoursLate: a sample that comes after its hour was packed wins
// over the block's at once, and the next pack of the hour merges it
// into the hour's block.
func TestPackHoursLate(t *testing.T) {
	c := &clock{t0 + 2*3600}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	write(t, db, "x 1 1764039600", "x 2 1764039660", "x 3 1764043200")
	if h, s := hourBlocks(t, db), count(t, db, "sample"); h != 1 || s != 1 {
		t.Fatalf("%d hours' blocks, %d rows", h, s)
	}
	if _, err := db.Write(batchOf("x 20 1764039660", "x 5 1764039630")); err != nil {
		t.Fatal(err)
	}
	want := []string{"x 1 1764039600", "x 5 1764039630", "x 20 1764039660", "x 3 1764043200"}
	if got := dump(t, db); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := db.Maintain(DefaultWork); err != nil {
		t.Fatal(err)
	}
	if h, s := hourBlocks(t, db), count(t, db, "sample"); h != 1 || s != 1 {
		t.Errorf("%d hours' blocks, %d rows after the late samples were packed", h, s)
	}
	if got := dump(t, db); !reflect.DeepEqual(got, want) {
		t.Errorf("packed: %q, want %q", got, want)
	}
}

// TestPackHoursDayBlock: an open day that has its block already, packed
// by a clock that was ahead, takes its closed hours into that block, so
// that blocks never overlap.
func TestPackHoursDayBlock(t *testing.T) {
	c := &clock{t0 + 2*Period}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	write(t, db, "x 1 1764039600")
	c.now = t0 + 2*3600
	write(t, db, "x 2 1764039660", "x 3 1764043260")
	if _, err := db.Maintain(DefaultWork); err != nil {
		t.Fatal(err)
	}
	if b, h, s := count(t, db, "block"), hourBlocks(t, db), count(t, db, "sample"); b != 1 || h != 0 || s != 0 {
		t.Errorf("%d blocks, %d of hours, %d rows", b, h, s)
	}
	want := []string{"x 1 1764039600", "x 2 1764039660", "x 3 1764043260"}
	if got := dump(t, db); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestPackHoursSilent: a host that goes silent in the morning has its
// hours packed, its day still pending, and the day packed when it
// closes; a later day's batch packs it too, and a day past the raw
// retention keeps its rollups only.
func TestPackHoursSilent(t *testing.T) {
	day := periodStart(t0)
	next := minutes(3, day+Period, day+Period+60)
	for _, tc := range []struct {
		name  string
		close func(t *testing.T, c *clock, db *DB)
		raw   time.Duration
	}{
		{"maintain", func(t *testing.T, c *clock, db *DB) {
			c.now = day + Period + grace
			if _, err := db.Maintain(DefaultWork); err != nil {
				t.Fatal(err)
			}
		}, 0},
		{"next day's batch", func(t *testing.T, c *clock, db *DB) {
			c.now = day + Period + 3600
			if _, err := db.Write(batchOf(next...)); err != nil {
				t.Fatal(err)
			}
		}, 0},
		{"past the retention", func(t *testing.T, c *clock, db *DB) {
			c.now = day + 10*Period
			if _, err := db.Maintain(DefaultWork); err != nil {
				t.Fatal(err)
			}
		}, 2 * Period * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &clock{day + 5*3600}
			db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
			if tc.raw > 0 {
				db.SetPolicy(Policy{Raw: tc.raw})
			}
			write(t, db, minutes(3, day, day+3*3600+1800)...)
			if _, err := db.Maintain(DefaultWork); err != nil {
				t.Fatal(err)
			}
			if h, s, p := hourBlocks(t, db), count(t, db, "sample"), count(t, db, "pending"); h != 12 || s != 0 || p != 3 {
				t.Fatalf("silent: %d hours' blocks, %d rows, %d pending", h, s, p)
			}
			want := dump(t, db)
			tc.close(t, c, db)
			if h, p := hourBlocks(t, db), count(t, db, "pending WHERE t0 = "+fmt.Sprint(day)); h != 0 || p != 0 {
				t.Fatalf("closed: %d hours' blocks, %d of the day pending", h, p)
			}
			if tc.raw > 0 {
				if b, r := count(t, db, "block"), count(t, db, "rollup"); b != 0 || r != 3 {
					t.Errorf("past the retention: %d blocks, %d rollups", b, r)
				}
				return
			}
			if b := count(t, db, "block WHERE t0 = "+fmt.Sprint(day)); b != 3 {
				t.Errorf("%d blocks of the day", b)
			}
			got := dump(t, db)
			if tc.name == "next day's batch" {
				want = append(want, next...)
			}
			if !sameSet(got, want) {
				t.Errorf("the day's pack changed the samples: %d, want %d", len(got), len(want))
			}
		})
	}
}

// makeV6 writes a database of schema 6, makeV3's upgraded by the
// migrations up to schema 6.
func makeV6(t *testing.T, path string) v3Fixture {
	t.Helper()
	fx := makeV3(t, path)
	upgradeTo(t, path, 6).Close()
	return fx
}

// TestMigrateBlockTimes: the upgrade to schema 7 indexes the block table
// by times_id, keeping every sample, and a search for the blocks of a
// times row uses the index.
func TestMigrateBlockTimes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	fx := makeV6(t, path)
	checkMigrated(t, path, fx)
	db := openTest(t, path, &clock{v3Now})
	if plan := queryPlan(t, db, "SELECT 1 FROM block WHERE times_id = ?", 1); !strings.Contains(plan, "block_times") {
		t.Errorf("the blocks of a times row: %s", plan)
	}
}

// TestMigrateBlockTimesKilled kills the upgrade to schema 7 after its
// one statement, and finds schema 6 whole, then upgrades in full.
func TestMigrateBlockTimesKilled(t *testing.T) {
	if upgradeChild() {
		return
	}
	orig := filepath.Join(t.TempDir(), "v6.db")
	fx := makeV6(t, orig)
	killUpgrade(t, "TestMigrateBlockTimesKilled", orig, 1, func(path string) { checkMigrated(t, path, fx) })
}

// TestBlockRowids: the days' blocks take rowids from 1 on, the hours'
// blocks below 0, and finding the next one of either is a seek.
func TestBlockRowids(t *testing.T) {
	if fmt.Sprint(int64(hourRowids)) != "4611686018427387904" {
		t.Fatal("hourRowids and the SQL of dayRowid and hourRowid differ")
	}
	day := periodStart(t0)
	c := &clock{day + 5*3600}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	write(t, db, minutes(2, day-Period, day+2*3600)...)
	c.now = day + Period + 3600
	write(t, db, minutes(2, day+2*3600, day+Period+30)...)
	for q, want := range map[string]int{
		"block WHERE rowid > 0 AND (t0 + 1) % 3600 != 0": 4,
		"block WHERE (t0 + 1) % 3600 = 0":                0,
		"block":                                          4,
	} {
		if n := count(t, db, q); n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}
	c.now = day + Period + 2*3600 + grace
	if _, err := db.Maintain(DefaultWork); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "block WHERE rowid >= -4611686018427387904 AND rowid < 0 AND (t0 + 1) % 3600 = 0"); n != 2 {
		t.Errorf("%d hours' blocks from -hourRowids, want 2", n)
	}
	// A day's blocks after the hours' blocks: at the table's end.
	c.now = day + 2*Period + 3600 + grace
	write(t, db, minutes(2, day+Period+30, day+2*Period+30)...)
	if n := count(t, db, "block WHERE rowid > 4 AND (t0 + 1) % 3600 != 0"); n != 2 {
		t.Errorf("%d new days' blocks after the first four, want 2", n)
	}
	for _, q := range []string{dayRowid, hourRowid} {
		if plan := queryPlan(t, db, "SELECT "+q); strings.Contains(plan, "SCAN block") {
			t.Errorf("%s: %s", q, plan)
		}
	}
}

// TestBlockRowidsOldHours: the hours' blocks of an earlier version,
// numbered from hourRowids on, stay out of the days' run.
func TestBlockRowidsOldHours(t *testing.T) {
	day := periodStart(t0)
	c := &clock{day + 5*3600}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	write(t, db, minutes(2, day-Period, day+2*3600)...)
	c.now = day + 3*3600 + grace
	if _, err := db.Maintain(DefaultWork); err != nil {
		t.Fatal(err)
	}
	if _, err := db.conn.ExecContext(context.Background(), "UPDATE block SET rowid = (rowid + 4611686018427387904) + 4611686018427387904 WHERE rowid < 0"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "block WHERE rowid > 4611686018427387904"); n == 0 {
		t.Fatal("no hours' blocks to renumber")
	}
	c.now = day + Period + 3600 + grace
	write(t, db, minutes(2, day+2*3600, day+Period+30)...)
	if _, err := db.Maintain(DefaultWork); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "block WHERE rowid > 0 AND rowid < 4611686018427387904 AND (t0 + 1) % 3600 != 0"); n != 4 {
		t.Errorf("%d days' blocks in the days' run, want 4", n)
	}
	if n := count(t, db, "block WHERE rowid > 4611686018427387904"); n != 0 {
		t.Errorf("%d hours' blocks left past hourRowids, want 0", n)
	}
}

// TestPackHoursPrunedFirst: a day whose hours are packed, past the raw
// retention before its own pack comes (the run's budget spent on other
// days), keeps the rollups of every hour: the pruning of the series
// leaves its hours' blocks to the day's pack.
func TestPackHoursPrunedFirst(t *testing.T) {
	day := periodStart(t0)
	c := &clock{day + 5*3600}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	if err := db.SetPolicy(Policy{Raw: 2 * Period * time.Second}); err != nil {
		t.Fatal(err)
	}
	write(t, db, minutes(2, day, day+3*3600+1800)...)
	if _, err := db.Maintain(DefaultWork); err != nil {
		t.Fatal(err)
	}
	if h, s := hourBlocks(t, db), count(t, db, "sample"); h != 8 || s != 0 {
		t.Fatalf("%d hours' blocks, %d rows", h, s)
	}
	c.now = day + 10*Period
	// One day packed a run, the series pruned all at once.
	for {
		more, err := db.Maintain(Work{Pack: 1, Prune: 16})
		if err != nil {
			t.Fatal(err)
		}
		if !more {
			break
		}
	}
	if b, p := count(t, db, "block"), count(t, db, "pending"); b != 0 || p != 0 {
		t.Fatalf("%d blocks, %d pending", b, p)
	}
	for _, key := range []string{"s0;host=a", "s1;host=a"} {
		id, _ := db.SeriesID(key)
		var rs []Rollup
		db.Rollups(id, day, day+Period, func(r Rollup) error { rs = append(rs, r); return nil })
		if len(rs) != 4 {
			t.Errorf("%s: %d rollups, want 4", key, len(rs))
		}
	}
}

// TestPackHoursLateTimes: the times rows of an hour's block that late
// samples rewrote go with the day's pack, as the others do.
func TestPackHoursLateTimes(t *testing.T) {
	day := periodStart(t0)
	c := &clock{day + 2*3600}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	write(t, db, minutes(1, day, day+3600)...)
	if h := hourBlocks(t, db); h != 1 {
		t.Fatalf("%d hours' blocks", h)
	}
	write(t, db, fmt.Sprintf("s0;host=a 7 %d", day+30))
	if h, s := hourBlocks(t, db), count(t, db, "sample"); h != 1 || s != 0 {
		t.Fatalf("%d hours' blocks, %d rows", h, s)
	}
	c.now = day + Period + grace
	if _, err := db.Maintain(DefaultWork); err != nil {
		t.Fatal(err)
	}
	if b, h := count(t, db, "block"), hourBlocks(t, db); b != 1 || h != 0 {
		t.Fatalf("%d blocks, %d of hours", b, h)
	}
	var n int
	db.conn.QueryRowContext(context.Background(), "SELECT count(*) FROM times WHERE id NOT IN (SELECT times_id FROM block)").Scan(&n)
	if n != 0 {
		t.Errorf("%d times rows no block uses", n)
	}
}

// TestPackDayLateTimes: a late sample rewrites a packed day's block in
// place, with new offsets, and the times row of the old ones goes.
func TestPackDayLateTimes(t *testing.T) {
	day := periodStart(t0)
	c := &clock{day + Period + grace}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	write(t, db, minutes(1, day, day+Period)...)
	if _, err := db.Maintain(DefaultWork); err != nil {
		t.Fatal(err)
	}
	if b, h := count(t, db, "block"), hourBlocks(t, db); b != 1 || h != 0 {
		t.Fatalf("%d blocks, %d of hours", b, h)
	}
	write(t, db, fmt.Sprintf("s0;host=a 7 %d", day+30))
	if _, err := db.Maintain(DefaultWork); err != nil {
		t.Fatal(err)
	}
	if b, s := count(t, db, "block"), count(t, db, "sample"); b != 1 || s != 0 {
		t.Fatalf("%d blocks, %d rows", b, s)
	}
	if n := count(t, db, "times WHERE id NOT IN (SELECT times_id FROM block)"); n != 0 {
		t.Errorf("%d times rows no block uses", n)
	}
	if n := count(t, db, "times"); n != 1 {
		t.Errorf("%d times rows, want 1", n)
	}
}

// TestPackHoursRounds: a budget of many hours is packed a round at a
// time, each holding about roundPoints samples, and the budget still
// bounds the hours packed.
func TestPackHoursRounds(t *testing.T) {
	saved := roundPoints
	roundPoints = 100 // under two series' hours a round
	t.Cleanup(func() { roundPoints = saved })
	day := periodStart(t0)
	for _, tc := range []struct {
		pack, blocks int
		more         bool
	}{{7, 7, true}, {15, 15, false}, {1000, 15, false}} {
		c := &clock{day}
		db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
		if _, err := db.Write(batchOf(minutes(5, day, day+3*3600+grace)...)); err != nil {
			t.Fatal(err)
		}
		want := dump(t, db)
		c.now = day + 3*3600 + grace
		more, err := db.Maintain(Work{Pack: tc.pack})
		if err != nil {
			t.Fatal(err)
		}
		if n := hourBlocks(t, db); n != tc.blocks || more != tc.more {
			t.Errorf("a budget of %d: %d hours' blocks, more %v", tc.pack, n, more)
		}
		if got := dump(t, db); !reflect.DeepEqual(got, want) {
			t.Errorf("a budget of %d: the samples changed", tc.pack)
		}
	}
}
