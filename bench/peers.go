package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"sm/internal/format"
	"sm/internal/record"
)

// The peers comparison, make bench-peers: the bench's simulated year in
// VictoriaMetrics and in Prometheus' TSDB beside sm, the same queries
// through their HTTP APIs, and what a day of monitoring costs with
// sysstat, atop, node_exporter and Prometheus, and collectd.
var (
	peersWindow = flag.Duration("peers-window", 10*time.Minute, "how long the daemons of the peers comparison run, side by side, for their CPU per day")
	peersDays   = flag.Int("peers-days", 365, "days of the simulated year the peers comparison loads (fewer to try it)")
)

// peersRuns is how many alternating runs time each query: the peers'
// answers over HTTP and sm-query's take tens of milliseconds.
const peersRuns = 21

// The queries' goals are issue 16's figures, measured by hand before
// this comparison existed: sm-query must not fall behind them.
const (
	dayGoalVM, dayGoalProm   = 1.41, 1.25
	yearGoalVM, yearGoalProm = 1.13, 0.31
)

// benchPeers runs every part of the peers comparison. It needs root to
// install what is missing from Debian; without a peer it says so in a
// row and goes on.
func benchPeers(log func(string, ...any), tmp string) []row {
	if os.Geteuid() != 0 {
		log("not root: peers that are not installed are skipped, not installed")
	}
	minutes := *peersDays * 1440
	dir := filepath.Join(tmp, "peers")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log("%v", err)
		return nil
	}
	began := time.Now()
	n, size, err := simulateYear(dir, minutes)
	if err != nil {
		log("%v", err)
		return []row{{what: "sm's simulated year", sm: failed(err)}}
	}
	smDB := filepath.Join(dir, "year.db")
	defer clean(smDB)
	log("peers: sm's year (%d samples) in %v", n, time.Since(began).Round(time.Second))
	smB := perSample(size, n)
	span := fmt.Sprintf("%d series × %d minutes, %.1fM samples", len(newHost("web1", 1).series), minutes, float64(n)/1e6)

	var rows []row
	vm, vmRows := peerVM(log, dir, n, minutes, smB, span)
	rows = append(rows, vmRows...)
	prom, promRows := peerProm(log, dir, n, minutes, smB, span)
	rows = append(rows, promRows...)
	rows = append(rows, peerQueries(log, smDB, minutes, vm, prom)...)
	vm.stop(log)
	prom.stop(log)
	rows = append(rows, peerCPU(log, dir, smDB)...)
	return rows
}

// yearStart is the first minute of simulateYear's samples.
func yearStart(minutes int) int64 {
	start := int64(1764000000) - int64(minutes)*60
	return start - start%60
}

// yearSamples calls emit with every sample simulateYear stores, in the
// same order: the host's series share one random source, so the order
// makes the values.
func yearSamples(minutes int, emit func(series string, ts int64, v float64) error) error {
	h := newHost("web1", 1)
	names := make([]string, len(h.series))
	for i, s := range h.series {
		names[i] = promSeries(s.key)
	}
	start := yearStart(minutes)
	for m := 0; m < minutes; m++ {
		ts := start + int64(m)*60
		for i, s := range h.series {
			if err := emit(names[i], ts, s.next(m)); err != nil {
				return err
			}
		}
	}
	return nil
}

// promSeries writes an sm series as Prometheus does, its name and label
// names as sm-query --format prom writes them: disk.used_pct;mount=/ is
// sm_disk_used_pct{mount="/"}. The simulated host's tag values need no
// escaping beyond strconv.Quote's.
func promSeries(key string) string {
	name, tags, err := record.ParseSeries(key)
	if err != nil {
		panic(err)
	}
	b := []byte(format.PromName(name))
	for i, t := range tags {
		if i == 0 {
			b = append(b, '{')
		} else {
			b = append(b, ',')
		}
		b = append(b, format.PromLabel(t.Key)...)
		b = append(b, '=')
		b = strconv.AppendQuote(b, t.Value)
	}
	if len(tags) > 0 {
		b = append(b, '}')
	}
	return string(b)
}

