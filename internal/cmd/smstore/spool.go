package smstore

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"sm/internal/record"
)

// A spool keeps the records a run could not store, for the next run with
// the same spool to store first. Runs sharing a spool take turns: each
// holds an exclusive lock on it from start to end.
type spool struct {
	path    string
	f       *os.File // locked, for appending and emptying
	size    int64    // what it held when locked: the records to store first
	w       *bufio.Writer
	emptied bool
	lost    int // records that could not be written to it
	err     error
}

// lockSpool opens the spool, creating it, and waits up to the run's wait
// for its lock.
func (r *run) lockSpool(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o640)
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

// add appends a record.
func (s *spool) add(key string, ts int64, v float64) error {
	if s.err != nil {
		return s.err
	}
	if s.w == nil {
		s.w = bufio.NewWriter(s.f)
	}
	b := s.w.AvailableBuffer()
	b = append(b, key...)
	b = append(b, ' ')
	b = record.AppendValue(b, v)
	b = append(b, ' ')
	b = strconv.AppendInt(b, ts, 10)
	b = append(b, '\n')
	_, s.err = s.w.Write(b)
	return s.err
}

// flush writes the added records out and to disk.
func (s *spool) flush() error {
	if s.w == nil {
		return s.err
	}
	if err := s.w.Flush(); err != nil && s.err == nil {
		s.err = err
	}
	if err := s.f.Sync(); err != nil && s.err == nil {
		s.err = err
	}
	if s.err != nil {
		return fmt.Errorf("writing the spool %s: %w", s.path, s.err)
	}
	return nil
}

func (s *spool) close() { s.f.Close() }
