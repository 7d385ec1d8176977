package smstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"sm/internal/cli"
	"sm/internal/record"
)

// forward passes the records to a command instead of storing them: the
// fan-in of many hosts into one hub, sm-store --forward 'ssh hub
// sm-store'. The spool is the outbox. The new records are appended to it
// and synced before the command starts, so that neither the command's
// failure nor a crash loses them; the command reads the whole spool, the
// records kept from earlier runs first; the spool is emptied only when
// the command succeeds. Without --spool a temporary file serves, and a
// failure loses the records, as a failing database does.
func (r *run) forward(files []string, command string) {
	if r.spool == nil {
		tmp, err := os.CreateTemp("", "sm-store-forward-*")
		if err != nil {
			r.failed(err)
			return
		}
		defer os.Remove(tmp.Name())
		r.spool = &spool{path: tmp.Name(), f: tmp}
		r.tempSpool = true
	} else if err := r.spool.cutTorn(); err != nil {
		r.badLine(err)
	}
	chunks := make(chan *chunk, 4)
	go r.readAll(files, chunks)
	for c := range chunks {
		for _, e := range c.errs {
			r.badLine(e)
		}
		for i := range c.metas {
			r.spool.addMeta(&c.metas[i])
		}
		for i := range c.recs {
			rec := &c.recs[i]
			r.read++
			r.spool.add(string(c.keys[rec.keyFrom:rec.keyTo]), rec.ts, rec.v)
		}
		if c.ioErr != nil {
			r.Warn(c.ioErr)
			r.status = cli.Fail
		}
	}
	added, err := r.spool.flush()
	if err != nil {
		// What did reach the spool is whole and will go next time.
		r.failed(err)
		r.lost = r.read - added
	}
	size, n, all, err := r.spool.lines()
	if err != nil {
		r.failed(err)
		return
	}
	if all == 0 {
		return
	}
	if err := r.pipeTo(command, r.spool.f, size); err != nil {
		r.failed(fmt.Errorf("forwarding to %q: %w", command, err))
		if r.tempSpool {
			r.lost += n
		} else {
			r.Warnf("%d %s kept in %s, to be forwarded next time", n, plural(n, "record"), r.spool.path)
		}
		return
	}
	r.forwarded = n
	if err := r.spool.f.Truncate(0); err != nil {
		// They will go twice, which the hub takes as once: a sample
		// of a series and time already stored is replaced.
		r.Warn(fmt.Errorf("emptying the spool %s: %w", r.spool.path, unwrapPath(err)))
		r.status = cli.Fail
	}
}

// pipeTo runs the shell command with the first size bytes of f on its
// standard input, and returns nil only when the command exited 0 having
// read them all. An exit status of 0 alone proves nothing: a command
// that never reads (a wrong path, "true", a remote shell that ignores
// its input) exits 0 too, and emptying the spool then would lose every
// record in it.
//
// So the pipe is made here and its read end kept open in this process
// as well as handed to the command. After the command exits, the writer
// is stopped (a deadline, since no EPIPE comes while the read end is
// held here) and must have written everything, and FIONREAD on the read
// end must find the pipe empty: what the command did not read is still
// in it.
//
// The command runs in a process group of its own, killed whole after
// --forward-timeout: a hung ssh would otherwise hold the spool's lock,
// and every later run's records with it, for ever.
func (r *run) pipeTo(command string, f *os.File, size int64) error {
	pr, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	defer pr.Close()
	cmd := exec.Command("/bin/sh", "-c", command)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pr, r.Stdout, r.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// A background child of the killed group may hold our output open:
	// do not wait for it past a second.
	cmd.WaitDelay = time.Second
	// io.Writer alone: os.File's ReadFrom would splice, outside the
	// deadline set below.
	w := struct{ io.Writer }{pw}
	// What the empty pipe holds is written before the command starts: a
	// batch that fits, as most do, is then all in the pipe whatever the
	// command does, and what it leaves unread is counted exactly.
	first, err := prefill(pw, f, size)
	if err != nil {
		pw.Close()
		return err
	}
	if err := cmd.Start(); err != nil {
		pw.Close()
		return err
	}
	written := make(chan error, 1)
	go func() {
		_, err := io.Copy(w, io.NewSectionReader(f, first, size-first))
		if cerr := pw.Close(); err == nil {
			err = cerr
		}
		written <- err
	}()
	var timedOut atomic.Bool
	timer := time.AfterFunc(r.forwardTimeout, func() {
		timedOut.Store(true)
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	})
	waitErr := cmd.Wait()
	timer.Stop()
	pw.SetWriteDeadline(time.Now())
	writeErr := <-written
	switch {
	case timedOut.Load():
		return fmt.Errorf("still running after %s (--forward-timeout), killed", cli.FormatDuration(r.forwardTimeout))
	case waitErr != nil:
		var ee *exec.ExitError
		if errors.As(waitErr, &ee) {
			return errors.New(ee.ProcessState.String())
		}
		return waitErr
	case writeErr != nil:
		return errors.New("exit status 0, but the command did not read all its input")
	}
	unread, err := unix.IoctlGetInt(int(pr.Fd()), unix.TIOCINQ) // FIONREAD
	if err != nil {
		return fmt.Errorf("telling whether the command read all its input: %w", err)
	}
	if unread > 0 {
		return fmt.Errorf("exit status 0, but the command left %d of %d bytes of its input unread", unread, size)
	}
	return nil
}