// writeExposition writes the year in Prometheus' text format, with
// timestamps in milliseconds (VictoriaMetrics' import), or in
// OpenMetrics, in seconds and ending in # EOF (promtool's).
func writeExposition(w io.Writer, minutes int, openMetrics bool) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	var line []byte
	err := yearSamples(minutes, func(series string, ts int64, v float64) error {
		line = append(line[:0], series...)
		line = append(line, ' ')
		line = record.AppendValue(line, v)
		line = append(line, ' ')
		if openMetrics {
			line = strconv.AppendInt(line, ts, 10)
		} else {
			line = strconv.AppendInt(line, ts*1000, 10)
		}
		line = append(line, '\n')
		_, err := bw.Write(line)
		return err
	})
	if err != nil {
		return err
	}
	if openMetrics {
		bw.WriteString("# EOF\n")
	}
	return bw.Flush()
}

// A daemon is a peer's process, started by the bench in a folder of its
// own and stopped by its pid, never by its name.
type daemon struct {
	name string
	cmd  *exec.Cmd
	addr string // host:port of its HTTP API, if any
	done chan error
}

// startDaemon starts argv in dir, its output in dir/NAME.log.
func startDaemon(dir, name string, argv []string) (*daemon, error) {
	out, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		out.Close()
		return nil, fmt.Errorf("%s: %w", argv[0], err)
	}
	d := &daemon{name: name, cmd: cmd, done: make(chan error, 1)}
	go func() { d.done <- cmd.Wait(); out.Close() }()
	return d, nil
}

// stop stops the daemon by its pid, with SIGTERM, then SIGKILL after
// half a minute. A nil daemon is not running.
func (d *daemon) stop(log func(string, ...any)) {
	if d == nil || d.cmd == nil {
		return
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(30 * time.Second):
		log("%s (pid %d) did not stop on SIGTERM: killed", d.name, d.cmd.Process.Pid)
		d.cmd.Process.Kill()
		<-d.done
	}
	d.cmd = nil
}

// exited says whether the daemon has stopped by itself, and why.
func (d *daemon) exited() (bool, error) {
	select {
	case err := <-d.done:
		d.done <- err
		return true, err
	default:
		return false, nil
	}
}

// freeAddr returns a port of 127.0.0.1 that nothing listens on.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitHTTP waits until GET url answers 200, the daemon exits, or a
// minute passes.
func (d *daemon) waitHTTP(u string) error {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if gone, err := d.exited(); gone {
			return fmt.Errorf("%s exited: %v (see its log)", d.name, err)
		}
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("%s: %s did not answer within a minute", d.name, u)
}

// findPeer returns the path of a peer's program, installing its Debian
// package when it is missing.
func findPeer(log func(string, ...any), pkg string, names ...string) string {
	for attempt := 0; attempt < 2; attempt++ {
		for _, n := range names {
			if p, err := exec.LookPath(n); err == nil {
				return p
			}
			if filepath.IsAbs(n) {
				if _, err := os.Stat(n); err == nil {
					return n
				}
			}
		}
		if attempt == 0 {
			install(log, pkg)
		}
	}
	return ""
}

