package collect

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"syscall"
)

var cpuFamily = &Family{
	Name:     "cpu",
	Metrics:  cpuMetrics,
	counters: cpuCounters,
	rates:    cpuRates,
}

// netMetrics are the net family's, in the order of netDevColumns.
// net.errors_per_s, older than the others, stays: it is what stored
// series and sadf's decoding have.
var netMetrics = []string{
	"net.rx_bytes_per_s", "net.tx_bytes_per_s", "net.errors_per_s",
	"net.rx_packets_per_s", "net.tx_packets_per_s",
	"net.rx_drops_per_s", "net.tx_drops_per_s",
	"net.rx_errors_per_s", "net.tx_errors_per_s",
}

var netFamily = &Family{
	Name:      "net",
	Tag:       "iface",
	Metrics:   netMetrics,
	monotonic: true,
	counters: func(s *Source) (Counters, error) {
		b, err := s.read(s.proc("net/dev"), false)
		if err != nil {
			return nil, err
		}
		c, err := parseNetDev(b)
		delete(c, "lo")
		return c, err
	},
	rates: func(prev, cur Counters, dt float64) []Sample {
		return perSecond(prev, cur, dt, "iface", netMetrics, []float64{1, 1, 1, 1, 1, 1, 1, 1, 1})
	},
}

// perSecond turns counters into rates, instance by instance in name
// order. An instance new since prev, or with a counter that went down,
// has no rate this time.
func perSecond(prev, cur Counters, dt float64, tagKey string, names []string, scale []float64) []Sample {
	if dt <= 0 {
		return nil
	}
	out := make([]Sample, 0, len(cur)*len(names))
	for _, inst := range sortedKeys(cur) {
		c, p := cur[inst], prev[inst]
		if len(c) != len(names) || len(p) != len(names) {
			continue
		}
		t := tag(tagKey, inst) // read only: one for the instance's samples
		start := len(out)
		for i, name := range names {
			d, ok := delta(p[i], c[i])
			if !ok {
				out = out[:start]
				break
			}
			out = append(out, Sample{Name: name, Tags: t, Value: round2(d * scale[i] / dt)})
		}
	}
	return out
}

// diskioMetrics are the diskio family's, the last only where the kernel
// counts discards (Linux 4.18 and later).
var diskioMetrics = []string{
	"diskio.read_bytes_per_s", "diskio.write_bytes_per_s", "diskio.util_pct",
	"diskio.reads_per_s", "diskio.writes_per_s",
	"diskio.read_await_s", "diskio.write_await_s", "diskio.queue_size",
	"diskio.discards_per_s",
}

var diskioFamily = &Family{
	Name:      "diskio",
	Tag:       "device",
	Metrics:   diskioMetrics,
	monotonic: true,
	counters: func(s *Source) (Counters, error) {
		b, err := s.read(s.proc("diskstats"), true)
		if err != nil {
			return nil, err
		}
		return parseDiskstats(b)
	},
	rates: diskioRates,
}

// sortedKeys returns the instances of c in name order, in a slice made
// at its size.
func sortedKeys(c Counters) []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// The diskio counters, in the order parseDiskstats keeps them.
const (
	dkReadSectors = iota
	dkWriteSectors
	dkIOTicks
	dkReads
	dkReadTicks
	dkWrites
	dkWriteTicks
	dkWeightedTicks
	dkDiscards
)

// diskstatsColumns are the /proc/diskstats fields behind each counter,
// counting from the major number as 0.
var diskstatsColumns = []int{5, 9, 12, 3, 6, 7, 10, 13, 14}

// diskioRates computes, device by device, what iostat -x shows. Sectors
// in diskstats are 512 bytes whatever the device's own sector size;
// io_ticks are milliseconds the device was busy; the await of reads or
// writes is the milliseconds they spent queued and served over their
// count (0 when there were none, as iostat has it); the queue size
// (aqu-sz) is the weighted milliseconds over the interval's. A device
// with a counter that went down has nothing this time.
func diskioRates(prev, cur Counters, dt float64) []Sample {
	if dt <= 0 {
		return nil
	}
	out := make([]Sample, 0, len(cur)*len(diskioMetrics))
	for _, dev := range sortedKeys(cur) {
		c, p := cur[dev], prev[dev]
		if len(c) != len(p) || len(c) < dkDiscards {
			continue
		}
		var d [dkDiscards + 1]float64
		ok := true
		for i := range c {
			if d[i], ok = delta(p[i], c[i]); !ok {
				break
			}
		}
		if !ok {
			continue
		}
		// In seconds, as sm(7) names times, at iostat's precision of
		// a hundredth of a millisecond. Hundredths over 100,000, not
		// round2's milliseconds over 1,000: one division of a whole
		// number is the double nearest the decimal, and prints as it.
		await := func(ticks, ios float64) float64 {
			if ios == 0 {
				return 0
			}
			return math.Round(ticks/ios*100) / 100_000
		}
		t := tag("device", dev)
		out = append(out,
			Sample{Name: "diskio.read_bytes_per_s", Tags: t, Value: round2(d[dkReadSectors] * 512 / dt)},
			Sample{Name: "diskio.write_bytes_per_s", Tags: t, Value: round2(d[dkWriteSectors] * 512 / dt)},
			Sample{Name: "diskio.util_pct", Tags: t, Value: min(100, round2(d[dkIOTicks]/10/dt))},
			Sample{Name: "diskio.reads_per_s", Tags: t, Value: round2(d[dkReads] / dt)},
			Sample{Name: "diskio.writes_per_s", Tags: t, Value: round2(d[dkWrites] / dt)},
			Sample{Name: "diskio.read_await_s", Tags: t, Value: await(d[dkReadTicks], d[dkReads])},
			Sample{Name: "diskio.write_await_s", Tags: t, Value: await(d[dkWriteTicks], d[dkWrites])},
			Sample{Name: "diskio.queue_size", Tags: t, Value: round2(d[dkWeightedTicks] / 1000 / dt)},
		)
		if len(c) > dkDiscards {
			out = append(out, Sample{Name: "diskio.discards_per_s", Tags: t, Value: round2(d[dkDiscards] / dt)})
		}
	}
	return out
}

