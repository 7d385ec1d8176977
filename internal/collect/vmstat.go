package collect

import (
	"bytes"
	"fmt"
)

// vmstatFields are the /proc/vmstat counters the vmstat family reads,
// with the figure each becomes and the factor to its unit.
var vmstatFields = []struct {
	key, name string
	scale     float64
}{
	// The kernel counts pgpgin and pgpgout in KiB, whatever the page size.
	{"pgpgin", "mem.page_in_bytes_per_s", 1024},
	{"pgpgout", "mem.page_out_bytes_per_s", 1024},
	{"pswpin", "swap.in_pages_per_s", 1},
	{"pswpout", "swap.out_pages_per_s", 1},
	{"pgmajfault", "mem.major_faults_per_s", 1},
	// OOM kills are rare: a count over the interval says more than a
	// rate of 0.02 per second.
	{"oom_kill", "mem.oom_kills", 0},
}

var vmstatFamily = &Family{
	Name:    "vmstat",
	Metrics: vmstatNames(),
	counters: func(s *Source) (Counters, error) {
		b, err := s.read(s.proc("vmstat"), true)
		if err != nil {
			return nil, err
		}
		return parseVmstat(b)
	},
	rates: vmstatRates,
}

func vmstatNames() []string {
	var out []string
	for _, f := range vmstatFields {
		out = append(out, f.name)
	}
	return out
}

// parseVmstat reads the counters of /proc/vmstat that sm uses, each a
// one-value instance named by its key:
//
//	pgpgin 7344136
//	pswpin 1476
//
// A counter the kernel does not have (oom_kill before Linux 4.13) is
// left out; so are lines of other shapes, whose keys sm does not read.
func parseVmstat(b []byte) (Counters, error) {
	c := Counters{}
	err := eachLine(b, func(n int, line []byte) error {
		key, value, ok := bytes.Cut(line, []byte(" "))
		if !ok {
			return nil
		}
		for _, f := range vmstatFields {
			if string(key) != f.key {
				continue
			}
			v, err := parseUint(bytes.TrimSpace(value))
			if err != nil {
				return fmt.Errorf("vmstat: line %d: %v", n, err)
			}
			c[f.key] = []float64{v}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// vmstatRates turns the counters into rates, and OOM kills into their
// count over the interval. A counter that went down, or that one of the
// readings lacks, gives nothing that time; the others still do.
func vmstatRates(prev, cur Counters, dt float64) []Sample {
	if dt <= 0 {
		return nil
	}
	out := make([]Sample, 0, len(vmstatFields))
	for _, f := range vmstatFields {
		p, c := prev[f.key], cur[f.key]
		if len(p) != 1 || len(c) != 1 {
			continue
		}
		d, ok := delta(p[0], c[0])
		if !ok {
			continue
		}
		v := d
		if f.scale != 0 {
			v = round2(d * f.scale / dt)
		}
		out = append(out, Sample{Name: f.name, Value: v})
	}
	return out
}