// peerVM loads the year into a VictoriaMetrics of its own, merges its
// parts, measures its folder, and starts it again for the queries.
func peerVM(log func(string, ...any), dir string, n, minutes int, smB float64, span string) (*daemon, []row) {
	what := "bytes/sample, the simulated year (" + span + ")"
	vmBin := findPeer(log, "victoria-metrics", "victoria-metrics", "victoria-metrics-prod")
	if vmBin == "" {
		return nil, []row{{what: what, sm: fmt.Sprintf("%.2f B", smB), peer: "VictoriaMetrics: not installed (Debian's victoria-metrics)"}}
	}
	fail := func(err error) (*daemon, []row) {
		log("victoria-metrics: %v", err)
		return nil, []row{{what: what, sm: fmt.Sprintf("%.2f B", smB), peer: "VictoriaMetrics: " + failed(err)}}
	}
	data := filepath.Join(dir, "vm-data")
	start := func() (*daemon, error) {
		addr, err := freeAddr()
		if err != nil {
			return nil, err
		}
		// The year is older than VictoriaMetrics' default retention of a
		// month; its cache of query results would time the second run of
		// a query against the first one's answer.
		d, err := startDaemon(dir, "victoria-metrics", []string{vmBin, "-storageDataPath", data,
			"-httpListenAddr", addr, "-retentionPeriod", "100y", "-search.disableCache", "-loggerLevel", "ERROR"})
		if err != nil {
			return nil, err
		}
		d.addr = addr
		if err := d.waitHTTP("http://" + addr + "/health"); err != nil {
			d.stop(log)
			return nil, err
		}
		return d, nil
	}
	vm, err := start()
	if err != nil {
		return fail(err)
	}
	began := time.Now()
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeExposition(pw, minutes, false)) }()
	resp, err := http.Post("http://"+vm.addr+"/api/v1/import/prometheus", "text/plain", pr)
	if err == nil {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			err = fmt.Errorf("import: %s: %s", resp.Status, bytes.TrimSpace(body))
		}
	}
	if err != nil {
		vm.stop(log)
		return fail(err)
	}
	log("peers: VictoriaMetrics imported the year in %v", time.Since(began).Round(time.Second))
	// Flush what it buffers, merge every partition into as few parts as
	// it can, and wait for the merges: they run in the background.
	base := "http://" + vm.addr
	for _, path := range []string{"/internal/force_flush", "/internal/force_merge"} {
		if resp, err := http.Get(base + path); err == nil {
			resp.Body.Close()
		}
	}
	time.Sleep(time.Second)
	if err := waitMetric(base+"/metrics", "vm_active_force_merges", 0, 10*time.Minute); err != nil {
		log("victoria-metrics: %v", err)
	}
	// A sample it refused would make the others look smaller.
	stored, err := metricSum(base+"/metrics", `vm_rows{type="storage/`)
	if err != nil {
		vm.stop(log)
		return fail(err)
	}
	if stored != float64(n) {
		vm.stop(log)
		return fail(fmt.Errorf("it holds %.0f samples of the %d sent", stored, n))
	}
	// Stopping it writes what it still holds in memory.
	vm.stop(log)
	// Its samples and their index; not the caches it saves on the way
	// out, which it rebuilds when they are missing.
	var size int64
	for _, sub := range []string{"data", "indexdb"} {
		b, err := dirSize(filepath.Join(data, sub))
		if err != nil {
			return fail(err)
		}
		size += b
	}
	whole, _ := dirSize(data)
	log("peers: VictoriaMetrics holds the year in %d bytes (%d with its caches) after %v", size, whole, time.Since(began).Round(time.Second))
	vmB := perSample(size, n)
	r := row{what: what, sm: fmt.Sprintf("%.2f B", smB), peer: fmt.Sprintf("VictoriaMetrics %s (data + index, merged): %.3f B", version("victoria-metrics", vmBin, "-version"), vmB),
		ratio: sizes(smB, vmB), goal: "≤ 1.5 B", met: smB <= 1.5, hasVerdict: true}
	if vm, err = start(); err != nil {
		log("victoria-metrics: %v", err)
		return nil, []row{r}
	}
	return vm, []row{r}
}

// waitMetric waits until name, in the Prometheus text at u, is want.
func waitMetric(u, name string, want float64, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		resp, err := http.Get(u)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) == 2 && f[0] == name {
				if v, err := strconv.ParseFloat(f[1], 64); err == nil && v == want {
					resp.Body.Close()
					return nil
				}
			}
		}
		resp.Body.Close()
		time.Sleep(time.Second)
	}
	return fmt.Errorf("%s still not %v after %v", name, want, limit)
}

// metricSum adds up the values of the lines of the Prometheus text at u
// that start with prefix.
func metricSum(u, prefix string) (float64, error) {
	resp, err := http.Get(u)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return sumLines(resp.Body, prefix)
}

// sumLines adds up the values of the lines of Prometheus text that start
// with prefix.
func sumLines(r io.Reader, prefix string) (float64, error) {
	sum := 0.0
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if !strings.HasPrefix(l, prefix) {
			continue
		}
		f := strings.Fields(l)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			return 0, fmt.Errorf("%q: %w", l, err)
		}
		sum += v
	}
	return sum, sc.Err()
}

// version returns a peer's version: the first version-like word its
// program prints, else its Debian package's, without Debian's suffixes
// (2.42.0+ds is 2.42.0).
func version(pkg, prog string, args ...string) string {
	out, _ := exec.Command(prog, args...).CombinedOutput()
	if v := versionWord(string(out)); v != "" {
		return v
	}
	out, _ = exec.Command("dpkg-query", "-W", "-f", "${Version}", pkg).Output()
	if v := versionWord(string(out)); v != "" {
		return v
	}
	return "(version unknown)"
}

// versionWord returns the first word of s that looks like a version,
// 1.79.5 in "v1.79.5+ds1-2", or "".
func versionWord(s string) string {
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\n' || r == ',' || r == '(' || r == '-' }) {
		w = strings.TrimPrefix(w, "v")
		w, _, _ = strings.Cut(w, "+")
		if len(w) > 2 && w[0] >= '0' && w[0] <= '9' && strings.Contains(w, ".") {
			return w
		}
	}
	return ""
}

