package smsample

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sm/internal/record"
)

// sample runs sm-sample in process and returns its records by series.
func sample(t *testing.T, args ...string) map[string]float64 {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args = append(args, "--host", "h", "--state", filepath.Join(t.TempDir(), "state"), "--window", "0")
	if code := Main(args, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("sm-sample %v: exit %d: %s", args, code, stderr.String())
	}
	out := map[string]float64{}
	r := record.NewReader(&stdout, "stdout")
	for {
		rec, err := r.Next()
		if err != nil {
			break
		}
		b := record.AppendSeries(nil, rec.Name, rec.Tags)
		out[string(b)] = rec.Value
	}
	return out
}

// dfUse returns df's Use% of a path: used over used plus available,
// rounded up.
func dfUse(t *testing.T, path string) float64 {
	t.Helper()
	out, err := exec.Command("df", "-P", path).Output()
	if err != nil {
		t.Skipf("df: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	f := strings.Fields(lines[len(lines)-1])
	v, err := strconv.ParseFloat(strings.TrimSuffix(f[len(f)-2], "%"), 64)
	if err != nil {
		t.Fatalf("df output %q: %v", out, err)
	}
	return v
}

// TestDiskAgreesWithDf checks the root filesystem's figure on this very
// machine against df(1), which rounds Use% up.
func TestDiskAgreesWithDf(t *testing.T) {
	before := dfUse(t, "/")
	got, ok := sample(t, "--collect", "disk", "--mount", "/")["disk.used_pct;host=h;mount=/"]
	after := dfUse(t, "/")
	if !ok {
		t.Fatal("no disk.used_pct for /")
	}
	// Ours has two decimals, so its exact value is within 0.005.
	lo, hi := math.Ceil(got-0.005), math.Ceil(got+0.005)
	if !(before >= lo && before <= hi) && !(after >= lo && after <= hi) {
		t.Errorf("disk.used_pct of / is %v; df says %v%% (then %v%%)", got, before, after)
	}
}

func meminfo(t *testing.T) (total, used float64) {
	t.Helper()
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		t.Skip(err)
	}
	kb := map[string]float64{}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 {
			kb[strings.TrimSuffix(f[0], ":")], _ = strconv.ParseFloat(f[1], 64)
		}
	}
	avail, ok := kb["MemAvailable"]
	if !ok {
		t.Skip("no MemAvailable on this kernel")
	}
	return kb["MemTotal"] * 1024, 100 * (kb["MemTotal"] - avail) / kb["MemTotal"]
}

// TestMemoryAgreesWithMeminfo checks mem.used_pct against /proc/meminfo
// read just before and just after.
func TestMemoryAgreesWithMeminfo(t *testing.T) {
	total, before := meminfo(t)
	got := sample(t, "--collect", "memory")
	_, after := meminfo(t)
	if got["mem.total_bytes;host=h"] != total {
		t.Errorf("mem.total_bytes = %v, meminfo says %v", got["mem.total_bytes;host=h"], total)
	}
	used := got["mem.used_pct;host=h"]
	lo, hi := math.Min(before, after)-0.005, math.Max(before, after)+0.005
	if used < lo || used > hi {
		t.Errorf("mem.used_pct = %v, meminfo says %.3f then %.3f", used, before, after)
	}
}

// TestPlugins runs --exec and --munin through Main: their records come
// after the kernel's, through the same writer, and a failing plugin
// costs the exit status, not the others' records.
func TestPlugins(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write("exec/good", "echo 'job.ok;job=backup 1'\n")
	write("exec/fail", "echo 'job.partial 2'; echo 'oops' >&2; exit 4\n")
	write("munin/temp", "[ \"$1\" = config ] && exit 0\necho 'celsius.value 21.5'\n")
	args := []string{
		"--collect", "load", "--host", "h", "--state", filepath.Join(dir, "state", "sample.state"),
		"--exec", filepath.Join(dir, "exec"), "--munin", filepath.Join(dir, "munin"), "--format", "json",
	}
	var stdout, stderr bytes.Buffer
	if code := Main(args, nil, &stdout, &stderr); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	out := stdout.String()
	for _, want := range []string{
		`"name":"load.1m","tags":{"host":"h"}`,
		`"name":"job.partial","tags":{"host":"h"},"value":2}`,
		`"name":"job.ok","tags":{"host":"h","job":"backup"},"value":1}`,
		`"name":"munin.temp.celsius","tags":{"host":"h"},"value":21.5}`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %s in\n%s", want, out)
		}
	}
	if i, j := strings.Index(out, "job.partial"), strings.Index(out, "job.ok"); i > j {
		t.Error("plugins out of name order")
	}
	wantErr := "sm-sample: plugin fail: stderr: oops\nsm-sample: plugin fail: exit status 4\n"
	if stderr.String() != wantErr {
		t.Errorf("stderr %q, want %q", stderr.String(), wantErr)
	}
}
