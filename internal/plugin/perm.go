package plugin

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// safePath returns an error naming the first of path and the folders
// above it, up to /, that another user than root or this one could have
// changed: one they own, or one group or others may write. Root runs
// plugins as itself, so whoever can change a plugin, or rename another
// into its folder, can run anything as root. This is sshd's StrictModes
// (safe_path in OpenSSH's misc.c), with one allowance: a folder with the
// sticky bit, as /tmp, lets none but an entry's owner replace it, and
// the entry below is checked in turn.
//
// path has no symbolic links (see checkPlugins): each one on the way
// would be a path of its own to check.
func safePath(path string) error {
	uid := uint32(os.Geteuid())
	for p := path; ; p = filepath.Dir(p) {
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return fmt.Errorf("%s: cannot tell its owner", p)
		}
		switch {
		case st.Uid != 0 && st.Uid != uid:
			return fmt.Errorf("%s is owned by uid %d, not root", p, st.Uid)
		case fi.Mode().Perm()&0o022 != 0 && !(p != path && fi.IsDir() && fi.Mode()&fs.ModeSticky != 0):
			return fmt.Errorf("%s is writable by %s", p, writers(fi.Mode()))
		}
		if p == filepath.Dir(p) {
			return nil
		}
	}
}

func writers(m fs.FileMode) string {
	switch m.Perm() & 0o022 {
	case 0o020:
		return "its group"
	case 0o002:
		return "others"
	}
	return "its group and others"
}

// checkPlugins keeps, of progs found in dir, the ones that safePath
// passes, through any links, with dir itself. A folder that fails
// refuses all of its plugins, one that fails refuses itself; each is
// reported, naming the path, for a plugin left out without a word would
// be a puzzle.
func checkPlugins(dir string, progs []program) ([]program, []error) {
	refuse := func(err error) error {
		return fmt.Errorf("refusing to run as root: %w", err)
	}
	real, err := filepath.EvalSymlinks(dir)
	if err == nil {
		var abs string
		if abs, err = filepath.Abs(real); err == nil {
			err = safePath(abs)
		}
	}
	if err != nil {
		return nil, []error{refuse(err)}
	}
	var ok []program
	var errs []error
	for _, p := range progs {
		real, err := filepath.EvalSymlinks(p.path)
		if err == nil {
			var abs string
			if abs, err = filepath.Abs(real); err == nil {
				err = safePath(abs)
			}
		}
		if err != nil {
			errs = append(errs, refuse(fmt.Errorf("plugin %s: %w", p.name, err)))
			continue
		}
		ok = append(ok, p)
	}
	return ok, errs
}
