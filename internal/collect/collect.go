// Package collect reads the kernel's numbers for sm-sample: load, memory,
// disks, CPU, network, disk I/O, pressure, uptime and the top processes.
// Every reader takes its root folders from a Source, so tests point them
// at fixture trees under testdata/, and the one slow call, statfs, goes
// through a seam.
//
// Families of counters (cpu, net, diskio, pressure, procs) become rates over the
// interval since the previous run, kept in a State, or over a short
// window when there is no usable state.
package collect

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"sm/internal/record"
)

// A Sample is one measurement before the command adds the host, the
// user's tags and the time.
type Sample struct {
	Name  string
	Tags  []record.Tag // the family's own: mount, iface or device
	Value float64
}

// A Source says where the kernel's numbers come from.
type Source struct {
	Proc string // procfs root, normally /proc
	Sys  string // sysfs root, normally /sys; empty for none

	// Mounts, when not empty, replaces the mount table: report the
	// filesystem holding each path, as df PATH does, whatever its type.
	Mounts []string
	// Statfs is the seam for the one call that can hang (a dead NFS
	// server); nil means the real statfs(2).
	Statfs func(path string, needDir bool) (FSStat, error)
	// StatfsTimeout bounds each statfs call.
	StatfsTimeout time.Duration
	// Top is how many commands the procs family records by CPU and by
	// memory; 0 means DefaultTop.
	Top int
	// MaxCPUs, when above 0, is the most CPUs the percpu family reports:
	// on a machine with more, it reports none.
	MaxCPUs int
	// Adjtimex is the seam for the clock family's system call; nil means
	// the real adjtimex(2).
	Adjtimex func(*unix.Timex) (int, error)

	buf  []byte // for reading kernel files, one at a time
	path []byte // for the path of the file read, see readPath
}

func (s *Source) proc(name ...string) string {
	if len(name) == 1 && s.Proc != "" {
		// What Join gives, without its slice and its copy: Clean
		// copies only a path that is not clean already.
		return filepath.Clean(s.Proc + "/" + name[0])
	}
	return filepath.Join(append([]string{s.Proc}, name...)...)
}

// Counters are a family's raw kernel counters: for each instance (an
// interface, a device, a resource) a fixed list of values.
type Counters map[string][]float64

// A Family is a group of metrics read together.
type Family struct {
	Name    string
	Tag     string   // the tags that tell instances apart, comma-separated, if any
	Metrics []string // every metric the family can emit
	// OptIn families are read only when --collect names them.
	OptIn bool

	// A family either reads values directly...
	gauge func(s *Source) ([]Sample, error)
	// ...or reads counters and turns two readings into rates.
	counters func(s *Source) (Counters, error)
	rates    func(prev, cur Counters, dt float64) []Sample
	// keep, when set, is what the state keeps of a reading; nil keeps
	// it all.
	keep func(Counters) Counters
	// monotonic is set when a counter that goes down has been reset, so
	// the interval cannot be used.
	monotonic bool
}

func (f *Family) kept(c Counters) Counters {
	if f.keep == nil {
		return c
	}
	return f.keep(c)
}

// Families lists every family in output order.
var Families = []*Family{loadFamily, memoryFamily, diskFamily, cpuFamily, netFamily, netstatFamily, diskioFamily, pressureFamily, sysFamily, vmstatFamily, percpuFamily, clockFamily, procsFamily, servicesFamily, hwFamily}

