package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// cronMinuteRuns bounds the alternating runs of the cron minute: each
// round takes a few tens of milliseconds of processor time, and the
// median settles long before -runs' default.
const cronMinuteRuns = 41

// benchCronMinute compares the processor time of the documented cron
// line, sm-sample | sm-store --spool FILE, storing into db (a year of
// samples, and twelve hours of the host's own), with sysstat's sadc 1 1 FILE, sa1's cron job: user and
// system time of every process of each side, median of alternating
// runs. It is the goal as a ratio, not an absolute time, so
// that a busy or a slow machine moves both sides alike.
func benchCronMinute(log func(string, ...any), tmp, db string) []row {
	const what = "cron minute: sm-sample \\| sm-store --spool on a year, CPU user+sys (median)"
	c, err := cronMinuteCPU(log, tmp, db)
	if err != nil {
		log("%v", err)
		return nil
	}
	if c.sadc == 0 {
		return []row{{what: what, sm: ms(c.sm), peer: "sadc: not installed", goal: "≤ 2.5× sadc 1 1"}}
	}
	vsSadc := func(what string, d time.Duration) row {
		return row{what: what, sm: ms(d), peer: "sadc 1 1: " + ms(c.sadc),
			ratio: times(d.Seconds() / c.sadc.Seconds()), goal: "≤ 2.5× sadc 1 1", met: atMost(d, c.sadc, 5, 2), hasVerdict: true}
	}
	rows := []row{vsSadc(what, c.sm),
		vsSadc("cron minute as contrib/cron.d-sm runs it, with GOMAXPROCS=1, CPU user+sys (median)", c.one)}
	if c.floor > 0 {
		// What any two Go programs cost here: the part of the ratio
		// that no change to sm's own work can remove.
		rows = append(rows, row{what: "cron minute's floor: two Go programs that do nothing, piped, CPU user+sys (median)",
			sm: ms(c.floor), peer: "sadc 1 1: " + ms(c.sadc), ratio: times(c.floor.Seconds() / c.sadc.Seconds()), goal: "(for scale)"})
	}
	return rows
}

// helloSource is a Go program that does nothing but copy its standard
// input to its standard output: what a cron line of two Go programs
// costs at the least.
const helloSource = `package main

import (
	"io"
	"os"
)

func main() { io.Copy(os.Stdout, os.Stdin) }
`

// buildHello builds helloSource in tmp, statically, as sm-sample is;
// it returns "" when the Go toolchain is not at hand.
func buildHello(log func(string, ...any), tmp string) string {
	dir := filepath.Join(tmp, "hello")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log("%v", err)
		return ""
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(helloSource), 0o644); err != nil {
		log("%v", err)
		return ""
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module hello\n"), 0o644); err != nil {
		log("%v", err)
		return ""
	}
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", "hello", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		log("no Go floor for the cron minute: go build: %v: %s", err, out)
		return ""
	}
	return filepath.Join(dir, "hello")
}

// cronCPU is what cronMinuteCPU measures, each the median processor
// time of a run.
type cronCPU struct {
	sm    time.Duration // sm-sample | sm-store --spool FILE
	one   time.Duration // the same with GOMAXPROCS=1, as contrib/cron.d-sm runs it
	sadc  time.Duration // sadc 1 1 FILE; 0 when sysstat is not installed
	floor time.Duration // two Go programs that do nothing, piped; 0 without Go
}

// oneProc is the environment contrib/cron.d-sm gives sm's jobs.
var oneProc = []string{"GOMAXPROCS=1"}

// cronMinuteCPU measures one cron minute of sm, sm-sample | sm-store
// --spool into db, without and with oneProc, one sadc 1 1 FILE, and two
// Go programs that do nothing, piped, alternating.
func cronMinuteCPU(log func(string, ...any), tmp, db string) (cronCPU, error) {
	sample, _ := filepath.Abs(filepath.Join(*bin, "sm-sample"))
	smStore, _ := filepath.Abs(filepath.Join(*bin, "sm-store"))
	state := filepath.Join(tmp, "cron.state")
	sampleArgv := []string{sample, "--state", state}
	// The state a previous minute left, as cron's runs have: rates
	// need no window then.
	out, _, err := primeState(append(sampleArgv, "--window", "0"), state)
	if err != nil {
		return cronCPU{}, err
	}
	if err := primeHours(smStore, db, out, time.Now().Unix()); err != nil {
		return cronCPU{}, err
	}
	hello := buildHello(log, tmp)
	storeArgv := []string{smStore, "--db", db, "--spool", filepath.Join(tmp, "cron.spool")}
	sadcPath := findSadc(log)
	var smCPU, oneCPU, sadcCPU, floorCPU []time.Duration
	for i := -3; i < min(cronMinuteRuns, *runs); i++ {
		c, err := pipeCPU(sampleArgv, storeArgv, nil)
		if err != nil {
			return cronCPU{}, err
		}
		o, err := pipeCPU(sampleArgv, storeArgv, oneProc)
		if err != nil {
			return cronCPU{}, err
		}
		var p, f time.Duration
		if sadcPath != "" {
			if p, _, err = cpuRun([]string{sadcPath, "1", "1", filepath.Join(tmp, "sa-cron")}, nil); err != nil {
				return cronCPU{}, err
			}
		}
		if hello != "" {
			if f, err = pipeCPU([]string{hello}, []string{hello}, nil); err != nil {
				return cronCPU{}, err
			}
		}
		if i >= 0 {
			smCPU, oneCPU = append(smCPU, c), append(oneCPU, o)
			sadcCPU, floorCPU = append(sadcCPU, p), append(floorCPU, f)
		}
	}
	return cronCPU{median(smCPU), median(oneCPU), median(sadcCPU), median(floorCPU)}, nil
}

