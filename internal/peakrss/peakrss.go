// Package peakrss measures the peak resident memory of a command, for
// the benchmark and the memory bounds of the fault suite.
//
// A process's ru_maxrss counts the memory of the process it was forked
// from: Go starts commands with vfork, and exec records the parent's
// high-water mark as the child's. From a benchmark or a test holding
// hundreds of megabytes, the figure would be theirs. So the command runs
// under a small C launcher, which forks it and reports its wait4 figure:
// the launcher's own megabyte, not the caller's, is the floor.
package peakrss

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

const launcherC = `#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
	pid_t pid = fork();
	if (pid == 0) { execvp(argv[1], argv + 1); _exit(127); }
	int status; struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0) return 126;
	dprintf(3, "%ld\n", ru.ru_maxrss);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 125;
}
`

// A Meter runs commands under the launcher.
type Meter struct {
	launcher string
}

// New builds the launcher in dir with the C compiler, which go-sqlite3
// needs anyway.
func New(dir string) (*Meter, error) {
	src := filepath.Join(dir, "peakrss.c")
	if err := os.WriteFile(src, []byte(launcherC), 0o644); err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "peakrss")
	if out, err := exec.Command("cc", "-O2", "-o", bin, src).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the peak RSS launcher: %v: %s", err, out)
	}
	return &Meter{bin}, nil
}

// Wrap makes cmd, not yet started and without ExtraFiles, run under the
// launcher. Once cmd has been waited for, peak returns its peak
// resident memory in bytes.
func (m *Meter) Wrap(cmd *exec.Cmd) (peak func() (int64, error), err error) {
	if len(cmd.ExtraFiles) > 0 {
		return nil, fmt.Errorf("peakrss: %s has extra files", cmd.Path)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd.Args = append([]string{m.launcher, cmd.Path}, cmd.Args[1:]...)
	cmd.Path = m.launcher
	cmd.ExtraFiles = []*os.File{w}
	return func() (int64, error) {
		w.Close()
		defer r.Close()
		var kb int64
		if _, err := fmt.Fscan(bufio.NewReader(r), &kb); err != nil {
			return 0, fmt.Errorf("reading the peak RSS of %s: %v", cmd.Args[1], err)
		}
		return kb * 1024, nil
	}, nil
}
