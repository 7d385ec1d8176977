package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"sm/internal/safefile"
)

// VacuumInto writes a copy of the database to path as it stood at one
// moment, while other processes go on writing: a consistent backup of a
// live database, compacted as VACUUM compacts. SQLite reads the source
// in one read transaction, which writers in WAL mode do not wait for. The
// copy is written beside path, synced, and linked into place: path
// holds a whole copy or nothing new. A path that exists is refused.
//
// SQLite would create the copy itself, 0644 and following links. So the
// copy's file is made here first, empty, which VACUUM INTO accepts: a
// new name (O_EXCL, never a planted link), 0600 less the umask, since a
// backup holds all the data. Only then does SQLite open it.
func (db *DB) VacuumInto(path string) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s: already exists; not overwritten", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	f, err := safefile.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp", 0o600)
	if err != nil {
		return err
	}
	tmp := f.Name()
	f.Close()
	if _, err := db.conn.ExecContext(context.Background(), "VACUUM INTO ?", tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: copying into %s: %w", db.path, path, err)
	}
	if err := syncFile(tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", path, err)
	}
	// A link, not a rename: it fails rather than replace a file made at
	// path in the meantime.
	err = os.Link(tmp, path)
	os.Remove(tmp)
	if err != nil {
		return err
	}
	return syncFile(filepath.Dir(path))
}

func syncFile(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
