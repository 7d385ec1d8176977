// Package store keeps records in SQLite: series get small integer ids;
// samples of the open period sit one per row, and each closed period of
// each series is packed into one row, which is what keeps a sample under
// 8 bytes on disk; hourly rollups are kept beside. The layout is
// described for users in sm-store(1), and the view metrics shows it all
// as plain rows to the sqlite3 shell.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/mattn/go-sqlite3"
	"golang.org/x/sys/unix"

	"sm/internal/xdg"
)

// DefaultPath returns where the database is when --db is not given, by
// the same rule in all four tools: $SM_DB, else /var/lib/sm/metrics.db
// for root, else $XDG_DATA_HOME/sm/metrics.db, by default under
// ~/.local/share.
func DefaultPath() (string, error) {
	if p := os.Getenv("SM_DB"); p != "" {
		return p, nil
	}
	p, err := xdg.Data.Path("metrics.db")
	if err != nil {
		return "", fmt.Errorf("no database: $SM_DB is not set, and %v (use --db)", err)
	}
	return p, nil
}

// Resolve returns the database path: flag when it is set, else the
// default.
func Resolve(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	return DefaultPath()
}

// Options are the settings of Open.
type Options struct {
	// Wait is how long to wait for another process's lock.
	Wait time.Duration
	// ReadOnly opens an existing database for reading only.
	ReadOnly bool
	// Now is the clock that decides which periods are closed; nil means
	// time.Now.
	Now func() time.Time
	// NoSync skips the fsync at each commit: for simulations that write
	// a year in minutes, never for data anyone wants to keep.
	NoSync bool
	// Limits bound the series that writes may create.
	Limits Limits
}

// A DB is an open sm database, on one connection.
type DB struct {
	path string
	sql  *sql.DB
	conn *sql.Conn // the one connection, used directly: a transaction
	// of database/sql starts a goroutine for every query in it
	now    func() time.Time
	policy Policy

	// Caches, valid while no other process has written: see tx.
	series      map[string]int64 // canonical series text to id
	names       map[int64]string // and back
	times       map[string]int64 // a times row's offsets to its id
	blocks      blockCache
	sq          squeezer
	inf         inflater
	scratch     scratch
	dataVersion int64

	deferred   int   // closed days Write left in the sample table
	version    int64 // of the schema, as read or upgraded to
	limits     Limits
	created    int            // series created, for Limits.NewSeries
	hostSeries map[string]int // a host's series, once counted
}

// An Error is a failure of the database file itself, as opposed to the
// input: it names the file.
type Error struct {
	Path string
	Err  error
}

func (e *Error) Error() string {
	var se sqlite3.Error
	if errors.As(e.Err, &se) && se.Code == sqlite3.ErrCorrupt {
		// SQLite's "database disk image is malformed" alone leaves the
		// user to guess what to do.
		return e.Path + ": the file is damaged (" + e.Err.Error() + "); move it aside and restore a backup"
	}
	return e.Path + ": " + e.Err.Error()
}
func (e *Error) Unwrap() error { return e.Err }

// ErrNotSM means the file is not an sm database; it was left untouched.
var ErrNotSM = errors.New("not an sm database")

// Open opens the database at path, creating it, and its folder, when it
// does not exist. A file that is not an sm database, another program's
// SQLite file or no SQLite file at all, is refused and left as it was.
func Open(path string, o Options) (*DB, error) {
	db, err := open(path, o)
	if err != nil {
		return nil, &Error{path, folderHint(path, err)}
	}
	return db, nil
}

// folderHint explains SQLite's refusal to open or write a database whose
// folder the user may not write: the journal and its index live beside
// the database, and SQLite only says the database is read-only.
func folderHint(path string, err error) error {
	var se sqlite3.Error
	if !errors.As(err, &se) || se.Code != sqlite3.ErrReadonly && se.Code != sqlite3.ErrCantOpen {
		return err
	}
	dir := filepath.Dir(path)
	if unix.Access(dir, unix.W_OK) == nil {
		return err
	}
	base := filepath.Base(path)
	return fmt.Errorf("%w: the folder %s is not writable, and SQLite needs %s-wal and %s-shm beside the database", err, dir, base, base)
}

