package main

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"sm/internal/record"
	"sm/internal/store"
)

// A host simulates sm-sample's default records for one machine: the
// series of a typical server, each moving as such figures do. Gauges
// wander, counters of bytes move in pages, rates are noisy, and constant
// figures stay put.
type host struct {
	r      *rand.Rand
	name   string
	series []simSeries
}

type simSeries struct {
	key  string
	next func(minute int) float64
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func newHost(name string, seed uint64) *host {
	r := rand.New(rand.NewPCG(seed, 99))
	h := &host{r: r, name: name}
	walk := func(v, step, lo, hi float64) func(int) float64 {
		return func(int) float64 {
			v = math.Min(hi, math.Max(lo, v+r.NormFloat64()*step))
			return round2(v)
		}
	}
	bytesWalk := func(v, step float64) func(int) float64 {
		return func(int) float64 {
			v = math.Max(0, v+math.Round(r.NormFloat64()*step/4096)*4096)
			return v
		}
	}
	rate := func(mu, sigma float64) func(int) float64 {
		return func(int) float64 { return round2(math.Exp(r.NormFloat64()*sigma + mu)) }
	}
	pct := func(mean, sd float64) func(int) float64 {
		return func(int) float64 { return round2(math.Max(0, math.Min(100, mean+r.NormFloat64()*sd))) }
	}
	rare := func(p, scale float64) func(int) float64 {
		return func(int) float64 {
			if r.Float64() < p {
				return round2(r.Float64() * scale)
			}
			return 0
		}
	}
	constant := func(v float64) func(int) float64 { return func(int) float64 { return v } }
	procs := 180.0
	add := func(key string, f func(int) float64) {
		h.series = append(h.series, simSeries{key + ";host=" + name, f})
	}
	add("load.1m", walk(0.5, 0.1, 0, 8))
	add("load.5m", walk(0.5, 0.04, 0, 8))
	add("load.15m", walk(0.5, 0.02, 0, 8))
	add("procs.running", func(int) float64 { return float64(1 + r.IntN(3)) })
	add("procs.total", func(int) float64 { procs = math.Max(100, procs+float64(r.IntN(5)-2)); return procs })
	add("mem.used_pct", walk(35, 0.2, 5, 95))
	add("mem.available_bytes", bytesWalk(5.2e9, 8e6))
	add("mem.total_bytes", constant(8241418240))
	add("swap.used_pct", walk(2, 0.01, 0, 100))
	add("swap.total_bytes", constant(2147479552))
	for _, m := range []string{"/", "/var"} {
		add("disk.used_pct;mount="+m, walk(40, 0.005, 0, 100))
		add("disk.avail_bytes;mount="+m, bytesWalk(2e10, 2e5))
		add("disk.size_bytes;mount="+m, constant(31569997824))
		add("disk.inodes_used_pct;mount="+m, walk(8, 0.002, 0, 100))
	}
	add("cpu.busy_pct", pct(6, 3))
	add("cpu.user_pct", pct(4, 2))
	add("cpu.system_pct", pct(1.5, 0.7))
	add("cpu.iowait_pct", pct(0.2, 0.2))
	add("cpu.steal_pct", rare(0.05, 1))
	add("net.rx_bytes_per_s;iface=eth0", rate(8, 1.2))
	add("net.tx_bytes_per_s;iface=eth0", rate(7, 1.2))
	add("net.errors_per_s;iface=eth0", rare(0.001, 1))
	add("diskio.read_bytes_per_s;device=sda", rate(6, 2))
	add("diskio.write_bytes_per_s;device=sda", rate(10, 1))
	add("diskio.util_pct;device=sda", pct(1, 0.8))
	add("pressure.cpu_some_pct", rare(0.2, 2))
	add("pressure.io_some_pct", rare(0.1, 2))
	add("pressure.io_full_pct", rare(0.05, 1))
	add("pressure.memory_some_pct", rare(0.01, 1))
	add("pressure.memory_full_pct", rare(0.005, 1))
	uptime := 3600.0
	add("sys.uptime_s", func(int) float64 { uptime += 60; return uptime })
	// Tags in canonical order.
	for i := range h.series {
		name, tags, err := record.ParseSeries(h.series[i].key)
		if err != nil {
			panic(err)
		}
		h.series[i].key = string(record.AppendSeries(nil, name, tags))
	}
	return h
}

// simulateYear writes a year of one host's per-minute samples into a new
// database the way cron does: one batch a minute, each followed by the
// bounded maintenance of a run. It returns the samples written and the
// database's size with its WAL checkpointed.
func simulateYear(dir string, minutes int) (int, int64, error) {
	path := filepath.Join(dir, "year.db")
	start := int64(1764000000) - int64(minutes)*60
	start -= start % 60
	now := start
	db, err := store.Open(path, store.Options{Wait: time.Minute, Now: func() time.Time { return time.Unix(now, 0) }, NoSync: true})
	if err != nil {
		return 0, 0, err
	}
	h := newHost("web1", 1)
	b := store.NewBatch()
	n := 0
	for m := 0; m < minutes; m++ {
		now = start + int64(m)*60
		b.Reset()
		for _, s := range h.series {
			b.Add([]byte(s.key), now, s.next(m))
		}
		if _, err := db.Write(b); err != nil {
			return n, 0, err
		}
		n += b.Len()
		if _, err := db.Maintain(store.DefaultWork); err != nil {
			return n, 0, err
		}
	}
	if err := db.Checkpoint(); err != nil {
		return n, 0, err
	}
	db.Close()
	fi, err := os.Stat(path)
	if err != nil {
		return n, 0, err
	}
	return n, fi.Size(), nil
}
