package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"sm/internal/record"
)

// writeMeta stores meta lines, and returns the stats and the groups
// refused.
func writeMeta(t *testing.T, db *DB, lines ...string) (Stats, []string) {
	t.Helper()
	b := NewBatch()
	for _, l := range lines {
		m, err := record.ParseMeta([]byte(l), t0)
		if err != nil {
			t.Fatalf("bad test line %q: %v", l, err)
		}
		b.AddMeta(m)
	}
	st, err := db.Write(b)
	if err != nil {
		t.Fatal(err)
	}
	var refused []string
	b.EachRefusedMeta(func(m *record.Meta) { refused = append(refused, m.Host+" "+m.Group) })
	return st, refused
}

func groupMeta(t *testing.T, db *DB, host, group string) *GroupMeta {
	t.Helper()
	m, ok, err := db.GroupMeta(host, group)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return nil
	}
	return &m
}

func TestGroupMeta(t *testing.T) {
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), &clock{t0})
	st, refused := writeMeta(t, db,
		`#meta munin.load host=web1 time=100 title=Load\040average vlabel=load order=load label.load=load`,
		`#meta munin.df host=a;b time=100 title=Disk order=_dev_sda1,_dev_sdb1 label._dev_sdb1=/home`,
		`#meta munin.bare time=100`,
	)
	if st.Metas != 3 || refused != nil {
		t.Fatalf("stats %+v, refused %q", st, refused)
	}
	for _, tc := range []struct {
		host, group string
		want        *GroupMeta
	}{
		{"web1", "munin.load", &GroupMeta{Title: "Load average", VLabel: "load", Order: []string{"load"}, Labels: map[string]string{"load": "load"}}},
		{"a;b", "munin.df", &GroupMeta{Title: "Disk", Order: []string{"_dev_sda1", "_dev_sdb1"}, Labels: map[string]string{"_dev_sdb1": "/home"}}},
		{"", "munin.bare", &GroupMeta{}},
		{"web2", "munin.load", nil},
		{"web1", "munin", nil},
		{`a\073b`, "munin.df", nil}, // the host decoded, not as written
	} {
		t.Run(tc.host+" "+tc.group, func(t *testing.T) {
			if got := groupMeta(t, db, tc.host, tc.group); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}

	// The latest time wins, the last written of equal times; an older
	// meta, from a spool emptied late, changes nothing.
	writeMeta(t, db,
		`#meta munin.load host=web1 time=200 title=Newer`,
		`#meta munin.load host=web1 time=150 title=Older`,
		`#meta munin.df host=a;b time=100 title=Same\040time`,
	)
	if got := groupMeta(t, db, "web1", "munin.load"); got == nil || !reflect.DeepEqual(*got, GroupMeta{Title: "Newer"}) {
		t.Errorf("after newer: %+v", got)
	}
	if got := groupMeta(t, db, "a;b", "munin.df"); got == nil || got.Title != "Same time" {
		t.Errorf("after same time: %+v", got)
	}

	// The same meta again is not written: its time stays that of its
	// last change.
	writeMeta(t, db, `#meta munin.df host=a;b time=300 title=Same\040time`)
	var ts int64
	if err := db.conn.QueryRowContext(context.Background(), "SELECT ts FROM group_meta WHERE grp = 'munin.df'").Scan(&ts); err != nil || ts != 100 {
		t.Errorf("unchanged meta: time %d, %v", ts, err)
	}

	// Retiring a host takes its meta.
	write(t, db, "load.1m;host=web1 1 1764039600")
	got, err := db.RetireHost("web1")
	if err != nil || got.Series != 1 || got.Groups != 1 {
		t.Fatalf("retire: %+v %v", got, err)
	}
	if m := groupMeta(t, db, "web1", "munin.load"); m != nil {
		t.Errorf("after retiring: %+v", m)
	}
	if m := groupMeta(t, db, "a;b", "munin.df"); m == nil {
		t.Errorf("another host's meta retired")
	}
}

// TestGroupMetaLimit: a host past MaxHostGroups has its new groups'
// meta refused, not the meta of groups it has, nor another host's.
func TestGroupMetaLimit(t *testing.T) {
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), &clock{t0})
	var lines []string
	for i := range MaxHostGroups {
		lines = append(lines, "#meta g"+strconv.Itoa(i)+" host=flood")
	}
	if st, refused := writeMeta(t, db, lines...); st.Metas != MaxHostGroups || refused != nil {
		t.Fatalf("stats %+v, refused %q", st, refused)
	}
	st, refused := writeMeta(t, db, "#meta new host=flood", "#meta g0 host=flood title=again", "#meta g0 host=other", "#meta new2 host=flood")
	if st.Metas != 2 || !reflect.DeepEqual(refused, []string{"flood new", "flood new2"}) {
		t.Errorf("stats %+v, refused %q", st, refused)
	}
	if m := groupMeta(t, db, "flood", "g0"); m == nil || m.Title != "again" {
		t.Errorf("g0: %+v", m)
	}
}

