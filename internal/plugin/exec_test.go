package plugin

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"sm/internal/record"
)

// t0 is the tests' clock: 2025-11-25T04:30:00Z.
var t0 = time.Unix(1764045000, 0)

// newRunner returns a runner with a state folder of its own and a clock
// the test moves with *now.
func newRunner(t *testing.T, now *time.Time) *Runner {
	t.Helper()
	return &Runner{
		Timeout:     10 * time.Second,
		Parallel:    4,
		Tags:        []record.Tag{{Key: "host", Value: "web1"}, {Key: "dc", Value: "fra1"}},
		StateDir:    t.TempDir(),
		MaxInterval: time.Hour,
		Now:         func() time.Time { return *now },
	}
}

// writeScript writes an executable shell script.
func writeScript(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// lines returns the records as canonical lines.
func lines(recs []record.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.String())
	}
	return out
}

func errorTexts(errs []error) []string {
	var out []string
	for _, err := range errs {
		out = append(out, err.Error())
	}
	return out
}

func TestExec(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "backup", `
echo "backup.age_s 42"
echo "backup.size_bytes;host=nas 1e6 1764000000"
echo "# a comment, and a blank line"
echo
echo "backup.files x"
echo "rsync: warning" >&2
`)
	writeScript(t, dir, "fail", `echo "fail.before 1"; exit 3`)
	writeScript(t, dir, "env", `
[ -d "$SM_STATE_DIR" ] && echo "env.state_dir;seen=$SM_HOST 1"
case $SM_STATE_DIR in */exec/env) echo "env.state_named 1";; esac
`)
	writeScript(t, dir, "noise", `head -c 10000 /dev/zero | tr '\0' x >&2; for i in $(seq 15); do echo "bad$i"; done`)
	writeScript(t, dir, "broken", "")
	os.WriteFile(filepath.Join(dir, "broken"), []byte("#!/nonexistent/sh\n"), 0o755)
	writeScript(t, dir, "cut", `printf 'cut.last 7'`)
	// Neither run: not executable, a backup, a dotfile, a folder.
	os.WriteFile(filepath.Join(dir, "disabled"), []byte("#!/bin/sh\necho disabled 1\n"), 0o644)
	writeScript(t, dir, "backup~", `echo tilde 1`)
	writeScript(t, dir, "backup.dpkg-old", `echo dpkg 1`)
	writeScript(t, dir, "backup.rpmsave", `echo rpm 1`)
	writeScript(t, dir, ".hidden", `echo hidden 1`)
	os.Mkdir(filepath.Join(dir, "sub.d"), 0o755)
	// A link to a program runs under the link's name.
	os.Symlink(filepath.Join(dir, "fail"), filepath.Join(dir, "linked"))

	now := t0
	run := newRunner(t, &now)
	rep := run.Exec([]string{dir})

	var names []string
	for _, r := range rep.Results {
		names = append(names, r.Name)
	}
	if want := []string{"backup", "broken", "cut", "env", "fail", "linked", "noise"}; !slices.Equal(names, want) {
		t.Fatalf("ran %q, want %q", names, want)
	}
	got := map[string]Result{}
	for _, r := range rep.Results {
		got[r.Name] = r
	}
	check := func(name string, recs, stderr, errs []string) {
		t.Helper()
		r := got[name]
		if !slices.Equal(lines(r.Records), recs) {
			t.Errorf("%s: records\n%q\nwant\n%q", name, lines(r.Records), recs)
		}
		if !slices.Equal(r.Stderr, stderr) {
			t.Errorf("%s: stderr %q, want %q", name, r.Stderr, stderr)
		}
		if !slices.Equal(errorTexts(r.Errors), errs) {
			t.Errorf("%s: errors\n%q\nwant\n%q", name, errorTexts(r.Errors), errs)
		}
	}
	check("backup",
		[]string{
			"backup.age_s;dc=fra1;host=web1 42 1764045000",
			"backup.size_bytes;dc=fra1;host=nas 1000000 1764000000",
		},
		[]string{"rsync: warning"},
		[]string{`plugin backup: line 5: value "x" is not a number`})
	check("fail", []string{"fail.before;dc=fra1;host=web1 1 1764045000"}, nil, []string{"plugin fail: exit status 3"})
	check("linked", []string{"fail.before;dc=fra1;host=web1 1 1764045000"}, nil, []string{"plugin linked: exit status 3"})
	check("env", []string{
		"env.state_dir;dc=fra1;host=web1;seen=web1 1 1764045000",
		"env.state_named;dc=fra1;host=web1 1 1764045000",
	}, nil, nil)
	// A last line without its newline is whole when the plugin ended.
	check("cut", []string{"cut.last;dc=fra1;host=web1 7 1764045000"}, nil, nil)

	noise := got["noise"]
	if len(noise.Stderr) != 2 || len(noise.Stderr[0]) != maxStderr || noise.Stderr[1] != "(5904 more bytes not shown)" {
		t.Errorf("noise: stderr not bounded: %d lines, last %q", len(noise.Stderr), noise.Stderr[len(noise.Stderr)-1])
	}
	if errs := errorTexts(noise.Errors); len(errs) != maxLineErrors+1 || errs[maxLineErrors] != "plugin noise: 5 more bad lines" {
		t.Errorf("noise: errors %q", errs)
	}
	if errs := errorTexts(got["broken"].Errors); len(errs) != 1 || !strings.HasPrefix(errs[0], "plugin broken: fork/exec ") {
		t.Errorf("broken: errors %q", errs)
	}
	if !rep.Failed() {
		t.Error("Failed() = false")
	}
	if n := len(rep.Records()); n != 7 {
		t.Errorf("%d records in all, want 7", n)
	}
}

