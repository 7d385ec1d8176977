package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// day0 is a day start, 2025-11-25 00:00 UTC.
const day0 = 1764028800

// v3Now is the clock of the schema 3 fixture: two days and an hour and
// a half after day0, with the open three-hour period in the sample table.
const v3Now = day0 + 2*86400 + 5400

// A v3Fixture is what a schema 3 database held, to compare the
// migrated one with.
type v3Fixture struct {
	points  []string            // every sample, as dump writes them
	rollups map[string][]Rollup // by series key
}

// encodeV3 encodes values as schema 3 did: each value·div less the
// smallest, or the values themselves.
func encodeV3(vals []float64) (base any, div int64, text string) {
	k := 0
	for _, v := range vals {
		d := decimals(v)
		if d < 0 {
			var b strings.Builder
			for i, v := range vals {
				if i > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
			}
			return nil, 0, "[" + b.String() + "]"
		}
		k = max(k, d)
	}
	ns := make([]int64, len(vals))
	lo := int64(math.MaxInt64)
	for i, v := range vals {
		ns[i] = int64(math.Round(v * pow10[k]))
		lo = min(lo, ns[i])
	}
	var b strings.Builder
	for i, n := range ns {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(n-lo, 10))
	}
	return lo, int64(pow10[k]), "[" + b.String() + "]"
}

// makeV3 writes a database of schema 3 as that schema's sm-store left
// it: three-hour blocks of two days of four series, one of them sampled
// at other moments and one with values of too many decimals, hourly
// rollups of those days and of a day ten days before whose blocks the
// retention pruned, and the open period's samples in the sample table.
func makeV3(t *testing.T, path string) v3Fixture {
	t.Helper()
	saved := migrations
	migrations = migrations[:3]
	db, err := Open(path, Options{Wait: time.Second, Now: (&clock{v3Now}).Now})
	migrations = saved
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.conn.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	load := 0.5
	series := []struct {
		key   string
		shift int64
		next  func() float64
	}{
		{"load.1m;host=web1", 0, func() float64 { load = math.Max(0, load+r.NormFloat64()*0.1); return math.Round(load*100) / 100 }},
		{"mem.total_bytes;host=web1", 0, func() float64 { return 8241418240 }},
		{"odd;host=web1", 0, func() float64 { return r.Float64() }},
		{"cpu.busy_pct;host=web2", 30, func() float64 { return float64(r.IntN(10000)) / 100 }},
	}
	fx := v3Fixture{rollups: map[string][]Rollup{}}
	times := map[string]int64{}
	for i, s := range series {
		id := int64(i + 1)
		exec("INSERT INTO series (id, name, tags, host) VALUES (?, ?, ?, ?)", id, strings.SplitN(s.key, ";", 2)[0], strings.SplitN(s.key, ";", 2)[1], HostOf(s.key))
		// A day ten days before: rollups only.
		for h := int64(0); h < 24; h++ {
			hour := day0 - 10*86400 + h*3600
			rr := Rollup{Hour: hour, Min: float64(h), Max: float64(h) + 0.5, Sum: float64(h)*60 + 0.1, Count: 60, Last: float64(h) + 0.25}
			fx.rollups[s.key] = append(fx.rollups[s.key], rr)
		}
		for p := int64(day0); p < v3Now; p += 3 * 3600 {
			var pts []point
			for m := int64(0); m < 180 && p+m*60+s.shift < v3Now; m++ {
				pts = append(pts, point{p + m*60 + s.shift, s.next()})
			}
			for _, pt := range pts {
				fx.points = append(fx.points, fmt.Sprintf("%s %v %d", s.key, pt.v, pt.ts))
			}
			if p+3*3600 > v3Now {
				// The open period: plain rows.
				for _, pt := range pts {
					exec("INSERT INTO sample (series_id, ts, value) VALUES (?, ?, ?)", id, pt.ts, pt.v)
				}
				exec("INSERT INTO pending (t0, series_id) VALUES (?, ?)", p, id)
				continue
			}
			var off strings.Builder
			vals := make([]float64, len(pts))
			for j, pt := range pts {
				fmt.Fprintf(&off, "%05d", pt.ts-p)
				vals[j] = pt.v
			}
			tid, ok := times[off.String()]
			if !ok {
				if err := db.conn.QueryRowContext(ctx, "INSERT INTO times (hash, offsets) VALUES (?, ?) RETURNING id", timesHash([]byte(off.String())), off.String()).Scan(&tid); err != nil {
					t.Fatal(err)
				}
				times[off.String()] = tid
			}
			base, div, text := encodeV3(vals)
			exec("INSERT INTO block (series_id, t0, times_id, base, div, vals) VALUES (?, ?, ?, ?, ?, ?)", id, p, tid, base, div, text)
			for _, rr := range rollups(pts) {
				fx.rollups[s.key] = append(fx.rollups[s.key], Rollup{Hour: rr.hour, Min: rr.min, Max: rr.max, Sum: rr.sum, Count: rr.count, Last: rr.last})
			}
		}
		for _, rr := range fx.rollups[s.key] {
			exec("INSERT INTO rollup (series_id, hour, min, max, sum, count, last) VALUES (?, ?, ?, ?, ?, ?, ?)", id, rr.Hour, rr.Min, rr.Max, rr.Sum, rr.Count, rr.Last)
		}
	}
	return fx
}

