package collect

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestProcsKernelThreads: the first kernel thread's status gives the
// user of every kernel thread, whose status is not read again, and none
// has memory; a process's status is read as ever.
func TestProcsKernelThreads(t *testing.T) {
	for _, tt := range []struct {
		name     string
		firstUID int      // the first kernel thread's, as this reader sees it
		noStatus []string // status files removed
		want     map[string][]float64
	}{
		{
			name: "root", noStatus: []string{"3", "4"},
			want: map[string][]float64{
				"2\x00root\x00kthreadd":       {100, 1, 0},
				"3\x00root\x00kworker/0:0-ev": {200, 2, 0},
				"4\x00root\x00ksoftirqd/0":    {300, 3, 0},
				"10\x00alice\x00bash":         {400, 4, 10 * 4096},
			},
		},
		{
			// Host pids seen from a user namespace that does not map
			// root: the kernel shows the overflow uid.
			name: "unmapped root", firstUID: 65534, noStatus: []string{"3", "4"},
			want: map[string][]float64{
				"2\x0065534\x00kthreadd":       {100, 1, 0},
				"3\x0065534\x00kworker/0:0-ev": {200, 2, 0},
				"4\x0065534\x00ksoftirqd/0":    {300, 3, 0},
				"10\x00alice\x00bash":          {400, 4, 10 * 4096},
			},
		},
		{
			// The first one gone before its status was read: the next
			// one's is read instead.
			name: "first gone", noStatus: []string{"2", "4"},
			want: map[string][]float64{
				"3\x00root\x00kworker/0:0-ev": {200, 2, 0},
				"4\x00root\x00ksoftirqd/0":    {300, 3, 0},
				"10\x00alice\x00bash":         {400, 4, 10 * 4096},
			},
		},
		{
			// A process's status is read whatever the kernel threads':
			// without it, the process is left out.
			name: "process gone", noStatus: []string{"3", "10"},
			want: map[string][]float64{
				"2\x00root\x00kthreadd":       {100, 1, 0},
				"3\x00root\x00kworker/0:0-ev": {200, 2, 0},
				"4\x00root\x00ksoftirqd/0":    {300, 3, 0},
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeProcTree(t, root, 1000, 0, []fakeProc{
				{pid: 2, comm: "kthreadd", utime: 1, start: 100, uid: tt.firstUID, kthread: true},
				{pid: 3, comm: "kworker/0:0-ev", utime: 2, start: 200, kthread: true},
				{pid: 4, comm: "ksoftirqd/0", utime: 3, start: 300, kthread: true},
				{pid: 10, comm: "bash", utime: 4, start: 400, rss: 10, uid: 1000},
			})
			for _, pid := range tt.noStatus {
				if err := os.Remove(filepath.Join(root, "proc", pid, "status")); err != nil {
					t.Fatal(err)
				}
			}
			c, err := readProcs(&Source{Proc: filepath.Join(root, "proc")})
			if err != nil {
				t.Fatal(err)
			}
			delete(c, "")
			if !reflect.DeepEqual(map[string][]float64(c), tt.want) {
				t.Errorf("got %v\nwant %v", c, tt.want)
			}
		})
	}
}
