package collect

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"

	"flag"
	"os"
	"path/filepath"
	"sm/internal/record"
	"strings"
	"testing"
	"time"
)

var updateServices = flag.Bool("update-services", false, "rewrite testdata/NAME.golden (systemd, hybrid)")

// servicesRun reads the fixture at root, then overlays later a minute on
// and reads again through the state file, and returns the second run's
// lines.
func servicesRun(t *testing.T, root, later string) []string {
	t.Helper()
	clock := &fakeClock{now: time.Unix(1764045000, 0)}
	s := sampler(t, root, clock, 0)
	fams := []*Family{family(t, "services")}
	st := NewState()
	if res := s.Run(fams, st); len(res.Samples) != 0 || len(res.Warnings) != 0 {
		t.Fatalf("first run: %q, %v", lines(res.Samples), res.Warnings)
	}
	path := filepath.Join(t.TempDir(), "sample.state")
	if err := st.Save(path); err != nil {
		t.Fatal(err)
	}
	st, err := LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	overlay(t, later, root)
	res := s.Run(fams, st)
	if len(res.Warnings) != 0 {
		t.Fatal(res.Warnings)
	}
	return lines(res.Samples)
}

// TestServicesFixture reads a systemd host's tree twice, a minute apart.
// What the golden file shows, by path:
//   - nginx.service: 30 s of CPU in 60 s is 50 %; 6 MiB read on sda and
//     3 MiB on dm-0 is 157286.4 bytes/s.
//   - restarted.service: its CPU counter went down (restarted in the same
//     cgroup): no rates, its memory still (kept for 200 MiB, over 1 % of
//     8 GiB).
//   - nomem.service: no memory or io controller, so no such figures,
//     rather than zeros.
//   - vanished.service: removed between listing and reading: absent.
//   - cron.service and ssh.service, small, are summed into
//     unit=other;slice=system.slice; session-2.scope into user-1000.slice's,
//     init.scope into the root's (-.slice).
//   - nginx.service/workers, user@1000.service/init.scope and the
//     container's own system.slice are inside units: not read.
//   - the user's own units carry uid=1000.
//   - /docker is a folder of containers, kept like a slice; its
//     container /docker/0123abcd is kept for its 2 % CPU, not what is
//     inside.
func TestServicesFixture(t *testing.T) {
	servicesGolden(t, "systemd")
}