// checkMigrated fails unless the database at path is of schema 4 and
// holds exactly what the fixture held.
func checkMigrated(t *testing.T, path string, fx v3Fixture) {
	t.Helper()
	db := openTest(t, path, &clock{v3Now})
	var v int
	db.conn.QueryRowContext(context.Background(), "PRAGMA user_version").Scan(&v)
	if v != len(migrations) {
		t.Fatalf("schema %d after the upgrade", v)
	}
	if got := dump(t, db); !sameSet(got, fx.points) {
		t.Fatalf("after the upgrade, %d samples, want %d", len(got), len(fx.points))
	}
	for key, want := range fx.rollups {
		id, err := db.SeriesID(key)
		if err != nil {
			t.Fatal(err)
		}
		var got []Rollup
		db.Rollups(id, 0, 1<<40, func(r Rollup) error { got = append(got, r); return nil })
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %d rollups after the upgrade, want %d", key, len(got), len(want))
		}
	}
	for q, want := range map[string]int{
		"SELECT count(*) FROM block WHERE t0 % 86400 != 0":   0,
		"SELECT count(*) FROM pending WHERE t0 % 86400 != 0": 0,
		"SELECT count(*) FROM pending":                       4,
		"SELECT count(*) FROM block":                         8, // two days of four series
		"SELECT count(*) FROM times":                         2,
	} {
		var n int
		if err := db.conn.QueryRowContext(context.Background(), q).Scan(&n); err != nil || n != want {
			t.Errorf("%s: %d (%v), want %d", q, n, err, want)
		}
	}
}

// TestMigrateDaily: a database of schema 3 is rewritten as day blocks
// and rollup rows with every sample and rollup kept, by sm-store and by
// a reader alike, and goes on packing.
func TestMigrateDaily(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	fx := makeV3(t, path)
	ro, err := Open(path, Options{ReadOnly: true, Wait: time.Second, Now: (&clock{v3Now}).Now})
	if err != nil {
		t.Fatal(err)
	}
	ro.Close()
	checkMigrated(t, path, fx)

	// The open day's rows pack into the block the upgrade wrote.
	db := openTest(t, path, &clock{day0 + 3*86400 + grace})
	if _, err := db.Maintain(Work{Pack: 100}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "sample"); n != 0 {
		t.Errorf("%d samples left unpacked", n)
	}
	if got := dump(t, db); !sameSet(got, fx.points) {
		t.Errorf("after packing, %d samples, want %d", len(got), len(fx.points))
	}
	db.Close()

	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("no sqlite3 shell to read the views with")
	}
	rollups := 4 * 2 // the packed day's two hours
	for _, rs := range fx.rollups {
		rollups += len(rs)
	}
	for query, want := range map[string]string{
		"SELECT count(*) FROM metrics":                                         fmt.Sprint(len(fx.points)),
		"SELECT count(*) FROM hourly":                                          fmt.Sprint(rollups),
		"SELECT value FROM metrics WHERE name = 'load.1m' LIMIT 1":             strings.Fields(fx.points[0])[1],
		"SELECT time, count, avg FROM hourly WHERE tags = 'host=web2' LIMIT 1": "2025-11-15 00:00:00|60|0.00166666666666667",
	} {
		out, err := exec.Command(shell, path, query).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != want {
			t.Errorf("sqlite3 %q: %v %q, want %q", query, err, out, want)
		}
	}
}

