package store

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// makeV5 writes a database of schema 5, makeV3's upgraded by the
// migrations of schema 5, with the open period's rows in the sample
// table keyed by series.
func makeV5(t *testing.T, path string) v3Fixture {
	t.Helper()
	fx := makeV3(t, path)
	db := upgradeTo(t, path, 5)
	defer db.Close()
	if n := count(t, db, "sample"); n == 0 {
		t.Fatal("no rows in the sample table of schema 5")
	}
	return fx
}

// upgradeTo opens the database at path with the migrations up to the
// schema version given, which upgrade it to that version.
func upgradeTo(t *testing.T, path string, version int) *DB {
	t.Helper()
	saved := migrations
	migrations = migrations[:version]
	db, err := Open(path, Options{Wait: time.Second, Now: (&clock{v3Now}).Now})
	migrations = saved
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestMigrateHourKeys: a database of schema 5 keeps every sample in the
// upgrade to schema 6, whose sample table is keyed by hour, and the
// metrics view reads them in the sqlite3 shell.
func TestMigrateHourKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	fx := makeV5(t, path)
	before := tables(t, path)
	checkMigrated(t, path, fx)
	var hot []string
	for _, row := range tables(t, path) {
		if strings.HasPrefix(row, "sample[") {
			hot = append(hot, row)
		}
	}
	var want []string
	web2 := 0 // cpu.busy_pct;host=web2, series 4
	for _, row := range before {
		if v, ok := strings.CutPrefix(row, "sample["); ok {
			// series_id ts value, now hour series_id sec value.
			f := strings.Fields(strings.TrimSuffix(v, "]"))
			ts, _ := strconv.ParseInt(f[1], 10, 64)
			want = append(want, fmt.Sprintf("sample[%d %s %d %s]", hourOf(ts), f[0], ts%3600, f[2]))
			if f[0] == "4" {
				web2++
			}
		}
	}
	if len(want) == 0 || !sameSet(hot, want) {
		t.Errorf("sample table after the upgrade: %d rows %q, want %d", len(hot), hot, len(want))
	}

	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("no sqlite3 shell to read the views with")
	}
	for query, want := range map[string]string{
		"SELECT count(*) FROM metrics": fmt.Sprint(len(fx.points)),
		"SELECT count(*) FROM metrics WHERE name = 'cpu.busy_pct' AND ts >= (SELECT min(hour) FROM sample)": fmt.Sprint(web2),
	} {
		out, err := exec.Command(shell, path, query).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != want {
			t.Errorf("sqlite3 %q: %v %q, want %q", query, err, out, want)
		}
	}
}

// TestMigrateHourKeysKilled kills the upgrade to schema 6 after the copy
// and after the last statement, and finds schema 5 whole each time, then
// upgrades in full.
func TestMigrateHourKeysKilled(t *testing.T) {
	if upgradeChild() {
		return
	}
	orig := filepath.Join(t.TempDir(), "v5.db")
	fx := makeV5(t, orig)
	killUpgrade(t, "TestMigrateHourKeysKilled", orig, 2, func(path string) { checkMigrated(t, path, fx) })
}

