package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"sm/internal/peakrss"
	"sm/internal/record"
)

// The site's database: siteHosts hosts of sm-sample's default series,
// a year of them, kept as an installation that keeps raw samples for
// siteRawDays keeps them: a sample a minute over those last days, only
// hourly rollups before.
var (
	siteHosts   = flag.Int("site-hosts", 20, "hosts of the site benchmark")
	siteRawDays = flag.Int("site-raw-days", 30, "days of per-minute samples the site benchmark keeps, the rest of its year as hourly rollups")
)

// generateSite writes the site benchmark's records, series by series:
// a sample an hour up to rawFrom, whose hourly rollups are all that
// stays once the raw retention has pruned, then a sample a minute.
func generateSite(w io.Writer, now int64, hosts, rawDays int) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	end := now - now%60
	rawFrom := end - int64(rawDays)*86400
	start := end - 365*86400
	n := 0
	var line []byte
	for h := range hosts {
		host := newHost(fmt.Sprintf("web%02d", h+1), uint64(h+1))
		for _, s := range host.series {
			i := 0
			emit := func(ts int64) error {
				line = append(line[:0], s.key...)
				line = append(line, ' ')
				line = record.AppendValue(line, s.next(i))
				line = append(line, ' ')
				line = strconv.AppendInt(line, ts, 10)
				line = append(line, '\n')
				i++
				n++
				_, err := bw.Write(line)
				return err
			}
			for ts := start; ts < rawFrom; ts += 3600 {
				if err := emit(ts); err != nil {
					return n, err
				}
			}
			for ts := rawFrom; ts <= end; ts += 60 {
				if err := emit(ts); err != nil {
					return n, err
				}
			}
		}
	}
	return n, bw.Flush()
}

// benchSite builds a year of siteHosts hosts through sm-store, then
// times sm-report --site: the first run, into an empty folder, and the
// next, on the same data, which should write nothing.
func benchSite(log func(string, ...any), tmp string) []row {
	smStore, _ := filepath.Abs(filepath.Join(*bin, "sm-store"))
	smReport, _ := filepath.Abs(filepath.Join(*bin, "sm-report"))
	db := filepath.Join(tmp, "site.db")
	defer clean(db)
	size := fmt.Sprintf("%d hosts × 1 year (%d days at 1/min, hourly rollups before)", *siteHosts, *siteRawDays)

	built := time.Now()
	pr, pw := io.Pipe()
	var n int
	go func() {
		var err error
		n, err = generateSite(pw, time.Now().Unix(), *siteHosts, *siteRawDays)
		pw.CloseWithError(err)
	}()
	if _, err := timed([]string{smStore, "--db", db}, pr); err != nil {
		log("%v", err)
		return nil
	}
	retention := fmt.Sprintf("raw=%dd,hourly=400d", *siteRawDays)
	if _, err := timed([]string{smStore, "--db", db, "--retention", retention, "--compact"}, nil); err != nil {
		log("%v", err)
		return nil
	}
	log("built the site's database, %s: %d records in %v", size, n, time.Since(built).Round(time.Second))

	site := filepath.Join(tmp, "site")
	defer os.RemoveAll(site)
	argv := []string{smReport, "--db", db, "--site", site}
	// The timed runs are the measured ones too: the site's first run
	// is the longest of make bench, too long to run twice more.
	first, firstCPU, rss, err := runMetered(argv)
	if err != nil {
		log("%v", err)
		return nil
	}
	before, err := mtimes(site)
	if err != nil {
		log("%v", err)
		return nil
	}
	again, againCPU, rssAgain, err := runMetered(argv)
	if err != nil {
		log("%v", err)
		return nil
	}
	after, err := mtimes(site)
	if err != nil {
		log("%v", err)
		return nil
	}
	rewritten := 0
	for name, t := range after {
		if !before[name].Equal(t) && name != ".sm-site.lock" {
			rewritten++
		}
	}
	log("site: %d files, first run %v (%v CPU), the next %v (%v CPU), which rewrote %d", len(after),
		first.Round(time.Millisecond), firstCPU.Round(time.Millisecond), again.Round(time.Millisecond), againCPU.Round(time.Millisecond), rewritten)

	// A shared machine's other work shows in the wall times; the
	// processor times are sm's alone.
	load := "unknown"
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			load = strings.Join(f[:3], ", ")
		}
	}
	rows := siteRows(log, db, size, rewritten, len(after), first, firstCPU, again, againCPU)
	return append(rows,
		row{what: "site: the machine's load average (1, 5, 15 min) after the runs", sm: load, goal: "(wall times are sm's when it is below the cores)"},
		row{what: "site, peak RSS, first run and again", sm: mb(rss) + ", " + mb(rssAgain),
			goal: "≤ 100 MB", met: max(rss, rssAgain) <= 100*1024, hasVerdict: true},
	)
}

