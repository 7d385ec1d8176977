package collect

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// On a host without the unified tree at /sys/fs/cgroup, the services
// family reads the v1 hierarchies mounted below it, each a tree of its
// own: a controller's (cpuacct, memory, blkio, pids) and the one that
// holds every unit, which is the unified tree of the hybrid layout
// (/sys/fs/cgroup/unified, cgroup2 without controllers) or, without it,
// systemd's name=systemd hierarchy.
//
// Each hierarchy is walked by the rule of walkCgroups, and a cgroup is
// the union of what they hold at its path: systemd makes a unit's
// cgroup at the same path in every hierarchy whose controller the unit
// uses, and only there, so a controller's tree is often coarser (only
// slices, or only the units with MemoryAccounting=yes). What a path's
// hierarchies do not hold is missing from its figures, not zero, and it
// is tagged by its last path element as on v2.
//
// What each figure reads, and where it differs from v2's:
//   - CPU: cpuacct.usage (ns); where the cpuacct tree has no such path,
//     the unified tree's cpu.stat usage_usec, which counts every unit of
//     a hybrid host.
//   - Memory: memory.stat total_rss (anon) and total_cache (file), and
//     their sum as the memory in use: the kernel's cgroup-v1 memory
//     documentation calls memory.usage_in_bytes a fuzzed figure and
//     names RSS+CACHE as the exact one. Unlike v2's memory.current it
//     leaves out the kernel's own memory (slab, stacks, sockets).
//   - IO: blkio.throttle.io_service_bytes_recursive Read and Write, all
//     devices; a service or container without it falls back to the
//     cgroup's own blkio.throttle.io_service_bytes, then to the same
//     two without "throttle." (CFQ's, before Linux 5.0). A slice needs a
//     recursive file, or has no IO figures. v1 cannot tell whose page
//     cache the flusher writes back: buffered writes count at the root,
//     so a service's writes are only those it made itself (direct,
//     synchronous).
//   - Tasks: pids.current; without the pids controller, a service's or
//     container's own tasks file, counted (not its sub-cgroups').
//   - OOM kills: memory.oom_control oom_kill (Linux 4.13), for services
//     and containers only: v1 counts a kill in the victim's own cgroup
//     and not in the slices above it.
//   - Pressure: v1 has none; a hybrid host's unified tree has
//     cpu.pressure, memory.pressure and io.pressure, read as on v2.
//
// The bound is v2's: at most maxCgroups paths are read and kept, the
// union counting each path once.

// The hierarchies read, in the order a path's figures are taken.
const (
	hTree = iota // the units' tree: unified, or name=systemd
	hCPU         // cpuacct
	hMem         // memory
	hIO          // blkio
	hPids        // pids
	hLen
)

// v1Dirs names each hierarchy's folder below /sys/fs/cgroup: systemd
// mounts cpu and cpuacct together as cpu,cpuacct, with a link for each.
var v1Dirs = [hLen][]string{
	hTree: {"unified", "systemd"},
	hCPU:  {"cpuacct", "cpu,cpuacct", "cpuacct,cpu"},
	hMem:  {"memory"},
	hIO:   {"blkio"},
	hPids: {"pids"},
}

// cgCPUv2 is the bit of a v1 cgroup's mask that says its CPU figure came
// from the unified tree's cpu.stat rather than cpuacct.usage: the two
// count from different starts, so no rate is made across a change.
const cgCPUv2 = cgLen

// A v1Host is the hierarchies found on a v1 or hybrid host.
type v1Host struct {
	dir     [hLen]string // empty for a hierarchy not mounted
	unified bool         // dir[hTree] is the hybrid layout's cgroup2 tree
}

// findV1 looks for the hierarchies below root: a mounted one has
// cgroup.procs at its top (and, for cgroup2, cgroup.controllers).
func findV1(root string) (h v1Host, ok bool) {
	for i, names := range v1Dirs {
		for _, name := range names {
			d := filepath.Join(root, name)
			marker := "cgroup.procs"
			if name == "unified" {
				marker = "cgroup.controllers"
			}
			if _, err := os.Stat(filepath.Join(d, marker)); err == nil {
				h.dir[i], ok = d, true
				h.unified = h.unified || name == "unified"
				break
			}
		}
	}
	return h, ok
}

// readCgroupsV1 adds to c the cgroups of a v1 or hybrid host, or says
// errAbsent when there is no hierarchy to read.
func readCgroupsV1(s *Source, c Counters) error {
	h, ok := findV1(s.cgroupRoot())
	if !ok {
		return errAbsent
	}
	type node struct {
		kind float64
		in   uint // a bit per hierarchy holding the path
	}
	nodes := map[string]*node{}
	var order []string
	for i, dir := range h.dir {
		if dir == "" {
			continue
		}
		err := walkCgroups(dir, func(p string, kind float64) bool {
			n := nodes[p]
			if n == nil {
				if len(nodes) >= maxCgroups {
					return false
				}
				n = &node{kind: kind}
				nodes[p] = n
				order = append(order, p)
			}
			n.in |= 1 << i
			return true
		})
		if err != nil {
			return err
		}
	}
	for _, p := range order {
		n := nodes[p]
		if v, ok := s.readCgroupV1(&h, p, n.in, n.kind); ok {
			c[p] = v
		}
	}
	return nil
}

