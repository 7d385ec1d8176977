package record

import (
	"slices"
	"strings"
	"testing"
)

func TestNaturalCompare(t *testing.T) {
	tests := []struct {
		name string
		want []string // in order
	}{
		{"load", []string{"load.1m", "load.5m", "load.15m"}},
		{"mounts", []string{"/data0", "/data1", "/data2", "/data9", "/data10", "/data11", "/data20"}},
		{"disks, by letters as ls shows them", []string{"sda", "sdaa", "sdab", "sdb", "sdba", "sdz"}},
		{"words keep their order", []string{"mem.usage", "mem.used"}},
		{"tags", []string{"cpu.busy_pct;cpu=2;host=a", "cpu.busy_pct;cpu=10;host=a"}},
		{"prefix", []string{"cpu", "cpu.busy_pct", "cpu0", "cpu1"}},
		{"leading zeros tie", []string{"x001", "x01", "x1", "x2"}},
		{"words", []string{"mem.available_pct", "mem.free", "mem.used_pct"}},
		{"long words", []string{"cpu.softirq_pct", "cpu.steal_pct", "cpu.system_pct"}},
		{"big numbers", []string{"n9", "n18446744073709551616", "n99999999999999999999"}},
		{"series", []string{
			"disk.used_pct;host=web1;mount=/data2",
			"disk.used_pct;host=web1;mount=/data10",
			"disk.used_pct;host=web2;mount=/data1",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, a := range tt.want {
				for j, b := range tt.want {
					want := cmpInt(i, j)
					if got := NaturalCompare(a, b); got != want {
						t.Errorf("NaturalCompare(%q, %q) = %d, want %d", a, b, got, want)
					}
				}
			}
			got := slices.Clone(tt.want)
			slices.Reverse(got)
			slices.SortFunc(got, NaturalCompare)
			if !slices.Equal(got, tt.want) {
				t.Errorf("sorted %q, want %q", got, tt.want)
			}
		})
	}
}

// TestNaturalCompareTotal checks that the order is total: only equal
// strings tie, and it is antisymmetric and transitive on a mixed set.
func TestNaturalCompareTotal(t *testing.T) {
	set := []string{"", "0", "00", "1", "01", "a", "A", "a0", "a00", "a1", "sd", "sda", "sdaa", "sdz",
		"load.1m", "load.01m", "x.y", "x-y", "x10y", "x9y", "é", "9a", "abcdef", "abc", "abz", "abaa", "abaaaa", "ab", "b", strings.Repeat("9", 30)}
	for _, a := range set {
		for _, b := range set {
			ab, ba := NaturalCompare(a, b), NaturalCompare(b, a)
			if ab != -ba {
				t.Errorf("NaturalCompare(%q, %q) = %d but reversed %d", a, b, ab, ba)
			}
			if (ab == 0) != (a == b) {
				t.Errorf("NaturalCompare(%q, %q) = %d", a, b, ab)
			}
			for _, c := range set {
				if ab < 0 && NaturalCompare(b, c) < 0 && NaturalCompare(a, c) >= 0 {
					t.Errorf("not transitive: %q < %q < %q", a, b, c)
				}
			}
		}
	}
}
