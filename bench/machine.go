package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"sm/internal/record"
)

// machineRuns bounds the alternating runs of the machine comparison
// (fewer when -runs says so): a sample of every family, ps and sadc
// together take some 150 ms of CPU a round, and the median settles long
// before the other rows' 101.
const machineRuns = 41

// simDays is how many days of every family's records the disk row
// stores, one sample a minute, before scaling to a year.
const simDays = 2

// benchMachine samples every family on a machine-shaped load, beside
// what a cron script would run for the same answer: sadc -S XALL for
// sar's breadth and ps for the processes. It also counts the records of
// one such sample and what a year of them takes on disk.
func benchMachine(log func(string, ...any), tmp string) []row {
	began := time.Now()
	l, err := startLoad(log)
	defer l.stop()
	if err != nil {
		log("%v", err)
		return []row{{what: "every family on a busy host", sm: "failed"}}
	}
	sample, _ := filepath.Abs(filepath.Join(*bin, "sm-sample"))
	state := filepath.Join(tmp, "machine.state")
	argv := []string{sample, "--collect", "all", "--state", state, "--window", "0"}
	out, restore, err := primeState(argv, state)
	if err != nil {
		log("%v", err)
		return []row{{what: "every family on a busy host", sm: "failed"}}
	}
	where := l.where
	if l.moved > 0 {
		where += fmt.Sprintf(", %d processes in them", l.moved)
	}
	// The first run has no state, and with no window the services
	// family, whose figures are mostly rates, may print nothing: what it
	// reads shows in the run after.
	restore()
	if again, err := exec.Command(argv[0], argv[1:]...).Output(); err == nil {
		out = again
	}
	restore()
	if !bytes.Contains(out, []byte("\nsvc.")) {
		// The machine's cgroups, if any, give sm-sample nothing to read:
		// its services family then reads a generated tree of the same
		// size beside the real /proc, so that the cost includes it.
		fake := filepath.Join(tmp, "machine-root")
		var pids []int
		for _, c := range l.cmds[:min(loadMoved, len(l.cmds))] {
			pids = append(pids, c.Process.Pid)
		}
		if err := os.MkdirAll(fake, 0o755); err != nil {
			log("%v", err)
			return nil
		}
		if err := os.Symlink("/proc", filepath.Join(fake, "proc")); err != nil {
			log("%v", err)
			return nil
		}
		if err := writeCgroupTree(fake, pids); err != nil {
			log("%v", err)
			return nil
		}
		argv = append(argv, "--proc", filepath.Join(fake, "proc"))
		if out, restore, err = primeState(argv, state); err != nil {
			log("%v", err)
			return nil
		}
		where += fmt.Sprintf("; sm-sample read no services there, so its services family reads a generated v2 tree of %d cgroups", loadCgroups)
	}
	log("load: %s", where)

	rows := []row{{what: "the busy host of the next rows, started by the bench", sm: fmt.Sprintf("%d idle processes, %d cgroups", loadProcs, loadCgroups), peer: where}}
	log("load started and state primed after %v", time.Since(began).Round(time.Millisecond))
	cpuRows, sadcBytes := benchMachineCPU(log, tmp, side{argv, restore})
	rows = append(rows, cpuRows...)
	log("processor times measured after %v", time.Since(began).Round(time.Millisecond))
	rss, err := maxRSS(side{argv, restore})
	if err != nil {
		log("%v", err)
	} else {
		rows = append(rows, row{what: "sample of every family on the busy host, peak RSS", sm: mb(rss),
			goal: "≤ 15 MB", met: rss <= 15*1024, hasVerdict: true})
	}

	restore()
	out, err = exec.Command(argv[0], argv[1:]...).Output()
	if err != nil {
		log("%s: %v", strings.Join(argv, " "), err)
		return rows
	}
	l.stop()
	rows = append(rows, benchMachineDisk(log, tmp, out, sadcBytes)...)
	log("machine rows took %v", time.Since(began).Round(time.Millisecond))
	return rows
}

// primeState runs argv once to write its state, captures what it
// printed, and lets the state age past the shortest interval a rate is
// computed over, so that every later run uses it as a cron run a minute
// later would. restore puts the state back before each timed run,
// written in place: a file truncated to nothing and rewritten is flushed
// by ext4 on close, and that disk write would run on into the measured
// run.
func primeState(argv []string, state string) (out []byte, restore func(), err error) {
	os.Remove(state)
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if out, err = cmd.Output(); err != nil {
		return nil, nil, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, stderr.String())
	}
	b, err := os.ReadFile(state)
	if err != nil {
		return nil, nil, err
	}
	time.Sleep(1100 * time.Millisecond)
	restore = func() {
		f, err := os.OpenFile(state, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.WriteAt(b, 0)
		f.Truncate(int64(len(b)))
		f.Close()
	}
	return out, restore, nil
}

// cpuRun runs argv once, after prepare, and returns the processor time,
// user and system, the kernel charged it, and its wall time.
func cpuRun(argv []string, prepare func()) (cpu, wall time.Duration, err error) {
	if prepare != nil {
		prepare()
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, stderr.String())
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), wall, nil
}

