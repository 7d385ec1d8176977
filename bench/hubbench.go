package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"time"

	"sm/internal/peakrss"
	"sm/internal/store"
)

// hubDB makes a hub's database through the store package, as a hub of
// hosts × each series would be after a week: every series a disk with
// a sample three days ago and one a minute ago. Beside them, an
// ordinary host, web1, has 50 series of its own: a query of it should
// not slow down much with the hub's size.
func hubDB(path string, hosts, each int, now int64) error {
	db, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		return err
	}
	b := store.NewBatch()
	for i := range hosts * each {
		key := fmt.Appendf(nil, "disk.used_pct;host=h%d;mount=/m%07d", i%hosts, i)
		b.Add(key, now-3*86400, float64(i%90))
		b.Add(key, now-60, float64(i%90)+1)
		if b.Len() >= 200_000 {
			if _, err := db.Write(b); err != nil {
				db.Close()
				return err
			}
			b.Reset()
		}
	}
	for i := range 50 {
		key := fmt.Appendf(nil, "cpu.busy_pct;core=%d;host=web1", i)
		for m := int64(0); m < 24*60; m += 5 {
			b.Add(key, now-m*60, float64(m%100))
		}
	}
	if _, err := db.Write(b); err != nil {
		db.Close()
		return err
	}
	return db.Close()
}

// benchHub runs the weekly report, the check and a query of one host on
// a hub of 1,000,000 series and on one of 10,000, once each, for peak
// memory, which should not grow with the series, and wall time.
func benchHub(log func(string, ...any), tmp string) []row {
	smReport, _ := filepath.Abs(filepath.Join(*bin, "sm-report"))
	smQuery, _ := filepath.Abs(filepath.Join(*bin, "sm-query"))
	now := time.Now().Unix()
	small, big := filepath.Join(tmp, "hub-small.db"), filepath.Join(tmp, "hub-big.db")
	for _, h := range []struct {
		path        string
		hosts, each int
	}{{small, 10, 1000}, {big, 10, 100_000}} {
		start := time.Now()
		if err := hubDB(h.path, h.hosts, h.each, now); err != nil {
			log("%v", err)
			return nil
		}
		log("hub of %d series made in %v", h.hosts*h.each, time.Since(start).Round(time.Second))
	}
	m, err := peakrss.New(tmp)
	if err != nil {
		log("%v", err)
		return nil
	}
	once := func(argv []string) (time.Duration, int64, error) {
		cmd := exec.Command(argv[0], argv[1:]...)
		peak, err := m.Wrap(cmd)
		if err != nil {
			return 0, 0, err
		}
		start := time.Now()
		err = cmd.Run()
		wall := time.Since(start)
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() <= 3 && argv[len(argv)-1] == "--check" {
			err = nil // a check's status is its finding
		}
		rss, perr := peak()
		if err == nil {
			err = perr
		}
		return wall, rss / 1024, err
	}
	var rows []row
	for _, c := range []struct {
		what string
		args []string
	}{
		{"weekly report, text", []string{smReport}},
		{"weekly report, HTML", []string{smReport, "--format", "html"}},
		{"report --check", []string{smReport, "--check"}},
		{"query --host web1 --since 1d", []string{smQuery, "--host", "web1", "--since", "1d", "--format", "graphite"}},
	} {
		var walls [2]time.Duration
		var rss [2]int64
		for i, db := range []string{small, big} {
			argv := append([]string{c.args[0], "--db", db}, c.args[1:]...)
			if c.what == "report --check" {
				argv = append([]string{c.args[0], "--db", db, "--stale", "1d"}, "--check")
			}
			w, r, err := once(argv)
			if err != nil {
				log("%s: %v", c.what, err)
				return rows
			}
			walls[i], rss[i] = w, r
			log("%s, %s: %v, %s", c.what, filepath.Base(db), w.Round(time.Millisecond), mb(r))
		}
		rows = append(rows,
			row{what: "hub, " + c.what + ", peak RSS", sm: "1,000,000 series: " + mb(rss[1]), peer: "10,000 series: " + mb(rss[0]),
				ratio: sizes(rss[1], rss[0]), goal: "≤ 100 MB", met: rss[1] <= 100*1024, hasVerdict: true},
			row{what: "hub, " + c.what + ", wall", sm: "1,000,000 series: " + ms(walls[1]), peer: "10,000 series: " + ms(walls[0]),
				ratio: speed(walls[1], walls[0])})
		if c.what == "query --host web1 --since 1d" {
			rows[len(rows)-1].goal = "≤ 2× the small hub's"
			rows[len(rows)-1].met = walls[1] <= 2*walls[0]
			rows[len(rows)-1].hasVerdict = true
		}
	}
	return append(rows, benchRefuse(log, tmp, small)...)
}

// benchRefuse feeds the small hub a batch of 1,000,000 new series from
// one host, which the series budget refuses, for sm-store's peak
// memory, and times an ordinary cron batch of web1 before and after:
// a refused flood leaves nothing behind to slow the next run.
func benchRefuse(log func(string, ...any), tmp string, db string) []row {
	smStore, _ := filepath.Abs(filepath.Join(*bin, "sm-store"))
	now := time.Now().Unix()
	cron := func(round int) (time.Duration, error) {
		var walls []time.Duration
		for i := -3; i < *runs; i++ {
			var batch bytes.Buffer
			t := now + int64(round*1000+i+3)
			for c := range 50 {
				fmt.Fprintf(&batch, "cpu.busy_pct;core=%d;host=web1 %d %d\n", c, c, t)
			}
			d, err := timed([]string{smStore, "--db", db}, &batch)
			if err != nil {
				return 0, err
			}
			if i >= 0 {
				walls = append(walls, d)
			}
		}
		return median(walls), nil
	}
	before, err := cron(0)
	if err != nil {
		log("%v", err)
		return nil
	}
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriterSize(pw, 1<<20)
		for i := range 1_000_000 {
			fmt.Fprintf(w, "bomb.x;host=evil;i=%07d 1 %d\n", i, now)
		}
		w.Flush()
		pw.Close()
	}()
	reject := filepath.Join(tmp, "rejected")
	cmd := exec.Command(smStore, "--db", db, "--reject", reject)
	cmd.Stdin = pr
	m, err := peakrss.New(tmp)
	if err != nil {
		log("%v", err)
		return nil
	}
	peak, err := m.Wrap(cmd)
	if err != nil {
		log("%v", err)
		return nil
	}
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	rss, perr := peak()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		log("the bomb: exit %v, want 1: the budget refused nothing", err)
		return nil
	}
	if perr != nil {
		log("%v", perr)
		return nil
	}
	rss /= 1024
	after, err := cron(1)
	if err != nil {
		log("%v", err)
		return nil
	}
	log("refused 1,000,000 series in %v, %s; cron batch %v before, %v after", wall.Round(time.Millisecond), mb(rss), before, after)
	return []row{
		{what: "hub, sm-store refusing a batch of 1,000,000 new series, peak RSS", sm: mb(rss) + " (" + ms(wall) + ")",
			goal: "≤ 30 MB", met: rss <= 30*1024, hasVerdict: true},
		{what: "hub, the next cron batch (50 records) after the refused flood, wall (median)", sm: ms(after), peer: "before it: " + ms(before),
			ratio: speed(after, before), goal: "≤ 2× before", met: after <= 2*before, hasVerdict: true},
	}
}
