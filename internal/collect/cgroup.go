package collect

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"sm/internal/record"
)

// The services family reads the cgroup v2 tree, where systemd puts every
// service, scope and slice, and container engines their containers. It
// is read from sys/fs/cgroup beside the procfs root (/sys/fs/cgroup for
// /proc), so a fixture tree holds both.
//
// On a v1 or hybrid host (no cgroup.controllers at the root) it reads
// the v1 hierarchies instead: see cgroupv1.go.
var servicesFamily = &Family{
	Name: "services",
	Tag:  "unit,cgroup,slice,uid",
	// Each cgroup is some ten files: a millisecond or more on a host with
	// a hundred units, too much for every run by default.
	OptIn: true,
	Metrics: []string{
		"svc.cpu_pct", "svc.mem_bytes", "svc.mem_anon_bytes", "svc.mem_file_bytes",
		"svc.read_bytes_per_s", "svc.write_bytes_per_s", "svc.tasks", "svc.oom_kills",
		"svc.cpu_some_pct", "svc.mem_some_pct", "svc.mem_full_pct", "svc.io_some_pct", "svc.io_full_pct",
	},
	counters: readCgroups,
	rates:    cgroupRates,
}

// Each cgroup's counters are one fixed list: its kind, a mask of the
// fields read, the counters that become rates, then the gauges. The mask
// keeps "missing" apart from zero (a controller not enabled for this
// cgroup has no file), while the state file keeps only numbers.
const (
	cgKind = iota // cgGroup or cgMember
	cgMask
	cgUsage            // cpu.stat usage_usec
	cgRead             // io.stat rbytes, all devices
	cgWrite            // io.stat wbytes
	cgCPUSome          // cpu.pressure some total, µs
	cgMemSome          // memory.pressure
	cgMemFull          //
	cgIOSome           // io.pressure
	cgIOFull           //
	cgMem              // memory.current
	cgAnon             // memory.stat anon
	cgFile             // memory.stat file
	cgTasks            // pids.current
	cgOOM              // memory.events oom_kill
	cgLen              // the list's length
	cgCounters = cgMem // fields before this are counters
)

// A cgroup is either always kept (a slice, or a folder of containers
// such as /docker) or a member of one, kept only when it stands out.
const (
	cgGroup  = 0
	cgMember = 1
)

// Bounds on what one host emits and keeps, whatever its number of units.
const (
	// maxCgroups is the most cgroups read and kept in the state file;
	// past it the rest of the tree is not read.
	maxCgroups = 2000
	// topN is how many members are kept by CPU, and how many by memory.
	topN = 20
	// minShare is the share, in percent of one CPU or of the machine's
	// memory, a member needs to be kept; the rest are summed per group.
	minShare = 1.0
)

// memTotalKey holds the machine's memory in the counters: no cgroup path
// is empty.
const memTotalKey = ""

func (s *Source) cgroupRoot() string {
	return filepath.Join(s.Proc, "..", "sys", "fs", "cgroup")
}

