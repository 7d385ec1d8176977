package collect

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sm/internal/record"
)

// fakeStatfs answers statfs from a fixture's statfs.json. A path whose
// entry is "hang" blocks until the test ends, like a dead NFS server.
func fakeStatfs(t *testing.T, fixture string) func(string, bool) (FSStat, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", fixture, "statfs.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	return func(path string, _ bool) (FSStat, error) {
		m, ok := raw[path]
		if !ok {
			return FSStat{}, &fs.PathError{Op: "statfs", Path: path, Err: syscall.ENOENT}
		}
		if string(m) == `"hang"` {
			<-release
			return FSStat{}, errors.New("released")
		}
		var st FSStat
		err := json.Unmarshal(m, &st)
		return st, err
	}
}

// lines renders samples as "name;tags value", the record line without
// host and time.
func lines(samples []Sample) []string {
	var out []string
	for _, s := range samples {
		b := record.AppendSeries(nil, s.Name, s.Tags)
		b = append(b, ' ')
		b = record.AppendValue(b, s.Value)
		out = append(out, string(b))
	}
	return out
}

func errStrings(errs []error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

func family(t *testing.T, name string) *Family {
	f := Lookup(name)
	if f == nil {
		t.Fatalf("no family %q", name)
	}
	return f
}

// gauge runs one gauge family against a fixture.
func gauge(t *testing.T, fixture, fam string) ([]string, error) {
	t.Helper()
	src := &Source{Proc: filepath.Join("testdata", fixture, "proc"), StatfsTimeout: 100 * time.Millisecond}
	if _, err := os.Stat(filepath.Join("testdata", fixture, "statfs.json")); err == nil {
		src.Statfs = fakeStatfs(t, fixture)
	}
	s, err := family(t, fam).gauge(src)
	return lines(s), err
}

func TestMemory(t *testing.T) {
	tests := []struct {
		fixture string
		want    []string
	}{
		{"current", []string{
			"mem.used_pct 27.64",
			"mem.available_bytes 5963513856",
			"mem.total_bytes 8241418240",
			"swap.used_pct 12.5",
			"swap.total_bytes 2147479552",
			"mem.cached_bytes 4200755200",
			"mem.buffers_bytes 217436160",
			"mem.dirty_bytes 421888",
			"mem.writeback_bytes 131072",
			"mem.slab_reclaimable_bytes 308449280",
			"mem.slab_unreclaimable_bytes 113442816",
			"mem.shmem_bytes 63348736",
			// 4 of 64 huge pages of 2 MiB.
			"mem.hugepages_used_bytes 8388608",
		}},
		// No MemAvailable: free + buffers + cache is available, as free(1) had it.
		{"old", []string{
			"mem.used_pct 30.33",
			"mem.available_bytes 2798239744",
			"mem.total_bytes 4016304128",
			"swap.used_pct 0",
			"swap.total_bytes 4160745472",
			"mem.cached_bytes 2459033600",
			"mem.buffers_bytes 153620480",
			"mem.dirty_bytes 421888",
			"mem.writeback_bytes 0",
			"mem.slab_reclaimable_bytes 308449280",
			"mem.slab_unreclaimable_bytes 113442816",
			"mem.shmem_bytes 63348736",
			"mem.hugepages_used_bytes 0",
		}},
		// No swap: its size is 0 and there is no percentage of nothing.
		{"noswap", []string{
			"mem.used_pct 50",
			"mem.available_bytes 1039360000",
			"mem.total_bytes 2078720000",
			"swap.total_bytes 0",
			"mem.cached_bytes 819200000",
			"mem.buffers_bytes 51200000",
			"mem.dirty_bytes 421888",
			"mem.writeback_bytes 0",
			"mem.slab_reclaimable_bytes 308449280",
			"mem.slab_unreclaimable_bytes 113442816",
			"mem.shmem_bytes 63348736",
			"mem.hugepages_used_bytes 0",
		}},
		{"container", []string{
			"mem.used_pct 39.84",
			"mem.available_bytes 10052005888",
			"mem.total_bytes 16708005888",
			"swap.total_bytes 0",
			"mem.cached_bytes 6248755200",
			"mem.buffers_bytes 410628096",
			"mem.dirty_bytes 421888",
			"mem.writeback_bytes 0",
			"mem.slab_reclaimable_bytes 308449280",
			"mem.slab_unreclaimable_bytes 113442816",
			"mem.shmem_bytes 63348736",
			"mem.hugepages_used_bytes 0",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			got, err := gauge(t, tt.fixture, "memory")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	got, err := gauge(t, "current", "load")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"load.1m 0.27", "load.5m 0.31", "load.15m 0.29", "procs.running 2", "procs.total 345"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestParseLoadavg(t *testing.T) {
	tests := []struct{ in, err string }{
		{"0.00 0.01 0.05 1/100 99\n", ""},
		{"0.00 0.01 0.05 1/100", ""},
		{"", "loadavg: expected at least 4 fields, found 0"},
		{"0.00 0.01 0.05", "loadavg: expected at least 4 fields, found 3"},
		{"a 0.01 0.05 1/100 99", `loadavg: bad load "a"`},
		{"-1 0.01 0.05 1/100 99", `loadavg: bad load "-1"`},
		{"NaN 0.01 0.05 1/100 99", `loadavg: bad load "NaN"`},
		{"0 0 0 1-100 99", `loadavg: bad process counts "1-100"`},
		{"0 0 0 x/100 99", `loadavg: bad process counts "x/100"`},
	}
	for _, tt := range tests {
		_, err := parseLoadavg(tt.in)
		if got := fmt.Sprint(err); (tt.err == "" && err != nil) || (tt.err != "" && got != tt.err) {
			t.Errorf("parseLoadavg(%q) = %v, want %q", tt.in, err, tt.err)
		}
	}
}

func TestSys(t *testing.T) {
	got, err := gauge(t, "current", "sys")
	if err != nil {
		t.Fatal(err)
	}
	// file-max is LONG_MAX, as systemd sets it: 0.00 % in use.
	if want := []string{"sys.uptime_s 86400", "sys.open_files 4512", "sys.open_files_pct 0"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, in := range []string{"", "x 1", "-5 1", "NaN 1"} {
		if _, err := parseUptime(in); err == nil {
			t.Errorf("parseUptime(%q) accepted", in)
		}
	}
}

func TestParseMountinfo(t *testing.T) {
	b, err := os.ReadFile("testdata/space/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := parseMountinfo(string(b))
	if err != nil {
		t.Fatal(err)
	}
	var points []string
	for _, m := range ms {
		points = append(points, m.point)
	}
	if want := []string{"/", "/mnt/my disk", "/mnt/tab\tand\\slash"}; !reflect.DeepEqual(points, want) {
		t.Errorf("points %q, want %q", points, want)
	}
	for _, bad := range []string{"1 2 3", "1 2 8:1 / /x rw - ext4", "1 2 8:1 / - ext4 /dev/sda rw"} {
		if _, err := parseMountinfo(bad); err == nil {
			t.Errorf("parseMountinfo(%q) accepted", bad)
		}
	}
}

func TestWatchedMounts(t *testing.T) {
	tests := []struct {
		fixture string
		want    []string
	}{
		// Pseudo filesystems, /proc, /sys and credentials are left out;
		// /var/www is /home again (a bind mount); of the two tmpfs stacked
		// on /mnt/stack only the top one counts.
		{"current", []string{"/", "/boot/efi", "/dev/shm", "/home", "/mnt/stack", "/run", "/run/lock", "/run/user/1000", "/srv/nfs"}},
		// rootfs under the real root is hidden; cgroup v1's tmpfs is under /sys.
		{"old", []string{"/", "/dev/shm"}},
		// The overlay root is left out; the bind-mounted files are the
		// volume's disk again, reported once as the volume.
		{"container", []string{"/data", "/dev", "/dev/shm"}},
		{"space", []string{"/", "/mnt/my disk", "/mnt/tab\tand\\slash"}},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tt.fixture, "proc/self/mountinfo"))
			if err != nil {
				t.Fatal(err)
			}
			all, err := parseMountinfo(string(b))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range watchedMounts(all) {
				got = append(got, m.point)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestDisk(t *testing.T) {
	tests := []struct {
		fixture string
		want    []string
		errs    []string
	}{
		{"current", []string{
			"disk.used_pct;mount=/ 23.56",
			"disk.avail_bytes;mount=/ 22899986432",
			"disk.size_bytes;mount=/ 31569997824",
			"disk.inodes_used_pct;mount=/ 8.09",
			"disk.readonly;mount=/ 0",
			// vfat has no inodes: no inode percentage.
			"disk.used_pct;mount=/boot/efi 1.09",
			"disk.avail_bytes;mount=/boot/efi 529965056",
			"disk.size_bytes;mount=/boot/efi 535805952",
			// Mounted read-only.
			"disk.readonly;mount=/boot/efi 1",
			"disk.used_pct;mount=/dev/shm 0",
			"disk.avail_bytes;mount=/dev/shm 4120842240",
			"disk.size_bytes;mount=/dev/shm 4120842240",
			"disk.inodes_used_pct;mount=/dev/shm 0",
			"disk.readonly;mount=/dev/shm 0",
			// Nothing left for users is 100 %, as df says, though root
			// still has its reserve.
			"disk.used_pct;mount=/home 100",
			"disk.avail_bytes;mount=/home 0",
			"disk.size_bytes;mount=/home 104857600000",
			"disk.inodes_used_pct;mount=/home 0.02",
			// The filesystem, not the mount, is read-only: ext4 remounts
			// itself so after an error (errors=remount-ro).
			"disk.readonly;mount=/home 1",
			"disk.used_pct;mount=/mnt/stack 50",
			"disk.avail_bytes;mount=/mnt/stack 1048576",
			"disk.size_bytes;mount=/mnt/stack 2097152",
			"disk.inodes_used_pct;mount=/mnt/stack 1",
			"disk.readonly;mount=/mnt/stack 0",
			"disk.used_pct;mount=/run 0.12",
			"disk.avail_bytes;mount=/run 823119872",
			"disk.size_bytes;mount=/run 824143872",
			"disk.inodes_used_pct;mount=/run 0.08",
			"disk.readonly;mount=/run 0",
			"disk.used_pct;mount=/run/lock 0",
			"disk.avail_bytes;mount=/run/lock 5242880",
			"disk.size_bytes;mount=/run/lock 5242880",
			"disk.inodes_used_pct;mount=/run/lock 0",
			"disk.readonly;mount=/run/lock 0",
			"disk.used_pct;mount=/run/user/1000 0.01",
			"disk.avail_bytes;mount=/run/user/1000 824057856",
			"disk.size_bytes;mount=/run/user/1000 824139776",
			"disk.inodes_used_pct;mount=/run/user/1000 0.02",
			"disk.readonly;mount=/run/user/1000 0",
		}, []string{"statfs /srv/nfs: no answer within 100ms"}},
		{"old", []string{
			"disk.used_pct;mount=/ 63.36",
			"disk.avail_bytes;mount=/ 14654349312",
			"disk.size_bytes;mount=/ 42141450240",
			"disk.inodes_used_pct;mount=/ 8.45",
			"disk.readonly;mount=/ 0",
			"disk.used_pct;mount=/dev/shm 0",
			"disk.avail_bytes;mount=/dev/shm 2008150016",
			"disk.size_bytes;mount=/dev/shm 2008150016",
			"disk.inodes_used_pct;mount=/dev/shm 0",
			"disk.readonly;mount=/dev/shm 0",
		}, nil},
		{"container", []string{
			"disk.used_pct;mount=/data 52.68",
			"disk.avail_bytes;mount=/data 47468544000",
			"disk.size_bytes;mount=/data 105676800000",
			"disk.inodes_used_pct;mount=/data 6.99",
			"disk.readonly;mount=/data 0",
			"disk.used_pct;mount=/dev 0",
			"disk.avail_bytes;mount=/dev 67108864",
			"disk.size_bytes;mount=/dev 67108864",
			"disk.inodes_used_pct;mount=/dev 0",
			"disk.readonly;mount=/dev 0",
			"disk.used_pct;mount=/dev/shm 2.34",
			"disk.avail_bytes;mount=/dev/shm 65536000",
			"disk.size_bytes;mount=/dev/shm 67108864",
			"disk.inodes_used_pct;mount=/dev/shm 0",
			"disk.readonly;mount=/dev/shm 0",
		}, nil},
		{"space", []string{
			"disk.used_pct;mount=/ 52.63",
			"disk.avail_bytes;mount=/ 1843200",
			"disk.size_bytes;mount=/ 4096000",
			"disk.inodes_used_pct;mount=/ 50",
			"disk.readonly;mount=/ 0",
			`disk.used_pct;mount=/mnt/my\040disk 25`,
			`disk.avail_bytes;mount=/mnt/my\040disk 1536000`,
			`disk.size_bytes;mount=/mnt/my\040disk 2048000`,
			`disk.readonly;mount=/mnt/my\040disk 0`,
			`disk.used_pct;mount=/mnt/tab\011and\134slash 66.67`,
			`disk.avail_bytes;mount=/mnt/tab\011and\134slash 409600`,
			`disk.size_bytes;mount=/mnt/tab\011and\134slash 1228800`,
			`disk.inodes_used_pct;mount=/mnt/tab\011and\134slash 10`,
			`disk.readonly;mount=/mnt/tab\011and\134slash 0`,
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			got, err := gauge(t, tt.fixture, "disk")
			var errs mountErrors
			if err != nil && !errors.As(err, &errs) {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if !reflect.DeepEqual(errStrings(errs), tt.errs) {
				t.Errorf("errors %q, want %q", errStrings(errs), tt.errs)
			}
		})
	}
}

func TestDiskExplicitMounts(t *testing.T) {
	src := &Source{Proc: "testdata/nonexistent", Statfs: fakeStatfs(t, "current"), StatfsTimeout: time.Second,
		Mounts: []string{"/run/lock", "/nowhere"}}
	samples, err := diskSamples(src)
	want := []string{
		"disk.used_pct;mount=/run/lock 0",
		"disk.avail_bytes;mount=/run/lock 5242880",
		"disk.size_bytes;mount=/run/lock 5242880",
		"disk.inodes_used_pct;mount=/run/lock 0",
	}
	if got := lines(samples); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// A path the user asked for by name is worth a warning when missing,
	// and mountinfo is not read at all.
	if err == nil || err.Error() != "statfs /nowhere: no such file or directory" {
		t.Errorf("error %v", err)
	}
}

func TestStatfsReal(t *testing.T) {
	dir := t.TempDir()
	st, err := Statfs(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Dir || st.Blocks == 0 || st.Frsize == 0 {
		t.Errorf("statfs of a temp folder: %+v", st)
	}
	f := filepath.Join(dir, "file")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if st, err := Statfs(f, true); err != nil || st.Dir {
		t.Errorf("statfs of a file: %+v, %v", st, err)
	}
	if st, err := Statfs(f, false); err != nil || !st.Dir {
		t.Errorf("statfs of a file, not asking: %+v, %v", st, err)
	}
	if _, err := Statfs(filepath.Join(dir, "none"), false); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("statfs of nothing: %v", err)
	}
}

func TestDiskstats(t *testing.T) {
	src := &Source{Proc: "testdata/current/proc"}
	c, err := family(t, "diskio").counters(src)
	if err != nil {
		t.Fatal(err)
	}
	// Whole disks only: no partitions, loop or RAM devices.
	if got, want := slices.Sorted(maps.Keys(c)), []string{"dm-0", "nvme0n1", "sda", "sr0"}; !reflect.DeepEqual(got, want) {
		t.Errorf("devices %q, want %q", got, want)
	}
	// Sectors read and written, io_ticks, reads, read ticks, writes,
	// write ticks, weighted ticks and discards.
	if got, want := c["sda"], []float64{3731060, 1180800, 192400, 466382, 43210, 147600, 98765, 141975, 0}; !reflect.DeepEqual(got, want) {
		t.Errorf("sda %v, want %v", got, want)
	}
	for _, bad := range []string{"8 0 sda 1 2 3\n", "8 0 sda 1 2 x 4 5 6 7 8 9 10 11\n"} {
		if _, err := parseDiskstats([]byte(bad)); err == nil {
			t.Errorf("parseDiskstats(%q) accepted", bad)
		}
	}
}

// tree copies a fixture's proc and sys into a temp folder that a test
// can change between readings.
func tree(t *testing.T, fixture string) string {
	t.Helper()
	dst := t.TempDir()
	overlay(t, filepath.Join("testdata", fixture), dst)
	return dst
}

// overlay copies every file under src onto dst.
func overlay(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

type fakeClock struct {
	now    time.Time
	slept  []time.Duration
	onWake func()
}

func (c *fakeClock) Now() time.Time { return c.now }
func (c *fakeClock) Sleep(d time.Duration) {
	c.slept = append(c.slept, d)
	c.now = c.now.Add(d)
	if c.onWake != nil {
		c.onWake()
	}
}

func sampler(t *testing.T, root string, clock *fakeClock, window time.Duration) *Sampler {
	return &Sampler{
		Source:      Source{Proc: filepath.Join(root, "proc"), StatfsTimeout: time.Second},
		Window:      window,
		MaxInterval: time.Hour,
		Sleep:       clock.Sleep,
		Now:         clock.Now,
	}
}

func rateFamilies(t *testing.T) []*Family {
	return []*Family{family(t, "cpu"), family(t, "net"), family(t, "diskio"), family(t, "pressure"), family(t, "vmstat")}
}

// Rates over the minute between the current and current-later fixtures.
var wantRates = []string{
	// Of 24000 ticks: 22000 idle, 240 iowait, 1200+48 user, 360+120 system, 32 steal.
	"cpu.busy_pct 7.33",
	"cpu.user_pct 5.2",
	"cpu.system_pct 2",
	"cpu.iowait_pct 1",
	"cpu.steal_pct 0.13",
	// Of the 48 niced ticks, 12 ran a niced guest: sar's %nice leaves
	// them out; 60 + 12 guest ticks in all.
	"cpu.nice_pct 0.15",
	"cpu.irq_pct 0",
	"cpu.softirq_pct 0.5",
	"cpu.guest_pct 0.3",
	// 150000 switches, 72000 interrupts and 180 forks in 60 s.
	"cpu.context_switches_per_s 2500",
	"cpu.interrupts_per_s 1200",
	"procs.forks_per_s 3",
	// 6 MB in, 1.5 MB out, 6 errors in 60 s; lo is left out, and wg0 is
	// new since the first reading, so it has no rate yet.
	"net.rx_bytes_per_s;iface=eth0 100000",
	"net.tx_bytes_per_s;iface=eth0 25000",
	"net.errors_per_s;iface=eth0 0.1",
	// 6667 packets in, 1666 out, 12 and 6 dropped, 3 and 3 errors.
	"net.rx_packets_per_s;iface=eth0 111.12",
	"net.tx_packets_per_s;iface=eth0 27.77",
	"net.rx_drops_per_s;iface=eth0 0.2",
	"net.tx_drops_per_s;iface=eth0 0.1",
	"net.rx_errors_per_s;iface=eth0 0.05",
	"net.tx_errors_per_s;iface=eth0 0.05",
	"net.rx_bytes_per_s;iface=eth1 0",
	"net.tx_bytes_per_s;iface=eth1 0",
	"net.errors_per_s;iface=eth1 0",
	"net.rx_packets_per_s;iface=eth1 0",
	"net.tx_packets_per_s;iface=eth1 0",
	"net.rx_drops_per_s;iface=eth1 0",
	"net.tx_drops_per_s;iface=eth1 0",
	"net.rx_errors_per_s;iface=eth1 0",
	"net.tx_errors_per_s;iface=eth1 0",
	// dm-0 and nvme0n1 read 150 times and were busy 90 s of 60 (merged
	// queues): capped at 100.
	"diskio.read_bytes_per_s;device=dm-0 10240",
	"diskio.write_bytes_per_s;device=dm-0 0",
	"diskio.util_pct;device=dm-0 100",
	"diskio.reads_per_s;device=dm-0 2.5",
	"diskio.writes_per_s;device=dm-0 0",
	"diskio.read_await_s;device=dm-0 0",
	"diskio.write_await_s;device=dm-0 0",
	"diskio.queue_size;device=dm-0 0",
	"diskio.discards_per_s;device=dm-0 0",
	"diskio.read_bytes_per_s;device=nvme0n1 10240",
	"diskio.write_bytes_per_s;device=nvme0n1 0",
	"diskio.util_pct;device=nvme0n1 100",
	"diskio.reads_per_s;device=nvme0n1 2.5",
	"diskio.writes_per_s;device=nvme0n1 0",
	"diskio.read_await_s;device=nvme0n1 0",
	"diskio.write_await_s;device=nvme0n1 0",
	"diskio.queue_size;device=nvme0n1 0",
	"diskio.discards_per_s;device=nvme0n1 0",
	// sda: 2930 reads in 5860 ms, 14648 writes in 43944 ms, 90 s of
	// weighted time and 600 discards in 60 s, as iostat -x has them.
	"diskio.read_bytes_per_s;device=sda 199995.73",
	"diskio.write_bytes_per_s;device=sda 999995.73",
	"diskio.util_pct;device=sda 10",
	"diskio.reads_per_s;device=sda 48.83",
	"diskio.writes_per_s;device=sda 244.13",
	"diskio.read_await_s;device=sda 0.002",
	"diskio.write_await_s;device=sda 0.003",
	"diskio.queue_size;device=sda 1.5",
	"diskio.discards_per_s;device=sda 10",
	"diskio.read_bytes_per_s;device=sr0 0",
	"diskio.write_bytes_per_s;device=sr0 0",
	"diskio.util_pct;device=sr0 0",
	"diskio.reads_per_s;device=sr0 0",
	"diskio.writes_per_s;device=sr0 0",
	"diskio.read_await_s;device=sr0 0",
	"diskio.write_await_s;device=sr0 0",
	"diskio.queue_size;device=sr0 0",
	"diskio.discards_per_s;device=sr0 0",
	// 0.6 s, 3 s, 1.2 s, 0.06 s and 0 s of stall in 60 s.
	"pressure.cpu_some_pct 1",
	"pressure.io_some_pct 5",
	"pressure.io_full_pct 2",
	"pressure.memory_some_pct 0.1",
	"pressure.memory_full_pct 0",
	"mem.page_in_bytes_per_s 512000",
	"mem.page_out_bytes_per_s 2048000",
	"swap.in_pages_per_s 4",
	"swap.out_pages_per_s 10",
	"mem.major_faults_per_s 3",
	"mem.oom_kills 1",
}

func TestRatesFromState(t *testing.T) {
	root := tree(t, "current")
	clock := &fakeClock{now: time.Unix(1764045000, 0)}
	s := sampler(t, root, clock, 0)
	st := NewState()
	res := s.Run(rateFamilies(t), st)
	if len(res.Samples) != 0 || len(res.Warnings) != 0 {
		t.Fatalf("first run without state and window 0: %q, %v", lines(res.Samples), res.Warnings)
	}
	if st.BootID != "5a8e3f3c-1b2d-4e5f-8a9b-0c1d2e3f4a5b" || st.Families["cpu"] == nil || st.Families["cpu"].Uptime != 86400.5 {
		t.Fatalf("state after the first run: %+v", st)
	}

	// Through the state file, as between two cron runs.
	path := filepath.Join(t.TempDir(), "sm", "sample.state")
	if err := st.Save(path); err != nil {
		t.Fatal(err)
	}
	st, err := LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	overlay(t, "testdata/current-later", root)
	res = s.Run(rateFamilies(t), st)
	if len(res.Warnings) != 0 {
		t.Fatal(res.Warnings)
	}
	if got := lines(res.Samples); !reflect.DeepEqual(got, wantRates) {
		t.Errorf("got  %q\nwant %q", got, wantRates)
	}
	if len(clock.slept) != 0 {
		t.Errorf("slept %v with usable state", clock.slept)
	}
	if st.Families["net"].Uptime != 86460.5 || st.Families["net"].Counters["wg0"] == nil {
		t.Errorf("state not updated: %+v", st.Families["net"])
	}
}

func TestRatesOverWindow(t *testing.T) {
	root := tree(t, "current")
	clock := &fakeClock{now: time.Unix(1764045000, 0)}
	clock.onWake = func() { overlay(t, "testdata/current-later", root) }
	s := sampler(t, root, clock, time.Minute)
	st := NewState()
	res := s.Run(rateFamilies(t), st)
	if len(res.Warnings) != 0 {
		t.Fatal(res.Warnings)
	}
	if !reflect.DeepEqual(clock.slept, []time.Duration{time.Minute}) {
		t.Errorf("slept %v, want one window", clock.slept)
	}
	if got := lines(res.Samples); !reflect.DeepEqual(got, wantRates) {
		t.Errorf("got  %q\nwant %q", got, wantRates)
	}
	// The state holds the second reading, for the next run.
	if st.Families["cpu"].Uptime != 86460.5 {
		t.Errorf("state uptime %v", st.Families["cpu"].Uptime)
	}
}

// TestUnusableState checks every reason to measure over a window
// instead of using the state: each case must sleep once.
func TestUnusableState(t *testing.T) {
	tests := []struct {
		name  string
		setup func(st *State, root string)
	}{
		{"no state", func(st *State, root string) { st.Families = map[string]*Entry{} }},
		{"rebooted", func(st *State, root string) { st.BootID = "another boot" }},
		{"uptime went back", func(st *State, root string) {
			os.WriteFile(filepath.Join(root, "proc/uptime"), []byte("10.00 20.00\n"), 0o644)
		}},
		{"too old", func(st *State, root string) {
			os.WriteFile(filepath.Join(root, "proc/uptime"), []byte("96400.50 0\n"), 0o644)
		}},
		{"too recent", func(st *State, root string) {
			os.WriteFile(filepath.Join(root, "proc/uptime"), []byte("86400.90 0\n"), 0o644)
		}},
		{"counter reset", func(st *State, root string) {
			st.Families["net"].Counters["eth0"][0] = 1e15
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := tree(t, "current")
			clock := &fakeClock{now: time.Unix(1764045000, 0)}
			st := NewState()
			sampler(t, root, clock, 0).Run([]*Family{family(t, "net")}, st)
			overlay(t, "testdata/current-later", root)
			tt.setup(st, root)
			res := sampler(t, root, clock, time.Second).Run([]*Family{family(t, "net")}, st)
			if len(clock.slept) != 1 {
				t.Errorf("slept %v, want one window", clock.slept)
			}
			// Over the window the fixture does not change: zero rates, never negative.
			for _, s := range res.Samples {
				if s.Value != 0 {
					t.Errorf("%s = %v over an unchanged window", s.Name, s.Value)
				}
			}
			if len(res.Samples) != 3*len(netMetrics) {
				t.Errorf("got %q", lines(res.Samples))
			}
		})
	}
}

func TestCPURatesNeverNegative(t *testing.T) {
	// iowait goes down on some kernels: it counts as no time.
	prev := Counters{"cpu": {100, 0, 100, 1000, 50, 0, 0, 0}}
	cur := Counters{"cpu": {150, 0, 150, 1100, 40, 0, 0, 0}}
	got := lines(cpuRates(prev, cur, 1))
	want := []string{"cpu.busy_pct 50", "cpu.user_pct 25", "cpu.system_pct 25", "cpu.iowait_pct 0", "cpu.steal_pct 0", "cpu.nice_pct 0", "cpu.irq_pct 0", "cpu.softirq_pct 0"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if s := cpuRates(prev, prev, 1); s != nil {
		t.Errorf("no time passed, got %q", lines(s))
	}
}

func TestAbsentIsNotFailure(t *testing.T) {
	// The old kernel has no /proc/pressure; the container no diskstats.
	for _, tt := range []struct{ fixture, fam string }{{"old", "pressure"}, {"container", "diskio"}} {
		root := tree(t, tt.fixture)
		clock := &fakeClock{now: time.Unix(1764045000, 0)}
		res := sampler(t, root, clock, time.Second).Run([]*Family{family(t, tt.fam)}, NewState())
		if len(res.Samples) != 0 || len(res.Warnings) != 0 || len(clock.slept) != 0 {
			t.Errorf("%s/%s: samples %q, warnings %v, slept %v", tt.fixture, tt.fam, lines(res.Samples), res.Warnings, clock.slept)
		}
	}
}

func TestFailingFamily(t *testing.T) {
	root := tree(t, "current")
	os.Remove(filepath.Join(root, "proc/meminfo"))
	os.WriteFile(filepath.Join(root, "proc/net/dev"), []byte("h1\nh2\n  eth0:\n"), 0o644)
	clock := &fakeClock{now: time.Unix(1764045000, 0)}
	s := sampler(t, root, clock, 0)
	var fams []*Family
	for _, f := range Families {
		if f.Name != "disk" { // disk is TestDisk's, with a fake statfs
			fams = append(fams, f)
		}
	}
	res := s.Run(fams, NewState())
	warnings := errStrings(res.Warnings)
	if len(warnings) != 2 ||
		!strings.HasPrefix(warnings[0], "memory: open ") || !strings.HasSuffix(warnings[0], "/proc/meminfo: no such file or directory") ||
		warnings[1] != "net: net/dev: line 3: want an interface and 16 numbers" {
		t.Errorf("warnings: %q", warnings)
	}
	var names []string
	for _, s := range res.Samples {
		if !slices.Contains(names, strings.Split(s.Name, ".")[0]) {
			names = append(names, strings.Split(s.Name, ".")[0])
		}
	}
	// load and sys still come out; cpu, diskio and pressure wait for state.
	if want := []string{"load", "procs", "sys"}; !reflect.DeepEqual(names, want) {
		t.Errorf("families out: %q, want %q", names, want)
	}
}

func TestMissingProcRoot(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1764045000, 0)}
	s := sampler(t, filepath.Join(t.TempDir(), "none"), clock, time.Second)
	// The clock family asks the kernel, not /proc.
	procFams := slices.DeleteFunc(slices.Clone(Families), func(f *Family) bool { return f.Name == "clock" })
	res := s.Run(procFams, NewState())
	if len(res.Samples) != 0 {
		t.Errorf("samples from nothing: %q", lines(res.Samples))
	}
	// Every family that needs /proc says so; diskio and pressure, whose
	// files are optional, say nothing.
	var fams []string
	for _, w := range errStrings(res.Warnings) {
		fams = append(fams, strings.SplitN(w, ":", 2)[0])
	}
	if want := []string{"load", "memory", "disk", "cpu", "net", "sys", "procs"}; !reflect.DeepEqual(fams, want) {
		t.Errorf("warnings from %q, want %q", fams, want)
	}
}

func TestState(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sample.state")
	st, err := LoadState(path)
	if err != nil || len(st.Families) != 0 {
		t.Fatalf("missing state: %+v, %v", st, err)
	}
	st.BootID = "b"
	st.put("cpu", 12.5, Counters{"cpu": {1, 2, 3}})
	st.put("net", 12.25, Counters{"eth0": {4, 5, 6}, "my if": {1e15, 0.5, 0}})
	// A family without instances is remembered too, or every run
	// would wait a window for it.
	st.put("diskio", 12.5, Counters{})
	if err := st.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadState(path)
	if err != nil || !reflect.DeepEqual(got, st) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	// Written in place: one file, and nothing else left behind.
	st.put("cpu", 13.5, Counters{"cpu": {2, 3, 4}})
	delete(st.Families, "net")
	if err := st.Save(path); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("saves left %v", ents)
	}
	got, err = LoadState(path)
	if err != nil || !reflect.DeepEqual(got, st) {
		t.Fatalf("after a shorter second save: %+v, %v", got, err)
	}
	// An empty file, as a crash can leave, is no state.
	os.WriteFile(path, nil, 0o644)
	if st, err := LoadState(path); err != nil || len(st.Families) != 0 {
		t.Errorf("empty state: %+v, %v", st, err)
	}
	// withSum ends a body with its right checksum line, so that the
	// parser, not the checksum, has to find what is wrong.
	withSum := func(body string) string {
		return body + "end " + strconv.FormatUint(checksum([]byte(body)), 16) + "\n"
	}
	valid := withSum("sm-sample state 1\nboot \"b\"\nfamily cpu 1\n\"cpu\" 1 2\n")
	for _, bad := range []string{
		"sm-sample state 1\n",
		valid[:len(valid)-1], // no final newline
		strings.Replace(valid, "1 2", "1 3", 1),
		withSum("sm-sample state 1\nfamily cpu x\n"),
		withSum("sm-sample state 1\nfamily cpu 1\n\"cpu\" 1 -2\n"),
		withSum("sm-sample state 1\nfamily cpu 1\ncpu 1 2\n"),
		withSum("sm-sample state 1\n\"cpu\" 1 2\n"),
		withSum("sm-sample state 1\nboot b\n"),
		withSum("sm-sample state 1\nfamily cpu 1\n\"cpu 1 2\n"),
	} {
		os.WriteFile(path, []byte(bad), 0o644)
		st, err := LoadState(path)
		if err == nil || !strings.Contains(err.Error(), "is damaged, starting afresh") || len(st.Families) != 0 {
			t.Errorf("damaged state %q: %+v, %v", bad, st, err)
		}
	}
	os.WriteFile(path, []byte("sm-sample state 99\nwhatever\n"), 0o644)
	if st, err := LoadState(path); err != nil || len(st.Families) != 0 {
		t.Errorf("state of another version: %+v, %v", st, err)
	}
	if _, err := unmarshalState([]byte(valid)); err != nil {
		t.Errorf("the valid state: %v", err)
	}
	// A folder where the state should go cannot be written.
	if err := st.Save(dir); err == nil {
		t.Error("saved state over a folder")
	}
}

// TestStateConcurrent runs savers and loaders side by side on one file:
// no load may ever see a damaged state, and the last one standing is
// whole.
func TestStateConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sample.state")
	const workers, rounds = 8, 200
	errs := make(chan error, 2*workers)
	for w := range workers {
		go func() {
			st := NewState()
			for i := range rounds {
				// States of different lengths, so that a mix would show.
				c := Counters{}
				for j := range w + 1 {
					c[fmt.Sprint("eth", j)] = []float64{float64(i), float64(w)}
				}
				st.put("net", float64(i), c)
				if err := st.Save(path); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
		go func() {
			for range rounds {
				st, err := LoadState(path)
				if err != nil {
					errs <- err
					return
				}
				if e := st.Families["net"]; e != nil {
					w := e.Counters["eth0"][1]
					if len(e.Counters) != int(w)+1 {
						errs <- fmt.Errorf("a state of writer %v with %d interfaces", w, len(e.Counters))
						return
					}
				}
			}
			errs <- nil
		}()
	}
	for range 2 * workers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

func TestPanicIsAWarning(t *testing.T) {
	boom := &Family{Name: "boom", gauge: func(*Source) ([]Sample, error) {
		var m map[string][]float64
		m["x"][3] = 1
		return nil, nil
	}}
	clock := &fakeClock{now: time.Unix(1764045000, 0)}
	res := sampler(t, tree(t, "current"), clock, 0).Run([]*Family{boom, family(t, "load")}, NewState())
	if w := errStrings(res.Warnings); len(w) != 1 || !strings.HasPrefix(w[0], "boom: internal error: ") {
		t.Errorf("warnings %q", w)
	}
	if len(res.Samples) != 5 {
		t.Errorf("the family after the panic gave %q", lines(res.Samples))
	}
}

// TestDiskAsksDirOnlyForBindMounts: the root of a filesystem is always
// a folder, so only bind mounts of a part of one cost a stat.
func TestDiskAsksDirOnlyForBindMounts(t *testing.T) {
	fake := fakeStatfs(t, "container")
	asked := map[string]bool{}
	src := &Source{Proc: "testdata/container/proc", StatfsTimeout: time.Second,
		Statfs: func(path string, needDir bool) (FSStat, error) {
			asked[path] = needDir
			return fake(path, needDir)
		}}
	if _, err := diskSamples(src); err != nil {
		t.Fatal(err)
	}
	if want := map[string]bool{"/data": true, "/dev": false, "/dev/shm": false}; !reflect.DeepEqual(asked, want) {
		t.Errorf("asked %v, want %v", asked, want)
	}
}
