package collect

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/prometheus/procfs"
)

// TestMemoryBreakdownMatchesProcfs checks every part against procfs's
// reading of the same file.
func TestMemoryBreakdownMatchesProcfs(t *testing.T) {
	for _, root := range procRoots {
		t.Run(root, func(t *testing.T) {
			if root == "/proc" {
				root = copyProcFile(t, root, "meminfo")
			}
			fs, err := procfs.NewFS(root)
			if err != nil {
				t.Skip(err)
			}
			mi, err := fs.Meminfo()
			if err != nil {
				t.Fatal(err)
			}
			b, err := readProc(filepath.Join(root, "meminfo"), nil)
			if err != nil {
				t.Fatal(err)
			}
			m, err := parseMeminfo(b)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]float64{}
			for _, s := range memoryBreakdown(m) {
				got[s.Name] = s.Value
			}
			want := map[string]float64{}
			for name, p := range map[string]*uint64{
				"mem.cached_bytes": mi.CachedBytes, "mem.buffers_bytes": mi.BuffersBytes,
				"mem.dirty_bytes": mi.DirtyBytes, "mem.writeback_bytes": mi.WritebackBytes,
				"mem.slab_reclaimable_bytes": mi.SReclaimableBytes, "mem.slab_unreclaimable_bytes": mi.SUnreclaimBytes,
				"mem.shmem_bytes": mi.ShmemBytes,
			} {
				if p != nil {
					want[name] = float64(*p)
				}
			}
			if mi.HugePagesTotal != nil && mi.HugePagesFree != nil && mi.HugepagesizeBytes != nil {
				want["mem.hugepages_used_bytes"] = float64((*mi.HugePagesTotal - *mi.HugePagesFree) * *mi.HugepagesizeBytes)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %v\nwant %v", got, want)
			}
		})
	}
}

func TestMemoryBreakdownMissingFields(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		// lxcfs shows a container a few fields only.
		{"lxcfs", "MemTotal: 100 kB\nCached: 10 kB\nShmem: 1 kB\n", []string{"mem.cached_bytes 10240", "mem.shmem_bytes 1024"}},
		// No Hugepagesize: the counts cannot become bytes.
		{"no page size", "HugePages_Total: 4\nHugePages_Free: 1\n", nil},
		{"huge pages", "HugePages_Total: 4\nHugePages_Free: 1\nHugepagesize: 1048576 kB\n", []string{"mem.hugepages_used_bytes 3221225472"}},
		// More free than total, as a torn read could show: none used.
		{"more free than total", "HugePages_Total: 1\nHugePages_Free: 4\nHugepagesize: 2048 kB\n", []string{"mem.hugepages_used_bytes 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := parseMeminfo([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got := lines(memoryBreakdown(m)); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