// promBlockHours is the span of the blocks promtool writes: the longest
// a running Prometheus compacts to, 31 days at most, among its ranges of
// 2 h × 3ⁿ. promtool reads its whole input once for each block.
const promBlockHours = 486

// peerProm writes the year as OpenMetrics, turns it into TSDB blocks
// with promtool, measures them, and starts a Prometheus on them for the
// queries.
func peerProm(log func(string, ...any), dir string, n, minutes int, smB float64, span string) (*daemon, []row) {
	what := "bytes/sample, the simulated year (" + span + ")"
	promtool := findPeer(log, "prometheus", "promtool")
	prometheus := findPeer(log, "prometheus", "prometheus")
	if promtool == "" || prometheus == "" {
		return nil, []row{{what: what, sm: fmt.Sprintf("%.2f B", smB), peer: "Prometheus: not installed (Debian's prometheus)"}}
	}
	fail := func(err error) (*daemon, []row) {
		log("prometheus: %v", err)
		return nil, []row{{what: what, sm: fmt.Sprintf("%.2f B", smB), peer: "Prometheus: " + failed(err)}}
	}
	input := filepath.Join(dir, "year.om")
	f, err := os.Create(input)
	if err != nil {
		return fail(err)
	}
	err = writeExposition(f, minutes, true)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(err)
	}
	tsdb := filepath.Join(dir, "prom-data")
	began := time.Now()
	cmd := exec.Command(promtool, "tsdb", "create-blocks-from", "openmetrics", "--quiet",
		fmt.Sprintf("--max-block-duration=%dh", promBlockHours), input, tsdb)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("promtool: %v: %s", err, bytes.TrimSpace(out)))
	}
	os.Remove(input)
	size, err := dirSize(tsdb)
	if err != nil {
		return fail(err)
	}
	stored, err := blockSamples(tsdb)
	if err != nil {
		return fail(err)
	}
	if stored != int64(n) {
		return fail(fmt.Errorf("its blocks hold %d samples of the %d written", stored, n))
	}
	log("peers: promtool wrote the year's blocks, %d bytes, in %v", size, time.Since(began).Round(time.Second))
	promB := perSample(size, n)
	r := row{what: what, sm: fmt.Sprintf("%.2f B", smB), peer: fmt.Sprintf("Prometheus %s TSDB (promtool's blocks of %d h): %.2f B", version("prometheus", prometheus, "--version"), promBlockHours, promB),
		ratio: sizes(smB, promB), goal: "≤ 1.5 B", met: smB <= 1.5, hasVerdict: true}
	p, err := startProm(log, dir, prometheus, tsdb, "")
	if err != nil {
		log("prometheus: %v", err)
		return nil, []row{r}
	}
	return p, []row{r}
}

// blockSamples adds up the samples of the TSDB blocks in dir, as their
// meta.json files count them.
func blockSamples(dir string) (int64, error) {
	metas, err := filepath.Glob(filepath.Join(dir, "*", "meta.json"))
	if err != nil {
		return 0, err
	}
	if len(metas) == 0 {
		return 0, fmt.Errorf("%s: no blocks", dir)
	}
	var n int64
	for _, m := range metas {
		b, err := os.ReadFile(m)
		if err != nil {
			return 0, err
		}
		var meta struct {
			Stats struct {
				NumSamples int64 `json:"numSamples"`
			} `json:"stats"`
		}
		if err := json.Unmarshal(b, &meta); err != nil {
			return 0, fmt.Errorf("%s: %w", m, err)
		}
		n += meta.Stats.NumSamples
	}
	return n, nil
}

// startProm starts a Prometheus on 127.0.0.1 with its TSDB in tsdb,
// scraping target every 60 s when there is one, and waits until it is
// ready.
func startProm(log func(string, ...any), dir, prometheus, tsdb, target string) (*daemon, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	conf := "global:\n  scrape_interval: 60s\n  evaluation_interval: 60s\n"
	if target != "" {
		conf += "scrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ['" + target + "']\n"
	}
	name := "prometheus"
	if target != "" {
		name = "prometheus-scrape"
	}
	confPath := filepath.Join(dir, name+".yml")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	d, err := startDaemon(dir, name, []string{prometheus, "--config.file", confPath, "--storage.tsdb.path", tsdb,
		"--storage.tsdb.retention.time", "100y", "--web.listen-address", addr, "--log.level", "warn"})
	if err != nil {
		return nil, err
	}
	d.addr = addr
	if err := d.waitHTTP("http://" + addr + "/-/ready"); err != nil {
		d.stop(log)
		return nil, err
	}
	return d, nil
}

