package collect

import (
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// hangs makes some mounts of a fixture hang, as a dead NFS server does:
// a statfs of one of them blocks until release, then answers as the
// fixture says. It counts those calls as they start and as they return.
type hangs struct {
	paths    []string
	release  chan struct{}
	once     sync.Once
	started  atomic.Int32
	returned atomic.Int32
}

// hangingStatfs wraps fakeStatfs: the paths in hung block until
// h.Release, which the test's cleanup calls if the test has not.
func hangingStatfs(t *testing.T, fixture string, hung ...string) (func(string, bool) (FSStat, error), *hangs) {
	t.Helper()
	fake := fakeStatfs(t, fixture)
	h := &hangs{paths: hung, release: make(chan struct{})}
	t.Cleanup(h.Release)
	return func(path string, needDir bool) (FSStat, error) {
		if slices.Contains(h.paths, path) {
			h.started.Add(1)
			defer h.returned.Add(1)
			<-h.release
		}
		return fake(path, needDir)
	}, h
}

// Release lets the hung calls answer.
func (h *hangs) Release() { h.once.Do(func() { close(h.release) }) }

// TestFaultHungMount runs the disk family with mounts that do not
// answer among mounts that do. It runs in a synctest bubble: time there
// only moves when every goroutine is blocked, so the timeout passes at
// once, and the time a call took is known to the nanosecond without a
// wall clock.
func TestFaultHungMount(t *testing.T) {
	const timeout = 5 * time.Second
	answering := []string{
		"disk.used_pct;mount=/ 23.56",
		"disk.avail_bytes;mount=/ 22899986432",
		"disk.size_bytes;mount=/ 31569997824",
		"disk.inodes_used_pct;mount=/ 8.09",
		"disk.used_pct;mount=/home 100",
		"disk.avail_bytes;mount=/home 0",
		"disk.size_bytes;mount=/home 104857600000",
		"disk.inodes_used_pct;mount=/home 0.02",
		"disk.used_pct;mount=/run/lock 0",
		"disk.avail_bytes;mount=/run/lock 5242880",
		"disk.size_bytes;mount=/run/lock 5242880",
		"disk.inodes_used_pct;mount=/run/lock 0",
	}
	home := answering[4:8]
	run := func(t *testing.T, statfs func(string, bool) (FSStat, error), mounts ...string) (Result, time.Duration) {
		t.Helper()
		s := &Sampler{Source: Source{
			Proc:          "testdata/current/proc",
			Mounts:        mounts,
			Statfs:        statfs,
			StatfsTimeout: timeout,
		}}
		start := time.Now()
		res := s.Run([]*Family{family(t, "disk")}, NewState())
		return res, time.Since(start)
	}

	// Three mounts never answer while the test runs; three answer at
	// once. The call returns with the three that answered while the
	// others are still blocked, each of those with its own warning,
	// after one timeout, not one per hung mount.
	t.Run("never answers", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			// /srv/nfs is the fixture's own hung mount: past the
			// wrapper, it blocks on until the test's end.
			statfs, h := hangingStatfs(t, "current", "/srv/nfs", "/srv/backup", "/mnt/dead")
			res, took := run(t, statfs, "/", "/srv/nfs", "/home", "/srv/backup", "/run/lock", "/mnt/dead")
			if got := lines(res.Samples); !reflect.DeepEqual(got, answering) {
				t.Errorf("samples\n got  %q\n want %q", got, answering)
			}
			want := []string{
				"disk: statfs /srv/nfs: no answer within 5s",
				"disk: statfs /srv/backup: no answer within 5s",
				"disk: statfs /mnt/dead: no answer within 5s",
			}
			if got := errStrings(res.Warnings); !reflect.DeepEqual(got, want) {
				t.Errorf("warnings\n got  %q\n want %q", got, want)
			}
			if s, r := h.started.Load(), h.returned.Load(); s != 3 || r != 0 {
				t.Errorf("when the call returned, %d hung calls had started and %d returned, want 3 and 0", s, r)
			}
			if took != timeout {
				t.Errorf("the call took %v, want one timeout, %v", took, timeout)
			}
		})
	})

	// /home answers, but only after the call gave up on it: the answer
	// goes nowhere, and what the call returned stays as it was.
	t.Run("answers late", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			statfs, h := hangingStatfs(t, "current", "/home")
			res, took := run(t, statfs, "/", "/home", "/run/lock")
			samples, warnings := lines(res.Samples), errStrings(res.Warnings)
			want := slices.Concat(answering[:4], answering[8:])
			if !reflect.DeepEqual(samples, want) {
				t.Errorf("samples\n got  %q\n want %q", samples, want)
			}
			if want := []string{"disk: statfs /home: no answer within 5s"}; !reflect.DeepEqual(warnings, want) {
				t.Errorf("warnings\n got  %q\n want %q", warnings, want)
			}
			if took != timeout {
				t.Errorf("the call took %v, want %v", took, timeout)
			}

			h.Release()
			synctest.Wait() // the late call has answered and its goroutine ended
			if r := h.returned.Load(); r != 1 {
				t.Fatalf("%d late calls returned, want 1", r)
			}
			if got := lines(res.Samples); !reflect.DeepEqual(got, samples) {
				t.Errorf("samples changed after the late answer:\n now  %q\n were %q", got, samples)
			}
			if got := errStrings(res.Warnings); !reflect.DeepEqual(got, warnings) {
				t.Errorf("warnings changed after the late answer:\n now  %q\n were %q", got, warnings)
			}
		})
	})

	// /home answers at the very instant the timeout runs out, so the
	// answer and the timeout race; under -race this is where a write
	// into the results from the statfs goroutine would show. Either
	// outcome is right, but only one of them: its records or its
	// warning.
	t.Run("answers at the deadline", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			statfs, h := hangingStatfs(t, "current", "/home")
			time.AfterFunc(timeout, h.Release)
			res, took := run(t, statfs, "/", "/home", "/run/lock")
			samples, warnings := lines(res.Samples), errStrings(res.Warnings)
			if took != timeout {
				t.Errorf("the call took %v, want %v", took, timeout)
			}
			switch {
			case reflect.DeepEqual(samples, answering) && len(warnings) == 0:
				t.Log("the answer came first")
			case reflect.DeepEqual(samples, slices.Concat(answering[:4], answering[8:])) &&
				reflect.DeepEqual(warnings, []string{"disk: statfs /home: no answer within 5s"}):
				t.Log("the timeout came first")
			default:
				t.Errorf("samples %q\nwarnings %q\nwant either /home's samples %q or its warning", samples, warnings, home)
			}
			synctest.Wait()
			if r := h.returned.Load(); r != 1 {
				t.Fatalf("%d calls returned, want 1", r)
			}
			if got := lines(res.Samples); !reflect.DeepEqual(got, samples) {
				t.Errorf("samples changed after the answer:\n now  %q\n were %q", got, samples)
			}
			if got := errStrings(res.Warnings); !reflect.DeepEqual(got, warnings) {
				t.Errorf("warnings changed after the answer:\n now  %q\n were %q", got, warnings)
			}
		})
	})
}
