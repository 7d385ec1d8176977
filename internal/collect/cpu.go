package collect

import (
	"bytes"
	"errors"
	"fmt"
)

// cpuMetrics are the cpu family's figures, in output order.
var cpuMetrics = []string{
	"cpu.busy_pct", "cpu.user_pct", "cpu.system_pct", "cpu.iowait_pct", "cpu.steal_pct",
	"cpu.nice_pct", "cpu.irq_pct", "cpu.softirq_pct", "cpu.guest_pct",
	"cpu.context_switches_per_s", "cpu.interrupts_per_s", "procs.forks_per_s",
}

// statTotals are the /proc/stat lines, after the cpu ones, that count
// events since boot, with the figure each becomes.
var statTotals = []struct{ key, name string }{
	{"ctxt", "cpu.context_switches_per_s"},
	{"intr", "cpu.interrupts_per_s"},
	{"processes", "procs.forks_per_s"},
}

// cpuCounters reads /proc/stat once for the whole cpu family: the
// all-CPU line as instance "cpu", and each event total its line names,
// where the kernel has it.
func cpuCounters(s *Source) (Counters, error) {
	b, err := s.readShown(s.proc("stat"), false)
	if err != nil {
		return nil, err
	}
	c, err := parseCPU(b)
	if err != nil {
		return nil, err
	}
	out, err := parseStatTotals(b)
	if err != nil {
		return nil, err
	}
	out["cpu"] = c
	return out, nil
}

// parseCPU reads the first line of /proc/stat, the sum over all CPUs in
// USER_HZ ticks: user nice system idle iowait irq softirq steal guest
// guest_nice. Steal is missing before Linux 2.6.11, guest before 2.6.24
// and guest_nice before 2.6.33; what the line has is returned.
func parseCPU(b []byte) ([]float64, error) {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	var room [16][]byte
	f := fields(room[:0], line)
	if len(f) == 0 || string(f[0]) != "cpu" {
		return nil, errors.New(`stat: first line is not "cpu"`)
	}
	f = f[1:]
	if len(f) < 7 {
		return nil, fmt.Errorf("stat: %d cpu fields, want at least 7", len(f))
	}
	out := make([]float64, 0, 10)
	for _, x := range f[:min(10, len(f))] {
		v, err := parseUint(x)
		if err != nil {
			return nil, fmt.Errorf("stat: %v", err)
		}
		out = append(out, v)
	}
	return out, nil
}

// parseStatTotals reads the event totals of /proc/stat, each a
// one-value instance named by its key:
//
//	intr 123456789 9 0 0 ...   (the first number is the sum of all)
//	ctxt 987654321
//	processes 412345
//
// A line the kernel does not write is left out.
func parseStatTotals(b []byte) (Counters, error) {
	c := Counters{}
	err := eachLine(b, func(n int, line []byte) error {
		key, rest, ok := bytes.Cut(line, []byte(" "))
		if !ok {
			return nil
		}
		for _, t := range statTotals {
			if string(key) != t.key {
				continue
			}
			// Only the first number: intr has one for every interrupt.
			x, _ := nextField(rest)
			if x == nil {
				return fmt.Errorf("stat: line %d: no value", n)
			}
			v, err := parseUint(x)
			if err != nil {
				return fmt.Errorf("stat: line %d: %v", n, err)
			}
			c[t.key] = []float64{v}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// cpuRates gives each state's share of all CPUs' time, then the event
// totals per second. busy is everything but idle and iowait; user counts
// niced processes too; system counts interrupt handling. The shares of
// their own (nice, irq, softirq, guest) are as sar -u ALL has them. A
// field that went down (iowait does, on some kernels) counts as no time
// rather than as a reset; an event total that went down gives no rate.
// Kernels before 2.6.11 count no steal time, and get no cpu.steal_pct.
func cpuRates(prev, cur Counters, dt float64) []Sample {
	out := cpuShares(prev["cpu"], cur["cpu"])
	if dt <= 0 {
		return out
	}
	for _, t := range statTotals {
		p, c := prev[t.key], cur[t.key]
		if len(p) != 1 || len(c) != 1 {
			continue
		}
		if d, ok := delta(p[0], c[0]); ok {
			out = append(out, Sample{Name: t.name, Value: round2(d / dt)})
		}
	}
	return out
}

func cpuShares(p, c []float64) []Sample {
	// A state written before the guest fields were kept has fewer: the
	// fields both readings have still give their shares.
	n := min(len(p), len(c))
	if n < 7 {
		return nil
	}
	const user, nice, system, idle, iowait, irq, softirq, steal, guest, guestNice = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9
	var d [10]float64
	var total float64
	for i := range n {
		d[i] = max(0, c[i]-p[i])
		if i < guest {
			// Guest time is already inside user and nice.
			total += d[i]
		}
	}
	if total <= 0 {
		return nil
	}
	// Room for cpuRates' event totals too.
	out := make([]Sample, 0, len(cpuMetrics))
	out = append(out,
		Sample{Name: "cpu.busy_pct", Value: pct(total-d[idle]-d[iowait], total)},
		Sample{Name: "cpu.user_pct", Value: pct(d[user]+d[nice], total)},
		Sample{Name: "cpu.system_pct", Value: pct(d[system]+d[irq]+d[softirq], total)},
		Sample{Name: "cpu.iowait_pct", Value: pct(d[iowait], total)})
	if n > steal {
		out = append(out, Sample{Name: "cpu.steal_pct", Value: pct(d[steal], total)})
	}
	// sar's %nice leaves out niced guests, which it shows as %gnice.
	out = append(out,
		Sample{Name: "cpu.nice_pct", Value: pct(max(0, d[nice]-d[guestNice]), total)},
		Sample{Name: "cpu.irq_pct", Value: pct(d[irq], total)},
		Sample{Name: "cpu.softirq_pct", Value: pct(d[softirq], total)})
	if n > guest {
		out = append(out, Sample{Name: "cpu.guest_pct", Value: pct(d[guest]+d[guestNice], total)})
	}
	return out
}
