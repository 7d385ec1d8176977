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