// TestHotSearches: every read of the sample table but a range of hours
// seeks each hour of a series, or of a range of series, in sm and in the
// metrics view of the sqlite3 shell, rather than reading every row of
// the day.
func TestHotSearches(t *testing.T) {
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), &clock{t0})
	inHours, args := inList([]int64{t0, t0 + 3600})
	inSeries, args := inList([]int64{1, 2}, args...)
	day := append(dayHours(t0, nil), 1)
	for _, q := range []struct {
		query string
		args  []any
	}{
		{"SELECT series_id, hour + sec, value FROM sample WHERE hour IN " + inHours + " AND series_id IN " + inSeries + " AND hour + sec >= ? AND hour + sec < ? ORDER BY hour, series_id, sec", append(args, t0, t0+Period)},
		{"SELECT series_id, hour + sec, value FROM sample WHERE hour IN " + inHours + " AND series_id BETWEEN ? AND ? AND hour + sec >= ? AND hour + sec < ? ORDER BY hour, series_id, sec", append(args[:2:2], 1, 2, t0, t0+Period)},
		{"SELECT hour + sec, value FROM sample WHERE hour IN " + dayHoursIn + " AND series_id = ? ORDER BY hour, sec", day},
		{"DELETE FROM sample WHERE hour IN " + dayHoursIn + " AND series_id = ?", day},
		{"SELECT * FROM metrics WHERE name = ? AND tags = ?", []any{"load.1m", "host=web1"}},
	} {
		p := queryPlan(t, db, q.query, q.args...)
		if !strings.Contains(p, "PRIMARY KEY (hour=? AND series_id") || strings.Contains(p, "TEMP B-TREE FOR ORDER BY") && !strings.Contains(q.query, "metrics") {
			t.Errorf("%.60s...: plan %q seeks no hour of a series, or sorts", q.query, p)
		}
		if strings.Contains(p, "SCAN sample") || strings.Contains(p, "SCAN x") {
			t.Errorf("%.60s...: plan %q reads every row", q.query, p)
		}
	}
}

// TestWholeDayPacked: a batch that brings a closed day of a series to
// its end, as a stream in series order does, packs it at once; a closed
// day it brings only part of waits in the sample table for more.
func TestWholeDayPacked(t *testing.T) {
	d0 := periodStart(t0)
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), &clock{d0 + 5*Period})
	var lines []string
	for m := int64(0); m < 1440+600; m++ { // a day, then ten hours
		lines = append(lines, fmt.Sprintf("a %d %d", m%7, d0+m*60))
	}
	for m := int64(0); m < 1439; m++ { // a day but its last minute
		lines = append(lines, fmt.Sprintf("b %d %d", m%5, d0+2*Period+m*60))
	}
	if _, err := db.Write(batchOf(lines...)); err != nil {
		t.Fatal(err)
	}
	if b, s := count(t, db, "block"), count(t, db, "sample"); b != 1 || s != 600+1439 {
		t.Errorf("%d blocks, %d rows in the sample table: want a's first day packed, the rest waiting", b, s)
	}
	if got := dump(t, db); !sameSet(got, lines) {
		t.Errorf("%d samples back, want %d", len(got), len(lines))
	}
}

// TestRangeOfHot: RangeOf gives the open day's rows of the series asked
// for and of no other, whether their ids lie close together (read as a
// range of ids, the others left out) or far apart (a seek each). The
// hour read is the one still open; those before are in blocks.
func TestRangeOfHot(t *testing.T) {
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), &clock{t0 + 3*3600})
	var lines []string
	for s := range 50 {
		for m := int64(0); m < 180; m += 7 {
			lines = append(lines, fmt.Sprintf("s%02d %d %d", s, s*1000+int(m), t0+m*60))
		}
	}
	write(t, db, lines...)
	ss, err := db.FindSeries(nil, nil, nil)
	if err != nil || len(ss) != 50 {
		t.Fatalf("%d series, %v", len(ss), err)
	}
	id := map[string]int64{}
	for _, s := range ss {
		id[s.Name] = s.ID
	}
	for _, names := range [][]string{
		{"s03", "s04", "s05", "s07"}, // close: 6 is left out
		{"s40", "s02"},               // far apart
		{"s10"},
	} {
		var ids []int64
		for _, n := range names {
			ids = append(ids, id[n])
		}
		r, err := db.RangeOf(t0+7200, t0+10800, ids)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ss {
			var got []string
			r.Scan(s.ID, func(ts int64, v float64) error { got = append(got, fmt.Sprintf("%s %v %d", s.Name, v, ts)); return nil })
			var want []string
			if slices.Contains(names, s.Name) {
				for _, l := range lines {
					var ts int64
					fmt.Sscanf(l[strings.LastIndexByte(l, ' ')+1:], "%d", &ts)
					if strings.HasPrefix(l, s.Name+" ") && ts >= t0+7200 && ts < t0+10800 {
						want = append(want, l)
					}
				}
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%v: %s: %q, want %q", names, s.Name, got, want)
			}
		}
	}
}
