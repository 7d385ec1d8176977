package smstore

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"sm/internal/record"
	"sm/internal/safefile"
)

// A spool keeps the records a run could not store, for the next run with
// the same spool to store first. Runs sharing a spool take turns: each
// holds an exclusive lock on it from start to end.
type spool struct {
	path    string
	f       *os.File // locked, for appending and emptying
	size    int64    // what it held when locked: the records to store first
	w       *bufio.Writer
	lw      *lineWriter // under w
	base    int64       // the size before the first record added
	emptied bool
	err     error
}

// A lineWriter writes to the spool and counts what reached it: the
// whole record lines, and the bytes up to the end of the last line.
type lineWriter struct {
	f           *os.File
	n, wholeEnd int64
	lines       int
	mid         bool // within a line
	meta        bool // within a meta line
}

func (w *lineWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if i := bytes.LastIndexByte(p[:n], '\n'); i >= 0 {
		w.wholeEnd = w.n + int64(i) + 1
	}
	w.count(p[:n])
	w.n += int64(n)
	return n, err
}

// count counts the record lines that p ends, and not the meta lines.
func (w *lineWriter) count(p []byte) {
	for _, c := range p {
		if !w.mid {
			w.meta = c == '#'
		}
		w.mid = c != '\n'
		if c == '\n' && !w.meta {
			w.lines++
		}
	}
}

// lockSpool opens the spool, creating it, and waits up to the run's wait
// for its lock.
func (r *run) lockSpool(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := safefile.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(r.wait)
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return fmt.Errorf("locking the spool %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			f.Close()
			return fmt.Errorf("spool %s: still locked by another sm-store after %v", path, r.wait)
		}
		time.Sleep(10 * time.Millisecond)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	r.spool = &spool{path: path, f: f, size: fi.Size()}
	return nil
}

// empty truncates the spool, once its records are all stored.
func (s *spool) empty() error {
	if s.w != nil {
		// Nothing was added: adding happens only after a failure, and
		// then the spool is not emptied.
		return errors.New("emptying a spool with records added")
	}
	if err := s.f.Truncate(0); err != nil {
		return fmt.Errorf("emptying the spool %s: %w", s.path, err)
	}
	s.emptied = true
	return nil
}

// add appends a record. After a failed write it adds nothing more.
func (s *spool) add(key string, ts int64, v float64) {
	if s.start() {
		_, s.err = s.w.Write(appendLine(s.w.AvailableBuffer(), key, ts, v))
	}
}

// addMeta appends a meta line, as add does a record.
func (s *spool) addMeta(m *record.Meta) {
	if s.start() {
		_, s.err = s.w.Write(record.AppendMeta(s.w.AvailableBuffer(), m))
	}
}

// start readies the spool for adding, the first time, and reports
// whether it may be added to.
func (s *spool) start() bool {
	if s.err != nil {
		return false
	}
	if s.w == nil {
		fi, err := s.f.Stat()
		if err != nil {
			s.err = err
			return false
		}
		s.base = fi.Size()
		s.lw = &lineWriter{f: s.f}
		s.w = bufio.NewWriter(s.lw)
	}
	return true
}

// appendLine appends the record line of a series given by its canonical
// text, with its newline.
func appendLine(b []byte, key string, ts int64, v float64) []byte {
	b = append(b, key...)
	b = append(b, ' ')
	b = record.AppendValue(b, v)
	b = append(b, ' ')
	b = strconv.AppendInt(b, ts, 10)
	return append(b, '\n')
}

// flush writes the added records out and to disk, and returns how many
// the spool holds. A write that failed part way (a full disk, a file
// size limit) is cut back to the last whole line: a torn record would
// otherwise be stored next time as a different one.
func (s *spool) flush() (kept int, err error) {
	if s.w == nil {
		return 0, s.failure()
	}
	if err := s.w.Flush(); err != nil && s.err == nil {
		s.err = err
	}
	if err := s.f.Sync(); err != nil && s.err == nil {
		s.err = err
	}
	if s.err != nil && s.lw.wholeEnd < s.lw.n {
		if err := s.f.Truncate(s.base + s.lw.wholeEnd); err != nil {
			return 0, fmt.Errorf("writing the spool %s: %w, and cutting off its torn last line: %w", s.path, unwrapPath(s.err), unwrapPath(err))
		}
	}
	return s.lw.lines, s.failure()
}

func (s *spool) failure() error {
	if s.err != nil {
		return fmt.Errorf("writing the spool %s: %w", s.path, unwrapPath(s.err))
	}
	return nil
}

// unwrapPath drops the path from an *os.PathError, for a message that
// already names the file.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (s *spool) close() { s.f.Close() }
