package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// A procStat is what the bench reads of /proc/PID/stat: the parent, the
// processor time in clock ticks, the process's own and that of its
// children it has waited for, and the resident set in pages.
type procStat struct {
	pid, ppid      int
	utime, stime   uint64
	cutime, cstime uint64
	rss            int64
}

// ticks is the processor time the kernel charged the process, its
// reaped children included.
func (p procStat) ticks() uint64 { return p.utime + p.stime + p.cutime + p.cstime }

// parseStat parses one /proc/PID/stat. The command name, in parentheses,
// may hold spaces and parentheses itself: the fields that follow start
// after the last ')'.
func parseStat(b []byte) (procStat, error) {
	var p procStat
	open := bytes.IndexByte(b, '(')
	shut := bytes.LastIndexByte(b, ')')
	if open < 0 || shut < open {
		return p, fmt.Errorf("no command name in %q", b)
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b[:open])))
	if err != nil {
		return p, fmt.Errorf("pid: %w", err)
	}
	p.pid = pid
	// After the name: state (field 3), ppid (4), ... utime (14), stime
	// (15), cutime (16), cstime (17), ... rss (24); f[0] is field 3.
	f := strings.Fields(string(b[shut+1:]))
	if len(f) < 22 {
		return p, fmt.Errorf("%d fields after the command name, want at least 22", len(f))
	}
	if p.ppid, err = strconv.Atoi(f[1]); err != nil {
		return p, fmt.Errorf("ppid: %w", err)
	}
	for i, to := range []*uint64{&p.utime, &p.stime, &p.cutime, &p.cstime} {
		// cutime and cstime are signed in proc(5), never negative in
		// practice.
		if *to, err = strconv.ParseUint(f[11+i], 10, 64); err != nil {
			return p, fmt.Errorf("field %d: %w", 14+i, err)
		}
	}
	if p.rss, err = strconv.ParseInt(f[21], 10, 64); err != nil {
		return p, fmt.Errorf("rss: %w", err)
	}
	return p, nil
}

// treeUsage sums the processor ticks and resident pages of the processes
// under proc (a /proc folder) that descend from one of roots, roots
// included. A process may exit between the listing and the reading: it
// is skipped, and its ticks are in its parent's cutime and cstime once
// reaped.
func treeUsage(proc string, roots []int) (ticks uint64, rssPages int64, err error) {
	entries, err := os.ReadDir(proc)
	if err != nil {
		return 0, 0, err
	}
	all := map[int]procStat{}
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(proc, e.Name(), "stat"))
		if err != nil {
			continue
		}
		p, err := parseStat(b)
		if err != nil {
			return 0, 0, fmt.Errorf("%s: %w", filepath.Join(proc, e.Name(), "stat"), err)
		}
		all[p.pid] = p
	}
	children := map[int][]int{}
	for pid, p := range all {
		children[p.ppid] = append(children[p.ppid], pid)
	}
	seen := map[int]bool{}
	todo := append([]int(nil), roots...)
	for len(todo) > 0 {
		pid := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		p, ok := all[pid]
		if !ok || seen[pid] {
			continue
		}
		seen[pid] = true
		ticks += p.ticks()
		rssPages += p.rss
		todo = append(todo, children[pid]...)
	}
	return ticks, rssPages, nil
}

// clockTick is the length of the kernel's clock tick that /proc counts
// processor time in: USER_HZ, 100 on every common architecture.
var clockTick = func() time.Duration {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err != nil {
		return 10 * time.Millisecond
	}
	hz, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil || hz <= 0 {
		return 10 * time.Millisecond
	}
	return time.Second / time.Duration(hz)
}

// perDay scales cpu used over window to a day's worth.
func perDay(cpu, window time.Duration) time.Duration {
	return time.Duration(float64(cpu) * float64(24*time.Hour) / float64(window))
}

// perSample is bytes over samples, 0 without samples.
func perSample(bytes int64, samples int) float64 {
	if samples == 0 {
		return 0
	}
	return float64(bytes) / float64(samples)
}

// dirSize is the bytes of the regular files under dir.
func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			n += fi.Size()
		}
		return nil
	})
	return n, err
}
