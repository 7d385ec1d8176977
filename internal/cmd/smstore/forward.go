package smstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"

	"sm/internal/cli"
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
	n, err := r.spool.lines()
	if err != nil {
		r.failed(err)
		return
	}
	if n == 0 {
		return
	}
	in, err := os.Open(r.spool.path)
	if err != nil {
		r.failed(err)
		return
	}
	defer in.Close()
	cmd := exec.Command("/bin/sh", "-c", command)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = in, r.Stdout, r.Stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = errors.New(ee.ProcessState.String())
		}
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

// cutTorn cuts off a last line without its newline: what a run killed
// while appending left. It would otherwise join the next record into
// one bad line, which the command would refuse at every run.
func (s *spool) cutTorn() error {
	fi, err := s.f.Stat()
	if err != nil || fi.Size() == 0 {
		return err
	}
	size := fi.Size()
	const tail = 4096 + 64 // a line is at most this long
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

// lines counts the records in the spool.
func (s *spool) lines() (int, error) {
	f, err := os.Open(s.path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	buf := make([]byte, 64<<10)
	for {
		m, err := f.Read(buf)
		n += bytes.Count(buf[:m], []byte("\n"))
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}