// servicesGolden runs the services family on the fixture tree name,
// then on name-later, and compares what it printed with
// testdata/name.golden (rewritten with -update-services).
func servicesGolden(t *testing.T, name string) {
	t.Helper()
	got := strings.Join(servicesRun(t, tree(t, name), "testdata/"+name+"-later"), "\n") + "\n"
	golden := "testdata/" + name + ".golden"
	if *updateServices {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestParseCgroupFiles(t *testing.T) {
	t.Run("flat keyed", func(t *testing.T) {
		tests := []struct {
			in      string
			want    map[string]float64
			wantErr bool
		}{
			{"usage_usec 12\nuser_usec 5\n", map[string]float64{"usage_usec": 12}, false},
			{"user_usec 5\n", map[string]float64{}, false}, // missing, not zero
			{"usage_usec 18446744073709551615\n", map[string]float64{"usage_usec": 18446744073709551615}, false},
			{"usage_usec 18446744073709551616\n", nil, true}, // past 64 bits
			{"usage_usec -1\n", nil, true},
			{"usage_usec\n", map[string]float64{}, false}, // no value: not the key asked for
			{"usage_usec x\n", nil, true},
		}
		for _, tt := range tests {
			t.Run(tt.in, func(t *testing.T) {
				f, err := parseFlatKeyed([]byte(tt.in), "usage_usec")
				got := map[string]float64{}
				if x, ok := f.get(0); ok {
					got["usage_usec"] = x
				}
				if (err != nil) != tt.wantErr || err == nil && !reflect.DeepEqual(got, tt.want) {
					t.Errorf("got %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
				}
			})
		}
	})
	t.Run("io.stat", func(t *testing.T) {
		tests := []struct {
			in      string
			r, w    float64
			wantErr bool
		}{
			{"8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n8:16 rbytes=1 wbytes=2\n", 101, 202, false},
			{"", 0, 0, false}, // no IO yet: no devices listed
			{"8:0 rios=1\n", 0, 0, false},
			{"8:0 rbytes=x wbytes=2\n", 0, 0, true},
			{"8:0 rbytes\n", 0, 0, true},
		}
		for _, tt := range tests {
			t.Run(tt.in, func(t *testing.T) {
				r, w, err := parseIOStat([]byte(tt.in))
				if (err != nil) != tt.wantErr || err == nil && (r != tt.r || w != tt.w) {
					t.Errorf("got %v %v, %v; want %v %v, error %v", r, w, err, tt.r, tt.w, tt.wantErr)
				}
			})
		}
	})
}

// FuzzCgroupFiles feeds one text to the cgroup parsers: none may panic,
// and what they accept is a number, not below zero.
func FuzzCgroupFiles(f *testing.F) {
	for _, name := range []string{"cpu.stat", "memory.stat", "memory.events", "io.stat", "io.pressure"} {
		if b, err := os.ReadFile(filepath.Join("testdata/systemd/sys/fs/cgroup/system.slice/nginx.service", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("8:0 rbytes=1 wbytes=18446744073709551615\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if m, err := parseFlatKeyed(b, "usage_usec", "anon", "file", "oom_kill"); err == nil {
			for i := range maxFlatKeys {
				if v, _ := m.get(i); math.IsNaN(v) || v < 0 {
					t.Fatalf("key %d = %v from %q", i, v, b)
				}
			}
		}
		if r, w, err := parseIOStat(b); err == nil && (math.IsNaN(r+w) || r < 0 || w < 0) {
			t.Fatalf("io.stat %v %v from %q", r, w, b)
		}
	})
}

// TestServicesHostile reads a tree a tenant could shape: unit names with
// control characters, ';' and spaces, and absurd numbers. Every value
// is a record's, and every record line reads back.
func TestServicesHostile(t *testing.T) {
	root := tree(t, "systemd")
	cg := filepath.Join(root, "sys/fs/cgroup/system.slice")
	evil := []string{"a\x1b[31mred;host=x.service", "sp ace\n.service", "~tilde.scope", "\xff\xfe.service"}
	for _, name := range evil {
		d := filepath.Join(cg, name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		files := map[string]string{
			"cgroup.procs":   "",
			"cpu.stat":       "usage_usec 18446744073709551615\n",
			"memory.current": "1073741824\n", // kept for its 1 GiB
			"memory.stat":    "anon 18446744073709551615\nfile 1\n",
			"io.stat":        "8:0 rbytes=18446744073709551615 wbytes=18446744073709551615\n8:1 rbytes=18446744073709551615 wbytes=0\n",
			"pids.current":   "max\n",
			"cpu.pressure":   "some avg10=0.00 avg60=0.00 avg300=0.00 total=18446744073709551615\n",
		}
		for f, s := range files {
			if err := os.WriteFile(filepath.Join(d, f), []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	got := servicesRun(t, root, "testdata/systemd-later")
	n := 0
	for _, l := range got {
		if !strings.Contains(l, `\0`) && !strings.Contains(l, `\3`) {
			continue
		}
		n++
		rec, err := record.Parse([]byte(l+" 1764045000"), 0)
		if err != nil {
			t.Errorf("%q does not read back: %v", l, err)
			continue
		}
		if u := rec.Tag("unit"); !slices.Contains(evil, u) {
			t.Errorf("%q: unit %q is none of the names", l, u)
		}
		if math.IsInf(rec.Value, 0) || math.IsNaN(rec.Value) || rec.Value < 0 {
			t.Errorf("%q: absurd value", l)
		}
		if rec.Name == "svc.mem_anon_bytes" || rec.Name == "svc.tasks" {
			t.Errorf("%q: a figure past the machine's memory, or not a number, is not left out", l)
		}
	}
	for _, l := range got {
		if i := strings.LastIndexByte(l, ' '); len(l)-i > 16 {
			t.Errorf("%q: absurd value", l)
		}
	}
	if n == 0 {
		t.Errorf("no escaped unit in %q", got)
	}
}

// TestServicesBounds checks what a host with many units emits and keeps:
// slices always, members over 1 % of a CPU or of memory up to the top 20
// by each, the rest summed per slice.
func TestServicesBounds(t *testing.T) {
	const mib = 1 << 20
	prev, cur := Counters{}, Counters{}
	cur[memTotalKey] = []float64{1000 * mib}
	unit := func(p string, kind, usage0, usage1, mem float64) {
		mask := float64(1<<cgUsage | 1<<cgMem)
		prev[p] = make([]float64, cgLen)
		prev[p][cgKind], prev[p][cgMask], prev[p][cgUsage] = kind, mask, usage0
		cur[p] = make([]float64, cgLen)
		cur[p][cgKind], cur[p][cgMask], cur[p][cgUsage], cur[p][cgMem] = kind, mask, usage1, mem
	}
	unit("/system.slice", cgGroup, 0, 0, 0)
	// 30 busy units: 1 %, 2 %, ... 30 % of a CPU over 100 s, little memory.
	for i := 1; i <= 30; i++ {
		unit(fmt.Sprintf("/system.slice/busy%02d.service", i), cgMember, 0, float64(i)*1e6, mib)
	}
	// 30 big units, idle: 11 MiB ... 40 MiB, over 1 % of 1000 MiB.
	for i := 1; i <= 30; i++ {
		unit(fmt.Sprintf("/system.slice/big%02d.service", i), cgMember, 0, 0, float64(10+i)*mib)
	}
	// 5 idle and small.
	for i := 1; i <= 5; i++ {
		unit(fmt.Sprintf("/system.slice/idle%d.service", i), cgMember, 5, 5, mib/2)
	}
	got := map[string]float64{}
	for _, s := range cgroupRates(prev, cur, 100) {
		if s.Name == "svc.cpu_pct" || s.Name == "svc.mem_bytes" {
			got[string(record.AppendSeries(nil, s.Name, s.Tags))] = s.Value
		}
	}
	kept := map[string]bool{}
	for k := range got {
		_, rest, _ := strings.Cut(k, ";")
		kept[rest] = true
	}
	var want []string
	want = append(want, "unit=system.slice", "slice=system.slice;unit=other")
	for i := 11; i <= 30; i++ {
		want = append(want, fmt.Sprintf("unit=busy%02d.service", i), fmt.Sprintf("unit=big%02d.service", i))
	}
	slices.Sort(want)
	if k := slices.Sorted(maps.Keys(kept)); !reflect.DeepEqual(k, want) {
		t.Errorf("kept %q\nwant %q", k, want)
	}
	// The others: busy01..10 (55 % in all) and big01..10, and the idle.
	if v := got["svc.cpu_pct;slice=system.slice;unit=other"]; v != 55 {
		t.Errorf("others' CPU %v, want 55", v)
	}
	if v, want := got["svc.mem_bytes;slice=system.slice;unit=other"], float64(10*mib+155*mib+5*mib/2); v != want {
		t.Errorf("others' memory %v, want %v", v, want)
	}
}

// TestServicesStateBound: however many cgroups a host has, at most
// maxCgroups are read and kept in the state file.
func TestServicesStateBound(t *testing.T) {
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
	write(filepath.Join(cg, "cgroup.controllers"), "cpu memory\n")
	for i := range maxCgroups + 50 {
		d := filepath.Join(cg, fmt.Sprintf("u%04d.scope", i))
		write(filepath.Join(d, "cpu.stat"), "usage_usec 1\n")
		write(filepath.Join(d, "cgroup.procs"), "")
	}
	s := &Source{Proc: filepath.Join(root, "proc")}
	c, err := readCgroups(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(c) != maxCgroups {
		t.Errorf("%d cgroups kept, want %d", len(c), maxCgroups)
	}
}

// TestServicesV1 checks a host with neither the unified tree nor a v1
// hierarchy mounted (a folder without cgroup.procs is not one): the
// family has nothing to say, and is not failing.
func TestServicesV1(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "sys/fs/cgroup/cpuacct"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := readCgroups(&Source{Proc: filepath.Join(root, "proc")})
	if !errors.Is(err, errAbsent) {
		t.Errorf("got %v, want errAbsent", err)
	}
}

// BenchmarkServicesRead is one read of the systemd fixture's 26 cgroups.
func BenchmarkServicesRead(b *testing.B) {
	s := &Source{Proc: "testdata/systemd/proc"}
	for b.Loop() {
		if _, err := readCgroups(s); err != nil {
			b.Fatal(err)
		}
	}
}

// TestServicesGone: a cgroup removed before or while it is read is left
// out, whichever file was missed first.
func TestServicesGone(t *testing.T) {
	s := &Source{}
	dir := t.TempDir()
	if v, ok := s.readCgroup(filepath.Join(dir, "gone.service")); ok {
		t.Errorf("a removed cgroup read as %v", v)
	}
	// cpu.stat read, then the rest gone with cgroup.procs.
	d := filepath.Join(dir, "half.service")
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d, "cpu.stat"), []byte("usage_usec 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if v, ok := s.readCgroup(d); ok {
		t.Errorf("a cgroup removed while read read as %v", v)
	}
	// With cgroup.procs still there, the missing files are controllers
	// not enabled: the cgroup is read, with CPU only.
	if err := os.WriteFile(filepath.Join(d, "cgroup.procs"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	v, ok := s.readCgroup(d)
	if !ok || v[cgUsage] != 5 || uint(v[cgMask]) != 1<<cgUsage {
		t.Errorf("got %v, %v; want usage 5 and nothing else", v, ok)
	}
}

// TestServicesUnreadable: a root that cannot be read is the family's
// warning, not silence.
func TestServicesUnreadable(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "sys/fs/cgroup/cgroup.controllers"), 0o755); err != nil {
		t.Fatal(err)
	}
	s := sampler(t, root, &fakeClock{now: time.Unix(1764045000, 0)}, 0)
	res := s.Run([]*Family{family(t, "services")}, NewState())
	if len(res.Warnings) != 1 || !strings.HasPrefix(res.Warnings[0].Error(), "services: read ") {
		t.Errorf("warnings %v", res.Warnings)
	}
}