func open(path string, o Options) (*DB, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if !o.ReadOnly {
		if err := create(path); err != nil {
			return nil, err
		}
	}
	// No journal mode in the DSN: switching a foreign database to WAL
	// would write to it before it is checked.
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(max(1, o.Wait.Milliseconds())))
	// Prepared statements kept for the connection's life: preparing
	// costs more than running most of sm's.
	q.Set("_stmt_cache_size", "64")
	if o.ReadOnly {
		q.Set("mode", "ro")
	}
	sdb, err := sql.Open(driverName, "file:"+escapePath(path)+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	sdb.SetMaxOpenConns(1)
	sdb.SetMaxIdleConns(1)
	sdb.SetConnMaxLifetime(0)
	conn, err := sdb.Conn(context.Background())
	if err != nil {
		sdb.Close()
		return nil, notSM(err)
	}
	db := &DB{path: path, sql: sdb, conn: conn, now: o.Now, series: map[string]int64{}, names: map[int64]string{}, times: map[string]int64{},
		limits: o.Limits, hostSeries: map[string]int{}}
	if err := db.init(o.ReadOnly, o.NoSync); err != nil {
		db.Close()
		return nil, err
	}
	if o.ReadOnly && db.version < int64(len(migrations)) {
		// Readers know only the current schema: one that finds an older
		// one upgrades it, as the next sm-store run would.
		old := db.version
		db.Close()
		o.ReadOnly = false
		up, err := open(path, o)
		if err != nil {
			return nil, fmt.Errorf("%w (upgrading its schema %d, which this version cannot read; a run of sm-store by a user who may write the database upgrades it)", err, old)
		}
		up.Close()
		o.ReadOnly = true
		return open(path, o)
	}
	return db, nil
}

// escapePath makes a file name safe in a file: URI.
func escapePath(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}

// create makes a missing database file, and its folders, with mode 0640:
// SQLite would make it 0644, and metrics say much about a machine.
func create(path string) error {
	if _, err := os.Stat(path); err == nil || !errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if errors.Is(err, os.ErrExist) {
		return nil // another run made it first
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// readerCache bounds a reader's page cache to 256 KiB, an eighth of
// SQLite's default. A query reads most pages once, in key order: with the
// default cache each page it reads takes memory never touched before,
// and a first touch costs more than the read (11 µs a page on the VM the
// bench runs on). A small cache reuses the same memory, and keeps the
// b-trees' upper pages, which every seek reads. On the bench's databases
// a day of every series and a year of one metric by day take 10 to 20%
// less processor time, the weekly report 7% less.
const readerCache = "PRAGMA cache_size=-256"

// init checks, under SQLite's own lock so that runs starting together
// agree, that the file is an sm database or an empty one; creates or
// upgrades the schema; and only then turns on the WAL journal.
func (db *DB) init(readOnly, noSync bool) error {
	ctx := context.Background()
	if readOnly {
		if _, err := db.conn.ExecContext(ctx, readerCache); err != nil {
			return err
		}
		if err := db.check(ctx, false); err != nil {
			return err
		}
		return db.load(ctx)
	}
	if err := db.tx(func() error { return db.check(ctx, true) }); err != nil {
		return notSM(err)
	}
	var mode string
	if err := db.conn.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		return err
	}
	if mode != "wal" {
		return fmt.Errorf("cannot use the WAL journal (journal mode is %q): is the folder on a network filesystem?", mode)
	}
	// The journal and its index stay, emptied, when the last writer
	// closes: SQLite reads a WAL database only through both, and a user
	// who may read the database but not write its folder cannot make
	// them.
	if _, err := db.conn.ExecContext(ctx, "PRAGMA journal_size_limit=4194304"); err != nil {
		return err
	}
	if err := db.conn.Raw(func(c any) error {
		return c.(*sqlite3.SQLiteConn).SetFileControlInt("main", sqlite3.SQLITE_FCNTL_PERSIST_WAL, 1)
	}); err != nil {
		return err
	}
	// FULL: a batch sm-store said it stored survives a power cut.
	sync := "FULL"
	if noSync {
		sync = "OFF"
	}
	if _, err := db.conn.ExecContext(ctx, "PRAGMA synchronous="+sync); err != nil {
		return err
	}
	return db.load(ctx)
}

// check refuses a file that is not ours, and, when it may write,
// creates or upgrades the schema of one that is, or is empty.
func (db *DB) check(ctx context.Context, write bool) error {
	q := func(query string) (int64, error) {
		var n int64
		err := db.conn.QueryRowContext(ctx, query).Scan(&n)
		return n, notSM(err)
	}
	// An empty file reads as a database without tables.
	tables, err := q("SELECT count(*) FROM sqlite_schema")
	if err != nil {
		return err
	}
	app, err := q("PRAGMA application_id")
	if err != nil {
		return err
	}
	version, err := q("PRAGMA user_version")
	if err != nil {
		return err
	}
	db.version = version
	empty := tables == 0 && app == 0 && version == 0
	switch {
	case empty && write:
		if _, err := db.conn.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id=%d", applicationID)); err != nil {
			return err
		}
	case empty:
		return fmt.Errorf("%w: the file is empty", ErrNotSM)
	case app == 0:
		return fmt.Errorf("%w: another program's SQLite database; left untouched", ErrNotSM)
	case app != applicationID:
		return fmt.Errorf("%w: another program's SQLite database (application id %#x); left untouched", ErrNotSM, app)
	case version > int64(len(migrations)):
		return fmt.Errorf("written by a newer sm-store (schema %d; this one knows up to %d)", version, len(migrations))
	}
	if !write || version == int64(len(migrations)) {
		return nil
	}
	for v := version; v < int64(len(migrations)); v++ {
		if err := migrations[v](ctx, db.conn); err != nil {
			return fmt.Errorf("upgrading the schema from version %d: %w", v, err)
		}
	}
	_, err = db.conn.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version=%d", len(migrations)))
	if err == nil {
		db.version = int64(len(migrations))
	}
	return err
}

