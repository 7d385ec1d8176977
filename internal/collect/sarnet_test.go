package collect

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/prometheus/procfs/blockdevice"
)

// diskstatsRoots are the fixture trees with a /proc/diskstats, and
// node_exporter's when the conformance data is there.
func diskstatsRoots() []string {
	roots := []string{"testdata/current/proc", "testdata/current-later/proc"}
	if dir := conformanceDir(); dir != "" {
		roots = append(roots, filepath.Join(dir, "node_exporter", "proc"))
	}
	return roots
}

func TestDiskstatsMatchesBlockdevice(t *testing.T) {
	for _, root := range diskstatsRoots() {
		t.Run(root, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(root, "diskstats"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseDiskstats(b)
			if err != nil {
				t.Fatal(err)
			}
			fs, err := blockdevice.NewFS(root, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			stats, err := fs.ProcDiskstats()
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			for _, d := range stats {
				g, ok := got[d.DeviceName]
				if !ok {
					continue
				}
				seen++
				want := []uint64{d.ReadSectors, d.WriteSectors, d.IOsTotalTicks, d.ReadIOs, d.ReadTicks, d.WriteIOs, d.WriteTicks, d.WeightedIOTicks}
				if d.IoStatsCount >= 18 {
					want = append(want, d.DiscardIOs)
				}
				if len(g) != len(want) {
					t.Errorf("%s: %d counters, procfs %d", d.DeviceName, len(g), len(want))
					continue
				}
				for i, w := range want {
					if g[i] != float64(w) {
						t.Errorf("%s: counter %d is %v, procfs %d", d.DeviceName, i, g[i], w)
					}
				}
			}
			if seen != len(got) || seen == 0 {
				t.Errorf("procfs has %d of our %d devices", seen, len(got))
			}
		})
	}
}

// A kernel before 4.18 has 14 fields and no discards: no diskio.discards_per_s.
func TestDiskioWithoutDiscards(t *testing.T) {
	prev, err := parseDiskstats([]byte("8 0 sda 100 0 800 50 10 0 80 40 0 90 90\n"))
	if err != nil {
		t.Fatal(err)
	}
	cur, err := parseDiskstats([]byte("8 0 sda 110 0 880 70 10 0 80 40 0 100 120\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := lines(diskioRates(prev, cur, 10))
	want := []string{
		"diskio.read_bytes_per_s;device=sda 4096",
		"diskio.write_bytes_per_s;device=sda 0",
		"diskio.util_pct;device=sda 0.1",
		"diskio.reads_per_s;device=sda 1",
		"diskio.writes_per_s;device=sda 0",
		"diskio.read_await_s;device=sda 0.002",
		"diskio.write_await_s;device=sda 0",
		"diskio.queue_size;device=sda 0",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// A device whose counters went down (a wrapped 32-bit tick counter, a
// device replaced under the same name) has no rates at all, and the
// others keep theirs.
func TestDiskioCounterBackwards(t *testing.T) {
	prev := Counters{"sda": {8, 8, 10, 1, 5, 1, 5, 10, 1}, "sdb": {8, 8, 10, 1, 5, 1, 5, 10, 1}}
	for i := range prev["sda"] {
		cur := Counters{"sda": {16, 16, 20, 2, 10, 2, 10, 20, 2}, "sdb": {16, 16, 20, 2, 10, 2, 10, 20, 2}}
		cur["sda"][i] = 0
		n := 0
		for _, s := range diskioRates(prev, cur, 1) {
			if s.Tags[0].Value == "sda" {
				t.Errorf("counter %d went back: %s = %v", i, s.Name, s.Value)
			}
			n++
		}
		if n != len(diskioMetrics) {
			t.Errorf("counter %d of sda went back: sdb has %d rates", i, n)
		}
	}
}

// An await prints as the decimal it is, to a hundredth of a millisecond:
// 0.00056, not 0.0005600000000000001 (0.56 / 1000 as a double), which a
// user reads as noise and the store packs as a float of 21 digits.
func TestDiskioAwaitDecimal(t *testing.T) {
	for ios := 1.0; ios <= 64; ios++ {
		for ticks := 0.0; ticks <= 4096; ticks++ {
			prev := Counters{"sda": {0, 0, 0, 0, 0, 0, 0, 0, 0}}
			cur := Counters{"sda": {0, 0, 0, ios, ticks, ios, ticks, 0, 0}}
			for _, s := range diskioRates(prev, cur, 1) {
				if !strings.HasSuffix(s.Name, "_await_s") {
					continue
				}
				text := strconv.FormatFloat(s.Value, 'f', -1, 64)
				if _, frac, _ := strings.Cut(text, "."); len(frac) > 5 {
					t.Fatalf("%v ms over %v ios: %s = %s", ticks, ios, s.Name, text)
				}
			}
		}
	}
}
