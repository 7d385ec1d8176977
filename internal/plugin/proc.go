package plugin

import (
	"bufio"
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
)

// Bounds on what one run of a plugin may print.
const (
	maxStdout = 4 << 20
	maxStderr = 4 << 10
)

// killGrace is how long a process killed with SIGKILL may take to go. One
// stuck in the kernel, on a dead NFS server, cannot go at all, and is
// left behind rather than holding sm-sample.
const killGrace = 2 * time.Second

// A command is one run of a plugin.
type command struct {
	path    string   // the program
	args    []string // its argv, argv[0] included
	argAt   int      // where withArg puts an argument: 0 at the end, -1 nowhere
	env     []string
	cred    *syscall.Credential // nil: run as sm-sample's user
	timeout time.Duration
}

// An outcome is how a run went: what the plugin printed, and why it
// failed if it did.
type outcome struct {
	stdout []byte
	stderr []string
	err    error
	killed bool // at the timeout: its last line may be cut short
}

// start runs c in a process group of its own and reads its output until
// it ends or the timeout. At the timeout the whole group is killed: the
// plugin and anything it started. Output is read against the same
// deadline, so that a child that outlives the plugin holding its stdout
// open cannot hold sm-sample too.
func start(c command) outcome {
	outR, outW, err := os.Pipe()
	if err != nil {
		return outcome{err: err}
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return outcome{err: err}
	}
	cmd := &exec.Cmd{
		Path:        c.path,
		Args:        c.args,
		Env:         c.env,
		Stdout:      outW,
		Stderr:      errW,
		SysProcAttr: &syscall.SysProcAttr{Setpgid: true, Credential: c.cred},
	}
	err = cmd.Start()
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return outcome{err: err}
	}
	defer outR.Close()
	defer errR.Close()

	deadline := time.Now().Add(c.timeout)
	pgid := cmd.Process.Pid
	// The plugin is waited for at once, the pipes apart: whether it had
	// ended when it was killed tells a slow plugin from one that left a
	// child holding its output.
	waited := make(chan error, 1)
	var exited, killed, orphans atomic.Bool
	go func() {
		err := cmd.Wait()
		exited.Store(true)
		waited <- err
	}()
	kill := func() {
		if !killed.Swap(true) {
			orphans.Store(exited.Load())
		}
		// The group outlives its leader while any member is left, and
		// its id is not reused meanwhile: this reaches the plugin's
		// children even after the plugin has been waited for.
		unix.Kill(-pgid, unix.SIGKILL)
	}
	timer := time.AfterFunc(c.timeout, kill)
	defer timer.Stop()
	outR.SetReadDeadline(deadline)
	errR.SetReadDeadline(deadline)

	var o outcome
	stderrDone := make(chan struct{})
	go func() {
		o.stderr = readStderr(errR)
		close(stderrDone)
	}()
	stdout, tooLong, readErr := readBounded(outR, maxStdout)
	if tooLong {
		unix.Kill(-pgid, unix.SIGKILL)
		// The bound cuts a line in two: the first half is no record.
		stdout = stdout[:bytes.LastIndexByte(stdout, '\n')+1]
	} else if errors.Is(readErr, os.ErrDeadlineExceeded) {
		kill()
	}
	<-stderrDone
	o.stdout = stdout

	var waitErr error
	select {
	case waitErr = <-waited:
	case <-time.After(time.Until(deadline) + killGrace):
		kill()
		o.killed = true
		o.err = fmt.Errorf("killed after %s, and still there %s later (stuck in the kernel?)",
			cli.FormatDuration(c.timeout), cli.FormatDuration(killGrace))
		return o
	}
	o.killed = killed.Load()
	switch {
	case o.killed && orphans.Load():
		o.err = fmt.Errorf("killed after %s: it had ended, but left a process holding its output open", cli.FormatDuration(c.timeout))
	case o.killed:
		o.err = fmt.Errorf("killed after %s", cli.FormatDuration(c.timeout))
	case tooLong:
		o.err = fmt.Errorf("killed: printed more than %d MiB", maxStdout>>20)
	case waitErr != nil:
		o.err = waitErr // "exit status 3", "signal: segmentation fault"
	case readErr != nil:
		o.err = fmt.Errorf("reading its output: %w", readErr)
	}
	return o
}

// readBounded reads r to its end, or max bytes and one more.
func readBounded(r io.Reader, max int) (b []byte, tooLong bool, err error) {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, int64(max)+1))
	if n > int64(max) {
		return buf.Bytes()[:max], true, nil
	}
	return buf.Bytes(), false, err
}

// readStderr reads r to its end and returns its first maxStderr bytes
// by line, and a note of how much more there was.
func readStderr(r io.Reader) []string {
	b, tooLong, _ := readBounded(r, maxStderr)
	var more int64
	if tooLong {
		more, _ = io.Copy(io.Discard, r)
		more++ // the byte readBounded read past the bound
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		lines = append(lines, string(bytes.TrimRight(sc.Bytes(), "\r")))
	}
	if more > 0 {
		lines = append(lines, fmt.Sprintf("(%d more bytes not shown)", more))
	}
	return lines
}

func access(path string) error {
	return unix.Access(path, unix.X_OK)
}
