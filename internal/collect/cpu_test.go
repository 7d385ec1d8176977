package collect

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/prometheus/procfs"
)

func TestCPURatesSarShares(t *testing.T) {
	tests := []struct {
		name      string
		prev, cur Counters
		dt        float64
		want      []string
	}{
		{
			// 1000 ticks: user 300 of which guest 100, nice 100 of which
			// niced guest 40, irq 20, softirq 30.
			name: "all fields",
			prev: Counters{"cpu": {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
			cur:  Counters{"cpu": {300, 100, 50, 450, 40, 20, 30, 10, 100, 40}},
			dt:   10,
			want: []string{"cpu.busy_pct 51", "cpu.user_pct 40", "cpu.system_pct 10", "cpu.iowait_pct 4", "cpu.steal_pct 1",
				"cpu.nice_pct 6", "cpu.irq_pct 2", "cpu.softirq_pct 3", "cpu.guest_pct 14"},
		},
		{
			// A state written before the guest fields were kept.
			name: "previous reading without guest",
			prev: Counters{"cpu": {0, 0, 0, 0, 0, 0, 0, 0}},
			cur:  Counters{"cpu": {300, 100, 50, 450, 40, 20, 30, 10, 100, 40}},
			dt:   10,
			want: []string{"cpu.busy_pct 51", "cpu.user_pct 40", "cpu.system_pct 10", "cpu.iowait_pct 4", "cpu.steal_pct 1",
				"cpu.nice_pct 10", "cpu.irq_pct 2", "cpu.softirq_pct 3"},
		},
		{
			name: "event totals",
			prev: Counters{"ctxt": {1000}, "intr": {500}, "processes": {10}},
			cur:  Counters{"ctxt": {3000}, "intr": {1500}, "processes": {30}},
			dt:   4,
			want: []string{"cpu.context_switches_per_s 500", "cpu.interrupts_per_s 250", "procs.forks_per_s 5"},
		},
		{
			// A total that went down (a counter that wrapped, or a
			// reading from another machine) gives no rate, the others do.
			name: "total going backwards",
			prev: Counters{"ctxt": {1000}, "intr": {500}, "processes": {10}},
			cur:  Counters{"ctxt": {900}, "intr": {1500}, "processes": {30}},
			dt:   4,
			want: []string{"cpu.interrupts_per_s 250", "procs.forks_per_s 5"},
		},
		{
			name: "total new since the previous reading",
			prev: Counters{"ctxt": {1000}},
			cur:  Counters{"ctxt": {3000}, "processes": {30}},
			dt:   4,
			want: []string{"cpu.context_switches_per_s 500"},
		},
		{
			name: "no interval",
			prev: Counters{"ctxt": {1000}},
			cur:  Counters{"ctxt": {3000}},
			dt:   0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lines(cpuRates(tt.prev, tt.cur, tt.dt))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestParseStatTotals(t *testing.T) {
	tests := []struct {
		name, in string
		want     Counters
		err      string
	}{
		{"all", "cpu 1 2 3 4 5 6 7\nintr 99 1 2 3\nctxt 5\nbtime 7\nprocesses 8\n", Counters{"intr": {99}, "ctxt": {5}, "processes": {8}}, ""},
		{"none", "cpu 1 2 3 4 5 6 7\nbtime 7\n", Counters{}, ""},
		{"no value", "ctxt \n", nil, "stat: line 1: no value"},
		{"bad value", "cpu 1 2 3 4 5 6 7\nprocesses -1\n", nil, `stat: line 2: bad number "-1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStatTotals([]byte(tt.in))
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// TestStatTotalsMatchProcfs checks the event totals and guest fields
// against procfs on the fixture trees.
func TestStatTotalsMatchProcfs(t *testing.T) {
	for _, root := range []string{"testdata/current/proc", "testdata/current-later/proc", "testdata/old/proc", "testdata/container/proc"} {
		t.Run(root, func(t *testing.T) {
			fs, err := procfs.NewFS(root)
			if err != nil {
				t.Fatal(err)
			}
			want, err := fs.Stat()
			if err != nil {
				t.Skip(err) // the fixture has no stat of its own
			}
			b, err := readProc(filepath.Join(root, "stat"), nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseStatTotals(b)
			if err != nil {
				t.Fatal(err)
			}
			for key, v := range map[string]uint64{"ctxt": want.ContextSwitches, "intr": want.IRQTotal, "processes": want.ProcessCreated} {
				if g := got[key]; len(g) != 1 || g[0] != float64(v) {
					t.Errorf("%s: got %v, procfs %v", key, g, v)
				}
			}
			c, err := parseCPU(b)
			if err != nil {
				t.Fatal(err)
			}
			if len(c) == 10 && (c[8] != want.CPUTotal.Guest*100 || c[9] != want.CPUTotal.GuestNice*100) {
				t.Errorf("guest %v %v, procfs %v %v s", c[8], c[9], want.CPUTotal.Guest, want.CPUTotal.GuestNice)
			}
		})
	}
}
