package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// refusals lists what the last write of b refused, as "key why".
func refusals(b *Batch) []string {
	var out []string
	b.EachRefused(func(key string, ts int64, v float64, why *LimitError) {
		out = append(out, fmt.Sprintf("%s %v %d: host %q %v", key, v, ts, why.Host, why))
	})
	return out
}

func batchOf(lines ...string) *Batch {
	b := NewBatch()
	for _, l := range lines {
		var key string
		var ts int64
		var v float64
		fmt.Sscan(l, &key, &v, &ts)
		b.Add([]byte(key), ts, v)
	}
	return b
}

func TestLimits(t *testing.T) {
	const ts = t0 + 60
	line := func(key string) string { return fmt.Sprintf("%s 1 %d", key, ts) }
	tests := []struct {
		name    string
		limits  Limits
		before  []string // stored without limits first
		batches [][]string
		stored  []string // the series at the end
		refused []string // of the last batch
		stats   Stats    // of the last batch
	}{
		{
			name:    "no limits",
			batches: [][]string{{line("a;host=x"), line("b;host=x"), line("c")}},
			stored:  []string{"a;host=x", "b;host=x", "c"},
			stats:   Stats{Stored: 3, NewSeries: 3},
		},
		{
			name:    "new series a run, over batches",
			limits:  Limits{NewSeries: 3},
			batches: [][]string{{line("a;host=x"), line("b;host=y")}, {line("c;host=z"), line("d;host=z"), line("a;host=x"), line("d;host=z")}},
			stored:  []string{"a;host=x", "b;host=y", "c;host=z"},
			refused: []string{
				`d;host=z 1 1764039660: host "z" more than 3 new series in one run`,
				`d;host=z 1 1764039660: host "z" more than 3 new series in one run`,
			},
			stats: Stats{Stored: 2, NewSeries: 1, Refused: 2},
		},
		{
			name:    "series of a host, counting those there before",
			limits:  Limits{HostSeries: 2},
			before:  []string{line("a;host=x"), line("b;host=y")},
			batches: [][]string{{line("b;host=x"), line("c;host=x"), line("c;host=y"), line("a;host=x")}},
			stored:  []string{"a;host=x", "b;host=x", "b;host=y", "c;host=y"},
			refused: []string{`c;host=x 1 1764039660: host "x" more than 2 series of one host`},
			stats:   Stats{Stored: 3, NewSeries: 2, Refused: 1},
		},
		{
			name:    "series without a host are one host",
			limits:  Limits{HostSeries: 1},
			batches: [][]string{{line("a"), line("b;mount=/"), line("c;host=x")}},
			stored:  []string{"a", "c;host=x"},
			refused: []string{`b;mount=/ 1 1764039660: host "" more than 1 series of one host`},
			stats:   Stats{Stored: 2, NewSeries: 2, Refused: 1},
		},
		{
			name:    "series that exist are stored past the limits",
			limits:  Limits{NewSeries: 1, HostSeries: 1},
			before:  []string{line("a;host=x"), line("b;host=x"), line("c;host=x")},
			batches: [][]string{{line("a;host=x"), line("b;host=x"), line("c;host=x"), line("d;host=x")}},
			stored:  []string{"a;host=x", "b;host=x", "c;host=x"},
			refused: []string{`d;host=x 1 1764039660: host "x" more than 1 series of one host`},
			stats:   Stats{Stored: 3, Refused: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.db")
			c := &clock{t0 + 120}
			if tt.before != nil {
				db := openTest(t, path, c)
				write(t, db, tt.before...)
				db.Close()
			}
			db, err := Open(path, Options{Wait: time.Second, Now: c.Now, Limits: tt.limits})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var st Stats
			var b *Batch
			for _, lines := range tt.batches {
				b = batchOf(lines...)
				if st, err = db.Write(b); err != nil {
					t.Fatal(err)
				}
			}
			if st != tt.stats {
				t.Errorf("stats %+v, want %+v", st, tt.stats)
			}
			if got := refusals(b); !reflect.DeepEqual(got, tt.refused) {
				t.Errorf("refused %q, want %q", got, tt.refused)
			}
			ss, err := db.FindSeries(nil, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range ss {
				got = append(got, s.Key())
			}
			if !reflect.DeepEqual(got, tt.stored) {
				t.Errorf("series %q, want %q", got, tt.stored)
			}
		})
	}
}

// TestLimitsRollback: a batch that fails gives back what it had taken of
// the budget.
func TestLimitsRollback(t *testing.T) {
	c := &clock{t0 + 120}
	db, err := Open(filepath.Join(t.TempDir(), "m.db"), Options{Wait: time.Second, Now: c.Now, Limits: Limits{NewSeries: 2, HostSeries: 2}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A series id of 0 cannot be: the batch fails after its series.
	db.conn.ExecContext(context.Background(), "CREATE TRIGGER boom BEFORE INSERT ON sample BEGIN SELECT RAISE(ABORT, 'disk on fire'); END")
	if _, err := db.Write(batchOf(fmt.Sprintf("a;host=x 1 %d", t0+60), fmt.Sprintf("b;host=x 1 %d", t0+60))); err == nil {
		t.Fatal("the write did not fail")
	}
	db.conn.ExecContext(context.Background(), "DROP TRIGGER boom")
	st, err := db.Write(batchOf(fmt.Sprintf("c;host=x 1 %d", t0+60), fmt.Sprintf("d;host=x 1 %d", t0+60), fmt.Sprintf("e;host=x 1 %d", t0+60)))
	if err != nil {
		t.Fatal(err)
	}
	if st != (Stats{Stored: 2, NewSeries: 2, Refused: 1}) {
		t.Errorf("after a failed batch: %+v", st)
	}
}

func TestHostOf(t *testing.T) {
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), &clock{t0})
	for _, tags := range []string{"", "host=web1", "host=web1;mount=/", "a=1;host=h\\073x;z=2", "ghost=a", "ghost=a;host=b", "a=host=c", "mount=/;xhost=q"} {
		var sqlHost string
		if err := db.conn.QueryRowContext(context.Background(), "SELECT "+hostOfTags+" FROM (SELECT ? AS tags)", tags).Scan(&sqlHost); err != nil {
			t.Fatal(err)
		}
		if got := hostOf(tags); got != sqlHost {
			t.Errorf("%q: hostOf %q, SQL %q", tags, got, sqlHost)
		}
	}
	if got := hostOf("a=1;host=h\\073x;z=2"); got != "h\\073x" {
		t.Errorf("hostOf = %q", got)
	}
}

// openV1 makes a database of the first schema, by the code that made it,
// with two series and their samples put in as that code did.
func openV1(t *testing.T, path string) {
	t.Helper()
	saved := migrations
	migrations = migrations[:1]
	db, err := Open(path, Options{Wait: time.Second})
	migrations = saved
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`INSERT INTO series (id, name, tags) VALUES (1, 'disk.used_pct', 'host=web1;mount=/'), (2, 'load.1m', 'host=we\073b2'), (3, 'odd', 'mount=/')`,
		fmt.Sprintf(`INSERT INTO sample (series_id, ts, value) VALUES (1, %d, 18.5), (2, %d, 0.25), (3, %d, 7)`, t0, t0+60, t0),
		fmt.Sprintf(`INSERT INTO pending (t0, series_id) VALUES (%d, 1), (%d, 2), (%d, 3)`, t0, t0, t0),
	} {
		if _, err := db.conn.ExecContext(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMigrationAddHost upgrades a database of the first schema in place:
// nothing lost, the host column filled, and the views still read in the
// sqlite3 shell.
func TestMigrationAddHost(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	openV1(t, path)
	c := &clock{t0 + 2*Period}
	db := openTest(t, path, c)
	want := []string{"disk.used_pct;host=web1;mount=/ 18.5 1764039600", "load.1m;host=we\\073b2 0.25 1764039660", "odd;mount=/ 7 1764039600"}
	if got := dump(t, db); !reflect.DeepEqual(got, want) {
		t.Errorf("after the upgrade: %q", got)
	}
	for host, want := range map[string]string{"web1": "disk.used_pct;host=web1;mount=/", "we\\073b2": "load.1m;host=we\\073b2"} {
		ss, err := db.FindSeries(nil, []string{"host=" + host}, nil)
		if err != nil || len(ss) != 1 || ss[0].Key() != want {
			t.Errorf("host %s: %v %v", host, ss, err)
		}
	}
	// New series get their host too, and the old ones pack as before.
	write(t, db, fmt.Sprintf("load.1m;host=web1 1 %d", t0+60))
	if _, err := db.Maintain(Work{Pack: 100, Prune: 100}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "block"); n != 4 {
		t.Errorf("%d blocks after packing", n)
	}
	ss, _ := db.FindSeries(nil, []string{"host=web1"}, nil)
	if len(ss) != 2 {
		t.Errorf("host web1: %v", ss)
	}
	db.Close()

	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("no sqlite3 shell to read the views with")
	}
	for query, want := range map[string]string{
		"SELECT time, name, tags, value FROM metrics ORDER BY name, ts, tags": "2025-11-25 03:00:00|disk.used_pct|host=web1;mount=/|18.5\n2025-11-25 03:01:00|load.1m|host=we\\073b2|0.25\n2025-11-25 03:01:00|load.1m|host=web1|1\n2025-11-25 03:00:00|odd|mount=/|7\n",
		"SELECT time, name, tags, avg FROM hourly WHERE name = 'odd'":         "2025-11-25 03:00:00|odd|mount=/|7.0\n",
	} {
		out, err := exec.Command(shell, path, query).CombinedOutput()
		if err != nil || string(out) != want {
			t.Errorf("sqlite3 %q: %v\n%s\nwant\n%s", query, err, out, want)
		}
	}
}

// TestReadFirstSchema: a reader, which does not upgrade, finds a host's
// series in a database of the first schema all the same.
func TestReadFirstSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	openV1(t, path)
	db, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ss, err := db.FindSeries(nil, []string{"host=web1"}, nil)
	if err != nil || len(ss) != 1 || ss[0].Key() != "disk.used_pct;host=web1;mount=/" {
		t.Errorf("host web1: %v %v", ss, err)
	}
}

// TestMigrationAddHostCrash: a step that dies half way, after the new
// column and before the rest, leaves the first schema whole.
func TestMigrationAddHostCrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	openV1(t, path)
	saved := migrations
	t.Cleanup(func() { migrations = saved })
	migrations = []migration{createV1, func(ctx context.Context, c *sql.Conn) error {
		if err := addHost(ctx, c); err != nil {
			return err
		}
		return errors.New("killed")
	}}
	if _, err := Open(path, Options{Wait: time.Second}); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("got %v", err)
	}
	migrations = saved[:1]
	db := openTest(t, path, &clock{t0 + 60})
	var v, cols int
	db.conn.QueryRowContext(context.Background(), "PRAGMA user_version").Scan(&v)
	db.conn.QueryRowContext(context.Background(), "SELECT count(*) FROM pragma_table_info('series') WHERE name = 'host'").Scan(&cols)
	if v != 1 || cols != 0 || count(t, db, "sample") != 3 {
		t.Errorf("version %d, host column %d, samples %d", v, cols, count(t, db, "sample"))
	}
}

