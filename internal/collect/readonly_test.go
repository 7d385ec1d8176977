package collect

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/prometheus/procfs"
)

// TestReadonlyMatchesProcfs: a mount is read-only for sm exactly when
// procfs finds "ro" in its mount or superblock options, on every
// fixture's mountinfo, the conformance trees' and this machine's.
func TestReadonlyMatchesProcfs(t *testing.T) {
	files := []string{"testdata/current/proc/self/mountinfo", "testdata/old/proc/self/mountinfo", "testdata/container/proc/self/mountinfo", "testdata/space/proc/self/mountinfo", "/proc/self/mountinfo"}
	if dir := conformanceDir(); dir != "" {
		trees, _ := filepath.Glob(filepath.Join(dir, "procfs", "trees", "*", "proc", "*", "mountinfo"))
		files = append(files, trees...)
	}
	seen := 0
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			// One copy read by both, as self/mountinfo of a tree of its own.
			b, err := readProc(file, nil)
			if err != nil {
				t.Skip(err)
			}
			root := t.TempDir()
			if err := os.MkdirAll(filepath.Join(root, "self"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, "self", "mountinfo"), b, 0o644); err != nil {
				t.Fatal(err)
			}
			fs, err := procfs.NewFS(root)
			if err != nil {
				t.Fatal(err)
			}
			want, err := fs.GetMounts()
			if err != nil {
				t.Fatal(err)
			}
			got, err := parseMountinfo(string(b))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d mounts, procfs %d", len(got), len(want))
			}
			for i, m := range want {
				_, ro1 := m.Options["ro"]
				_, ro2 := m.SuperOptions["ro"]
				if got[i].readonly != (ro1 || ro2) {
					t.Errorf("%s: readonly %v, procfs options %v, superblock %v", m.MountPoint, got[i].readonly, m.Options, m.SuperOptions)
				}
				if got[i].readonly {
					seen++
				}
			}
		})
	}
	if seen == 0 {
		t.Error("no read-only mount in any tree: the test compares nothing")
	}
}

func TestHasOption(t *testing.T) {
	for _, tt := range []struct {
		list string
		want bool
	}{
		{"ro", true},
		{"rw,ro", true},
		{"ro,relatime", true},
		{"rw,errors=remount-ro", false},
		{"rootcontext=ro", false},
		{"", false},
	} {
		if got := hasOption(tt.list, "ro"); got != tt.want {
			t.Errorf("hasOption(%q, ro) = %v", tt.list, got)
		}
	}
}
