package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sm/internal/collect"
	"sm/internal/record"
)

// TestCgroupTree reads the generated tree with the services family, as
// sm-sample does when the machine's cgroups give it nothing: every group
// of the tree is found, with the memory written for it.
func TestCgroupTree(t *testing.T) {
	if n := len(cgroupTree()); n != loadCgroups {
		t.Fatalf("the tree has %d cgroups, want %d", n, loadCgroups)
	}
	root := t.TempDir()
	proc := filepath.Join(root, "proc")
	if err := os.MkdirAll(proc, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"meminfo": "MemTotal:        8048000 kB\n",
		"uptime":  "1000.00 1900.00\n",
	} {
		if err := os.WriteFile(filepath.Join(proc, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var pids []int
	for i := range loadMoved {
		pids = append(pids, 1000+i)
	}
	if err := writeCgroupTree(root, pids); err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1764000000, 0)
	s := collect.Sampler{
		Source: collect.Source{Proc: proc},
		Window: time.Second,
		Sleep:  func(time.Duration) {},
		Now:    func() time.Time { now = now.Add(time.Second); return now },
	}
	res := s.Run([]*collect.Family{collect.Lookup("services")}, collect.NewState())
	if len(res.Warnings) > 0 {
		t.Fatalf("warnings: %v", res.Warnings)
	}
	mem := map[string]float64{}
	for _, x := range res.Samples {
		if x.Name == "svc.mem_bytes" {
			mem[record.TagValue(x.Tags, "unit")+record.TagValue(x.Tags, "cgroup")] = x.Value
		}
	}
	for i, dir := range cgroupTree() {
		if strings.Contains(dir, "/") && dir != "user.slice/user-1000.slice" {
			continue // members: kept or summed by their share
		}
		k := float64(i + 1)
		want := k*3_141_000 + k*2_718_000 + k*100_000
		key := filepath.Base(dir)
		if dir == "docker" {
			key = "/docker"
		}
		if got, ok := mem[key]; !ok || got != want {
			t.Errorf("%s: svc.mem_bytes %v (found %v), want %v; all: %v", dir, got, ok, want, mem)
		}
	}
}

// TestSimFor checks that each kind of figure moves as it should over a
// day of minutes.
func TestSimFor(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    float64
		ok   func(m int, v float64) bool
	}{
		{"mem.total_bytes", 8241418240, func(_ int, v float64) bool { return v == 8241418240 }},
		{"disk.size_bytes", 31569997824, func(_ int, v float64) bool { return v == 31569997824 }},
		{"sys.uptime_s", 3600, func(m int, v float64) bool { return v == 3600+float64(m)*60 }},
		{"cpu.busy_pct", 99, func(_ int, v float64) bool { return v >= 0 && v <= 100 }},
		{"proc.cpu_pct", 0, func(_ int, v float64) bool { return v >= 0 && v <= 100 }},
		{"net.rx_bytes_per_s", 3000, func(_ int, v float64) bool { return v > 0 }},
		{"net.errors_per_s", 0, func(_ int, v float64) bool { return v >= 0 && v <= 10 }},
		{"proc.rss_bytes", 4341760, func(_ int, v float64) bool { return v >= 0 && math.Mod(v, 4096) == 0 }},
		{"proc.count", 3, func(_ int, v float64) bool { return v >= 0 && v == math.Trunc(v) }},
		{"clock.offset_s", 0.0012, func(_ int, v float64) bool { return math.Abs(v) < 1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := simFor(rand.New(rand.NewPCG(1, 2)), tc.name, tc.v)
			moved := false
			for m := range 1440 {
				v := f(m)
				if !tc.ok(m, v) {
					t.Fatalf("minute %d: %v", m, v)
				}
				moved = moved || v != tc.v
			}
			constant := strings.Contains(tc.name, "total") || strings.Contains(tc.name, "size")
			if moved == constant {
				t.Errorf("moved %v, want %v", moved, !constant)
			}
		})
	}
}

// TestSimulate checks that the top commands' series come and go, and
// the others are in every sample.
func TestSimulate(t *testing.T) {
	recs, counts := parseSample([]byte("proc.count;comm=sleep;host=a;user=root 300 1764000000\nload.1m;host=a 0.5 1764000000\nnot a record\n"))
	if len(recs) != 2 || counts["proc"] != 1 || counts["load"] != 1 {
		t.Fatalf("parsed %v, %v", recs, counts)
	}
	sims := simulate(recs, 1)
	for _, s := range sims {
		seen := 0
		for m := range 1000 {
			if _, ok := s.next(m); ok {
				seen++
			}
		}
		wantAll := !strings.HasPrefix(s.key, "proc.")
		if (seen == 1000) != wantAll || seen < 700 {
			t.Errorf("%s: in %d samples of 1000", s.key, seen)
		}
	}
}

func TestHasPid(t *testing.T) {
	for _, tc := range []struct {
		procs string
		pid   int
		want  bool
	}{
		{"1\n12\n123\n", 12, true},
		{"1\n123\n", 12, false},
		{"", 12, false},
		{"120\n", 12, false},
	} {
		t.Run(fmt.Sprintf("%q", tc.procs), func(t *testing.T) {
			if got := hasPid([]byte(tc.procs), tc.pid); got != tc.want {
				t.Errorf("got %v", got)
			}
		})
	}
}

// TestHierarchies finds no cgroup hierarchy in a plain folder, where the
// bench falls back to the generated tree.
func TestHierarchies(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"cpu", "memory", "unified"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if hs := hierarchies(dir); len(hs) != 0 {
		t.Errorf("found %v", hs)
	}
}
