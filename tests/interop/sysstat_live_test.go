//go:build interop

package interop

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sm/internal/record"
)

// A liveCheck is a figure that sadc and sm-sample both measure on this
// machine, through sm-store --from sadf for sadc, and how far apart the
// two may be: rel of the larger, plus abs.
type liveCheck struct {
	name     string
	rel, abs float64
	why      string
}

// The tolerances. The two tools cannot read the kernel at the same
// instant, so a figure moves between their reads; the tolerances are
// what the machine can do in that time, and far below the factor of 2,
// 100 or 1024 that a mapping to the wrong field or unit would make.
//
// The rates are of two windows of 2 s, started together: they share all
// but the few milliseconds by which one tool starts before the other, so
// a rate 20 % apart needs a burst in those milliseconds of ten times the
// average rate. Forks come in bursts (a build starts its compilers at
// once), hence a few more. Shares are counted in ticks of 1/100 s a CPU:
// over 2 s a tick is half a point, and the slivers at the ends of the
// windows a point or two; the niced loop's share follows the other
// programs' demand, which moves little between two windows so alike.
//
// The gauges are read by sm-sample as soon as sadc has exited, a few
// milliseconds after its last read: the page cache and the dirty pages
// move by what programs read and write in that time, on a busy machine
// some megabytes.
var liveChecks = []liveCheck{
	{"cpu.context_switches_per_s", 0.2, 50, "rate"},
	{"cpu.interrupts_per_s", 0.2, 50, "rate"},
	{"procs.forks_per_s", 0.2, 10, "rate in bursts"},
	{"cpu.nice_pct", 0.1, 2, "share"},
	{"mem.cached_bytes", 0.05, 16 << 20, "gauge"},
	{"mem.buffers_bytes", 0.05, 16 << 20, "gauge"},
	{"mem.dirty_bytes", 0.1, 16 << 20, "gauge"},
	{"mem.hugepages_used_bytes", 0, 0, "gauge, set by the administrator"},
}

// TestSysstatLive measures this machine with sadc and with sm-sample
// over the same interval, and checks that the catalogue's metrics that
// sm-store --from sadf makes of sar's fields are the figures sm-sample
// gives. A busy machine can move a figure past its tolerance between
// the two reads now and then, though not three times in a row: a
// check that fails on every attempt is a real difference.
func TestSysstatLive(t *testing.T) {
	need(t, "sysstat", "sadf")
	sadc := "/usr/lib/sysstat/sadc"
	if _, err := os.Stat(sadc); err != nil {
		t.Skipf("skipping: %s is not installed (Debian package sysstat)", sadc)
	}
	const attempts = 3
	var diffs []string
	for i := 1; i <= attempts; i++ {
		diffs = liveAttempt(t, sadc)
		if len(diffs) == 0 {
			return
		}
		t.Logf("attempt %d of %d:\n%s", i, attempts, strings.Join(diffs, "\n"))
	}
	t.Errorf("sadc and sm-sample differ on every attempt; the last:\n%s", strings.Join(diffs, "\n"))
}

// liveAttempt runs sadc -S XALL 2 2 and sm-sample --window 2s together,
// then sm-sample for the gauges, and returns the figures that differ by
// more than their tolerance.
func liveAttempt(t *testing.T, sadc string) []string {
	t.Helper()
	dir := t.TempDir()
	// A niced loop, so that there is niced time to measure. At nice 19
	// it takes only what the machine has spare.
	spin := exec.Command("nice", "-n", "19", "sh", "-c", "while :; do :; done")
	if err := spin.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		spin.Process.Kill()
		spin.Wait()
	}()
	sar := exec.Command(sadc, "-S", "XALL", "2", "2", filepath.Join(dir, "sa"))
	rates := exec.Command(filepath.Join(bin, "sm-sample"), "--state", filepath.Join(dir, "state"),
		"--window", "2s", "--collect", "cpu,vmstat")
	var sarErr, ratesOut, ratesErr bytes.Buffer
	sar.Stderr = &sarErr
	rates.Stdout, rates.Stderr = &ratesOut, &ratesErr
	if err := sar.Start(); err != nil {
		t.Fatal(err)
	}
	if err := rates.Start(); err != nil {
		sar.Process.Kill()
		sar.Wait()
		t.Fatal(err)
	}
	errSar, errRates := sar.Wait(), rates.Wait()
	gauges, errGauges := exec.Command(filepath.Join(bin, "sm-sample"), "--state", filepath.Join(dir, "state"),
		"--collect", "memory").Output()
	for _, e := range []struct {
		what   string
		err    error
		stderr []byte
	}{{"sadc", errSar, sarErr.Bytes()}, {"sm-sample --window 2s", errRates, ratesErr.Bytes()}, {"sm-sample --collect memory", errGauges, nil}} {
		if e.err != nil {
			t.Fatalf("%s: %v\n%s", e.what, e.err, e.stderr)
		}
	}
	fromSar := hostFigures(records(t, sh(t, dir,
		`LC_ALL=C sadf -d sa -- -A | sm-store --db s.db --from sadf && sm-query --db s.db --since 1h --until @9999999999`)))
	fromSm := hostFigures(records(t, ratesOut.String()+string(gauges)))
	var diffs []string
	for _, c := range liveChecks {
		a, okA := fromSar[c.name]
		b, okB := fromSm[c.name]
		if !okA || !okB {
			t.Fatalf("%s: from sadf %v, from sm-sample %v: want both", c.name, okA, okB)
		}
		t.Logf("%s: sadf %v, sm-sample %v", c.name, a, b)
		// Both round to two decimals.
		if tol := c.rel*math.Max(math.Abs(a), math.Abs(b)) + c.abs + 0.01; math.Abs(a-b) > tol {
			diffs = append(diffs, fmt.Sprintf("%s (%s): sadf %.2f, sm-sample %.2f, more than %.2f apart", c.name, c.why, a, b, tol))
		}
	}
	return diffs
}

// hostFigures returns the value of each metric tagged with host= alone,
// the machine's own figures: one a name, as sadc wrote one interval.
func hostFigures(recs []record.Record) map[string]float64 {
	out := map[string]float64{}
	for _, r := range recs {
		if len(r.Tags) == 1 && r.Tags[0].Key == "host" {
			out[r.Name] = r.Value
		}
	}
	return out
}
