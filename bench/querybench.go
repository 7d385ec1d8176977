package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
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
	rows := []row{{what: fmt.Sprintf("building the query benchmark database (%.1fM samples) through sm-store", float64(n)/1e6),
		sm: d.Round(100 * time.Millisecond).String(), peer: "(" + rate(n, d) + ")", goal: "well under a minute", met: d < 45*time.Second, hasVerdict: true}}
	d, err = pipeInto([]string{shell, kv, "CREATE TABLE metrics (key TEXT, value FLOAT, timestamp TEXT)", ".mode csv", ".import /dev/stdin metrics"}, true)
	if err != nil {
		log("%v", err)
		return rows
	}
	log("built the seed design's table with the same samples in %v", d.Round(time.Millisecond))

	day := time.Unix(now-86400, 0).UTC().Format(time.DateTime)
	year := time.Unix(now-365*86400, 0).UTC().Format(time.DateTime)
	cases := []struct {
		what, goal string
		sm, seed   []string
		runs       int
		check      func(sm, seed time.Duration) bool
	}{
		{"query --since 1d, all series, piped (86,400 records)", "≤ 50 ms and ≥ 20× the seed table",
			[]string{smQuery, "--db", db, "--since", "1d"},
			[]string{shell, kv, "SELECT key, value, timestamp FROM metrics WHERE timestamp >= '" + day + "'"}, 5,
			func(a, b time.Duration) bool { return a <= 50*time.Millisecond && b >= 20*a }},
		{"query --since 1y --step 1d --agg avg,max --metric disk.used_pct", "≤ 200 ms",
			[]string{smQuery, "--db", db, "--since", "1y", "--step", "1d", "--agg", "avg,max", "--metric", "disk.used_pct"},
			[]string{shell, kv, "SELECT key, date(timestamp), avg(value), max(value) FROM metrics WHERE key LIKE 'disk.used_pct;%' AND timestamp >= '" + year + "' GROUP BY 1, 2"}, 3,
			func(a, b time.Duration) bool { return a <= 200*time.Millisecond }},
	}
	// Each timed sm-query run follows an untimed one: a scan of the seed
	// table, 1.3 GB, pushes everything else out of a small page cache,
	// and a query of a few megabytes would be timed reading the disk.
	// The seed table's own scans read the disk whatever one does.
	var warm func()
	for _, c := range cases {
		var a, b []time.Duration
		warm = func() { run(c.sm, nil) }
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
		rows = append(rows, row{what: c.what, sm: ms(ma), peer: "seed table in sqlite3: " + ms(mb),
			ratio: speed(ma, mb), goal: c.goal, met: c.check(ma, mb), hasVerdict: true})
	}

	// The full dump: a rate, and sm-query's peak memory.
	var a, b []time.Duration
	warm = func() { run([]string{smQuery, "--db", db, "--since", "2y"}, nil) }
	for range 3 {
		d, err := run([]string{smQuery, "--db", db, "--since", "2y"}, warm)
		if err != nil {
			log("%v", err)
			return rows
		}
		a = append(a, d)
		d, err = run([]string{shell, kv, "SELECT * FROM metrics"}, nil)
		if err != nil {
			log("%v", err)
			return rows
		}
		b = append(b, d)
	}
	rss, err := peakRSS([]string{smQuery, "--db", db, "--since", "2y"}, nil, nil)
	if err != nil {
		log("%v", err)
		return rows
	}
	da, db2 := median(a), median(b)
	rows = append(rows,
		row{what: fmt.Sprintf("query --since 2y, a dump of all %.1fM samples", float64(n)/1e6), sm: rate(n, da), peer: "seed table in sqlite3: " + rate(n, db2),
			ratio: speed(da, db2), goal: "≥ 2 M/s", met: float64(n)/da.Seconds() >= 2e6, hasVerdict: true},
		row{what: "query --since 2y, peak RSS", sm: mb(rss), goal: "≤ 30 MB", met: rss <= 30*1024, hasVerdict: true})
	rows = append(rows, benchReport(log, smReport, db)...)
	if fi, err := os.Stat(db); err == nil {
		log("benchmark database: %.1f MB, %.2f B/sample", float64(fi.Size())/1e6, float64(fi.Size())/float64(n))
	}
	return rows
}

// benchReport times sm-report on the benchmark database: the weekly
// report of every host, as text and as HTML, and the check of one host.
// --stale is a day, as the database was made minutes ago.
func benchReport(log func(string, ...any), smReport, db string) []row {
	var rows []row
	for _, c := range []struct {
		what, goal string
		argv       []string
		limit      time.Duration
	}{
		{"report, the last 7 days of all 10 hosts, text", "≤ 300 ms", []string{smReport, "--db", db}, 300 * time.Millisecond},
		{"report, the last 7 days of all 10 hosts, HTML", "≤ 1 s", []string{smReport, "--db", db, "--format", "html"}, time.Second},
		{"report --check, one host", "≤ 20 ms", []string{smReport, "--db", db, "--check", "--host", "web1", "--stale", "1d"}, 20 * time.Millisecond},
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
		rows = append(rows, row{what: c.what, sm: ms(d), goal: c.goal, met: d <= c.limit, hasVerdict: true})
	}
	rss, err := peakRSS([]string{smReport, "--db", db, "--format", "html"}, nil, nil)
	if err != nil {
		log("%v", err)
		return rows
	}
	return append(rows, row{what: "report, HTML, peak RSS", sm: mb(rss)})
}