// notSM turns SQLite's "file is not a database" into ErrNotSM.
func notSM(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrNotADB {
		return fmt.Errorf("%w: not a SQLite file; left untouched", ErrNotSM)
	}
	return err
}

// load reads the retention policy.
func (db *DB) load(ctx context.Context) error {
	p, err := db.readPolicy(ctx)
	db.policy = p
	return err
}

// Path returns the database's file name.
func (db *DB) Path() string { return db.path }

// Close closes the database.
func (db *DB) Close() error {
	db.conn.Close()
	return db.sql.Close()
}

// tx runs f in a write transaction: BEGIN IMMEDIATE takes the write lock
// at once, so that a transaction never fails half way for want of it.
func (db *DB) tx(f func() error) error {
	ctx := context.Background()
	if _, err := db.conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	// data_version moves when another connection commits: what this
	// one cached may then be out of date. (Series ids never change.)
	var v int64
	err := db.conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v)
	if err == nil && v != db.dataVersion {
		db.dataVersion = v
		clear(db.times)
		db.blocks.clear()
		clear(db.hostSeries)
	}
	if err == nil {
		err = f()
	}
	if err == nil {
		_, err = db.conn.ExecContext(ctx, "COMMIT")
	}
	if err != nil {
		db.conn.ExecContext(ctx, "ROLLBACK")
	}
	return err
}

// A Policy is how long samples are kept; 0 is forever.
type Policy struct {
	Raw, Hourly time.Duration
}

// Policy returns the retention policy in force.
func (db *DB) Policy() Policy { return db.policy }

func (db *DB) readPolicy(ctx context.Context) (Policy, error) {
	rows, err := db.conn.QueryContext(ctx, "SELECT key, value FROM meta WHERE key IN ('retention_raw', 'retention_hourly')")
	if err != nil {
		return Policy{}, err
	}
	defer rows.Close()
	var p Policy
	for rows.Next() {
		var k string
		var sec int64
		if err := rows.Scan(&k, &sec); err != nil {
			return p, err
		}
		if k == "retention_raw" {
			p.Raw = time.Duration(sec) * time.Second
		} else {
			p.Hourly = time.Duration(sec) * time.Second
		}
	}
	return p, rows.Err()
}

// SetPolicy stores a new retention policy. It takes effect as the
// periodic maintenance prunes, or at once with Compact.
func (db *DB) SetPolicy(p Policy) error {
	err := db.tx(func() error {
		for k, d := range map[string]time.Duration{"retention_raw": p.Raw, "retention_hourly": p.Hourly} {
			if _, err := db.conn.ExecContext(context.Background(), "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", k, int64(d/time.Second)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return db.fail(err)
	}
	db.policy = p
	return nil
}

// fail names the database in an error.
func (db *DB) fail(err error) error {
	var e *Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	return &Error{db.path, folderHint(db.path, err)}
}