// readCgroupV1 reads the figures of the cgroup at path p from the
// hierarchies in the mask in; ok is false when it was removed while being
// read (a file its controller always has is missing), or nothing is
// known of it.
func (s *Source) readCgroupV1(h *v1Host, p string, in uint, kind float64) (v []float64, ok bool) {
	v = make([]float64, cgLen)
	var mask uint
	set := func(i int, x float64) {
		v[i] = x
		mask |= 1 << i
	}
	lost := false
	// file reads a file of the cgroup in hierarchy i; must says its
	// controller always has it, so that a missing one means the cgroup
	// was removed.
	file := func(i int, name string, must bool) []byte {
		if in&(1<<i) == 0 {
			return nil
		}
		// Every file but the lists of tasks is one show of the
		// kernel's (see readShown): one read is enough.
		shown := name != "tasks" && name != "cgroup.threads"
		b, err := s.readPath(shown, h.dir[i], p, name)
		if err != nil {
			lost = lost || must && gone(err)
			return nil
		}
		return b
	}
	member := kind == cgMember

	if b := file(hCPU, "cpuacct.usage", true); b != nil {
		if x, err := parseUint(bytes.TrimSpace(b)); err == nil {
			set(cgUsage, x/1e3) // ns to v2's µs
		}
	} else if h.unified && in&(1<<hCPU) == 0 {
		if b := file(hTree, "cpu.stat", false); b != nil {
			if m, err := parseFlatKeyed(b, "usage_usec"); err == nil {
				if x, ok := m.get(0); ok {
					set(cgUsage, x)
					mask |= 1 << cgCPUv2
				}
			}
		}
	}
	if h.unified {
		for _, f := range []struct {
			file       string
			some, full int
		}{{"cpu.pressure", cgCPUSome, -1}, {"memory.pressure", cgMemSome, cgMemFull}, {"io.pressure", cgIOSome, cgIOFull}} {
			if b := file(hTree, f.file, false); b != nil {
				if some, full, hasFull, err := parsePSI(b); err == nil {
					set(f.some, some)
					if f.full >= 0 && hasFull {
						set(f.full, full)
					}
				}
			}
		}
	}
	if b := file(hMem, "memory.stat", true); b != nil {
		if m, err := parseFlatKeyed(b, "total_rss", "total_cache"); err == nil {
			rss, ok1 := m.get(0)
			cache, ok2 := m.get(1)
			if ok1 && ok2 {
				set(cgAnon, rss)
				set(cgFile, cache)
				set(cgMem, rss+cache)
			}
		}
	}
	if member {
		if b := file(hMem, "memory.oom_control", true); b != nil {
			if m, err := parseFlatKeyed(b, "oom_kill"); err == nil {
				if x, ok := m.get(0); ok {
					set(cgOOM, x)
				}
			}
		}
	}
	if in&(1<<hIO) != 0 {
		for _, f := range blkioFiles {
			if !f.recursive && !member {
				continue
			}
			if b := file(hIO, f.name, false); b != nil {
				if r, w, err := parseBlkio(b); err == nil {
					set(cgRead, r)
					set(cgWrite, w)
				}
				break
			}
		}
	}
	if b := file(hPids, "pids.current", true); b != nil {
		if x, err := parseUint(bytes.TrimSpace(b)); err == nil {
			set(cgTasks, x)
		}
	} else if member && in&(1<<hPids) == 0 {
		for i := hTree; i < hPids; i++ {
			name := "tasks"
			if i == hTree && h.unified {
				name = "cgroup.threads"
			}
			if in&(1<<i) == 0 {
				continue
			}
			if b := file(i, name, true); b != nil {
				if x, err := parseTaskList(b); err == nil {
					set(cgTasks, x)
				}
			}
			break
		}
	}
	if lost || mask == 0 {
		return nil, false
	}
	v[cgKind] = kind
	v[cgMask] = float64(mask)
	return v, true
}

// blkioFiles are the blkio files tried for IO bytes, in order; a
// cgroup's own (not recursive) figure stands only for a service or
// container, whose sub-cgroups are few.
var blkioFiles = []struct {
	name      string
	recursive bool
}{
	{"blkio.throttle.io_service_bytes_recursive", true},
	{"blkio.throttle.io_service_bytes", false},
	{"blkio.io_service_bytes_recursive", true},
	{"blkio.io_service_bytes", false},
}

// parseBlkio sums the Read and Write lines of a v1 blkio bytes file over
// its devices:
//
//	8:0 Read 1459200
//	8:0 Write 314773504
//	8:0 Sync 1200
//	8:0 Total 316232704
//	Total 316232704
func parseBlkio(b []byte) (r, w float64, err error) {
	err = eachLine(b, func(n int, line []byte) error {
		f := bytes.Fields(line)
		if len(f) != 3 {
			return nil // the last Total, or an empty line
		}
		var sum *float64
		switch string(f[1]) {
		case "Read":
			sum = &r
		case "Write":
			sum = &w
		default:
			return nil
		}
		x, err := parseUint(f[2])
		if err != nil {
			return fmt.Errorf("line %d: %v", n, err)
		}
		*sum += x
		return nil
	})
	return r, w, err
}

// parseTaskList counts the ids of a tasks or cgroup.threads file, one
// a line.
func parseTaskList(b []byte) (float64, error) {
	n := 0.0
	err := eachLine(b, func(i int, line []byte) error {
		if len(line) == 0 {
			return nil
		}
		if _, err := parseUint(line); err != nil {
			return fmt.Errorf("line %d: %v", i, err)
		}
		n++
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
