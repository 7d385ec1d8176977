// Command bench measures sm against its peers, side by side in one run,
// and prints one table: what was measured, sm's figure, the peer's, the
// ratio and the goal. It also writes the table to bench/RESULTS.md.
//
// Run it with make bench, which builds bin/ first.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"sm/internal/peakrss"
)

var (
	runs    = flag.Int("runs", 101, "timed runs of each side")
	bin     = flag.String("bin", "bin", "folder of the sm binaries")
	results = flag.String("o", "bench/RESULTS.md", "write the table here too")
	only    = flag.String("only", "", "run only these comparisons, comma-separated (sample, machine, seed, bulk, cron, disk, storerss, query, site, hub, peers; query includes the report; all but hub and peers when empty)")
	keep    = flag.Bool("keep", false, "keep the scratch folder (its databases) for a closer look")
)

// A row is one line of the result table.
type row struct {
	what       string
	sm, peer   string
	ratio      string
	goal       string
	met        bool
	hasVerdict bool
}

func main() {
	flag.Parse()
	log := func(format string, args ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...) }
	tmp, err := os.MkdirTemp("", "sm-bench-")
	if err != nil {
		log("%v", err)
		os.Exit(1)
	}
	if *keep {
		defer log("kept %s", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	benchTmp = tmp

	began := time.Now()
	var rows []row
	for _, b := range []struct {
		name string
		f    func(func(string, ...any), string) []row
	}{
		{"sample", benchSample}, {"machine", benchMachine}, {"seed", benchSeed},
		{"bulk", benchBulk}, {"cron", benchCron}, {"disk", benchDisk}, {"storerss", benchStoreRSS},
		{"query", benchQuery}, {"site", benchSite}, {"hub", benchHub}, {"peers", benchPeers},
	} {
		// The hub's million series take longer than the rest together,
		// and the peers' daemons run for minutes each: make bench-hub and
		// make bench-peers run them on their own.
		if *only == "" && (b.name == "hub" || b.name == "peers") || *only != "" && !strings.Contains(","+*only+",", ","+b.name+",") {
			continue
		}
		log("%s", b.name)
		t := time.Now()
		rows = append(rows, b.f(log, tmp)...)
		// What each comparison costs make bench's ten minutes.
		log("%s took %v", b.name, time.Since(t).Round(time.Second))
	}

	var out bytes.Buffer
	fmt.Fprintf(&out, "# sm benchmark results\n\n")
	fmt.Fprintf(&out, "Machine: %s\n\n", machine())
	made := "make bench"
	if *only != "" {
		made = "go run ./bench -only " + *only
	}
	if *only == "peers" {
		fmt.Fprintf(&out, "The bench's simulated year of one host stored by sm and by each peer, the same queries through each one's HTTP API (curl, a process a run, as sm-query is one; medians of %d alternating runs), and the processor time of a day of monitoring at a sample a minute: for sm and sadc a cron run's median × 1,440, for the daemons, run side by side, what /proc/PID/stat charged each one's processes over %v, scaled to a day. Every peer runs on 127.0.0.1, from a scratch folder, with a configuration of its own. Made by `%s`", peersRuns, *peersWindow, made)
	} else {
		fmt.Fprintf(&out, "Timings are medians, the two sides alternating: of %d runs for the short commands (%d beside munin-run and Python), of 3 for bulk ingest. Made by `%s`", *runs, min(*runs, slowRuns), made)
	}
	if *only == "" {
		// The bound on the whole run is part of the result.
		took := time.Since(began).Round(time.Second)
		verdict := "under"
		if took >= 10*time.Minute {
			verdict = "over"
		}
		fmt.Fprintf(&out, ", which took %v here, %s its goal of 10 minutes", took, verdict)
	}
	fmt.Fprintf(&out, ".\n\n")
	fmt.Fprintf(&out, "| measured | sm | peer | ratio | goal | met |\n|---|---|---|---|---|---|\n")
	for _, r := range rows {
		met := ""
		if r.hasVerdict {
			met = "no"
			if r.met {
				met = "yes"
			}
		}
		fmt.Fprintf(&out, "| %s | %s | %s | %s | %s | %s |\n", r.what, r.sm, r.peer, r.ratio, r.goal, met)
	}
	os.Stdout.Write(out.Bytes())
	if *results != "" {
		if err := os.WriteFile(*results, out.Bytes(), 0o644); err != nil {
			log("%v", err)
			os.Exit(1)
		}
	}
}

// machine describes the hardware and kernel, without naming the host.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		fmt.Sscanf(string(b), "MemTotal: %d kB", &kb)
		mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/(1<<20))
	}
	var u syscall.Utsname
	kernel := ""
	if syscall.Uname(&u) == nil {
		var b []byte
		for _, c := range u.Release {
			if c == 0 {
				break
			}
			b = append(b, byte(c))
		}
		// major.minor only: the rest names a particular build.
		rel := strings.SplitN(string(b), ".", 3)
		if len(rel) >= 2 {
			kernel = ", Linux " + rel[0] + "." + strings.TrimRightFunc(rel[1], func(r rune) bool { return r < '0' || r > '9' })
		}
	}
	return fmt.Sprintf("%s, %d cores%s%s, %s", model, runtime.NumCPU(), mem, kernel, runtime.Version())
}

