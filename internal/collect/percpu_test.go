package collect

import (
	"math"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/prometheus/procfs"
)

func TestPerCPURates(t *testing.T) {
	tests := []struct {
		name      string
		prev, cur Counters
		want      []string
	}{
		{"in CPU number order", Counters{"0": {0, 0}, "2": {0, 0}, "10": {0, 0}}, Counters{"10": {1, 3}, "2": {3, 1}, "0": {0, 4}},
			[]string{"cpu.percpu_busy_pct;cpu=0 0", "cpu.percpu_busy_pct;cpu=2 75", "cpu.percpu_busy_pct;cpu=10 25"}},
		// CPU 1 went offline, CPU 2 came online: neither has a share.
		{"hotplug", Counters{"0": {0, 0}, "1": {0, 0}}, Counters{"0": {5, 5}, "2": {1, 1}}, []string{"cpu.percpu_busy_pct;cpu=0 50"}},
		// Idle went down (iowait does, on some kernels): no idle time.
		{"idle going backwards", Counters{"0": {10, 100}}, Counters{"0": {20, 90}}, []string{"cpu.percpu_busy_pct;cpu=0 100"}},
		{"no time", Counters{"0": {10, 100}}, Counters{"0": {10, 100}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lines(percpuRates(tt.prev, tt.cur, 1)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPerCPUFixture(t *testing.T) {
	read := func(fixture string, max int) (Counters, error) {
		return percpuCounters(&Source{Proc: filepath.Join("testdata", fixture, "proc"), MaxCPUs: max})
	}
	prev, err := read("current", 0)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := read("current-later", 0)
	if err != nil {
		t.Fatal(err)
	}
	// Each CPU: 440 busy ticks and 5560 idle or iowait in the minute.
	want := []string{"cpu.percpu_busy_pct;cpu=0 7.33", "cpu.percpu_busy_pct;cpu=1 7.33", "cpu.percpu_busy_pct;cpu=2 7.33", "cpu.percpu_busy_pct;cpu=3 7.33"}
	if got := lines(percpuRates(prev, cur, 60)); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	// More CPUs than allowed: none, and no failure.
	if _, err := read("current", 3); err != errAbsent {
		t.Errorf("4 CPUs, at most 3: got %v, want errAbsent", err)
	}
	if c, err := read("current", 4); err != nil || len(c) != 4 {
		t.Errorf("4 CPUs, at most 4: got %v, %v", c, err)
	}
}

func TestParsePerCPUErrors(t *testing.T) {
	for in, want := range map[string]string{
		"cpu 1 2 3 4 5 6 7\ncpu0 1 2 3\n":          "stat: line 2: 3 fields, want at least 7",
		"cpu0 1 2 3 4 5 6 x\n":                     `stat: line 1: bad number "x"`,
		"cpu 1 2 3 4 5 6 7\ncpux 1\ncpu 1\nintr\n": "",
	} {
		_, err := parsePerCPU([]byte(in))
		if (err == nil && want != "") || (err != nil && err.Error() != want) {
			t.Errorf("%q: error %v, want %q", in, err, want)
		}
	}
}

// TestPerCPUMatchesProcfs compares each CPU's ticks with procfs's.
func TestPerCPUMatchesProcfs(t *testing.T) {
	for _, root := range []string{"testdata/current/proc", "testdata/current-later/proc", "testdata/old/proc"} {
		t.Run(root, func(t *testing.T) {
			fs, err := procfs.NewFS(root)
			if err != nil {
				t.Fatal(err)
			}
			st, err := fs.Stat()
			if err != nil {
				t.Fatal(err)
			}
			b, err := readProc(filepath.Join(root, "stat"), nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := parsePerCPU(b)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(st.CPU) || len(got) == 0 {
				t.Fatalf("%d CPUs, procfs %d", len(got), len(st.CPU))
			}
			for id, c := range st.CPU {
				busy := math.Round((c.User + c.Nice + c.System + c.IRQ + c.SoftIRQ + c.Steal) * 100)
				idle := math.Round((c.Idle + c.Iowait) * 100)
				g := got[strconv.FormatInt(id, 10)]
				if len(g) != 2 || g[0] != busy || g[1] != idle {
					t.Errorf("cpu%d: got %v, procfs busy %v idle %v", id, g, busy, idle)
				}
			}
		})
	}
}
