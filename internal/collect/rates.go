package collect

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
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

var netFamily = &Family{
	Name:      "net",
	Tag:       "iface",
	Metrics:   []string{"net.rx_bytes_per_s", "net.tx_bytes_per_s", "net.errors_per_s"},
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
		return perSecond(prev, cur, dt, "iface", []string{"net.rx_bytes_per_s", "net.tx_bytes_per_s", "net.errors_per_s"}, []float64{1, 1, 1})
	},
}

// perSecond turns counters into rates, instance by instance in name
// order. An instance new since prev, or with a counter that went down,
// has no rate this time.
func perSecond(prev, cur Counters, dt float64, tagKey string, names []string, scale []float64) []Sample {
	if dt <= 0 {
		return nil
	}
	var out []Sample
	for _, inst := range slices.Sorted(maps.Keys(cur)) {
		c, p := cur[inst], prev[inst]
		if len(c) != len(names) || len(p) != len(names) {
			continue
		}
		rates := make([]Sample, 0, len(names))
		for i, name := range names {
			d, ok := delta(p[i], c[i])
			if !ok {
				rates = nil
				break
			}
			rates = append(rates, Sample{Name: name, Tags: tag(tagKey, inst), Value: round2(d * scale[i] / dt)})
		}
		out = append(out, rates...)
	}
	return out
}

var diskioFamily = &Family{
	Name:      "diskio",
	Tag:       "device",
	Metrics:   []string{"diskio.read_bytes_per_s", "diskio.write_bytes_per_s", "diskio.util_pct"},
	monotonic: true,
	counters: func(s *Source) (Counters, error) {
		b, err := s.read(s.proc("diskstats"), true)
		if err != nil {
			return nil, err
		}
		return parseDiskstats(b)
	},
	rates: func(prev, cur Counters, dt float64) []Sample {
		// Sectors in diskstats are 512 bytes whatever the device's own
		// sector size; io_ticks are milliseconds the device was busy.
		out := perSecond(prev, cur, dt, "device", []string{"diskio.read_bytes_per_s", "diskio.write_bytes_per_s", "diskio.util_pct"}, []float64{512, 512, 0.1})
		for i := range out {
			if out[i].Name == "diskio.util_pct" {
				out[i].Value = min(100, out[i].Value)
			}
		}
		return out
	},
}

// parseDiskstats reads /proc/diskstats lines:
//
//	8 0 sda 4369 2424 373106 1271 272 1149 11808 340 0 1924 1752 ...
//
// keeping sectors read (field 6), sectors written (10) and the
// milliseconds spent doing I/O (13) of whole devices: no partitions, and
// no loop, RAM or compressed-RAM devices.
func parseDiskstats(b []byte) (Counters, error) {
	c := Counters{}
	err := eachLine(b, func(n int, line []byte) error {
		f := bytes.Fields(line)
		if len(f) == 0 {
			return nil
		}
		if len(f) < 14 {
			return fmt.Errorf("diskstats: line %d: %d fields, want at least 14", n, len(f))
		}
		name := string(f[2])
		if virtual(name) {
			return nil
		}
		v := make([]float64, 3)
		for i, col := range []int{5, 9, 12} {
			x, err := parseUint(f[col])
			if err != nil {
				return fmt.Errorf("diskstats: line %d: %v", n, err)
			}
			v[i] = x
		}
		c[name] = v
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

var pressureFamily = &Family{
	Name:      "pressure",
	Metrics:   []string{"pressure.cpu_some_pct", "pressure.io_some_pct", "pressure.io_full_pct", "pressure.memory_some_pct", "pressure.memory_full_pct"},
	monotonic: true,
	counters: func(s *Source) (Counters, error) {
		c := Counters{}
		for _, res := range []string{"cpu", "io", "memory"} {
			b, err := s.read(s.proc("pressure", res), true)
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
		var out []Sample
		for _, res := range []string{"cpu", "io", "memory"} {
			for i, kind := range []string{"some", "full"} {
				c, p := cur[res], prev[res]
				if i >= len(c) || i >= len(p) || dt <= 0 {
					continue
				}
				if d, ok := delta(p[i], c[i]); ok {
					out = append(out, Sample{Name: "pressure." + res + "_" + kind + "_pct", Value: pct(d/1e6, dt)})
				}
			}
		}
		return out
	},
}