// run runs argv once, after prepare (not timed), and returns its wall
// time. Output goes to /dev/null directly: a pipe would add a copying
// goroutine to the measurement.
func run(argv []string, prepare func()) (time.Duration, error) {
	if prepare != nil {
		prepare()
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	// A check's exit status is its finding, 0 to 3, not a failure.
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() <= 3 && slices.Contains(argv, "--check") {
		err = nil
	}
	if err != nil {
		var stderr bytes.Buffer
		again := exec.Command(argv[0], argv[1:]...)
		again.Stderr = &stderr
		again.Run()
		return 0, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, stderr.String())
	}
	return wall, nil
}

// benchTmp is the benchmark's temporary folder, removed at the end.
var benchTmp string

var meter *peakrss.Meter

// peakRSS runs argv, its input from in, and returns its peak resident
// memory in KiB.
func peakRSS(argv []string, in io.Reader, prepare func()) (int64, error) {
	if meter == nil {
		m, err := peakrss.New(benchTmp)
		if err != nil {
			return 0, err
		}
		meter = m
	}
	if prepare != nil {
		prepare()
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin = in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	peak, err := meter.Wrap(cmd)
	if err != nil {
		return 0, err
	}
	if err := cmd.Run(); err != nil {
		peak()
		return 0, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, stderr.String())
	}
	b, err := peak()
	return b / 1024, err
}

// side is one command of a comparison.
type side struct {
	argv    []string
	prepare func()
}

// compare runs the sides alternately, after a few untimed warm-up runs,
// and returns the median wall time of each, and its peak RSS over three
// runs of its own.
func compare(sides ...side) ([]time.Duration, []int64, error) {
	return compareN(*runs, 10, sides...)
}

// slowRuns and slowWarm are compare's runs for a peer of a third of a
// second or more, munin-run or Python: their medians settle within a
// few percent by 21 runs, and 101 of them took a minute and a half of
// make bench.
const slowRuns, slowWarm = 21, 3

