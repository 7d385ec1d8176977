package collect

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestServicesHybrid reads a hybrid systemd host's hierarchies twice, a
// minute apart. What the golden file shows, by path:
//   - nginx.service is in every hierarchy: CPU from cpuacct.usage (30 s
//     in 60 s is 50 %, where the unified tree's cpu.stat would say 70),
//     memory from memory.stat total_rss + total_cache, IO from the
//     recursive blkio file (6 MiB read on two devices, 3 MiB written),
//     pressure from the unified tree, tasks from pids.current.
//   - postgresql.service has only its own blkio file, which a service
//     may use.
//   - cron.service, ssh.service, getty@tty1.service and session-2.scope
//     are only in the unit tree and pids: CPU from the unified tree, no
//     memory or IO, rather than zeros; small, they are summed into their
//     slice's unit=other.
//   - restarted.service: its cpuacct.usage went down: no CPU rate, its
//     memory (200 MiB, over 1 % of 8 GiB) still; its OOM kills.
//   - vanished.service: listed, then its files gone: absent.
//   - system.slice's memory.oom_control counts only kills of its own
//     tasks: no svc.oom_kills for a slice.
//   - user.slice has no blkio cgroup: no IO figures.
//   - /docker/0123abcd, made by Docker's cgroupfs driver in the v1
//     hierarchies only, is read from them; what it holds is not.
func TestServicesHybrid(t *testing.T) {
	servicesGolden(t, "hybrid")
}

// hybridRun is servicesRun on a copy of the hybrid fixture that change
// may alter first, with the later files of later (the fixture's own when
// empty); it returns the values by series.
func hybridRun(t *testing.T, change func(cg string), later string) map[string]float64 {
	t.Helper()
	root := tree(t, "hybrid")
	if change != nil {
		change(filepath.Join(root, "sys/fs/cgroup"))
	}
	if later == "" {
		later = "testdata/hybrid-later"
	}
	got := map[string]float64{}
	for _, l := range servicesRun(t, root, later) {
		i := strings.LastIndexByte(l, ' ')
		v, err := strconv.ParseFloat(l[i+1:], 64)
		if err != nil {
			t.Fatal(err)
		}
		got[l[:i]] = v
	}
	return got
}

// hybridGolden is the hybrid fixture's golden file by series.
func hybridGolden(t *testing.T) map[string]float64 {
	t.Helper()
	b, err := os.ReadFile("testdata/hybrid.golden")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]float64{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		i := strings.LastIndexByte(l, ' ')
		v, err := strconv.ParseFloat(l[i+1:], 64)
		if err != nil {
			t.Fatal(err)
		}
		m[l[:i]] = v
	}
	return m
}