// peerQueries times the two queries of issue 16 on sm's database and
// through each peer's HTTP API, a curl process a run as sm-query is one:
// a day of every series, and a year of one metric by day, average and
// maximum. The sides alternate; each figure is a median.
func peerQueries(log func(string, ...any), smDB string, minutes int, vm, prom *daemon) []row {
	curl := findPeer(log, "curl", "curl")
	smQuery, _ := filepath.Abs(filepath.Join(*bin, "sm-query"))
	end := yearStart(minutes) + int64(minutes)*60 // just after the last sample
	day := end - 86400
	first := yearStart(minutes)
	rfc := func(t int64) string { return time.Unix(t, 0).UTC().Format(time.RFC3339) }
	metric := "disk.used_pct"
	pm := format.PromName(metric)
	type peerSide struct {
		name string
		d    *daemon
		argv func(base string) []string
		goal float64
	}
	get := func(urls ...string) []string {
		argv := []string{curl, "-sf"}
		for _, u := range urls {
			argv = append(argv, "-o", "/dev/null", u)
		}
		return argv
	}
	q := func(base, path string, v url.Values) string { return base + path + "?" + v.Encode() }
	cases := []struct {
		what  string
		sm    []string
		peers []peerSide
	}{
		{"a day of every series (sm-query --since 1d), wall with process start (median)",
			[]string{smQuery, "--db", smDB, "--utc", "--since", rfc(day), "--until", rfc(end - 1)},
			[]peerSide{
				{"VictoriaMetrics /api/v1/export", vm, func(b string) []string {
					return get(q(b, "/api/v1/export", url.Values{"match[]": {`{__name__=~".+"}`}, "start": {fmt.Sprint(day)}, "end": {fmt.Sprint(end - 1)}}))
				}, dayGoalVM},
				{"Prometheus /api/v1/query_range, step 60 s", prom, func(b string) []string {
					return get(q(b, "/api/v1/query_range", url.Values{"query": {`{__name__=~".+"}`}, "start": {fmt.Sprint(day)}, "end": {fmt.Sprint(end - 60)}, "step": {"60"}}))
				}, dayGoalProm},
			}},
		{"a year of one metric by day, avg and max (sm-query --since 1y --step 1d --agg avg,max --metric " + metric + "), wall with process start (median)",
			[]string{smQuery, "--db", smDB, "--utc", "--since", rfc(first), "--until", rfc(end - 1), "--step", "1d", "--agg", "avg,max", "--metric", metric},
			[]peerSide{
				{"VictoriaMetrics /api/v1/query_range", vm, func(b string) []string {
					v := func(f string) url.Values {
						return url.Values{"query": {f + "_over_time(" + pm + "[1d])"}, "start": {fmt.Sprint(first + 86400)}, "end": {fmt.Sprint(end)}, "step": {"1d"}}
					}
					return get(q(b, "/api/v1/query_range", v("avg")), q(b, "/api/v1/query_range", v("max")))
				}, yearGoalVM},
				{"Prometheus /api/v1/query_range", prom, func(b string) []string {
					v := func(f string) url.Values {
						return url.Values{"query": {f + "_over_time(" + pm + "[1d])"}, "start": {fmt.Sprint(first + 86400)}, "end": {fmt.Sprint(end)}, "step": {"86400"}}
					}
					return get(q(b, "/api/v1/query_range", v("avg")), q(b, "/api/v1/query_range", v("max")))
				}, yearGoalProm},
			}},
	}
	var rows []row
	for _, c := range cases {
		sides := []side{{c.sm, nil}}
		var live []peerSide
		for _, p := range c.peers {
			switch {
			case curl == "":
				rows = append(rows, row{what: c.what, peer: p.name + ": curl not installed"})
			case p.d == nil:
				rows = append(rows, row{what: c.what, peer: p.name + ": not running (see above)"})
			default:
				sides = append(sides, side{p.argv("http://" + p.d.addr), nil})
				live = append(live, p)
			}
		}
		// Each side's answer once, by its size: a peer that answers
		// nothing would look fast.
		var got []string
		for _, sd := range sides {
			got = append(got, fmt.Sprintf("%d bytes", answerSize(sd.argv)))
		}
		log("peers: %s: answers of %s", c.what, strings.Join(got, ", "))
		med, err := alternate(sides, peersRuns)
		if err != nil {
			log("%v", err)
			rows = append(rows, row{what: c.what, sm: failed(err)})
			continue
		}
		if len(live) == 0 {
			rows = append(rows, row{what: c.what, sm: ms(med[0])})
		}
		for i, p := range live {
			r := med[0].Seconds() / med[i+1].Seconds()
			rows = append(rows, row{what: c.what, sm: ms(med[0]), peer: "curl " + p.name + ": " + ms(med[i+1]),
				ratio: times(r) + " its time", goal: fmt.Sprintf("≤ %.2f× (issue 16)", p.goal), met: r <= p.goal, hasVerdict: true})
		}
	}
	return rows
}