// prefill writes as much of the first size bytes of f into the pipe as
// it takes without waiting, and returns how much that was. No one reads
// the pipe yet: a write that waited would wait for ever.
func prefill(pw, f *os.File, size int64) (int64, error) {
	rc, err := pw.SyscallConn()
	if err != nil {
		return 0, err
	}
	buf := make([]byte, 32<<10)
	var off int64
	for off < size {
		n, err := f.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if err != nil && err != io.EOF {
			return off, err
		}
		if n == 0 {
			return off, nil
		}
		var wn int
		var werr error
		if err := rc.Write(func(fd uintptr) bool {
			wn, werr = unix.Write(int(fd), buf[:n])
			return true // once, never waiting
		}); err != nil {
			return off, err
		}
		off += int64(max(wn, 0))
		switch {
		case werr == unix.EAGAIN || werr == nil && wn < n:
			return off, nil // full
		case werr != nil:
			return off, werr
		}
	}
	return off, nil
}

// cutTorn cuts off a last line without its newline: what a run killed
// while appending left. It would otherwise join the next record into
// one bad line, which the command would refuse at every run.
func (s *spool) cutTorn() error {
	fi, err := s.f.Stat()
	if err != nil || fi.Size() == 0 {
		return err
	}
	size := fi.Size()
	const tail = record.MaxMetaLine + 64 // a line is at most this long
	from := max(0, size-tail)
	b := make([]byte, size-from)
	if _, err := s.f.ReadAt(b, from); err != nil {
		return err
	}
	if b[len(b)-1] == '\n' {
		return nil
	}
	keep := from + int64(bytes.LastIndexByte(b, '\n')+1)
	if err := s.f.Truncate(keep); err != nil {
		return fmt.Errorf("cutting off the torn last line of the spool %s: %w", s.path, unwrapPath(err))
	}
	return fmt.Errorf("%s: cut off a torn last line of %d bytes, left by a run that was stopped while writing it", s.path, size-keep)
}

// lines returns the size of the spool, the records in it and all its
// lines, meta lines too, read through the locked file: the path may name
// another file by now.
func (s *spool) lines() (size int64, n, all int, err error) {
	buf := make([]byte, 64<<10)
	lw := &lineWriter{}
	for {
		m, err := s.f.ReadAt(buf, size)
		lw.count(buf[:m])
		all += bytes.Count(buf[:m], []byte("\n"))
		size += int64(m)
		if err == io.EOF {
			return size, lw.lines, all, nil
		}
		if err != nil {
			return size, lw.lines, all, err
		}
	}
}
