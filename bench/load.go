package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// The machine-shaped load: idle processes and cgroups, as a host running
// a few dozen services has them, started and removed by the bench.
const (
	loadProcs   = 300
	loadCgroups = 50
	// loadMoved is how many of the processes go into the cgroups, two
	// in each.
	loadMoved = 100
	// loadSlice is the bench's own folder in each hierarchy. Its cgroups
	// are named as systemd names its units, so that a reader of the tree
	// sees them as it sees services.
	loadSlice = "sm-bench.slice"
)

// A load holds what startLoad started and created, for stop to undo.
type load struct {
	cmds []*exec.Cmd
	// dirs are the cgroups created, parents before children.
	dirs []string
	// where says what the cgroups are, for the rows: the hierarchies,
	// or why there are none.
	where string
	moved int
	once  sync.Once
	log   func(string, ...any)
	// unwatch stops the watch for SIGINT and SIGTERM.
	unwatch func()
}

// startLoad starts the idle processes and creates the cgroups where the
// machine allows it. Whatever it returns must be stopped, even with an
// error, and is also stopped on SIGINT or SIGTERM.
func startLoad(log func(string, ...any)) (*load, error) {
	l := &load{log: log}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		if s, ok := <-sig; ok {
			l.stop()
			log("stopped by %v", s)
			os.Exit(1)
		}
	}()
	l.unwatch = func() { signal.Stop(sig); close(sig) }
	for range loadProcs {
		// The sleep ends on its own after a while, and at once when the
		// bench dies: nothing outlives a bench killed outright.
		cmd := exec.Command("sleep", "1200")
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			return l, fmt.Errorf("starting the idle processes: %v", err)
		}
		l.cmds = append(l.cmds, cmd)
	}
	l.where = l.cgroups()
	return l, nil
}

// cgroups creates the bench's cgroups in every hierarchy a services
// reader looks at, and moves some of the idle processes into them. It
// returns what it made, or why it made nothing.
func (l *load) cgroups() string {
	if os.Geteuid() != 0 {
		return "no cgroups: not root"
	}
	var made []string
	for _, h := range hierarchies("/sys/fs/cgroup") {
		name, ok, err := l.hierarchy(h.path, h.v2)
		if err != nil {
			l.log("cgroups in %s: %v", h.path, err)
			continue
		}
		if ok {
			made = append(made, name)
		}
	}
	if len(made) == 0 {
		return "no cgroups: no cgroup hierarchy would take them"
	}
	return "cgroups in " + strings.Join(made, ", ")
}

type hierarchy struct {
	path string
	v2   bool
}

// hierarchies returns the cgroup hierarchies under root that hold what a
// services reader wants: the unified one (v2, at root itself or, in the
// hybrid layout, at root/unified) and v1's cpu, cpuacct, memory, blkio,
// pids and systemd's own. Co-mounted controllers (cpu,cpuacct) count once.
func hierarchies(root string) []hierarchy {
	var hs []hierarchy
	seen := map[string]bool{}
	for _, name := range []string{"", "unified", "cpu", "cpuacct", "memory", "blkio", "pids", "systemd"} {
		p, err := filepath.EvalSymlinks(filepath.Join(root, name))
		if err != nil || seen[p] {
			continue
		}
		var st unix.Statfs_t
		if unix.Statfs(p, &st) != nil {
			continue
		}
		switch st.Type {
		case unix.CGROUP2_SUPER_MAGIC:
			hs = append(hs, hierarchy{p, true})
		case unix.CGROUP_SUPER_MAGIC:
			hs = append(hs, hierarchy{p, false})
		default:
			continue
		}
		seen[p] = true
	}
	return hs
}

// hierarchy makes the slice and its cgroups in the hierarchy at root.
// The idle processes move into them only where the bench itself runs at
// the root: elsewhere they would leave a cgroup someone else put them in
// (a login session, a container's memory limit), and the cgroups stay
// empty.
func (l *load) hierarchy(root string, v2 bool) (name string, ok bool, err error) {
	slice := filepath.Join(root, loadSlice)
	removeTree(slice) // a bench killed outright leaves its cgroups
	if err := os.Mkdir(slice, 0o755); err != nil {
		return "", false, err
	}
	l.dirs = append(l.dirs, slice)
	name = "v1 " + filepath.Base(root)
	if v2 {
		name = "v2 (" + root + ")"
		// Children have a controller's files only where the parent
		// enables it; the root enables those it can.
		for _, c := range []string{"cpu", "memory", "io", "pids"} {
			os.WriteFile(filepath.Join(slice, "cgroup.subtree_control"), []byte("+"+c), 0)
		}
	}
	var leaves []string
	for i := range loadCgroups {
		d := filepath.Join(slice, fmt.Sprintf("sm-bench-%02d.service", i))
		if err := os.Mkdir(d, 0o755); err != nil {
			return "", false, err
		}
		l.dirs = append(l.dirs, d)
		leaves = append(leaves, d)
	}
	procs, err := os.ReadFile(filepath.Join(root, "cgroup.procs"))
	if err != nil || !hasPid(procs, os.Getpid()) {
		return name + " (empty)", true, nil
	}
	moved := 0
	for i, cmd := range l.cmds[:min(loadMoved, len(l.cmds))] {
		pid := strconv.Itoa(cmd.Process.Pid)
		if err := os.WriteFile(filepath.Join(leaves[i%len(leaves)], "cgroup.procs"), []byte(pid), 0); err != nil {
			return "", false, fmt.Errorf("moving pid %s: %v", pid, err)
		}
		moved++
	}
	l.moved = max(l.moved, moved)
	return name, true, nil
}

// hasPid reports whether a cgroup.procs file lists pid.
func hasPid(procs []byte, pid int) bool {
	want := []byte(strconv.Itoa(pid))
	for _, f := range bytes.Fields(procs) {
		if bytes.Equal(f, want) {
			return true
		}
	}
	return false
}

// removeTree removes a cgroup folder and the cgroups in it. A cgroup's
// files cannot be removed, only the folder, once it is empty of
// processes and of children.
func removeTree(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	for _, e := range ents {
		if e.IsDir() {
			removeTree(filepath.Join(dir, e.Name()))
		}
	}
	return rmdir(dir)
}

// rmdir removes an empty cgroup. The kernel may refuse for a moment
// after its last process was reaped, while the process is torn down.
func rmdir(dir string) error {
	var err error
	for range 50 {
		err = unix.Rmdir(dir)
		if err == nil || errors.Is(err, unix.ENOENT) {
			return nil
		}
		if !errors.Is(err, unix.EBUSY) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
	return err
}

// stop kills the processes the load started, by their pids, waits for
// them, and removes the cgroups, children first. It runs once.
func (l *load) stop() {
	l.once.Do(func() {
		if l.unwatch != nil {
			defer l.unwatch()
		}
		for _, cmd := range l.cmds {
			cmd.Process.Kill()
		}
		for _, cmd := range l.cmds {
			cmd.Wait()
		}
		for i := len(l.dirs) - 1; i >= 0; i-- {
			if err := rmdir(l.dirs[i]); err != nil {
				l.log("removing cgroup %s: %v", l.dirs[i], err)
			}
		}
	})
}