// parseDiskstats reads /proc/diskstats lines:
//
//	8 0 sda 4369 2424 373106 1271 272 1149 11808 340 0 1924 1752 ...
//
// keeping, of whole devices, the fields of diskstatsColumns: discards
// only where the kernel has them (18 fields or more). Partitions are left
// out, and so are loop, RAM and compressed-RAM devices.
func parseDiskstats(b []byte) (Counters, error) {
	c := Counters{}
	err := eachLine(b, func(n int, line []byte) error {
		var room [24][]byte
		f := fields(room[:0], line)
		if len(f) == 0 {
			return nil
		}
		if len(f) < 14 {
			return fmt.Errorf("diskstats: line %d: %d fields, want at least 14", n, len(f))
		}
		if virtual(string(f[2])) {
			return nil
		}
		cols := diskstatsColumns
		if len(f) < 18 {
			cols = cols[:dkDiscards]
		}
		v := make([]float64, len(cols))
		for i, col := range cols {
			x, err := parseUint(f[col])
			if err != nil {
				return fmt.Errorf("diskstats: line %d: %v", n, err)
			}
			v[i] = x
		}
		c[string(f[2])] = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	for name := range c {
		if partitionOf(name, c) {
			delete(c, name)
		}
	}
	return c, nil
}

// virtual reports devices that are not disks of their own: loop devices,
// RAM disks and compressed RAM.
func virtual(name string) bool {
	for _, prefix := range []string{"loop", "ram", "zram"} {
		if n, ok := strings.CutPrefix(name, prefix); ok && n != "" && strings.Trim(n, "0123456789") == "" {
			return true
		}
	}
	return false
}

// partitionOf reports whether name is a partition of another device in
// devs, by the kernel's own naming rule (disk_name in block/partitions):
// partition N of a disk whose name ends in a letter is the name and N
// (sda1), of one ending in a digit the name, "p" and N (nvme0n1p1,
// mmcblk0p1, md1p1). So md10 is no partition of md1, nor sdaa of sda.
// This needs neither /sys nor a list of disk names.
func partitionOf(name string, devs Counters) bool {
	base := strings.TrimRight(name, "0123456789")
	if base == name || base == "" {
		return false
	}
	if _, ok := devs[base]; ok && !isDigit(base[len(base)-1]) {
		return true
	}
	if disk, ok := strings.CutSuffix(base, "p"); ok && disk != "" && isDigit(disk[len(disk)-1]) {
		_, ok := devs[disk]
		return ok
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// pressureNames are, for each resource, its file and the figures of its
// some and full lines.
var pressureNames = []struct {
	res, file string
	names     [2]string
}{
	{"cpu", "pressure/cpu", [2]string{"pressure.cpu_some_pct", "pressure.cpu_full_pct"}},
	{"io", "pressure/io", [2]string{"pressure.io_some_pct", "pressure.io_full_pct"}},
	{"memory", "pressure/memory", [2]string{"pressure.memory_some_pct", "pressure.memory_full_pct"}},
}

var pressureFamily = &Family{
	Name:      "pressure",
	Metrics:   []string{"pressure.cpu_some_pct", "pressure.io_some_pct", "pressure.io_full_pct", "pressure.memory_some_pct", "pressure.memory_full_pct"},
	monotonic: true,
	counters: func(s *Source) (Counters, error) {
		c := make(Counters, len(pressureNames))
		for _, r := range pressureNames {
			res := r.res
			b, err := s.readShown(s.proc(r.file), true)
			if errors.Is(err, syscall.EOPNOTSUPP) {
				// The kernel was booted with psi=0.
				err = errAbsent
			}
			if err != nil {
				// No /proc/pressure before Linux 4.20.
				return nil, err
			}
			some, full, hasFull, err := parsePSI(b)
			if err != nil {
				return nil, fmt.Errorf("pressure/%s: %v", res, err)
			}
			v := []float64{some}
			if res != "cpu" {
				if !hasFull {
					return nil, fmt.Errorf("pressure/%s: no \"full\" line", res)
				}
				v = append(v, full)
			}
			c[res] = v
		}
		return c, nil
	},
	rates: func(prev, cur Counters, dt float64) []Sample {
		// The totals are microseconds of stall.
		out := make([]Sample, 0, len(pressureNames)*2)
		for _, r := range pressureNames {
			for i, name := range r.names {
				c, p := cur[r.res], prev[r.res]
				if i >= len(c) || i >= len(p) || dt <= 0 {
					continue
				}
				if d, ok := delta(p[i], c[i]); ok {
					out = append(out, Sample{Name: name, Value: pct(d/1e6, dt)})
				}
			}
		}
		return out
	},
}