// primeHours stores the records sm-sample printed, out, once a minute
// over the twelve hours before now, as a morning of cron runs leaves
// them: a cron minute then adds a row to each of the host's series of
// the day, not a first row to new ones.
func primeHours(smStore, db string, out []byte, now int64) error {
	var b bytes.Buffer
	lines := bytes.Split(bytes.TrimSpace(out), []byte("\n"))
	for m := int64(720); m > 0; m-- {
		for _, l := range lines {
			if i := bytes.LastIndexByte(l, ' '); i > 0 {
				b.Write(l[:i+1])
				b.WriteString(strconv.FormatInt(now-m*60, 10))
				b.WriteByte('\n')
			}
		}
	}
	_, err := timed([]string{smStore, "--db", db}, &b)
	return err
}

// pipeCPU runs from | to, as the shell runs a pipeline, with env added
// to each one's environment, and returns the processor time, user and
// system, of both processes.
func pipeCPU(from, to, env []string) (time.Duration, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	a := exec.Command(from[0], from[1:]...)
	b := exec.Command(to[0], to[1:]...)
	if env != nil {
		a.Env = append(os.Environ(), env...)
		b.Env = a.Env
	}
	// A buffer each: os/exec copies into each from a goroutine of its own.
	var errA, errB bytes.Buffer
	a.Stdout, a.Stderr = w, &errA
	b.Stdin, b.Stderr = r, &errB
	failA := a.Start()
	w.Close()
	failB := b.Start()
	r.Close()
	if failA == nil {
		failA = a.Wait()
	}
	if failB == nil {
		failB = b.Wait()
	}
	if failA != nil || failB != nil {
		return 0, fmt.Errorf("%s | %s: %v, %v: %s%s", strings.Join(from, " "), strings.Join(to, " "), failA, failB, errA.String(), errB.String())
	}
	cpu := func(c *exec.Cmd) time.Duration { return c.ProcessState.UserTime() + c.ProcessState.SystemTime() }
	return cpu(a) + cpu(b), nil
}

// cronBatchPeer returns the sqlite3 shell's command for what a cron
// batch asks of sm-store: the same 50 samples inserted in one
// transaction, as durable as sm-store's (WAL, synchronous=FULL), into a
// table of a row per sample (series_id, ts, value) that holds a day of
// the 30 series. A year would take longer to build than the row is
// worth, and adds a level or two to a b-tree, a few page reads.
func cronBatchPeer(log func(string, ...any), tmp string, now int64, series int) ([]string, error) {
	shell, err := findShell(log)
	if err != nil {
		return nil, err
	}
	db := filepath.Join(tmp, "cron-peer.db")
	day := fmt.Sprintf(`WITH RECURSIVE m(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM m WHERE i < 1440),
		k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < %d)
		INSERT INTO s SELECT j, %d - i * 60, i + 0.25 FROM k, m`, series, now)
	if _, err := timed([]string{shell, db, "PRAGMA journal_mode=WAL",
		"CREATE TABLE s (series_id INTEGER, ts INTEGER, value REAL, PRIMARY KEY (series_id, ts)) WITHOUT ROWID", day}, nil); err != nil {
		return nil, err
	}
	var batch strings.Builder
	batch.WriteString("BEGIN;")
	for i := range 50 {
		fmt.Fprintf(&batch, "INSERT OR REPLACE INTO s VALUES (%d, %d, %d.5);", i%series+1, now-int64(i/series)*60, i)
	}
	batch.WriteString("COMMIT;")
	return []string{shell, db, "PRAGMA synchronous=FULL", batch.String()}, nil
}
