package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"sm/internal/record"
)

// The benchmark database: 10 hosts × 30 series × a year at 5 minutes.
const (
	qHosts   = 10
	qSeries  = 30
	qStep    = 300
	qSamples = 365 * 86400 / qStep
)

// generate writes the benchmark's samples, series by series, up to now,
// as records or as the seed design's CSV (key,value,ISO time).
func generate(w io.Writer, now int64, seedCSV bool) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	end := now - now%qStep
	start := end - (qSamples-1)*qStep
	var line []byte
	for h := range qHosts {
		host := newHost(fmt.Sprintf("web%d", h+1), uint64(h+1))
		for _, s := range host.series[:qSeries] {
			for i := range qSamples {
				ts := start + int64(i)*qStep
				v := s.next(i)
				if seedCSV {
					line = append(line[:0], '"')
					line = append(line, s.key...)
					line = append(line, '"', ',')
					line = record.AppendValue(line, v)
					line = append(line, ',')
					line = time.Unix(ts, 0).UTC().AppendFormat(line, time.DateTime)
				} else {
					line = append(line[:0], s.key...)
					line = append(line, ' ')
					line = record.AppendValue(line, v)
					line = append(line, ' ')
					line = strconv.AppendInt(line, ts, 10)
				}
				line = append(line, '\n')
				if _, err := bw.Write(line); err != nil {
					return err
				}
			}
		}
	}
	return bw.Flush()
}