// maxRSS returns a side's peak resident memory over three runs, in KiB.
func maxRSS(s side) (int64, error) {
	var most int64
	for range 3 {
		r, err := peakRSS(s.argv, nil, s.prepare)
		if err != nil {
			return 0, err
		}
		most = max(most, r)
	}
	return most, nil
}

// benchMachineCPU compares the processor time of sm, one sample of every
// family, with sadc -S XALL 1 1 FILE and ps -eo pid,comm,pcpu,rss run
// one after the other, median of alternating runs. It also returns what
// each of sadc's samples added to its file, 0 without sadc.
func benchMachineCPU(log func(string, ...any), tmp string, sm side) ([]row, float64) {
	const what = "sample of every family on the busy host, CPU user+sys (median)"
	sadc := findSadc(log)
	ps, err := exec.LookPath("ps")
	if sadc == "" || err != nil {
		log("sadc or ps not found: every family's sample compared with nothing")
		var cpus []time.Duration
		for i := -3; i < min(machineRuns, *runs); i++ {
			c, _, err := cpuRun(sm.argv, sm.prepare)
			if err != nil {
				log("%v", err)
				return nil, 0
			}
			if i >= 0 {
				cpus = append(cpus, c)
			}
		}
		return []row{{what: what, sm: ms(median(cpus)), peer: "sadc or ps: not installed", goal: "≤ sadc -S XALL + ps"}}, 0
	}
	saFile := filepath.Join(tmp, "sa-xall")
	peers := [][]string{{sadc, "-S", "XALL", "1", "1", saFile}, {ps, "-eo", "pid,comm,pcpu,rss"}}
	var smCPU, smWall, pairCPU, sadcCPU, psCPU []time.Duration
	var first int64 // sadc's file after its first sample, with the header
	for i := -3; i < min(machineRuns, *runs); i++ {
		c, w, err := cpuRun(sm.argv, sm.prepare)
		if err != nil {
			log("%v", err)
			return nil, 0
		}
		var each [2]time.Duration
		for j, p := range peers {
			if each[j], _, err = cpuRun(p, nil); err != nil {
				log("%v", err)
				return nil, 0
			}
		}
		if first == 0 {
			first = fileSize(saFile)
		}
		if i >= 0 {
			smCPU, smWall = append(smCPU, c), append(smWall, w)
			pairCPU = append(pairCPU, each[0]+each[1])
			sadcCPU, psCPU = append(sadcCPU, each[0]), append(psCPU, each[1])
		}
	}
	a, b := median(smCPU), median(pairCPU)
	log("every family: wall %v (median)", median(smWall))
	sadcBytes := float64(fileSize(saFile)-first) / float64(len(sadcCPU)+2)
	return []row{{what: what, sm: ms(a),
		peer:  fmt.Sprintf("sadc -S XALL 1 1 + ps -eo pid,comm,pcpu,rss: %s (%s + %s)", ms(b), ms(median(sadcCPU)), ms(median(psCPU))),
		ratio: speed(a, b), goal: "≤ sadc -S XALL + ps", met: a <= b, hasVerdict: true}}, sadcBytes
}

// fileSize returns a file's size, 0 when it cannot tell.
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// benchMachineDisk counts the records of one sample of every family and
// stores simDays of them, one sample a minute, each series moving as its
// kind of figure does, through sm-store, compacted; the bytes a sample
// scale to a year. sadcBytes, what sadc -S XALL adds to its file a
// sample, scales to a year beside it.
func benchMachineDisk(log func(string, ...any), tmp string, out []byte, sadcBytes float64) []row {
	recs, counts := parseSample(out)
	if len(recs) == 0 {
		log("every family: no records")
		return nil
	}
	var by []string
	for _, p := range []string{"proc", "svc"} {
		by = append(by, fmt.Sprintf("%s.* %d", p, counts[p]))
	}
	rows := []row{{what: "records in one sample of every family on the busy host",
		sm: fmt.Sprintf("%d (%s)", len(recs), strings.Join(by, ", ")), goal: "(for scale)"}}

	start := time.Now()
	smStore, _ := filepath.Abs(filepath.Join(*bin, "sm-store"))
	db := filepath.Join(tmp, "machine.db")
	defer clean(db)
	minutes := simDays * 1440
	// The days end a day ago, so that every period has closed and is
	// packed, as in a year of them all but the last few hours are.
	end := time.Now().Unix() - 86400
	end -= end % 60
	pr, pw := io.Pipe()
	sims := simulate(recs, 1)
	written := make(chan int, 1)
	go func() {
		w := bufio.NewWriterSize(pw, 1<<20)
		var line []byte
		n := 0
		defer func() { written <- n }()
		for m := range minutes {
			ts := end - int64(minutes-m)*60
			for _, s := range sims {
				v, ok := s.next(m)
				if !ok {
					continue
				}
				line = append(line[:0], s.key...)
				line = append(line, ' ')
				line = record.AppendValue(line, v)
				line = append(line, ' ')
				line = strconv.AppendInt(line, ts, 10)
				line = append(line, '\n')
				w.Write(line)
				n++
			}
		}
		w.Flush()
		pw.Close()
	}()
	_, err := timed([]string{smStore, "--db", db}, pr)
	pr.CloseWithError(io.ErrClosedPipe) // the writer stops, if sm-store did first
	n := <-written
	if err != nil {
		log("%v", err)
		return rows
	}
	if _, err := timed([]string{smStore, "--db", db, "--compact"}, nil); err != nil {
		log("%v", err)
		return rows
	}
	fi, err := os.Stat(db)
	if err != nil {
		log("%v", err)
		return rows
	}
	perSample := float64(fi.Size()) / float64(n)
	// Scaled by the simulated minutes, which lack some of the top
	// commands' series, as real samples do.
	year := float64(fi.Size()) * 365 / simDays
	log("stored %d days of every family (%d samples) in %v", simDays, n, time.Since(start).Round(time.Millisecond))
	r := row{
		what: fmt.Sprintf("disk for a year of those records at 1/min: %d days of them through sm-store, compacted, × %.1f", simDays, 365.0/simDays),
		sm:   fmt.Sprintf("%.0f MB (%.2f B/sample)", year/1e6, perSample), goal: "(for scale)"}
	if sadcBytes > 0 {
		sadcYear := sadcBytes * 365 * 1440
		r.peer = fmt.Sprintf("sadc -S XALL's files: %.0f MB (%.0f B a sample)", sadcYear/1e6, sadcBytes)
		r.ratio = sizes(year, sadcYear)
	}
	return append(rows, r)
}