// TestFindSeriesHostIndex: one host's series come from the host index,
// not from reading every series' tags, which made sm-query --host slow
// on a large database.
func TestFindSeriesHostIndex(t *testing.T) {
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), &clock{t0})
	for _, with := range [][]string{{"host=web1"}, {"mount=/", "host=web1"}} {
		q, args := findQuery([]string{"disk.*"}, with, []string{"mount=/x"})
		if p := queryPlan(t, db, q, args...); !strings.Contains(p, "INDEX series_host (host=?") {
			t.Errorf("%q: plan %q does not use the host index", with, p)
		}
	}
}

func TestRetireHost(t *testing.T) {
	c := &clock{t0 + 2*Period}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	write(t, db,
		"disk.used_pct;host=web2;mount=/ 1 1764039600",
		"disk.used_pct;host=web2;mount=/ 2 1764039660",
		"load.1m;host=web2 3 1764039600",
		"load.1m;host=web1 4 1764039600",
		"load.1m;host=web22 5 1764039600",
		"load.1m 6 1764039600",
	)
	write(t, db, fmt.Sprintf("load.1m;host=web2 7 %d", c.now)) // open period: a row in the sample table
	r, err := db.RetireHost("web2")
	if err != nil {
		t.Fatal(err)
	}
	if r != (Retired{Series: 2, Samples: 4, Rollups: 2}) {
		t.Errorf("retired %+v", r)
	}
	want := []string{"load.1m 6 1764039600", "load.1m;host=web1 4 1764039600", "load.1m;host=web22 5 1764039600"}
	if got := dump(t, db); !reflect.DeepEqual(got, want) {
		t.Errorf("left %q", got)
	}
	for _, table := range []string{"pending", "sample"} {
		if n := count(t, db, table); n != 0 {
			t.Errorf("%d rows left in %s", n, table)
		}
	}
	// The series may come back, new.
	if st := write(t, db, "load.1m;host=web2 8 1764039600"); st.NewSeries != 1 {
		t.Errorf("back: %+v", st)
	}
	if r, err := db.RetireHost("nosuch"); err != nil || r != (Retired{}) {
		t.Errorf("no such host: %+v %v", r, err)
	}
}