func TestExecMissingFolder(t *testing.T) {
	now := t0
	run := newRunner(t, &now)
	good := t.TempDir()
	writeScript(t, good, "one", "echo one 1\n")
	rep := run.Exec([]string{filepath.Join(good, "none"), good})
	if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Error(), "no such file or directory") {
		t.Errorf("errors %v", rep.Errors)
	}
	if len(rep.Records()) != 1 {
		t.Errorf("the other folder's records are lost: %v", rep.Results)
	}
}

// TestExecTimeout runs a plugin that outlives its timeout and leaves a
// child holding its stdout, and one that ends at once but leaves such a
// child: both are killed with their children, and the run returns.
func TestExecTimeout(t *testing.T) {
	dir := t.TempDir()
	pids := t.TempDir()
	writeScript(t, dir, "slow", fmt.Sprintf(`
echo "slow.before 1"
sleep 600 &
echo $! > %s/slow
sleep 600
echo "slow.after 1"
`, pids))
	writeScript(t, dir, "orphan", fmt.Sprintf(`
echo "orphan.before 1"
sleep 600 &
echo $! > %s/orphan
`, pids))
	now := t0
	run := newRunner(t, &now)
	run.Timeout = time.Second
	rep := run.Exec([]string{dir})

	want := map[string]string{
		"slow":   "plugin slow: killed after 1s",
		"orphan": "plugin orphan: killed after 1s: it had ended, but left a process holding its output open",
	}
	for _, r := range rep.Results {
		if errs := errorTexts(r.Errors); len(errs) != 1 || errs[0] != want[r.Name] {
			t.Errorf("%s: errors %q, want %q", r.Name, errs, want[r.Name])
		}
		if len(r.Records) != 1 || !strings.HasSuffix(r.Records[0].Name, ".before") {
			t.Errorf("%s: the records printed before the kill are lost: %v", r.Name, lines(r.Records))
		}
		b, err := os.ReadFile(filepath.Join(pids, r.Name))
		if err != nil {
			t.Fatal(err)
		}
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		waitGone(t, pid)
	}
}

// waitGone waits for a process that is not ours to end, which it must
// have been told to already.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	fd, err := unix.PidfdOpen(pid, 0)
	if err == unix.ESRCH {
		return
	}
	if err != nil {
		t.Skipf("pidfd_open: %v", err)
	}
	defer unix.Close(fd)
	// A pidfd turns readable when its process ends; the minute is only
	// there so that a failure does not hang the test.
	n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, 60_000)
	if err != nil || n != 1 {
		t.Errorf("child %d still running after its plugin was killed (%v)", pid, err)
		unix.Kill(pid, unix.SIGKILL)
	}
}

func TestBackup(t *testing.T) {
	for name, want := range map[string]bool{
		"backup": false, "backup.sh": false, "10-disk": false, "rpmish": false,
		"backup~": true, "backup.dpkg-old": true, "backup.dpkg-dist": true,
		"backup.rpmnew": true, "backup.rpmsave": true, ".backup.swp": true,
		"backup.bak": true, "#backup#": true, "backup.ucf-old": true, "DEADJOE": true,
	} {
		if got := backup(name); got != want {
			t.Errorf("backup(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestExecFlood runs a plugin that prints without end: it is killed once
// it passes the bound, and what it printed up to there counts.
func TestExecFlood(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "flood", "exec yes 'flood.x 1'\n")
	now := t0
	run := newRunner(t, &now)
	rep := run.Exec([]string{dir})
	r := rep.Results[0]
	if errs := errorTexts(r.Errors); len(errs) != 1 || errs[0] != "plugin flood: killed: printed more than 4 MiB" {
		t.Errorf("errors %q", errs)
	}
	if want := maxStdout / len("flood.x 1\n"); len(r.Records) != want {
		t.Errorf("%d records, want %d", len(r.Records), want)
	}
}
