// Package safefile opens the files sm writes (spool, reject file, state,
// report, backup) the way a program run as root by cron must, after
// sshd's StrictModes and OpenSSH's safe_path: never through a symbolic
// link in the last component, only a regular file, and, as root, only
// one that root owns and that has no other name. A symbolic link or a
// hard link planted where root writes would otherwise make root
// truncate or append to any file of the attacker's choosing.
//
// The folders on the way are not checked: sm's own folders are made by
// sm or the administrator, and a path given on the command line is the
// administrator's choice.
package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// root reports whether the process runs as root, whom no permission
// stops and who therefore checks for itself. Tests change it.
var root = func() bool { return os.Geteuid() == 0 }

// OpenFile opens name as os.OpenFile does, but refuses a symbolic link
// in the last component and a file that Check refuses. O_NONBLOCK keeps
// a FIFO put in the file's place from holding the run forever before it
// is refused.
func OpenFile(name string, flag int, perm fs.FileMode) (*os.File, error) {
	f, err := os.OpenFile(name, flag|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, perm)
	if err != nil {
		// ELOOP for a link, ENXIO for a FIFO with no reader: say why.
		if fi, lerr := os.Lstat(name); lerr == nil {
			if cerr := check(name, fi); cerr != nil {
				return nil, cerr
			}
		}
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil {
		err = check(name, fi)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Open is OpenFile for a caller that reads and writes with system calls
// of its own: it returns the bare descriptor, which the caller closes,
// and the file's status, which the checks read. An *os.File's first
// opening starts the runtime's poller (an epoll instance and an eventfd)
// and its finalizer goroutine, which in a run of a few milliseconds, as
// sm-sample's, cost more than reading the file does. perm's permission
// bits are the file's mode, less the umask, when Open creates it.
func Open(name string, flag int, perm fs.FileMode) (fd int, st syscall.Stat_t, err error) {
	for {
		fd, err = syscall.Open(name, flag|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_CLOEXEC, uint32(perm.Perm()))
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		// ELOOP for a link, ENXIO for a FIFO with no reader: say why.
		if fi, lerr := os.Lstat(name); lerr == nil {
			if cerr := check(name, fi); cerr != nil {
				return -1, st, cerr
			}
		}
		return -1, st, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if err = syscall.Fstat(fd, &st); err != nil {
		err = &fs.PathError{Op: "stat", Path: name, Err: err}
	} else {
		err = checkStat(name, statMode(&st), &st)
	}
	if err != nil {
		syscall.Close(fd)
		return -1, st, err
	}
	return fd, st, nil
}

// statMode is the type of the file st describes, as fs.FileMode says it.
func statMode(st *syscall.Stat_t) fs.FileMode {
	switch st.Mode & syscall.S_IFMT {
	case syscall.S_IFBLK:
		return fs.ModeDevice
	case syscall.S_IFCHR:
		return fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFDIR:
		return fs.ModeDir
	case syscall.S_IFIFO:
		return fs.ModeNamedPipe
	case syscall.S_IFLNK:
		return fs.ModeSymlink
	case syscall.S_IFSOCK:
		return fs.ModeSocket
	}
	return 0
}

// Check checks the file at name, if there is one, before a program
// writes it by another way than OpenFile: renaming a file over it, or
// letting a library open it. It refuses what OpenFile refuses.
func Check(name string) error {
	fi, err := os.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return check(name, fi)
}

func check(name string, fi fs.FileInfo) error {
	st, _ := fi.Sys().(*syscall.Stat_t)
	return checkStat(name, fi.Mode(), st)
}

// checkStat is check for a file of mode m, whose status is st where
// the system gives one.
func checkStat(name string, m fs.FileMode, st *syscall.Stat_t) error {
	if m&fs.ModeSymlink != 0 {
		return symlinkError(name)
	}
	if !m.IsRegular() {
		return fmt.Errorf("%s: not a regular file (%s); refusing to write it", name, kind(m))
	}
	if st == nil || !root() {
		return nil
	}
	if st.Uid != uint32(os.Geteuid()) {
		return fmt.Errorf("%s: owned by uid %d, not by root that runs this; refusing to write it", name, st.Uid)
	}
	if st.Nlink > 1 {
		return fmt.Errorf("%s: has %d hard links; refusing to write it as root", name, st.Nlink)
	}
	return nil
}

func symlinkError(name string) error {
	return fmt.Errorf("%s: is a symbolic link; refusing to write through it", name)
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return m.Type().String()
}

// CreateTemp creates a new file in dir, named prefix and random
// letters, with perm less the umask, and opens it for reading and
// writing. Unlike os.CreateTemp, which always makes 0600, the mode is
// the caller's: a report is for reading. The name is new (O_EXCL) and
// never a symbolic link someone planted.
func CreateTemp(dir, prefix string, perm fs.FileMode) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, prefix+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("%s: cannot find a new name for a temporary file", dir)
}
