package collect

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/procfs"
)

// The parsers here are checked against procfs, the reference, on every
// fixture tree and on this machine's own /proc. sm-sample does not use
// procfs itself: its package initialisation alone takes longer than a
// whole sadc run.
var procRoots = []string{"testdata/current/proc", "testdata/old/proc", "testdata/container/proc", "testdata/noswap/proc", "/proc"}

func TestMeminfoMatchesProcfs(t *testing.T) {
	for _, root := range procRoots {
		t.Run(root, func(t *testing.T) {
			if root == "/proc" {
				// Free memory changes between two reads of the live
				// file: both parsers read one copy of it.
				root = copyProcFile(t, root, "meminfo")
			}
			fs, err := procfs.NewFS(root)
			if err != nil {
				t.Skip(err)
			}
			want, err := fs.Meminfo()
			if err != nil {
				t.Fatal(err)
			}
			b, err := readProc(filepath.Join(root, "meminfo"), nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseMeminfo(b)
			if err != nil {
				t.Fatal(err)
			}
			for key, p := range map[string]*uint64{
				"MemTotal": want.MemTotalBytes, "MemFree": want.MemFreeBytes, "MemAvailable": want.MemAvailableBytes,
				"Buffers": want.BuffersBytes, "Cached": want.CachedBytes, "SwapTotal": want.SwapTotalBytes, "SwapFree": want.SwapFreeBytes,
			} {
				v, ok := got[key]
				switch {
				case p == nil && ok:
					t.Errorf("%s: got %v, procfs has none", key, v)
				case p != nil && (!ok || v != float64(*p)):
					t.Errorf("%s: got %v (present %v), procfs %v", key, v, ok, *p)
				}
			}
		})
	}
}

// copyProcFile copies root/name into a new folder, as one moment of a
// live file, and returns the folder.
func copyProcFile(t *testing.T, root, name string) string {
	t.Helper()
	b, err := readProc(filepath.Join(root, name), nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestStatMatchesProcfs(t *testing.T) {
	for _, root := range procRoots {
		t.Run(root, func(t *testing.T) {
			fs, err := procfs.NewFS(root)
			if err != nil {
				t.Skip(err)
			}
			if _, err := os.Stat(filepath.Join(root, "stat")); err != nil {
				t.Skip("no stat in this fixture")
			}
			b, err := readProc(filepath.Join(root, "stat"), nil)
			if err != nil {
				t.Fatal(err)
			}
			// Read procfs after us: the counters only grow.
			st, err := fs.Stat()
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseCPU(b)
			if err != nil {
				t.Fatal(err)
			}
			c := st.CPUTotal
			want := []float64{c.User, c.Nice, c.System, c.Idle, c.Iowait, c.IRQ, c.SoftIRQ, c.Steal, c.Guest, c.GuestNice}
			for i := range got {
				// procfs gives seconds at USER_HZ 100; the counters of a
				// live machine moved on a little in between.
				if d := want[i]*100 - got[i]; d < -0.5 || (root != "/proc" && d > 0.5) || d > 1000 {
					t.Errorf("field %d: got %v ticks, procfs %v s", i, got[i], want[i])
				}
			}
		})
	}
}

func TestNetDevMatchesProcfs(t *testing.T) {
	for _, root := range procRoots {
		t.Run(root, func(t *testing.T) {
			fs, err := procfs.NewFS(root)
			if err != nil {
				t.Skip(err)
			}
			if _, err := os.Stat(filepath.Join(root, "net/dev")); err != nil {
				t.Skip("no net/dev in this fixture")
			}
			b, err := readProc(filepath.Join(root, "net/dev"), nil)
			if err != nil {
				t.Fatal(err)
			}
			nd, err := fs.NetDev()
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseNetDev(b)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(nd) {
				t.Errorf("%d interfaces, procfs %d", len(got), len(nd))
			}
			for name, l := range nd {
				g := got[name]
				want := []uint64{l.RxBytes, l.TxBytes, l.RxErrors + l.TxErrors, l.RxPackets, l.TxPackets, l.RxDropped, l.TxDropped, l.RxErrors, l.TxErrors}
				if len(g) != len(want) {
					t.Errorf("%s: got %v, procfs %+v", name, g, l)
					continue
				}
				for i, w := range want {
					// The live /proc moves between the two reads.
					if g[i] > float64(w) || root != "/proc" && g[i] != float64(w) {
						t.Errorf("%s: column %d is %v, procfs %d", name, i, g[i], w)
					}
				}
			}
		})
	}
}

func TestPSIMatchesProcfs(t *testing.T) {
	for _, root := range []string{"testdata/current/proc", "testdata/container/proc"} {
		fs, err := procfs.NewFS(root)
		if err != nil {
			t.Fatal(err)
		}
		for _, res := range []string{"cpu", "io", "memory"} {
			want, err := fs.PSIStatsForResource(res)
			if err != nil {
				t.Fatal(err)
			}
			b, err := readProc(filepath.Join(root, "pressure", res), nil)
			if err != nil {
				t.Fatal(err)
			}
			some, full, hasFull, err := parsePSI(b)
			if err != nil {
				t.Fatal(err)
			}
			if some != float64(want.Some.Total) || hasFull != (want.Full != nil) || (hasFull && full != float64(want.Full.Total)) {
				t.Errorf("%s/%s: got %v %v %v, procfs %+v %+v", root, res, some, full, hasFull, want.Some, want.Full)
			}
		}
	}
}

func TestParserErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"meminfo no value", second(parseMeminfo([]byte("MemTotal:\n"))), "meminfo: line 1: no value"},
		{"meminfo bad number", second(parseMeminfo([]byte("Other: 1 kB\nMemTotal: x kB\n"))), `meminfo: line 2: bad number "x"`},
		{"stat not cpu", second(parseCPU([]byte("intr 1 2\n"))), `stat: first line is not "cpu"`},
		{"stat empty", second(parseCPU(nil)), `stat: first line is not "cpu"`},
		{"stat short", second(parseCPU([]byte("cpu 1 2 3\n"))), "stat: 3 cpu fields, want at least 7"},
		{"stat bad number", second(parseCPU([]byte("cpu 1 2 3 4 5 6 -7\n"))), `stat: bad number "-7"`},
		{"net/dev no colon", second(parseNetDev([]byte("h\nh\neth0 1 2\n"))), "net/dev: line 3: no colon"},
		{"net/dev bad number", second(parseNetDev([]byte("h\nh\neth0: 1 2 x 4 5 6 7 8 9 10 11 12 13 14 15 16\n"))), `net/dev: line 3: bad number "x"`},
		{"psi no total", fourth(parsePSI([]byte("some avg10=0.00\n"))), "line 1: no total"},
		{"psi bad total", fourth(parsePSI([]byte("some total=x\n"))), `line 1: bad number "x"`},
		{"psi no some", fourth(parsePSI([]byte("full total=1\n"))), `no "some" line`},
	}
	for _, tt := range tests {
		if tt.err == nil || tt.err.Error() != tt.want {
			t.Errorf("%s: got %v, want %q", tt.name, tt.err, tt.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func fourth(_, _ float64, _ bool, err error) error { return err }

func TestWholeDisks(t *testing.T) {
	// As a large machine lists them: every disk, then its partitions.
	names := []string{"loop0", "loop10", "ram15", "zram0", "sda", "sda1", "sda12", "sdaa", "sdaa1", "vdb", "vdb2",
		"xvda", "xvda1", "nvme0n1", "nvme0n1p1", "nvme0n10", "nvme0n10p2", "mmcblk0", "mmcblk0p2", "mmcblk0boot0",
		"md1", "md1p1", "md10", "dm-0", "dm-1", "sr0", "loop", "sdb9"}
	var b strings.Builder
	for i, n := range names {
		fmt.Fprintf(&b, "%4d %7d %s 1 2 3 4 5 6 7 8 9 10 11\n", 8, i, n)
	}
	c, err := parseDiskstats([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	// sdb9 has no sdb in the list: without its disk it counts as one.
	// mmcblk0boot0 is a boot area of its own on eMMC, as the kernel lists it.
	want := []string{"dm-0", "dm-1", "loop", "md1", "md10", "mmcblk0", "mmcblk0boot0", "nvme0n1", "nvme0n10", "sda", "sdaa", "sdb9", "sr0", "vdb", "xvda"}
	if got := slices.Sorted(maps.Keys(c)); !reflect.DeepEqual(got, want) {
		t.Errorf("whole disks\n got %q\nwant %q", got, want)
	}
}

func TestReadProc(t *testing.T) {
	// Bigger than the first buffer, as /proc/stat is on a large machine.
	want := make([]byte, 10000)
	for i := range want {
		want[i] = byte('a' + i%26)
	}
	name := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(name, want, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := readProc(name, nil)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("readProc: %d bytes, %v", len(got), err)
	}
	if _, err := readProc(t.TempDir(), nil); err == nil {
		t.Error("read a folder")
	}
}
