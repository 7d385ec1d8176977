package collect

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// DefaultMaxCPUs is how many CPUs the percpu family reports by default:
// above it, a series per CPU every minute would outnumber all the rest,
// and the all-CPU shares say enough.
const DefaultMaxCPUs = 16

var percpuFamily = &Family{
	Name:     "percpu",
	Tag:      "cpu",
	Metrics:  []string{"cpu.percpu_busy_pct"},
	counters: percpuCounters,
	rates:    percpuRates,
}

func percpuCounters(s *Source) (Counters, error) {
	// Optional: without /proc/stat the cpu family has said so already.
	b, err := s.readShown(s.proc("stat"), true)
	if err != nil {
		return nil, err
	}
	c, err := parsePerCPU(b)
	if err != nil {
		return nil, err
	}
	if s.MaxCPUs > 0 && len(c) > s.MaxCPUs {
		return nil, errAbsent
	}
	return c, nil
}

// parsePerCPU reads the "cpuN" lines of /proc/stat (an offline CPU has
// none), keeping for each its busy ticks (all but idle and iowait) and
// its idle ticks (idle and iowait), as instance "N".
func parsePerCPU(b []byte) (Counters, error) {
	c := Counters{}
	err := eachLine(b, func(n int, line []byte) error {
		// The first field first: the lines after the CPUs' are long.
		if first, _ := nextField(line); !bytes.HasPrefix(first, []byte("cpu")) {
			return nil
		}
		var room [16][]byte
		f := fields(room[:0], line)
		id, ok := bytes.CutPrefix(f[0], []byte("cpu"))
		if !ok || len(id) == 0 {
			return nil // the all-CPU line, or another
		}
		if _, err := strconv.ParseUint(string(id), 10, 32); err != nil {
			return nil
		}
		f = f[1:]
		if len(f) < 7 {
			return fmt.Errorf("stat: line %d: %d fields, want at least 7", n, len(f))
		}
		var busy, idle float64
		// Guest time (fields 9 and 10) is already in user and nice.
		for i, x := range f[:min(8, len(f))] {
			v, err := parseUint(x)
			if err != nil {
				return fmt.Errorf("stat: line %d: %v", n, err)
			}
			if i == 3 || i == 4 {
				idle += v
			} else {
				busy += v
			}
		}
		c[string(id)] = []float64{busy, idle}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// percpuRates gives each CPU's busy share, as sar -P ALL's 100 − %idle −
// %iowait, in CPU number order. A CPU that has no earlier reading (just
// brought online) or spent no time (offline since) has none; a part
// that went down counts as no time, as for cpu.
func percpuRates(prev, cur Counters, _ float64) []Sample {
	ids := slices.SortedFunc(maps.Keys(cur), func(a, b string) int {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return strings.Compare(a, b)
	})
	out := make([]Sample, 0, len(ids))
	for _, id := range ids {
		p, c := prev[id], cur[id]
		if len(p) != 2 || len(c) != 2 {
			continue
		}
		busy, idle := max(0, c[0]-p[0]), max(0, c[1]-p[1])
		if busy+idle <= 0 {
			continue
		}
		out = append(out, Sample{Name: "cpu.percpu_busy_pct", Tags: tag("cpu", id), Value: pct(busy, busy+idle)})
	}
	return out
}