// compareN is compare with n timed runs after warm untimed ones.
func compareN(n, warm int, sides ...side) ([]time.Duration, []int64, error) {
	walls := make([][]time.Duration, len(sides))
	rss := make([]int64, len(sides))
	for i := -warm; i < n; i++ {
		for j, s := range sides {
			d, err := run(s.argv, s.prepare)
			if err != nil {
				return nil, nil, err
			}
			if i >= 0 {
				walls[j] = append(walls[j], d)
			}
		}
	}
	for j, s := range sides {
		for range 3 {
			r, err := peakRSS(s.argv, nil, s.prepare)
			if err != nil {
				return nil, nil, err
			}
			rss[j] = max(rss[j], r)
		}
	}
	med := make([]time.Duration, len(sides))
	for j := range sides {
		med[j] = median(walls[j])
	}
	return med, rss, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
func mb(kb int64) string        { return fmt.Sprintf("%.1f MB", float64(kb)/1024) }

// findSadc returns sysstat's data collector, installing sysstat if it
// is missing and it can.
func findSadc(log func(string, ...any)) string {
	paths := []string{"/usr/lib/sysstat/sadc", "/usr/lib64/sa/sadc", "/usr/lib/sa/sadc"}
	for attempt := 0; attempt < 2; attempt++ {
		for _, p := range paths {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
		if attempt == 0 {
			install(log, "sysstat")
		}
	}
	return ""
}

// findShell returns the sqlite3 shell, installing it if it is missing
// and it can.
func findShell(log func(string, ...any)) (string, error) {
	if p, err := exec.LookPath("sqlite3"); err == nil {
		return p, nil
	}
	install(log, "sqlite3")
	return exec.LookPath("sqlite3")
}

// updated is whether install has fetched the package lists, which a
// fresh machine lacks.
var updated bool

// install installs a Debian package when run as root where apt-get is.
func install(log func(string, ...any), pkg string) {
	if _, err := exec.LookPath("apt-get"); err != nil || os.Geteuid() != 0 {
		return
	}
	log("installing %s", pkg)
	apt := func(args ...string) {
		cmd := exec.Command("apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		cmd.Run()
	}
	if !updated {
		apt("update", "-qq")
		updated = true
	}
	apt("install", "-y", "-qq", pkg)
}

// benchSample compares one sm-sample run, with state present, to one
// sysstat sadc run.
func benchSample(log func(string, ...any), tmp string) []row {
	sample, _ := filepath.Abs(filepath.Join(*bin, "sm-sample"))
	state := filepath.Join(tmp, "sample.state")
	argv := []string{sample, "--state", state, "--window", "0"}
	_, restore, err := primeState(argv, state)
	if err != nil {
		log("%v", err)
		return []row{{what: "sm-sample", sm: "failed"}}
	}
	sm := side{argv, restore}

	sadc := findSadc(log)
	if sadc == "" {
		log("sadc not found: sampling compared with nothing")
		med, rss, err := compare(sm)
		if err != nil {
			log("%v", err)
			return nil
		}
		return []row{
			{what: "sample, wall (median)", sm: ms(med[0]), peer: "sadc: not installed", goal: "≤ 1.1× sadc 1 1"},
			{what: "sample, peak RSS", sm: mb(rss[0]), goal: "≤ 15 MB", met: rss[0] <= 15*1024, hasVerdict: true},
		}
	}
	// sadc appends to its daily file, as sa1 does from cron.
	saFile := filepath.Join(tmp, "sa")
	sides := []side{sm, {[]string{sadc, "1", "1", saFile}, nil}}
	// What any Go program costs here: the part of the ratio that no
	// change to sm-sample's own work can remove.
	hello := buildHello(log, tmp)
	if hello != "" {
		sides = append(sides, side{[]string{hello}, nil})
	}
	med, rss, err := compare(sides...)
	if err != nil {
		log("%v", err)
		return nil
	}
	rows := []row{
		{what: "sample beside sadc, wall (median)", sm: ms(med[0]), peer: "sadc 1 1: " + ms(med[1]),
			ratio: speed(med[0], med[1]), goal: "≤ 1.1× sadc", met: med[0] <= med[1]*11/10, hasVerdict: true},
		{what: "sample beside sadc, peak RSS", sm: mb(rss[0]), peer: "sadc 1 1: " + mb(rss[1]),
			ratio: sizes(rss[0], rss[1]), goal: "≤ 15 MB", met: rss[0] <= 15*1024, hasVerdict: true},
	}
	if hello != "" {
		rows = append(rows, row{what: "sample's floor: a Go program that does nothing, wall (median)", sm: ms(med[2]),
			peer: "sadc 1 1: " + ms(med[1]), ratio: speed(med[2], med[1]), goal: "(for scale)"})
	}
	return append(rows, benchMunin(log, sm)...)
}

// benchMunin compares sm-sample, every family, with what munin-node
// runs for the load, memory and disk figures: munin-run of its load,
// memory and df plugins, from Debian's munin-node.
func benchMunin(log func(string, ...any), sm side) []row {
	plugins := "/usr/share/munin/plugins"
	if _, err := os.Stat(plugins); err != nil {
		install(log, "munin-node")
	}
	munin, err := exec.LookPath("munin-run")
	if err != nil {
		log("munin-run not found: sampling not compared with Munin")
		return nil
	}
	script := fmt.Sprintf("for p in load memory df; do %s --servicedir %s $p >/dev/null || exit 1; done", munin, plugins)
	med, rss, err := compareN(min(*runs, slowRuns), slowWarm, sm, side{[]string{"/bin/sh", "-c", script}, nil})
	if err != nil {
		log("%v", err)
		return nil
	}
	return []row{
		{what: "sample beside munin-run, wall (median)", sm: ms(med[0]), peer: "munin-run load, memory, df: " + ms(med[1]),
			ratio: speed(med[0], med[1]), goal: "≤ munin-run", met: med[0] <= med[1], hasVerdict: true},
		{what: "sample beside munin-run, peak RSS", sm: mb(rss[0]), peer: "munin-run, the largest: " + mb(rss[1]),
			ratio: sizes(rss[0], rss[1]), goal: "≤ 15 MB", met: rss[0] <= 15*1024, hasVerdict: true},
	}
}

// seedScript does what the seed design sampled, in Python: the load
// average, the root filesystem's usage and memory from /proc/meminfo.
const seedScript = `import os
load = os.getloadavg()[1]
st = os.statvfs("/")
disk = (st.f_blocks - st.f_bfree) / st.f_blocks * 100
mem = {}
with open("/proc/meminfo") as f:
    for line in f:
        k, v = line.split(":", 1)
        mem[k] = int(v.split()[0])
print("load", load)
print("disk_/", disk)
print("memory", mem["MemAvailable"] / mem["MemTotal"])
`

// benchSeed times the seed design's three metrics in Python, for scale.
func benchSeed(log func(string, ...any), tmp string) []row {
	python, err := exec.LookPath("python3")
	if err != nil {
		log("python3 not found: no seed-design row")
		return nil
	}
	script := filepath.Join(tmp, "seed.py")
	if err := os.WriteFile(script, []byte(seedScript), 0o644); err != nil {
		log("%v", err)
		return nil
	}
	sample, _ := filepath.Abs(filepath.Join(*bin, "sm-sample"))
	state := filepath.Join(tmp, "seed.state")
	med, _, err := compareN(min(*runs, slowRuns), slowWarm,
		side{[]string{sample, "--state", state, "--window", "0", "--collect", "load,memory,disk"}, nil},
		side{[]string{python, script}, nil})
	if err != nil {
		log("%v", err)
		return nil
	}
	return []row{{what: "load, memory and disks only, wall (median)", sm: ms(med[0]), peer: "the seed design in Python: " + ms(med[1]),
		ratio: speed(med[0], med[1]), goal: "(for scale)"}}
}