// Lookup returns the family called name, or nil.
func Lookup(name string) *Family {
	for _, f := range Families {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// errAbsent marks a source this kernel or container does not have, such
// as /proc/pressure before Linux 4.20: the family then emits nothing and
// is not failing.
var errAbsent = errors.New("not available here")

// A Sampler reads families once.
type Sampler struct {
	Source
	// Window is how long to measure rates over when the state cannot be
	// used; 0 skips those rates instead.
	Window time.Duration
	// MaxInterval is the oldest state that still gives a rate.
	MaxInterval time.Duration
	// Sleep and Now are the clock, injected for tests.
	Sleep func(time.Duration)
	Now   func() time.Time
}

// MinInterval is the shortest interval a rate is computed over: below it
// the kernel's tick makes the figures noise.
const MinInterval = time.Second

// A Result is what one run gathered.
type Result struct {
	Samples  []Sample
	Warnings []error // one per failing family or mount, prefixed with its name
}

type reading struct {
	fam     *Family
	cur     Counters
	at      time.Time
	samples []Sample
	done    bool
}

// Run reads fams in order. Counter families use st when it is recent and
// from the same boot, else a window; st is updated with what was read.
func (s *Sampler) Run(fams []*Family, st *State) Result {
	var res Result
	warn := func(f *Family, err error) {
		res.Warnings = append(res.Warnings, fmt.Errorf("%s: %w", f.Name, err))
	}
	uptime, uptimeErr := s.uptime()
	st.reset(s.bootID(), uptime, uptimeErr)

	readings := make([]reading, len(fams))
	waiting := false
	for i, f := range fams {
		r := &readings[i]
		r.fam, r.done = f, true
		if f.gauge != nil {
			var err error
			r.samples, err = guard(func() ([]Sample, error) { return f.gauge(&s.Source) })
			if err != nil && !errors.Is(err, errAbsent) {
				var mounts mountErrors
				if errors.As(err, &mounts) {
					for _, e := range mounts {
						warn(f, e)
					}
				} else {
					warn(f, err)
				}
			}
			continue
		}
		r.at = s.Now()
		cur, err := guard(func() (Counters, error) { return f.counters(&s.Source) })
		if err != nil {
			if !errors.Is(err, errAbsent) {
				warn(f, err)
			}
			continue
		}
		if prev, dt, ok := st.usable(f, cur, uptime, uptimeErr, s.MaxInterval); ok {
			r.samples = f.rates(prev, cur, dt)
		} else if len(cur) > 0 {
			r.cur, r.done = cur, false
			waiting = true
		}
		if uptimeErr == nil {
			st.put(f.Name, uptime, f.kept(cur))
		}
	}

	if waiting && s.Window > 0 {
		s.Sleep(s.Window)
		uptime2, err2 := s.uptime()
		for i := range readings {
			r := &readings[i]
			if r.done {
				continue
			}
			at := s.Now()
			cur, err := guard(func() (Counters, error) { return r.fam.counters(&s.Source) })
			if err != nil {
				warn(r.fam, err)
				continue
			}
			r.samples = r.fam.rates(r.cur, cur, at.Sub(r.at).Seconds())
			if err2 == nil {
				st.put(r.fam.Name, uptime2, r.fam.kept(cur))
			}
		}
	}
	// Made at its size: grown from nothing, the copies of a hundred
	// samples come to twice the room they need.
	n := 0
	for _, r := range readings {
		n += len(r.samples)
	}
	res.Samples = make([]Sample, 0, n)
	for _, r := range readings {
		res.Samples = append(res.Samples, r.samples...)
	}
	return res
}

// guard turns a panic in a reader, say on a kernel file of a shape never
// seen before, into that family's error, so the other families still run.
func guard[T any](f func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error: %v", p)
		}
	}()
	return f()
}

// round2 rounds to two decimals, the precision of percentages and rates.
func round2(v float64) float64 {
	r := math.Round(v*100) / 100
	if r == 0 {
		return 0
	}
	return r
}

// pct is 100·part/whole to two decimals, capped to [0, 100].
func pct(part, whole float64) float64 {
	return round2(math.Min(100, math.Max(0, 100*part/whole)))
}

// delta is cur−prev, or ok=false when the counter went down.
func delta(prev, cur float64) (float64, bool) {
	if cur < prev {
		return 0, false
	}
	return cur - prev, true
}

func tag(key, value string) []record.Tag { return []record.Tag{{Key: key, Value: value}} }
