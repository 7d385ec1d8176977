package collect

import (
	"path/filepath"
	"reflect"
	"testing"
)

func vmstatOf(t *testing.T, fixture string) Counters {
	t.Helper()
	b, err := readProc(filepath.Join("testdata", fixture, "proc", "vmstat"), nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := parseVmstat(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestVmstatRates(t *testing.T) {
	cur, later, old := vmstatOf(t, "current"), vmstatOf(t, "current-later"), vmstatOf(t, "old")
	backwards := Counters{}
	for k, v := range later {
		backwards[k] = v
	}
	backwards["pswpout"] = []float64{1}
	tests := []struct {
		name      string
		prev, cur Counters
		dt        float64
		want      []string
	}{
		{"a minute", cur, later, 60, []string{
			// 30000 KiB in, 120000 KiB out, 240 and 600 pages swapped,
			// 180 major faults and one OOM kill in 60 s.
			"mem.page_in_bytes_per_s 512000",
			"mem.page_out_bytes_per_s 2048000",
			"swap.in_pages_per_s 4",
			"swap.out_pages_per_s 10",
			"mem.major_faults_per_s 3",
			"mem.oom_kills 1",
		}},
		// Before Linux 4.13 there is no oom_kill: no count, not zero.
		{"no oom_kill", old, old, 60, []string{
			"mem.page_in_bytes_per_s 0",
			"mem.page_out_bytes_per_s 0",
			"swap.in_pages_per_s 0",
			"swap.out_pages_per_s 0",
			"mem.major_faults_per_s 0",
		}},
		// A counter that went down gives nothing, the others their rate.
		{"counter going backwards", cur, backwards, 60, []string{
			"mem.page_in_bytes_per_s 512000",
			"mem.page_out_bytes_per_s 2048000",
			"swap.in_pages_per_s 4",
			"mem.major_faults_per_s 3",
			"mem.oom_kills 1",
		}},
		{"no interval", cur, later, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lines(vmstatRates(tt.prev, tt.cur, tt.dt)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestParseVmstat(t *testing.T) {
	tests := []struct {
		name, in string
		want     Counters
		err      string
	}{
		{"keys sm reads", "nr_free_pages 12\npgpgin 5\npgpgout 6\npswpin 7\npswpout 8\npgmajfault 9\noom_kill 1\n",
			Counters{"pgpgin": {5}, "pgpgout": {6}, "pswpin": {7}, "pswpout": {8}, "pgmajfault": {9}, "oom_kill": {1}}, ""},
		{"other shapes ignored", "nr_free_pages\nweird line here x\n\npgpgin 5", Counters{"pgpgin": {5}}, ""},
		{"empty", "", Counters{}, ""},
		{"bad number", "pgpgin 5\npswpin -1\n", nil, `vmstat: line 2: bad number "-1"`},
		{"no number", "oom_kill \n", nil, `vmstat: line 1: bad number ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseVmstat([]byte(tt.in))
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

// TestVmstatAbsent: a tree without /proc/vmstat (a container that
// masks it) has no vmstat figures and no warning.
func TestVmstatAbsent(t *testing.T) {
	_, err := vmstatFamily.counters(&Source{Proc: filepath.Join("testdata", "container", "proc")})
	if err != errAbsent {
		t.Errorf("got %v, want errAbsent", err)
	}
}

// FuzzVmstat: no input makes the parser panic or accept a figure that
// is not a count.
func FuzzVmstat(f *testing.F) {
	for _, fixture := range []string{"current", "old"} {
		if b, err := readProc(filepath.Join("testdata", fixture, "proc", "vmstat"), nil); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("pgpgin 18446744073709551615\noom_kill 1 2\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := parseVmstat(b)
		if err != nil {
			return
		}
		for k, v := range c {
			if len(v) != 1 || !(v[0] >= 0) {
				t.Fatalf("%s = %v from %q", k, v, b)
			}
		}
		for _, s := range vmstatRates(Counters{}, c, 1) {
			t.Fatalf("a rate %v with no previous reading", s)
		}
		for _, s := range vmstatRates(c, c, 1) {
			if s.Value != 0 {
				t.Fatalf("%s = %v between two equal readings", s.Name, s.Value)
			}
		}
	})
}