// answerSize runs argv once and returns the bytes it printed; a curl
// command's "-o /dev/null" are left out, so that it prints its answers.
func answerSize(argv []string) int {
	var keep []string
	for i := 0; i < len(argv); i++ {
		if argv[i] == "-o" && i+1 < len(argv) && argv[i+1] == "/dev/null" {
			i++
			continue
		}
		keep = append(keep, argv[i])
	}
	out, _ := exec.Command(keep[0], keep[1:]...).Output()
	return len(out)
}

// alternate runs the sides one after the other, runs times after three
// untimed rounds, and returns each one's median wall time.
func alternate(sides []side, runs int) ([]time.Duration, error) {
	walls := make([][]time.Duration, len(sides))
	for i := -3; i < runs; i++ {
		for j, s := range sides {
			d, err := run(s.argv, s.prepare)
			if err != nil {
				return nil, err
			}
			if i >= 0 {
				walls[j] = append(walls[j], d)
			}
		}
	}
	med := make([]time.Duration, len(sides))
	for j := range sides {
		med[j] = median(walls[j])
	}
	return med, nil
}

// A cpuPeer is a daemon that keeps a machine's history, as Debian ships
// it, run for the window.
type cpuPeer struct {
	name  string // its folder and log
	what  string
	pkg   string
	progs []string
	// start starts the peer's processes in dir with the programs found.
	start func(dir string, progs []string) ([]*daemon, error)
	// records says what the peer recorded, once it has run.
	records func(dir string, ds []*daemon) string
}

// peerCPU measures the processor time a day of monitoring at one sample
// a minute costs: sadc and sm per cron run × 1,440, the daemons over the
// window, scaled to a day. The daemons run side by side in one window,
// each charged only what its own processes used: the window is long
// because a daemon's work comes once a minute, and one at a time would
// triple the comparison's time.
func peerCPU(log func(string, ...any), dir, smDB string) []row {
	const what = "CPU per day at a sample a minute"
	c, err := cronMinuteCPU(log, dir, smDB)
	if err != nil {
		log("%v", err)
		return []row{{what: what, sm: failed(err)}}
	}
	smRun, sadcRun := c.sm, c.sadc
	sm := smRun * 1440
	smCell := fmt.Sprintf("sm-sample \\| sm-store: %.1f s (%s a run × 1,440; records %s series; %.1f s with GOMAXPROCS=1, as contrib/cron.d-sm runs it)",
		sm.Seconds(), ms(smRun), sampleCount(dir), (c.one * 1440).Seconds())
	var rows []row
	if sadcRun == 0 {
		rows = append(rows, row{what: what + ", cron", sm: smCell, peer: "sadc: not installed", goal: "≤ 2.5× sadc 1 1"})
	} else {
		sadc := sadcRun * 1440
		rows = append(rows, row{what: what + ", cron", sm: smCell, peer: fmt.Sprintf("sysstat sadc 1 1 FILE: %.1f s (%s a run × 1,440)", sadc.Seconds(), ms(sadcRun)),
			ratio: times(sm.Seconds() / sadc.Seconds()), goal: "≤ 2.5× sadc 1 1", met: atMost(sm, sadc, 5, 2), hasVerdict: true})
	}
	type running struct {
		p      cpuPeer
		dir    string
		ds     []*daemon
		before uint64
		failed string
	}
	var all []*running
	defer func() {
		for _, r := range all {
			for _, d := range r.ds {
				d.stop(log)
			}
		}
	}()
	for _, p := range cpuPeers() {
		r := &running{p: p, dir: filepath.Join(dir, p.name)}
		all = append(all, r)
		var progs []string
		for _, name := range p.progs {
			path := findPeer(log, p.pkg, name)
			if path == "" {
				break
			}
			progs = append(progs, path)
		}
		if len(progs) < len(p.progs) {
			r.failed = "not installed (Debian's " + p.pkg + ")"
			continue
		}
		if err := os.MkdirAll(r.dir, 0o755); err != nil {
			r.failed = failed(err)
			continue
		}
		if r.ds, err = p.start(r.dir, progs); err != nil {
			r.failed = failed(err)
		}
	}
	// Start-up is paid once, not every minute: the window starts after.
	time.Sleep(5 * time.Second)
	for _, r := range all {
		if r.failed != "" {
			continue
		}
		if r.before, _, err = usage(r.ds, r.dir); err != nil {
			r.failed = failed(err)
		}
	}
	log("peers: atop, node_exporter with Prometheus and collectd run for %v", *peersWindow)
	time.Sleep(*peersWindow)
	for _, r := range all {
		if r.failed == "" {
			after, pages, err := usage(r.ds, r.dir)
			if err != nil {
				r.failed = failed(err)
			} else {
				cpu := time.Duration(after-r.before) * clockTick()
				rows = append(rows, daemonRow(what+", daemon", smCell, sm, r.p.what, cpu, pages*int64(os.Getpagesize())/1024, r.p.records(r.dir, r.ds)))
				continue
			}
		}
		log("%s: %s", r.p.what, r.failed)
		rows = append(rows, row{what: what + ", daemon", sm: smCell, peer: r.p.what + ": " + r.failed})
	}
	return rows
}