// benchQuery builds the benchmark database through sm-store, and the
// seed design's key-value table with the same samples, and times the
// queries of the issues on both.
func benchQuery(log func(string, ...any), tmp string) []row {
	shell, err := findShell(log)
	if err != nil {
		log("sqlite3 not found: no query comparison")
		return nil
	}
	smStore, _ := filepath.Abs(filepath.Join(*bin, "sm-store"))
	smQuery, _ := filepath.Abs(filepath.Join(*bin, "sm-query"))
	smReport, _ := filepath.Abs(filepath.Join(*bin, "sm-report"))
	db := filepath.Join(tmp, "q.db")
	kv := filepath.Join(tmp, "kv.db")
	defer clean(db)
	defer clean(kv)
	now := time.Now().Unix()
	n := qHosts * qSeries * qSamples

	pipeInto := func(argv []string, seedCSV bool) (time.Duration, error) {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(generate(pw, now, seedCSV)) }()
		return timed(argv, pr)
	}
	d, err := pipeInto([]string{smStore, "--db", db}, false)
	if err != nil {
		log("%v", err)
		return nil
	}
	log("built the benchmark database through sm-store: %d samples in %v", n, d.Round(time.Millisecond))
	built := row{what: fmt.Sprintf("building the query benchmark database (%.1fM samples) through sm-store", float64(n)/1e6),
		sm: d.Round(100*time.Millisecond).String() + " (" + rate(n, d) + ")", goal: "≤ 1.25× the seed table's .import"}
	seed, err := pipeInto([]string{shell, kv, "CREATE TABLE metrics (key TEXT, value FLOAT, timestamp TEXT)", ".mode csv", ".import /dev/stdin metrics"}, true)
	if err != nil {
		log("%v", err)
		return []row{built}
	}
	log("built the seed design's table with the same samples in %v", seed.Round(time.Millisecond))
	// sm-store parses, indexes and packs what .import appends to an
	// unindexed table: a quarter more time for that work.
	built.peer = "sqlite3 .import into the seed table: " + seed.Round(100*time.Millisecond).String() + " (" + rate(n, seed) + ")"
	built.ratio, built.met, built.hasVerdict = speed(d, seed), atMost(d, seed, 5, 4), true
	rows := []row{built}

	day := time.Unix(now-86400, 0).UTC().Format(time.DateTime)
	year := time.Unix(now-365*86400, 0).UTC().Format(time.DateTime)
	midnight := time.Unix(now-now%86400, 0).UTC()
	yesterday := midnight.AddDate(0, 0, -1)
	cases := []struct {
		what, goal string
		sm, seed   []string
		runs       int
		check      func(sm, seed time.Duration) bool
	}{
		{"query --since 1d, all series, piped (86,400 records)", "≥ 40× faster than the seed table",
			[]string{smQuery, "--db", db, "--since", "1d"},
			[]string{shell, kv, "SELECT key, value, timestamp FROM metrics WHERE timestamp >= '" + day + "'"}, 3,
			func(a, b time.Duration) bool { return atMost(a, b, 1, 40) }},
		// The same records, all in packed blocks: what the open day's
		// rows add to the row above, which grows through the day.
		{"query of yesterday, whole, all series, piped (86,400 records, all packed)", "(for scale)",
			[]string{smQuery, "--db", db, "--since", yesterday.Format(time.RFC3339), "--until", midnight.Add(-time.Second).Format(time.RFC3339)},
			[]string{shell, kv, "SELECT key, value, timestamp FROM metrics WHERE timestamp >= '" + yesterday.Format(time.DateTime) + "' AND timestamp < '" + midnight.Format(time.DateTime) + "'"}, 3,
			nil},
		{"query --since 1y --step 1d --agg avg,max --metric disk.used_pct", "≥ 20× faster than the seed table",
			[]string{smQuery, "--db", db, "--since", "1y", "--step", "1d", "--agg", "avg,max", "--metric", "disk.used_pct"},
			[]string{shell, kv, "SELECT key, date(timestamp), avg(value), max(value) FROM metrics WHERE key LIKE 'disk.used_pct;%' AND timestamp >= '" + year + "' GROUP BY 1, 2"}, 3,
			func(a, b time.Duration) bool { return atMost(a, b, 1, 20) }},
	}
	// Each timed sm-query run follows a read of the database's files: a
	// scan of the seed table, 1.3 GB, pushes everything else out of a
	// small page cache, and a query of a few megabytes would be timed
	// reading the disk. Reading the files, not running the query again,
	// spares the dump's warm-up its five seconds a run. The seed table's
	// own scans read the disk whatever one does.
	warm := func() { readThrough(db, db+"-wal") }
	for _, c := range cases {
		var a, b []time.Duration
		for range c.runs {
			for _, side := range []struct {
				argv    []string
				prepare func()
				to      *[]time.Duration
			}{{c.sm, warm, &a}, {c.seed, nil, &b}} {
				d, err := run(side.argv, side.prepare)
				if err != nil {
					log("%v", err)
					return rows
				}
				*side.to = append(*side.to, d)
			}
		}
		ma, mb := median(a), median(b)
		r := row{what: c.what, sm: ms(ma), peer: "seed table in sqlite3: " + ms(mb), ratio: speed(ma, mb), goal: c.goal}
		if c.check != nil {
			r.met, r.hasVerdict = c.check(ma, mb), true
		}
		rows = append(rows, r)
	}

	// The full dump: a rate, and sm-query's peak memory, read in its
	// last timed run rather than a run more. The seed table's scan
	// takes some fifteen seconds, long enough for one run to give its
	// rate: three took half a minute more of make bench.
	dump := []string{smQuery, "--db", db, "--since", "2y"}
	var a, b []time.Duration
	var rss int64
	for i := range 3 {
		warm()
		var d time.Duration
		var err error
		if i == 2 {
			d, _, rss, err = runMetered(dump)
		} else {
			d, err = run(dump, nil)
		}
		if err != nil {
			log("%v", err)
			return rows
		}
		a = append(a, d)
		if i > 0 {
			continue
		}
		d, err = run([]string{shell, kv, "SELECT * FROM metrics"}, nil)
		if err != nil {
			log("%v", err)
			return rows
		}
		b = append(b, d)
	}
	da, db2 := median(a), median(b)
	rows = append(rows,
		row{what: fmt.Sprintf("query --since 2y, a dump of all %.1fM samples", float64(n)/1e6), sm: rate(n, da), peer: "seed table in sqlite3: " + rate(n, db2),
			ratio: speed(da, db2), goal: "≥ the seed table's rate", met: atMost(da, db2, 1, 1), hasVerdict: true},
		row{what: "query --since 2y, peak RSS", sm: mb(rss), goal: "≤ 30 MB", met: rss <= 30*1024, hasVerdict: true})
	week := time.Unix(now-7*86400, 0).UTC().Format(time.DateTime)
	rows = append(rows, benchReport(log, smReport, db, []string{shell, kv,
		"SELECT key, min(value), avg(value), max(value), count(*) FROM metrics WHERE timestamp >= '" + week + "' GROUP BY key"})...)
	if fi, err := os.Stat(db); err == nil {
		log("benchmark database: %.1f MB, %.2f B/sample", float64(fi.Size())/1e6, float64(fi.Size())/float64(n))
	}
	return rows
}