// TestRangeModes: a Range reads the same samples whether it takes the
// open period's rows of all series in one query, a query a series (past
// hotBulkMax series, as after a flood of new ones), or none (a range in
// the past).
func TestRangeModes(t *testing.T) {
	c := &clock{t0 + Period + 600}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	write(t, db, "a;host=x 1 1764039600", "b;host=x 2 1764039600", "a;host=x 3 1764039660") // packed
	write(t, db, fmt.Sprintf("a;host=x 4 %d", t0+Period), fmt.Sprintf("b;host=x 5 %d", t0+Period+60), fmt.Sprintf("c;host=y 6 %d", t0+Period))
	ss, err := db.FindSeries(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	read := func(from, to int64) []string {
		rng, err := db.Range(from, to)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range ss {
			rng.Scan(s.ID, func(ts int64, v float64) error {
				out = append(out, fmt.Sprintf("%s %v %d", s.Key(), v, ts))
				return nil
			})
		}
		return out
	}
	all := []string{"a;host=x 1 1764039600", "a;host=x 3 1764039660", fmt.Sprintf("a;host=x 4 %d", t0+Period),
		"b;host=x 2 1764039600", fmt.Sprintf("b;host=x 5 %d", t0+Period+60), fmt.Sprintf("c;host=y 6 %d", t0+Period)}
	past := []string{"a;host=x 1 1764039600", "a;host=x 3 1764039660", "b;host=x 2 1764039600"}
	saved := hotBulkMax
	t.Cleanup(func() { hotBulkMax = saved })
	for _, max := range []int{saved, 1} {
		hotBulkMax = max
		if got := read(0, 1<<40); !reflect.DeepEqual(got, all) {
			t.Errorf("hotBulkMax %d: %q, want %q", max, got, all)
		}
		if got := read(0, t0+Period); !reflect.DeepEqual(got, past) {
			t.Errorf("hotBulkMax %d, the past: %q, want %q", max, got, past)
		}
	}
}