// sampleCount counts the records of one sm-sample run with the state
// the cron minute left in dir, "?" if it fails.
func sampleCount(dir string) string {
	sample, _ := filepath.Abs(filepath.Join(*bin, "sm-sample"))
	out, err := exec.Command(sample, "--state", filepath.Join(dir, "cron.state")).Output()
	if err != nil {
		return "?"
	}
	return strconv.Itoa(bytes.Count(out, []byte("\n")))
}

// usage returns the processor ticks and resident pages of a peer's
// processes, their children included, or why it cannot.
func usage(ds []*daemon, dir string) (uint64, int64, error) {
	var roots []int
	for _, d := range ds {
		if gone, err := d.exited(); gone {
			return 0, 0, fmt.Errorf("%s exited: %v (see %s)", d.name, err, filepath.Join(dir, d.name+".log"))
		}
		roots = append(roots, d.cmd.Process.Pid)
	}
	return treeUsage("/proc", roots)
}

// daemonRow writes a daemon's row: its processor time over the window
// scaled to a day, beside sm's day of cron runs.
func daemonRow(what, smCell string, sm time.Duration, peer string, cpu time.Duration, rssKB int64, records string) row {
	day := perDay(cpu, *peersWindow)
	r := row{what: what, sm: smCell,
		peer: fmt.Sprintf("%s: %.1f s (%s over %v; %s resident; records %s)", peer, day.Seconds(), ms(cpu), *peersWindow, mb(rssKB), records),
		goal: "≤ the daemon"}
	// A window shorter than the daemon's minute may see no work.
	if day > 0 {
		r.ratio, r.met, r.hasVerdict = times(sm.Seconds()/day.Seconds()), atMost(sm, day, 1, 1), true
	}
	return r
}