// readThrough reads files to their end, into the page cache, and
// ignores those that are missing.
func readThrough(paths ...string) {
	for _, p := range paths {
		if f, err := os.Open(p); err == nil {
			io.Copy(io.Discard, f)
			f.Close()
		}
	}
}

// benchReport times sm-report on the benchmark database: the weekly
// report of every host, as text and as HTML, beside seedSummary, the
// seed design's table summed up over the same week in the sqlite3 shell;
// and the check of one host beside the Nagios plugins an NRPE would run
// for a host's load, disk and swap. --stale is a day, as the database
// was made minutes ago.
func benchReport(log func(string, ...any), smReport, db string, seedSummary []string) []row {
	var rows []row
	// A full scan of the seed table each, three seconds: three runs.
	var seeds []time.Duration
	for range 3 {
		d, err := run(seedSummary, nil)
		if err != nil {
			log("%v", err)
			return rows
		}
		seeds = append(seeds, d)
	}
	seed := median(seeds)
	for _, c := range []struct {
		what string
		argv []string
		// times is how many times faster than the seed table's
		// summary sm must be.
		times int64
	}{
		{"report, the last 7 days of all 10 hosts, text", []string{smReport, "--db", db}, 10},
		{"report, the last 7 days of all 10 hosts, HTML", []string{smReport, "--db", db, "--format", "html"}, 3},
	} {
		var ds []time.Duration
		for i := -1; i < 5; i++ {
			d, err := run(c.argv, nil)
			if err != nil {
				log("%v", err)
				return rows
			}
			if i >= 0 {
				ds = append(ds, d)
			}
		}
		d := median(ds)
		rows = append(rows, row{what: c.what, sm: ms(d), peer: "the seed table's min, avg, max of each key over the week in sqlite3: " + ms(seed),
			ratio: speed(d, seed), goal: fmt.Sprintf("≥ %d× faster than the seed table", c.times), met: atMost(d, seed, 1, c.times), hasVerdict: true})
	}
	rows = append(rows, benchCheck(log, []string{smReport, "--db", db, "--check", "--host", "web1", "--stale", "1d"}))
	rss, err := peakRSS([]string{smReport, "--db", db, "--format", "html"}, nil, nil)
	if err != nil {
		log("%v", err)
		return rows
	}
	return append(rows, row{what: "report, HTML, peak RSS", sm: mb(rss)})
}

// nagiosPlugins is where Debian's monitoring-plugins-basic puts them.
const nagiosPlugins = "/usr/lib/nagios/plugins"

// benchCheck compares sm-report --check of one host with what Nagios
// runs for a host's health, check_load, check_disk and check_swap of
// monitoring-plugins-basic, one after the other from one shell: each
// side a process start and a verdict on the same figures.
func benchCheck(log func(string, ...any), check []string) row {
	const what, goal = "report --check, one host", "≤ 1.5× check_load, check_disk, check_swap"
	if _, err := os.Stat(filepath.Join(nagiosPlugins, "check_load")); err != nil {
		install(log, "monitoring-plugins-basic")
	}
	var plugins []string
	for _, p := range []string{"check_load -w 4,3,2 -c 8,6,4", "check_disk -w 10% -c 5% -p /", "check_swap -w 50% -c 20%"} {
		path := filepath.Join(nagiosPlugins, p)
		if _, err := os.Stat(strings.Fields(path)[0]); err != nil {
			log("%s not found: the check compared with nothing", strings.Fields(path)[0])
			plugins = nil
			break
		}
		plugins = append(plugins, path)
	}
	sides := []side{{check, nil}}
	if plugins != nil {
		// A plugin's exit status is its verdict: true keeps a warning
		// from stopping the bench.
		sides = append(sides, side{[]string{"/bin/sh", "-c", strings.Join(plugins, "; ") + "; true"}, nil})
	}
	med, err := alternate(sides, min(*runs, 41))
	if err != nil {
		log("%v", err)
		return row{what: what, sm: "failed"}
	}
	if plugins == nil {
		return row{what: what, sm: ms(med[0]), peer: "Nagios plugins: not installed (monitoring-plugins-basic)", goal: goal}
	}
	return row{what: what, sm: ms(med[0]), peer: "check_load, check_disk, check_swap from one sh: " + ms(med[1]),
		ratio: speed(med[0], med[1]), goal: goal, met: atMost(med[0], med[1], 3, 2), hasVerdict: true}
}