// readCgroups reads the unified (v2) tree by the rule of walkCgroups,
// or, on a host without one, the v1 hierarchies (readCgroupsV1).
func readCgroups(s *Source) (Counters, error) {
	root := s.cgroupRoot()
	_, err := s.readShown(filepath.Join(root, "cgroup.controllers"), true)
	v1 := errors.Is(err, errAbsent)
	if err != nil && !v1 {
		return nil, err
	}
	c := Counters{}
	if b, err := s.readShown(s.proc("meminfo"), false); err == nil {
		if m, err := parseMeminfo(b); err == nil && m["MemTotal"] > 0 {
			c[memTotalKey] = []float64{m["MemTotal"]}
		}
	}
	if v1 {
		if err := readCgroupsV1(s, c); err != nil {
			return nil, err
		}
		return c, nil
	}
	n := 0 // cgroups kept
	err = walkCgroups(root, func(p string, kind float64) bool {
		if n >= maxCgroups {
			return false
		}
		v, ok := s.readCgroup(filepath.Join(root, p))
		if !ok {
			return false
		}
		v[cgKind] = kind
		c[p] = v
		n++
		return true
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// walkCgroups lists the cgroups under root that the family reads, and
// calls visit with each one's path ("/system.slice/nginx.service") and
// kind; what visit returns false for is not descended into. Slices are
// read at any depth; a service or scope in a slice (or at the root) is
// read, but not what it holds, except a user's service manager
// (user@1000.service), which holds the user's own slices. A folder that
// is not a unit, directly in a slice or at the root, is a group of
// containers (/docker, /kubepods) or one container (/lxc.payload.web):
// it is read, and its own sub-folders that are not units, but nothing
// deeper.
func walkCgroups(root string, visit func(p string, kind float64) bool) error {
	var walk func(rel string, inUnit, inGroup bool) error
	walk = func(rel string, inUnit, inGroup bool) error {
		ents, err := os.ReadDir(filepath.Join(root, rel))
		if err != nil {
			if rel != "/" && gone(err) {
				return nil // removed while we walked
			}
			return err
		}
		for _, e := range ents {
			if !e.IsDir() {
				continue
			}
			p := path.Join(rel, e.Name())
			name := e.Name()
			slice := strings.HasSuffix(name, ".slice")
			unit := slice || strings.HasSuffix(name, ".service") || strings.HasSuffix(name, ".scope")
			var kind float64
			switch {
			case inGroup && unit, inUnit && !slice:
				continue
			case slice:
				kind = cgGroup
			case unit || inGroup:
				kind = cgMember
			default:
				kind = cgGroup
			}
			if !visit(p, kind) {
				continue
			}
			switch {
			case inGroup:
			case slice:
				err = walk(p, false, false)
			case unit:
				if isUserManager(name) {
					err = walk(p, true, false)
				}
			default:
				err = walk(p, false, true)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	return walk("/", false, false)
}

// isUserManager reports a user's systemd instance, user@UID.service.
func isUserManager(name string) bool {
	uid, ok := strings.CutPrefix(name, "user@")
	uid, ok2 := strings.CutSuffix(uid, ".service")
	return ok && ok2 && uid != "" && strings.Trim(uid, "0123456789") == ""
}

// gone reports an error that says the cgroup was removed: its files are
// missing, or, for a file opened before the rmdir, ENODEV.
func gone(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENODEV)
}

// readCgroup reads one cgroup's files; ok is false when it was removed
// while being read. A file that is missing from a cgroup still there
// (its controller is not enabled) or does not parse is a missing field.
func (s *Source) readCgroup(dir string) (v []float64, ok bool) {
	v = make([]float64, cgLen)
	var mask uint
	set := func(i int, x float64) {
		v[i] = x
		mask |= 1 << i
	}
	lost := false
	// Each file is one show of the kernel's (see readShown): the
	// read that would see its end is left out, a system call a file.
	file := func(name string) []byte {
		b, err := s.readPath(true, dir, name)
		if err != nil {
			lost = lost || gone(err)
			return nil
		}
		return b
	}
	if b := file("cpu.stat"); b != nil {
		if m, err := parseFlatKeyed(b, "usage_usec"); err == nil {
			if x, ok := m.get(0); ok {
				set(cgUsage, x)
			}
		}
	}
	if b := file("io.stat"); b != nil {
		if r, w, err := parseIOStat(b); err == nil {
			set(cgRead, r)
			set(cgWrite, w)
		}
	}
	for _, p := range []struct {
		file       string
		some, full int
	}{{"cpu.pressure", cgCPUSome, -1}, {"memory.pressure", cgMemSome, cgMemFull}, {"io.pressure", cgIOSome, cgIOFull}} {
		if b := file(p.file); b != nil {
			if some, full, hasFull, err := parsePSI(b); err == nil {
				set(p.some, some)
				if p.full >= 0 && hasFull {
					set(p.full, full)
				}
			}
		}
	}
	for _, f := range []struct {
		file string
		i    int
	}{{"memory.current", cgMem}, {"pids.current", cgTasks}} {
		if b := file(f.file); b != nil {
			if x, err := parseUint(bytes.TrimSpace(b)); err == nil {
				set(f.i, x)
			}
		}
	}
	if b := file("memory.stat"); b != nil {
		if m, err := parseFlatKeyed(b, "anon", "file"); err == nil {
			if x, ok := m.get(0); ok {
				set(cgAnon, x)
			}
			if x, ok := m.get(1); ok {
				set(cgFile, x)
			}
		}
	}
	if b := file("memory.events"); b != nil {
		if m, err := parseFlatKeyed(b, "oom_kill"); err == nil {
			if x, ok := m.get(0); ok {
				set(cgOOM, x)
			}
		}
	}
	if lost {
		// A missing file may be a controller not enabled here, or the
		// cgroup gone: only the second loses cgroup.procs too.
		if _, err := readProc(filepath.Join(dir, "cgroup.procs"), s.buf); err != nil && gone(err) {
			return nil, false
		}
	}
	if mask&(1<<cgUsage) == 0 {
		// Every v2 cgroup has cpu.stat: without it this is not one.
		return nil, false
	}
	v[cgMask] = float64(mask)
	return v, true
}

// maxFlatKeys is the most keys parseFlatKeyed looks for at once.
const maxFlatKeys = 4

// A flatKeyed is what parseFlatKeyed found of the keys asked for, by
// their place in its arguments: a value, not a map, for it is read for
// every file of hundreds of cgroups.
type flatKeyed struct {
	vals  [maxFlatKeys]float64
	found [maxFlatKeys]bool
}

// get returns the value of the i-th key asked for, if the file had it.
func (f *flatKeyed) get(i int) (float64, bool) { return f.vals[i], f.found[i] }

// parseFlatKeyed reads a cgroup file of "key value" lines (cpu.stat,
// memory.stat, memory.events), keeping the keys asked for, at most
// maxFlatKeys.
func parseFlatKeyed(b []byte, keys ...string) (flatKeyed, error) {
	var f flatKeyed
	err := eachLine(b, func(n int, line []byte) error {
		k, val, ok := bytes.Cut(line, []byte(" "))
		if !ok {
			return nil
		}
		i := slices.Index(keys, string(k))
		if i < 0 {
			return nil
		}
		x, err := parseUint(bytes.TrimSpace(val))
		if err != nil {
			return fmt.Errorf("line %d: %v", n, err)
		}
		f.vals[i], f.found[i] = x, true
		return nil
	})
	return f, err
}

// parseIOStat sums rbytes and wbytes over the devices of io.stat:
//
//	8:0 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0
func parseIOStat(b []byte) (r, w float64, err error) {
	err = eachLine(b, func(n int, line []byte) error {
		f := bytes.Fields(line)
		for _, x := range f[min(1, len(f)):] {
			k, val, ok := bytes.Cut(x, []byte("="))
			if !ok {
				return fmt.Errorf("line %d: bad field %q", n, x)
			}
			var sum *float64
			switch string(k) {
			case "rbytes":
				sum = &r
			case "wbytes":
				sum = &w
			default:
				continue
			}
			v, err := parseUint(val)
			if err != nil {
				return fmt.Errorf("line %d: %v", n, err)
			}
			*sum += v
		}
		return nil
	})
	return r, w, err
}

// A cgroupRow is one cgroup's figures for this run; has says which of
// val are known.
type cgroupRow struct {
	path string
	kind float64
	val  [cgLen]float64 // rates where counters were
	has  uint
}

func (r *cgroupRow) get(i int) (float64, bool) { return r.val[i], r.has&(1<<i) != 0 }

// cgroupRates turns two readings into rows, keeps the groups and the
// members that stand out, and sums the rest of each group into one row.
// CPU is a percentage of one CPU, as top and systemd-cgtop show it, so
// a service busy on two CPUs shows 200. A member with a counter that
// went down (its unit restarted in the same cgroup) has no rates this
// run; its gauges are still good.
func cgroupRates(prev, cur Counters, dt float64) []Sample {
	memTotal := 0.0
	if m := cur[memTotalKey]; len(m) == 1 {
		memTotal = m[0]
	}
	var rows []*cgroupRow
	for p, c := range cur {
		if p == memTotalKey || len(c) != cgLen {
			continue
		}
		r := &cgroupRow{path: p, kind: c[cgKind]}
		mask := uint(c[cgMask])
		for i := cgMem; i < cgLen; i++ {
			if mask&(1<<i) == 0 {
				continue
			}
			if i != cgTasks && i != cgOOM && memTotal > 0 && c[i] > memTotal {
				continue // more memory than the machine has is a lie
			}
			r.val[i], r.has = c[i], r.has|1<<i
		}
		if pv := prev[p]; len(pv) == cgLen && dt > 0 {
			pmask := uint(pv[cgMask])
			if (mask^pmask)&(1<<cgCPUv2) != 0 {
				pmask &^= 1 << cgUsage // CPU read from another file last run
			}
			var rates [cgCounters]float64
			var has uint
			reset := false
			for i := cgUsage; i < cgCounters; i++ {
				if mask&pmask&(1<<i) == 0 {
					continue
				}
				d, ok := delta(pv[i], c[i])
				if !ok {
					reset = true
					break
				}
				rates[i], has = d/dt, has|1<<i
			}
			if !reset {
				for i := cgUsage; i < cgCounters; i++ {
					if has&(1<<i) != 0 {
						// µs per s → % for CPU and stalls; bytes per s for IO.
						if i != cgRead && i != cgWrite {
							rates[i] /= 1e4
						}
						r.val[i], r.has = rates[i], r.has|1<<i
					}
				}
			}
		}
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b *cgroupRow) int { return strings.Compare(a.path, b.path) })

	keep := map[*cgroupRow]bool{}
	var members []*cgroupRow
	for _, r := range rows {
		if r.kind == cgGroup {
			keep[r] = true
			continue
		}
		cpu, _ := r.get(cgUsage)
		mem, _ := r.get(cgMem)
		if cpu >= minShare || memTotal > 0 && 100*mem/memTotal >= minShare {
			members = append(members, r)
		}
	}
	for _, i := range []int{cgUsage, cgMem} {
		top := slices.Clone(members)
		slices.SortStableFunc(top, func(a, b *cgroupRow) int {
			x, _ := a.get(i)
			y, _ := b.get(i)
			return cmp.Compare(y, x)
		})
		for _, r := range top[:min(topN, len(top))] {
			keep[r] = true
		}
	}

	var out []Sample
	others := map[string]*cgroupRow{}
	for _, r := range rows {
		if keep[r] {
			out = appendCgroup(out, r, cgroupTags(r.path))
			continue
		}
		g := path.Dir(r.path)
		o := others[g]
		if o == nil {
			o = &cgroupRow{path: g}
			others[g] = o
		}
		for i := cgUsage; i < cgLen; i++ {
			if x, ok := r.get(i); ok && i != cgOOM {
				o.val[i] += x
				o.has |= 1 << i
			}
		}
	}
	for _, g := range slicesSortedKeys(others) {
		tags := []record.Tag{{Key: "slice", Value: groupName(g)}, {Key: "unit", Value: "other"}}
		if u := userOf(g + "/x"); u != "" {
			tags = append(tags, record.Tag{Key: "uid", Value: u})
		}
		out = appendCgroup(out, others[g], tags)
	}
	return out
}

func slicesSortedKeys(m map[string]*cgroupRow) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// cgroupFields are the metrics of a cgroup row, in output order.
var cgroupFields = []struct {
	name string
	i    int
}{
	{"svc.cpu_pct", cgUsage},
	{"svc.mem_bytes", cgMem},
	{"svc.mem_anon_bytes", cgAnon},
	{"svc.mem_file_bytes", cgFile},
	{"svc.read_bytes_per_s", cgRead},
	{"svc.write_bytes_per_s", cgWrite},
	{"svc.tasks", cgTasks},
	{"svc.oom_kills", cgOOM},
	{"svc.cpu_some_pct", cgCPUSome},
	{"svc.mem_some_pct", cgMemSome},
	{"svc.mem_full_pct", cgMemFull},
	{"svc.io_some_pct", cgIOSome},
	{"svc.io_full_pct", cgIOFull},
}

func appendCgroup(out []Sample, r *cgroupRow, tags []record.Tag) []Sample {
	for _, f := range cgroupFields {
		x, ok := r.get(f.i)
		if !ok {
			continue
		}
		switch f.i {
		case cgUsage:
			x = round2(x)
		case cgCPUSome, cgMemSome, cgMemFull, cgIOSome, cgIOFull:
			x = pct(x, 100) // a stall share over 100 % is noise
		case cgRead, cgWrite:
			x = round2(x)
		}
		out = append(out, Sample{Name: f.name, Tags: tags, Value: x})
	}
	return out
}

// cgroupTags names a cgroup: unit=NAME for a systemd unit, with uid=UID
// for one of a user's own units (every user has an app.slice), and
// cgroup=PATH for anything else.
func cgroupTags(p string) []record.Tag {
	name := path.Base(p)
	if !isUnit(name) {
		return tag("cgroup", p)
	}
	tags := tag("unit", name)
	if u := userOf(p); u != "" {
		tags = append(tags, record.Tag{Key: "uid", Value: u})
	}
	return tags
}

func isUnit(name string) bool {
	return strings.HasSuffix(name, ".slice") || strings.HasSuffix(name, ".service") || strings.HasSuffix(name, ".scope")
}

// userOf returns UID when p lies below a user@UID.service.
func userOf(p string) string {
	parts := strings.Split(p, "/")
	for _, s := range parts[:len(parts)-1] {
		if isUserManager(s) {
			return strings.TrimSuffix(strings.TrimPrefix(s, "user@"), ".service")
		}
	}
	return ""
}

// groupName names the group of the members summed as unit=other: the
// slice's unit name, -.slice (systemd's name for the root), or the
// path of a folder of containers.
func groupName(g string) string {
	switch {
	case g == "/":
		return "-.slice"
	case isUnit(path.Base(g)):
		return path.Base(g)
	}
	return g
}