// TestServicesV1Layouts reads the hybrid fixture as other hosts would
// show it.
func TestServicesV1Layouts(t *testing.T) {
	remove := func(dirs ...string) func(cg string) {
		return func(cg string) {
			for _, d := range dirs {
				if err := os.RemoveAll(filepath.Join(cg, d)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	t.Run("v1 only", func(t *testing.T) {
		// Without the unified tree, name=systemd holds the units: no
		// pressure at all, and no CPU where cpuacct has no cgroup.
		got := hybridRun(t, remove("unified"), "")
		for k := range got {
			if strings.Contains(k, "_some_pct") || strings.Contains(k, "_full_pct") {
				t.Errorf("%s: pressure on v1", k)
			}
		}
		// What the hybrid host shows, less the pressure, and less the
		// CPU of the units cpuacct has no cgroup for: user@1000.service
		// and pipewire.service, no longer standing out, are summed.
		want := hybridGolden(t)
		for k := range want {
			if strings.Contains(k, "_some_pct") || strings.Contains(k, "_full_pct") {
				delete(want, k)
			}
		}
		for _, k := range []string{
			"svc.cpu_pct;unit=system-getty.slice", "svc.cpu_pct;unit=user-1000.slice", "svc.cpu_pct;unit=app.slice;uid=1000",
			"svc.cpu_pct;unit=user@1000.service", "svc.tasks;unit=user@1000.service",
			"svc.cpu_pct;unit=pipewire.service;uid=1000", "svc.tasks;unit=pipewire.service;uid=1000",
			"svc.cpu_pct;slice=-.slice;unit=other", "svc.cpu_pct;slice=system.slice;unit=other",
			"svc.cpu_pct;slice=system-getty.slice;unit=other", "svc.cpu_pct;slice=user-1000.slice;unit=other",
		} {
			if _, ok := want[k]; !ok {
				t.Fatalf("%s not in the golden file", k)
			}
			delete(want, k)
		}
		want["svc.tasks;slice=user-1000.slice;unit=other"] = 4 + 26
		want["svc.tasks;slice=app.slice;unit=other;uid=1000"] = 3
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %v\nwant %v", got, want)
		}
	})
	t.Run("no pids", func(t *testing.T) {
		// Before Linux 4.3: a service's own tasks, counted; a slice's
		// would leave out its units', so it has none.
		got := hybridRun(t, remove("unified", "pids"), "")
		for k, want := range map[string]float64{
			"svc.tasks;unit=nginx.service":       5,
			"svc.tasks;cgroup=/docker/0123abcd":  6,
			"svc.tasks;slice=-.slice;unit=other": 1,
		} {
			if got[k] != want {
				t.Errorf("%s = %v, want %v", k, got[k], want)
			}
		}
		for _, k := range []string{"svc.tasks;unit=system.slice", "svc.tasks;cgroup=/docker"} {
			if v, ok := got[k]; ok {
				t.Errorf("%s = %v, want none", k, v)
			}
		}
	})
	t.Run("no pids, hybrid", func(t *testing.T) {
		// The unified tree's cgroup.threads stands in for tasks.
		got := hybridRun(t, remove("pids"), "")
		for k, want := range map[string]float64{
			"svc.tasks;unit=nginx.service":             5,
			"svc.tasks;slice=system.slice;unit=other":  4,
			"svc.tasks;unit=pipewire.service;uid=1000": 3,
			"svc.tasks;cgroup=/docker/0123abcd":        6, // from cpuacct's tasks
		} {
			if got[k] != want {
				t.Errorf("%s = %v, want %v", k, got[k], want)
			}
		}
		if v, ok := got["svc.tasks;unit=system.slice"]; ok {
			t.Errorf("system.slice's tasks %v, want none", v)
		}
	})
	t.Run("cpuacct", func(t *testing.T) {
		// Where the hierarchy is named for cpuacct (a link on systemd
		// hosts, or a mount of cpuacct alone), it is read the same.
		later := t.TempDir()
		overlay(t, "testdata/hybrid-later", later)
		rename := func(cg string) {
			if err := os.Rename(filepath.Join(cg, "cpu,cpuacct"), filepath.Join(cg, "cpuacct")); err != nil {
				t.Fatal(err)
			}
		}
		rename(filepath.Join(later, "sys/fs/cgroup"))
		if got, want := hybridRun(t, rename, later), hybridGolden(t); !reflect.DeepEqual(got, want) {
			t.Errorf("got %v\nwant %v", got, want)
		}
	})
	t.Run("cpuacct turned on", func(t *testing.T) {
		// cron.service gains a cpuacct cgroup (CPUAccounting=yes) between
		// the runs: its CPU comes from a counter that started elsewhere,
		// so no rate this run, however the numbers compare.
		later := t.TempDir()
		overlay(t, "testdata/hybrid-later", later)
		d := filepath.Join(later, "sys/fs/cgroup/cpu,cpuacct/system.slice/cron.service")
		for name, s := range map[string]string{"cpuacct.usage": "60000000000\n", "cgroup.procs": "", "tasks": ""} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(d, name), []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got := hybridRun(t, nil, later)
		if v := got["svc.cpu_pct;slice=system.slice;unit=other"]; v != 0.1 {
			t.Errorf("system.slice's others at %v %% of CPU, want ssh.service's 0.1", v)
		}
		for k := range got {
			if strings.Contains(k, "cron.service") {
				t.Errorf("%s: cron.service stands out", k)
			}
		}
	})
	t.Run("absurd", func(t *testing.T) {
		// A tenant's cgroup cannot claim more memory than the machine
		// has, or a counter past 64 bits.
		got := hybridRun(t, func(cg string) {
			d := filepath.Join(cg, "memory/system.slice/nginx.service")
			if err := os.WriteFile(filepath.Join(d, "memory.stat"), []byte("total_rss 18446744073709551615\ntotal_cache 18446744073709551615\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			d = filepath.Join(cg, "pids/system.slice/nginx.service")
			if err := os.WriteFile(filepath.Join(d, "pids.current"), []byte("18446744073709551616\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "")
		for k, v := range got {
			name, _, _ := strings.Cut(k, ";")
			if strings.Contains(k, "nginx") && strings.HasSuffix(name, "_bytes") || strings.HasPrefix(k, "svc.tasks;unit=nginx") {
				t.Errorf("%s = %v, want none", k, v)
			}
		}
		if got["svc.cpu_pct;unit=nginx.service"] != 50 {
			t.Errorf("nginx.service's other figures lost: %v", got)
		}
	})
}

// TestServicesV1Gone: a cgroup whose controller files are missing from a
// hierarchy that listed it was removed while being read: it is left
// out, whichever file was missed. A file a controller may lack (blkio's,
// the unified tree's) does not count.
func TestServicesV1Gone(t *testing.T) {
	root := t.TempDir()
	h := v1Host{unified: true}
	for i, name := range []string{"unified", "cpuacct", "memory", "blkio", "pids"} {
		h.dir[i] = filepath.Join(root, name)
	}
	full := map[string]string{
		"unified/x.service/cpu.stat":                                "usage_usec 5\n",
		"cpuacct/x.service/cpuacct.usage":                           "5000\n",
		"memory/x.service/memory.stat":                              "total_rss 1\ntotal_cache 2\n",
		"memory/x.service/memory.oom_control":                       "oom_kill 0\n",
		"blkio/x.service/blkio.throttle.io_service_bytes_recursive": "Total 0\n",
		"pids/x.service/pids.current":                               "1\n",
	}
	in := uint(1<<hLen - 1)
	tests := []struct {
		missing string
		ok      bool
	}{
		{"", true},
		{"cpuacct/x.service/cpuacct.usage", false},
		{"memory/x.service/memory.stat", false},
		{"memory/x.service/memory.oom_control", false},
		{"pids/x.service/pids.current", false},
		{"blkio/x.service/blkio.throttle.io_service_bytes_recursive", true},
		{"unified/x.service/cpu.stat", true},
	}
	for _, tt := range tests {
		t.Run(tt.missing, func(t *testing.T) {
			if err := os.RemoveAll(root); err != nil {
				t.Fatal(err)
			}
			for p, s := range full {
				if p == tt.missing {
					continue
				}
				if err := os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(root, p), []byte(s), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s := &Source{}
			v, ok := s.readCgroupV1(&h, "/x.service", in, cgMember)
			if ok != tt.ok {
				t.Fatalf("got %v, %v; want ok %v", v, ok, tt.ok)
			}
			if ok && (v[cgUsage] != 5 || v[cgMem] != 3 || v[cgTasks] != 1) {
				t.Errorf("got %v", v)
			}
		})
	}
}

// TestServicesV1Bound: the union of the hierarchies is bounded as the v2
// tree is, each path counted once however many hold it.
func TestServicesV1Bound(t *testing.T) {
	root := t.TempDir()
	cg := filepath.Join(root, "sys/fs/cgroup")
	write := func(p, s string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, h := range []string{"pids", "memory"} {
		write(filepath.Join(cg, h, "cgroup.procs"), "")
	}
	for i := range maxCgroups + 50 {
		d := filepath.Join(cg, "pids", fmt.Sprintf("u%04d.scope", i))
		write(filepath.Join(d, "pids.current"), "1\n")
		d = filepath.Join(cg, "memory", fmt.Sprintf("u%04d.scope", i+25))
		write(filepath.Join(d, "memory.stat"), "total_rss 1\ntotal_cache 1\n")
		write(filepath.Join(d, "memory.oom_control"), "oom_kill 0\n")
	}
	c, err := readCgroups(&Source{Proc: filepath.Join(root, "proc")})
	if err != nil {
		t.Fatal(err)
	}
	if len(c) != maxCgroups {
		t.Errorf("%d cgroups kept, want %d", len(c), maxCgroups)
	}
}

func TestParseCgroupV1Files(t *testing.T) {
	t.Run("blkio", func(t *testing.T) {
		tests := []struct {
			in      string
			r, w    float64
			wantErr bool
		}{
			{"8:0 Read 100\n8:0 Write 200\n8:0 Sync 300\n8:0 Async 0\n8:0 Discard 0\n8:0 Total 300\n8:16 Read 1\n8:16 Write 2\nTotal 303\n", 101, 202, false},
			{"Total 0\n", 0, 0, false}, // no IO yet: no devices listed
			{"", 0, 0, false},
			{"8:0 Read x\n", 0, 0, true},
			{"8:0 Write -1\n", 0, 0, true},
			{"8:0 Read 18446744073709551616\n", 0, 0, true},
			{"8:0 Read\n", 0, 0, false}, // not a device's line
		}
		for _, tt := range tests {
			t.Run(tt.in, func(t *testing.T) {
				r, w, err := parseBlkio([]byte(tt.in))
				if (err != nil) != tt.wantErr || err == nil && (r != tt.r || w != tt.w) {
					t.Errorf("got %v %v, %v; want %v %v, error %v", r, w, err, tt.r, tt.w, tt.wantErr)
				}
			})
		}
	})
	t.Run("tasks", func(t *testing.T) {
		tests := []struct {
			in      string
			want    float64
			wantErr bool
		}{
			{"1\n22\n333\n", 3, false},
			{"", 0, false},
			{"1\n\n2", 2, false},
			{"1\nx\n", 0, true},
			{" 1\n", 0, true},
		}
		for _, tt := range tests {
			t.Run(tt.in, func(t *testing.T) {
				got, err := parseTaskList([]byte(tt.in))
				if (err != nil) != tt.wantErr || err == nil && got != tt.want {
					t.Errorf("got %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
				}
			})
		}
	})
}

// FuzzCgroupV1Files feeds one text to the v1 parsers: none may panic,
// and what they accept is a number, not below zero.
func FuzzCgroupV1Files(f *testing.F) {
	for _, name := range []string{
		"blkio/system.slice/blkio.throttle.io_service_bytes_recursive",
		"memory/system.slice/memory.stat",
		"memory/system.slice/memory.oom_control",
		"pids/system.slice/nginx.service/tasks",
		"cpu,cpuacct/system.slice/cpuacct.usage",
	} {
		if b, err := os.ReadFile(filepath.Join("testdata/hybrid/sys/fs/cgroup", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("8:0 Read 18446744073709551615\n8:0 Write 1\nTotal 1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if r, w, err := parseBlkio(b); err == nil && (math.IsNaN(r+w) || r < 0 || w < 0) {
			t.Fatalf("blkio %v %v from %q", r, w, b)
		}
		if n, err := parseTaskList(b); err == nil && (n < 0 || n > float64(len(b))) {
			t.Fatalf("tasks %v from %q", n, b)
		}
	})
}

// BenchmarkServicesReadV1 is one read of the hybrid fixture's 21
// cgroups across its six hierarchies.
func BenchmarkServicesReadV1(b *testing.B) {
	s := &Source{Proc: "testdata/hybrid/proc"}
	for b.Loop() {
		if _, err := readCgroups(s); err != nil {
			b.Fatal(err)
		}
	}
}

// TestServicesV1Slices: a slice's figures must count what its units
// hold; v1's own-cgroup files (blkio without _recursive, oom_kill) stand
// only for a service, scope or container.
func TestServicesV1Slices(t *testing.T) {
	root := t.TempDir()
	h := v1Host{}
	h.dir[hMem] = filepath.Join(root, "memory")
	h.dir[hIO] = filepath.Join(root, "blkio")
	for p, s := range map[string]string{
		"memory/x/memory.stat":                    "total_rss 1\ntotal_cache 2\n",
		"memory/x/memory.oom_control":             "oom_kill 4\n",
		"memory/x/tasks":                          "",
		"blkio/x/blkio.throttle.io_service_bytes": "8:0 Read 5\n8:0 Write 6\nTotal 11\n",
	} {
		if err := os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	in := uint(1<<hMem | 1<<hIO)
	s := &Source{}
	tests := []struct {
		kind float64
		want uint
	}{
		{cgMember, 1<<cgMem | 1<<cgAnon | 1<<cgFile | 1<<cgOOM | 1<<cgRead | 1<<cgWrite | 1<<cgTasks},
		{cgGroup, 1<<cgMem | 1<<cgAnon | 1<<cgFile},
	}
	for _, tt := range tests {
		v, ok := s.readCgroupV1(&h, "/x", in, tt.kind)
		if !ok || uint(v[cgMask]) != tt.want {
			t.Errorf("kind %v: got %v, %v; want mask %b", tt.kind, v, ok, tt.want)
		}
		if ok && tt.kind == cgMember && (v[cgRead] != 5 || v[cgWrite] != 6 || v[cgOOM] != 4) {
			t.Errorf("member: got %v", v)
		}
	}
}
