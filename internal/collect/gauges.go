package collect

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

var loadFamily = &Family{
	Name:    "load",
	Metrics: []string{"load.1m", "load.5m", "load.15m", "procs.running", "procs.total"},
	gauge: func(s *Source) ([]Sample, error) {
		b, err := s.readShown(s.proc("loadavg"), false)
		if err != nil {
			return nil, err
		}
		return parseLoadavg(string(b))
	},
}

// parseLoadavg reads /proc/loadavg: "0.27 0.31 0.29 2/345 6789". The
// fourth field counts runnable and all scheduling entities (threads), the
// figures sar -q shows as runq-sz and plist-sz.
func parseLoadavg(s string) ([]Sample, error) {
	f := strings.Fields(s)
	if len(f) < 4 {
		return nil, fmt.Errorf("loadavg: expected at least 4 fields, found %d", len(f))
	}
	out := make([]Sample, 0, 5)
	for i, name := range []string{"load.1m", "load.5m", "load.15m"} {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil || !(v >= 0) {
			return nil, fmt.Errorf("loadavg: bad load %q", f[i])
		}
		out = append(out, Sample{Name: name, Value: v})
	}
	run, total, ok := strings.Cut(f[3], "/")
	r, err1 := strconv.ParseUint(run, 10, 64)
	t, err2 := strconv.ParseUint(total, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return nil, fmt.Errorf("loadavg: bad process counts %q", f[3])
	}
	return append(out, Sample{Name: "procs.running", Value: float64(r)}, Sample{Name: "procs.total", Value: float64(t)}), nil
}

var memoryFamily = &Family{
	Name:    "memory",
	Metrics: append([]string{"mem.used_pct", "mem.available_bytes", "mem.total_bytes", "swap.used_pct", "swap.total_bytes"}, memoryPartNames()...),
	gauge: func(s *Source) ([]Sample, error) {
		b, err := s.readShown(s.proc("meminfo"), false)
		if err != nil {
			return nil, err
		}
		m, err := parseMeminfo(b)
		if err != nil {
			return nil, err
		}
		return memorySamples(m)
	},
}

// memorySamples computes used memory as free(1), sysstat and Glances do:
// total minus MemAvailable. Kernels before 3.14 have no MemAvailable;
// there, as free did then, free + buffers + page cache is available.
func memorySamples(m map[string]float64) ([]Sample, error) {
	total := m["MemTotal"]
	if total == 0 {
		return nil, errors.New("meminfo: no MemTotal")
	}
	avail, ok := m["MemAvailable"]
	if !ok {
		free, ok1 := m["MemFree"]
		buffers, ok2 := m["Buffers"]
		cached, ok3 := m["Cached"]
		if !ok1 || !ok2 || !ok3 {
			return nil, errors.New("meminfo: neither MemAvailable nor MemFree, Buffers and Cached")
		}
		avail = free + buffers + cached
	}
	avail = min(avail, total)
	out := make([]Sample, 0, 6+len(memoryParts))
	out = append(out,
		Sample{Name: "mem.used_pct", Value: pct(total-avail, total)},
		Sample{Name: "mem.available_bytes", Value: avail},
		Sample{Name: "mem.total_bytes", Value: total})
	if st, ok := m["SwapTotal"]; ok {
		if sf, ok := m["SwapFree"]; ok && st > 0 {
			out = append(out, Sample{Name: "swap.used_pct", Value: pct(st-sf, st)})
		}
		out = append(out, Sample{Name: "swap.total_bytes", Value: st})
	}
	return appendMemoryBreakdown(out, m), nil
}

var sysFamily = &Family{
	Name:    "sys",
	Metrics: append([]string{"sys.uptime_s"}, openFilesNames...),
	gauge: func(s *Source) ([]Sample, error) {
		up, err := s.uptime()
		if err != nil {
			return nil, err
		}
		out := make([]Sample, 1, 1+len(openFilesNames))
		out[0] = Sample{Name: "sys.uptime_s", Value: float64(int64(up))}
		files, err := openFiles(s)
		if errors.Is(err, errAbsent) {
			err = nil
		}
		return append(out, files...), err
	},
}
