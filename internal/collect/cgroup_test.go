package collect

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var updateServices = flag.Bool("update-services", false, "rewrite testdata/systemd.golden")

// servicesRun reads the fixture at root, then overlays later a minute on
// and reads again through the state file, and returns the second run's
// lines.
func servicesRun(t *testing.T, root, later string) []string {
	t.Helper()
	clock := &fakeClock{now: time.Unix(1764045000, 0)}
	s := sampler(t, root, clock, 0)
	fams := []*Family{family(t, "services")}
	st := NewState()
	if res := s.Run(fams, st); len(res.Samples) != 0 || len(res.Warnings) != 0 {
		t.Fatalf("first run: %q, %v", lines(res.Samples), res.Warnings)
	}
	path := filepath.Join(t.TempDir(), "sample.state")
	if err := st.Save(path); err != nil {
		t.Fatal(err)
	}
	st, err := LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	overlay(t, later, root)
	res := s.Run(fams, st)
	if len(res.Warnings) != 0 {
		t.Fatal(res.Warnings)
	}
	return lines(res.Samples)
}

// TestServicesFixture reads a systemd host's tree twice, a minute apart.
// What the golden file shows, by path:
//   - nginx.service: 30 s of CPU in 60 s is 50 %; 6 MiB read on sda and
//     3 MiB on dm-0 is 157286.4 bytes/s.
//   - restarted.service: its CPU counter went down (restarted in the same
//     cgroup): no rates, its memory still (kept for 200 MiB, over 1 % of
//     8 GiB).
//   - nomem.service: no memory or io controller, so no such figures,
//     rather than zeros.
//   - vanished.service: removed between listing and reading: absent.
//   - cron.service and ssh.service, small, are summed into
//     unit=other;slice=system.slice; session-2.scope into user-1000.slice's,
//     init.scope into the root's (-.slice).
//   - nginx.service/workers, user@1000.service/init.scope and the
//     container's own system.slice are inside units: not read.
//   - the user's own units carry user=1000.
//   - /docker is a folder of containers, kept like a slice; its
//     container /docker/0123abcd is kept for its 2 % CPU, not what is
//     inside.
func TestServicesFixture(t *testing.T) {
	got := strings.Join(servicesRun(t, tree(t, "systemd"), "testdata/systemd-later"), "\n") + "\n"
	golden := "testdata/systemd.golden"
	if *updateServices {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