// TestMigrateDailyKilled kills the upgrade at every step, each series
// rewritten and the last statements, and finds schema 3 whole each time,
// then upgrades in full.
func TestMigrateDailyKilled(t *testing.T) {
	if upgradeChild() {
		return
	}
	orig := filepath.Join(t.TempDir(), "v3.db")
	fx := makeV3(t, orig)
	killUpgrade(t, "TestMigrateDailyKilled", orig, 5, func(path string) { checkMigrated(t, path, fx) }) // four series, then the end
}

// upgradeChild, in the process killUpgrade starts, opens the database
// it names, which upgrades it, and kills itself at the step it names.
// It returns false in any other process.
func upgradeChild() bool {
	p := os.Getenv("SM_TEST_MIGRATE_DB")
	if p == "" {
		return false
	}
	stop, _ := strconv.Atoi(os.Getenv("SM_TEST_MIGRATE_STOP"))
	migrateHook = func(step int) {
		if step == stop {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
		}
	}
	Open(p, Options{Wait: time.Second, Now: (&clock{v3Now}).Now})
	os.Exit(3) // not killed: the step was never reached
	return true
}

// killUpgrade kills the upgrade of a copy of the database at orig at
// each of its first steps, in a process running the test of that name,
// which calls upgradeChild; it fails unless each copy is as it was,
// and then calls check with it.
func killUpgrade(t *testing.T, test, orig string, steps int, check func(path string)) {
	t.Helper()
	want := tables(t, orig)
	data, err := os.ReadFile(orig)
	if err != nil {
		t.Fatal(err)
	}
	for stop := range steps {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("m%d.db", stop))
		os.WriteFile(path, data, 0o600)
		cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
		cmd.Env = append(os.Environ(), "SM_TEST_MIGRATE_DB="+path, fmt.Sprintf("SM_TEST_MIGRATE_STOP=%d", stop))
		err = cmd.Run()
		if st, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !st.Signaled() {
			t.Fatalf("step %d: the upgrade was not killed: %v", stop, err)
		}
		if got := tables(t, path); !reflect.DeepEqual(got, want) {
			t.Fatalf("step %d: killed, the database is not as it was", stop)
		}
		check(path)
	}
}

// tables returns the schema version and every row of every table of a
// database, read without sm.
func tables(t *testing.T, path string) []string {
	t.Helper()
	db, err := sqlOpen(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	db.QueryRow("PRAGMA user_version").Scan(&v)
	out := []string{fmt.Sprint("version ", v)}
	names, err := db.Query("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	for names.Next() {
		var n string
		names.Scan(&n)
		list = append(list, n)
	}
	names.Close()
	for _, n := range list {
		rows, err := db.Query("SELECT * FROM " + n)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			out = append(out, fmt.Sprint(n, vals))
		}
		rows.Close()
	}
	return out
}

// sameSet reports whether a and b hold the same lines, in any order.
func sameSet(a, b []string) bool {
	return reflect.DeepEqual(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

// sqlOpen opens a database with sm's driver, without sm's checks.
func sqlOpen(path string) (*sql.DB, error) { return sql.Open(driverName, "file:"+path) }