// TestMigrationGroupMeta upgrades a database of the second schema in
// place, and checks that a reader of one, which does not upgrade, finds
// no meta and no error.
func TestMigrationGroupMeta(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	openV2(t, path)
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := ro.GroupMeta("web1", "munin.load"); ok || err != nil {
		t.Errorf("schema 2: %v %v", ok, err)
	}
	ro.Close()
	db := openTest(t, path, &clock{t0 + 60})
	if got := dump(t, db); !reflect.DeepEqual(got, []string{"load.1m;host=web1 0.5 1764039600"}) {
		t.Errorf("after the upgrade: %q", got)
	}
	writeMeta(t, db, "#meta munin.load host=web1 title=Load")
	if m := groupMeta(t, db, "web1", "munin.load"); m == nil || m.Title != "Load" {
		t.Errorf("after the upgrade: %+v", m)
	}
}

// TestMigrationGroupMetaCrash: a step killed after making the table,
// before the version is written, leaves the second schema whole, which
// the sm-store of that schema goes on using.
func TestMigrationGroupMetaCrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	openV2(t, path)
	saved := migrations
	t.Cleanup(func() { migrations = saved })
	migrations = []migration{createV1, addHost, func(ctx context.Context, c *sql.Conn) error {
		if err := addGroupMeta(ctx, c); err != nil {
			return err
		}
		return errors.New("killed")
	}}
	if _, err := Open(path, Options{Wait: time.Second}); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("got %v", err)
	}
	migrations = saved[:2]
	db := openTest(t, path, &clock{t0 + 60})
	var v, tables int
	db.conn.QueryRowContext(context.Background(), "PRAGMA user_version").Scan(&v)
	db.conn.QueryRowContext(context.Background(), "SELECT count(*) FROM sqlite_schema WHERE name = 'group_meta'").Scan(&tables)
	if v != 2 || tables != 0 {
		t.Errorf("version %d, group_meta tables %d", v, tables)
	}
	// As the sm-store of schema 2 wrote it: three-hour periods.
	if _, err := db.conn.ExecContext(context.Background(), "INSERT INTO sample (series_id, ts, value) VALUES (1, 1764039660, 0.75)"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "sample"); n != 2 {
		t.Errorf("the old schema in use: %d samples", n)
	}
	db.Close()
	migrations = saved
	db = openTest(t, path, &clock{t0 + 120})
	writeMeta(t, db, "#meta munin.load host=web1 title=Load")
	if m := groupMeta(t, db, "web1", "munin.load"); m == nil {
		t.Errorf("no meta after upgrading at last")
	}
}

// openV2 makes a database of the second schema, by the code that made
// it, with one sample put in as that code did.
func openV2(t *testing.T, path string) {
	t.Helper()
	saved := migrations
	migrations = migrations[:2]
	db, err := Open(path, Options{Wait: time.Second, Now: (&clock{t0 + 60}).Now})
	migrations = saved
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`INSERT INTO series (id, name, tags, host) VALUES (1, 'load.1m', 'host=web1', 'web1')`,
		`INSERT INTO sample (series_id, ts, value) VALUES (1, 1764039600, 0.5)`,
		`INSERT INTO pending (t0, series_id) VALUES (1764039600, 1)`, // a three-hour period
	} {
		if _, err := db.conn.ExecContext(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
}