// A sampled record is one line of sm-sample's output: its series and
// value.
type sampled struct {
	key   string
	name  string
	value float64
}

// parseSample reads sm-sample's records and counts them by the first
// part of their name.
func parseSample(out []byte) ([]sampled, map[string]int) {
	var recs []sampled
	counts := map[string]int{}
	for _, line := range bytes.Split(out, []byte("\n")) {
		r, err := record.Parse(line, 0)
		if err != nil {
			continue
		}
		key := string(record.AppendSeries(nil, r.Name, r.Tags))
		recs = append(recs, sampled{key, r.Name, r.Value})
		first, _, _ := strings.Cut(r.Name, ".")
		counts[first]++
	}
	return recs, counts
}

// A simulated series gives a value each minute, or none when the series
// is missing from that minute's sample.
type simulated struct {
	key  string
	next func(minute int) (float64, bool)
}

// simulate makes a series of each record that moves as its kind of
// figure does, from the value sampled: sizes and totals stay put,
// percentages and byte gauges wander, rates are noisy about their value
// (rare when it was 0), counts step by one, and uptime counts the
// minutes. A process's series (the top commands) are each missing from
// one sample in five, as commands move in and out of the top N.
func simulate(recs []sampled, seed uint64) []simulated {
	r := rand.New(rand.NewPCG(seed, 15))
	var sims []simulated
	for _, rec := range recs {
		f := simFor(r, rec.name, rec.value)
		present := func() bool { return true }
		if strings.HasPrefix(rec.name, "proc.") {
			present = func() bool { return r.IntN(5) != 0 }
		}
		sims = append(sims, simulated{rec.key, func(m int) (float64, bool) {
			if !present() {
				return 0, false
			}
			return f(m), true
		}})
	}
	return sims
}

// simFor returns how the series of name, sampled at v, moves.
func simFor(r *rand.Rand, name string, v float64) func(int) float64 {
	switch {
	case strings.HasSuffix(name, "uptime_s"):
		return func(m int) float64 { return v + float64(m)*60 }
	case strings.Contains(name, "total") || strings.Contains(name, "size") || strings.HasPrefix(name, "hw."):
		return func(int) float64 { return v }
	case strings.HasSuffix(name, "_pct"):
		sd := math.Max(0.3, v/5)
		return func(int) float64 { return round2(math.Max(0, math.Min(100, v+r.NormFloat64()*sd))) }
	case strings.HasSuffix(name, "_per_s"):
		if v <= 0 {
			return func(int) float64 {
				if r.IntN(50) == 0 {
					return round2(r.Float64() * 10)
				}
				return 0
			}
		}
		mu := math.Log(v)
		return func(int) float64 { return round2(math.Exp(r.NormFloat64() + mu)) }
	case strings.HasSuffix(name, "_bytes"):
		step := math.Max(4096, v/1000)
		return func(int) float64 {
			v = math.Max(0, v+math.Round(r.NormFloat64()*step/4096)*4096)
			return v
		}
	case v == math.Trunc(v) && math.Abs(v) < 1e6:
		// A count: processes, tasks, connections.
		return func(int) float64 {
			if r.IntN(3) == 0 {
				v = math.Max(0, v+float64(r.IntN(3)-1))
			}
			return v
		}
	}
	sd := math.Max(0.01, math.Abs(v)/100)
	return func(int) float64 { return round2(v + r.NormFloat64()*sd) }
}