// Munin, the peer that draws such a site, is not run: munin-graph and
// munin-html redraw every node's graphs every 5 min from its own RRD
// files, which the bench would have to fill with the same year first.
const siteMunin = "Munin: munin-graph and munin-html redraw every node's graphs every 5 min (not run)"

// siteRows judges the site's two runs against the sqlite3 shell summing
// up the database's hourly view, min, max and average of each series
// over the year: the stock tool reading the rollups of every host that
// the site's pages sum up, median of three runs. The first run may take
// 15 times that, for its charts and pages of every host and group, and
// the run on the same data, which rewrites next to nothing, 1.5 times.
func siteRows(log func(string, ...any), db, size string, rewritten, files int, first, firstCPU, again, againCPU time.Duration) []row {
	rows := []row{
		{what: "site, " + size + ": first run", sm: secCPU(first, firstCPU), goal: "≤ 15× sqlite3 summing up the hourly view"},
		{what: fmt.Sprintf("site, the same data again (%d of %d files rewritten)", rewritten, files), sm: secCPU(again, againCPU),
			goal: "≤ 1.5× sqlite3 summing up the hourly view"},
	}
	shell, err := findShell(log)
	if err != nil {
		rows[0].peer = "sqlite3: not installed; " + siteMunin
		return rows
	}
	var ds []time.Duration
	for range 3 {
		d, err := run([]string{shell, db, "SELECT name, tags, min(min), max(max), sum(sum) / sum(count), count(*) FROM hourly GROUP BY name, tags"}, nil)
		if err != nil {
			log("%v", err)
			rows[0].peer = "sqlite3: failed; " + siteMunin
			return rows
		}
		ds = append(ds, d)
	}
	shellRead := median(ds)
	peer := "sqlite3 summing up the hourly view by series: " + ms(shellRead)
	rows[0].peer = peer + "; " + siteMunin
	rows[1].peer = peer
	rows[0].ratio = times(first.Seconds()/shellRead.Seconds()) + " its time"
	rows[1].ratio = times(again.Seconds()/shellRead.Seconds()) + " its time"
	rows[0].met, rows[0].hasVerdict = atMost(first, shellRead, 15, 1), true
	rows[1].met, rows[1].hasVerdict = atMost(again, shellRead, 3, 2), true
	return rows
}

// runMetered runs argv under the peak RSS launcher and returns its wall
// time, its processor time, and its peak resident memory in KiB. The
// launcher's own processor time, which includes its child's (wait4
// counts the children a process has waited for), and its fork add a
// millisecond to runs of seconds.
func runMetered(argv []string) (wall, cpu time.Duration, rss int64, err error) {
	if meter == nil {
		if meter, err = peakrss.New(benchTmp); err != nil {
			return 0, 0, 0, err
		}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	peak, err := meter.Wrap(cmd)
	if err != nil {
		return 0, 0, 0, err
	}
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	b, perr := peak()
	if err != nil {
		return 0, 0, 0, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, stderr.String())
	}
	if perr != nil {
		return 0, 0, 0, perr
	}
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), b / 1024, nil
}

// secCPU writes a wall time and the processor time within it.
func secCPU(wall, cpu time.Duration) string {
	return fmt.Sprintf("%.1f s (%.1f s CPU)", wall.Seconds(), cpu.Seconds())
}

// mtimes returns the modification times of the files in dir.
func mtimes(dir string) (map[string]time.Time, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]time.Time{}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			return nil, err
		}
		out[e.Name()] = fi.ModTime()
	}
	return out, nil
}