// cpuPeers are the daemons of the CPU comparison, each with its own
// configuration and files in its folder, on 127.0.0.1 only.
func cpuPeers() []cpuPeer {
	return []cpuPeer{
		{name: "atop", what: "atop -w FILE 60", pkg: "atop", progs: []string{"atop"},
			start: func(dir string, progs []string) ([]*daemon, error) {
				d, err := startDaemon(dir, "atop", []string{progs[0], "-w", filepath.Join(dir, "atop.raw"), "60"})
				return []*daemon{d}, err
			},
			records: func(string, []*daemon) string { return "the system and every process" }},
		{name: "node_exporter", what: "node_exporter + Prometheus scraping every 60 s", pkg: "prometheus-node-exporter", progs: []string{"prometheus-node-exporter", "prometheus"},
			start: func(dir string, progs []string) ([]*daemon, error) {
				addr, err := freeAddr()
				if err != nil {
					return nil, err
				}
				ne, err := startDaemon(dir, "node_exporter", []string{progs[0], "--web.listen-address", addr})
				if err != nil {
					return nil, err
				}
				ne.addr = addr
				if err := ne.waitHTTP("http://" + addr + "/metrics"); err != nil {
					return []*daemon{ne}, err
				}
				p, err := startProm(func(string, ...any) {}, dir, progs[1], filepath.Join(dir, "tsdb"), addr)
				if err != nil {
					return []*daemon{ne}, err
				}
				return []*daemon{ne, p}, nil
			},
			records: func(dir string, ds []*daemon) string {
				if len(ds) < 2 {
					return "?"
				}
				return promSeriesCount("http://"+ds[1].addr) + " series"
			}},
		{name: "collectd", what: "collectd, Debian's plugins, rrdtool, at 60 s", pkg: "collectd", progs: []string{"/usr/sbin/collectd"},
			start: func(dir string, progs []string) ([]*daemon, error) {
				conf, err := collectdConf(dir, "/etc/collectd/collectd.conf")
				if err != nil {
					return nil, err
				}
				d, err := startDaemon(dir, "collectd", []string{progs[0], "-f", "-C", conf})
				return []*daemon{d}, err
			},
			records: func(dir string, _ []*daemon) string {
				n := 0
				filepath.WalkDir(filepath.Join(dir, "rrd"), func(_ string, d os.DirEntry, err error) error {
					if err == nil && strings.HasSuffix(d.Name(), ".rrd") {
						n++
					}
					return nil
				})
				return fmt.Sprintf("%d rrd files", n)
			}},
	}
}

// promSeriesCount asks a Prometheus how many series it holds.
func promSeriesCount(base string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/query?query="+url.QueryEscape(`count({__name__=~".+"})`), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "?"
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	// {"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[T,"N"]}]}}
	i := bytes.LastIndex(b, []byte(`,"`))
	j := bytes.LastIndex(b, []byte(`"]`))
	if i < 0 || j < i+2 {
		return "?"
	}
	return string(b[i+2 : j])
}

// collectdConf writes Debian's collectd.conf with its files moved into
// dir, one sample a minute like the others, and its log in dir rather
// than the system's.
func collectdConf(dir, debian string) (string, error) {
	b, err := os.ReadFile(debian)
	if err != nil {
		return "", err
	}
	conf, err := rewriteCollectd(string(b), dir)
	if err != nil {
		return "", fmt.Errorf("%s: %w", debian, err)
	}
	path := filepath.Join(dir, "collectd.conf")
	return path, os.WriteFile(path, []byte(conf), 0o644)
}

// rewriteCollectd rewrites a collectd.conf: its rrd files in dir/rrd,
// its pid file and base folder in dir, one sample a minute, its log in
// dir/collectd.log instead of syslog. The plugins it loads stay.
func rewriteCollectd(conf, dir string) (string, error) {
	var out strings.Builder
	fmt.Fprintf(&out, "BaseDir %q\nPIDFile %q\nInterval 60\nLoadPlugin logfile\n<Plugin logfile>\n\tFile %q\n</Plugin>\n",
		dir, filepath.Join(dir, "collectd.pid"), filepath.Join(dir, "collectd-plugins.log"))
	dataDir := false
	skip := 0
	for _, l := range strings.Split(conf, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case skip > 0:
			if strings.HasPrefix(t, "</Plugin") {
				skip--
			}
			continue
		case strings.HasPrefix(t, "#") || t == "":
			continue
		case t == "LoadPlugin syslog" || t == "LoadPlugin logfile":
			continue
		case strings.HasPrefix(t, "<Plugin syslog>") || strings.HasPrefix(t, "<Plugin logfile>"):
			skip++
			continue
		case strings.HasPrefix(t, "BaseDir") || strings.HasPrefix(t, "PIDFile") || strings.HasPrefix(t, "Interval"):
			continue
		case strings.HasPrefix(t, "DataDir"):
			fmt.Fprintf(&out, "\tDataDir %q\n", filepath.Join(dir, "rrd"))
			dataDir = true
			continue
		}
		out.WriteString(l + "\n")
	}
	if !dataDir {
		return "", errors.New("no rrdtool DataDir to move")
	}
	return out.String(), nil
}

// failed writes an error for a cell of the table: what a peer printed
// may hold newlines and "|", which would break the row.
func failed(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	return "failed: " + strings.ReplaceAll(s, "|", `\|`)
}
