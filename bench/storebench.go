package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"sm/internal/record"
)

// records writes minutes of samples of hosts, in time order (as cron
// streams them) or series by series (as a dump), with their CSV twin
// (series_id,ts,value) for the sqlite3 shell.
func records(hosts, minutes int, seriesOrder bool) (recs, csv []byte) {
	type sample struct {
		key string
		id  int
		ts  int64
		v   float64
	}
	var all []sample
	start := int64(1764000000) - int64(minutes)*60
	var hs []*host
	for i := range hosts {
		hs = append(hs, newHost(fmt.Sprintf("web%d", i+1), uint64(i+1)))
	}
	for m := range minutes {
		id := 0
		for _, h := range hs {
			for _, s := range h.series {
				id++
				all = append(all, sample{s.key, id, start + int64(m)*60, s.next(m)})
			}
		}
	}
	if seriesOrder {
		slices.SortStableFunc(all, func(a, b sample) int { return a.id - b.id })
	}
	var rb, cb bytes.Buffer
	var line []byte
	for _, s := range all {
		line = append(line[:0], s.key...)
		line = append(line, ' ')
		line = record.AppendValue(line, s.v)
		line = append(line, ' ')
		line = strconv.AppendInt(line, s.ts, 10)
		line = append(line, '\n')
		rb.Write(line)
		line = strconv.AppendInt(line[:0], int64(s.id), 10)
		line = append(line, ',')
		line = strconv.AppendInt(line, s.ts, 10)
		line = append(line, ',')
		line = record.AppendValue(line, s.v)
		line = append(line, '\n')
		cb.Write(line)
	}
	return rb.Bytes(), cb.Bytes()
}

// timed runs a command once, its standard input from in, and returns
// its wall time.
func timed(argv []string, in io.Reader) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin = in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("%s: %v: %s", argv[0], err, stderr.String())
	}
	return wall, nil
}

func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

func rate(n int, d time.Duration) string {
	return fmt.Sprintf("%.2f M/s", float64(n)/d.Seconds()/1e6)
}

// speed says how sm's time compares with the peer's for the same work:
// "41× faster", "1.04× slower".
func speed(sm, peer time.Duration) string {
	if sm > peer {
		return times(sm.Seconds()/peer.Seconds()) + " slower"
	}
	return times(peer.Seconds()/sm.Seconds()) + " faster"
}

// sizes says how sm's memory or disk compares with the peer's.
func sizes[T int64 | float64](sm, peer T) string {
	if sm > peer {
		return times(float64(sm)/float64(peer)) + " larger"
	}
	return times(float64(peer)/float64(sm)) + " smaller"
}

// times writes a ratio with the digits that matter: 1.04×, 2.1×, 41×.
func times(r float64) string {
	switch {
	case r < 2:
		return fmt.Sprintf("%.2f×", r)
	case r < 10:
		return fmt.Sprintf("%.1f×", r)
	}
	return fmt.Sprintf("%.0f×", r)
}

// benchBulk compares sm-store fed by a pipe with the sqlite3 shell's
// .import of the same samples as CSV into a WITHOUT ROWID table keyed by
// (series_id, ts), the fastest plain layout, median of three each.
func benchBulk(log func(string, ...any), tmp string) []row {
	shell, err := findShell(log)
	if err != nil {
		log("sqlite3 not found: no bulk ingest comparison")
		return nil
	}
	smStore, _ := filepath.Abs(filepath.Join(*bin, "sm-store"))
	var rows []row
	for _, order := range []struct {
		name   string
		series bool
	}{{"time order", false}, {"series order", true}} {
		recs, csv := records(10, 4*1440, order.series)
		n := bytes.Count(recs, []byte("\n"))
		csvPath := filepath.Join(tmp, "bulk.csv")
		if err := os.WriteFile(csvPath, csv, 0o644); err != nil {
			log("%v", err)
			return rows
		}
		db := filepath.Join(tmp, "bulk.db")
		var sm, imp []time.Duration
		for range 3 {
			clean(db)
			d, err := timed([]string{smStore, "--db", db}, bytes.NewReader(recs))
			if err != nil {
				log("%v", err)
				return rows
			}
			sm = append(sm, d)
			clean(db)
			d, err = timed([]string{shell, db,
				"CREATE TABLE s (series_id INTEGER, ts INTEGER, value REAL, PRIMARY KEY (series_id, ts)) WITHOUT ROWID",
				".mode csv", ".import " + csvPath + " s"}, nil)
			if err != nil {
				log("%v", err)
				return rows
			}
			imp = append(imp, d)
		}
		clean(db)
		a, b := median(sm), median(imp)
		rows = append(rows, row{what: fmt.Sprintf("bulk ingest from a pipe, %s (%.1fM samples)", order.name, float64(n)/1e6),
			sm: rate(n, a), peer: "sqlite3 .import: " + rate(n, b), ratio: speed(a, b),
			goal: "≥ .import", met: a <= b, hasVerdict: true})
	}
	return rows
}

// clean removes a database and its journals, unless -keep.
func clean(db string) {
	if *keep {
		return
	}
	for _, s := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(db + s)
	}
}

// benchCron times a cron-sized batch, 50 records, into a database that
// holds a year of 30 series at one sample a minute, then the whole cron
// minute's processor time on it beside sadc's (benchCronMinute).
func benchCron(log func(string, ...any), tmp string) []row {
	smStore, _ := filepath.Abs(filepath.Join(*bin, "sm-store"))
	db := filepath.Join(tmp, "year30.db")
	defer clean(db)
	const series, minutes = 30, 365 * 1440
	now := time.Now().Unix()
	start := now - minutes*60
	start -= start % 60
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriterSize(pw, 1<<20)
		h := newHost("web1", 7)
		var line []byte
		for s := range series {
			next := h.series[s%len(h.series)].next
			for m := range minutes {
				line = fmt.Appendf(line[:0], "cron.test;host=web1;s=%02d ", s)
				line = record.AppendValue(line, next(m))
				line = append(line, ' ')
				line = strconv.AppendInt(line, start+int64(m)*60, 10)
				line = append(line, '\n')
				w.Write(line)
			}
		}
		w.Flush()
		pw.Close()
	}()
	built := time.Now()
	if _, err := timed([]string{smStore, "--db", db}, pr); err != nil {
		log("%v", err)
		return nil
	}
	log("built a year of 30 series (%d samples) in %v", series*minutes, time.Since(built).Round(time.Millisecond))
	var batch bytes.Buffer
	for i := range 50 {
		fmt.Fprintf(&batch, "cron.test;host=web1;s=%02d %d.5 %d\n", i%series, i, now-int64(i/series)*60)
	}
	peer, err := cronBatchPeer(log, tmp, now, series)
	if err != nil {
		log("%v", err)
	}
	var walls, peerWalls []time.Duration
	for i := -3; i < *runs; i++ {
		d, err := timed([]string{smStore, "--db", db}, bytes.NewReader(batch.Bytes()))
		if err != nil {
			log("%v", err)
			return nil
		}
		var p time.Duration
		if peer != nil {
			if p, err = timed(peer, nil); err != nil {
				log("%v", err)
				return nil
			}
		}
		if i >= 0 {
			walls, peerWalls = append(walls, d), append(peerWalls, p)
		}
	}
	m := median(walls)
	r := row{what: "cron batch: 50 records into a year of 30 series at 1/min, wall (median)", sm: ms(m),
		peer: "sqlite3: not installed", goal: "≤ 2.5× sqlite3 inserting them"}
	if peer != nil {
		p := median(peerWalls)
		r.peer = "sqlite3 inserting them, WAL, synchronous=FULL: " + ms(p)
		r.ratio, r.met, r.hasVerdict = speed(m, p), atMost(m, p, 5, 2), true
	}
	return append([]row{r}, benchCronMinute(log, tmp, db)...)
}

// benchDisk simulates a year of per-minute cron runs of one host and
// measures the database; the seed design's key-value table and a row per
// sample are measured with the same samples for a month.
func benchDisk(log func(string, ...any), tmp string) []row {
	start := time.Now()
	n, size, err := simulateYear(tmp, 365*1440)
	if err != nil {
		log("%v", err)
		return nil
	}
	clean(filepath.Join(tmp, "year.db"))
	log("simulated a year of one host (%d samples) in %v", n, time.Since(start).Round(time.Second))
	smB := float64(size) / float64(n)
	kv, rps, err := peersDisk(tmp, 30*1440)
	if err != nil {
		log("%v", err)
		return nil
	}
	return append([]row{{what: "disk after a year of per-minute writes of one host, rollups included, bytes/sample", sm: fmt.Sprintf("%.2f B", smB),
		peer:  fmt.Sprintf("seed key-value table: %.1f B; a row per sample: %.1f B", kv, rps),
		ratio: sizes(smB, rps) + " than a row per sample", goal: "≤ 1.5 B", met: smB <= 1.5, hasVerdict: true}},
		benchHour(log, tmp)...)
}

// peersDisk stores minutes of the same host's samples in the seed
// design's table (key, value, ISO 8601 time) and in a WITHOUT ROWID
// table of (series_id, ts, value), and returns each one's bytes a sample.
func peersDisk(tmp string, minutes int) (kv, rps float64, err error) {
	measure := func(name, schema, insert string, row func(id int, key string, ts int64, v float64) []any) (float64, error) {
		path := filepath.Join(tmp, name)
		defer clean(path)
		db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=OFF")
		if err != nil {
			return 0, err
		}
		defer db.Close()
		if _, err := db.Exec(schema); err != nil {
			return 0, err
		}
		h := newHost("web1", 1)
		start := int64(1764000000) - int64(minutes)*60
		n := 0
		for day := 0; day < minutes; day += 1440 {
			tx, err := db.Begin()
			if err != nil {
				return 0, err
			}
			st, err := tx.Prepare(insert)
			if err != nil {
				return 0, err
			}
			for m := day; m < day+1440 && m < minutes; m++ {
				for i, s := range h.series {
					if _, err := st.Exec(row(i+1, s.key, start+int64(m)*60, s.next(m))...); err != nil {
						return 0, err
					}
					n++
				}
			}
			if err := tx.Commit(); err != nil {
				return 0, err
			}
		}
		if _, err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
			return 0, err
		}
		fi, err := os.Stat(path)
		if err != nil {
			return 0, err
		}
		return float64(fi.Size()) / float64(n), nil
	}
	kv, err = measure("kv.db", "CREATE TABLE metrics (key TEXT, value FLOAT, timestamp TEXT)",
		"INSERT INTO metrics VALUES (?, ?, ?)",
		func(id int, key string, ts int64, v float64) []any {
			return []any{key, v, time.Unix(ts, 0).UTC().Format("2006-01-02 15:04:05")}
		})
	if err != nil {
		return 0, 0, err
	}
	rps, err = measure("rps.db", "CREATE TABLE s (series_id INTEGER, ts INTEGER, value REAL, PRIMARY KEY (series_id, ts)) WITHOUT ROWID",
		"INSERT INTO s VALUES (?, ?, ?)",
		func(id int, key string, ts int64, v float64) []any { return []any{id, ts, v} })
	return kv, rps, err
}

// benchStoreRSS feeds five million records to sm-store and reads its
// peak RSS. Its batches bound its memory, reached within the first
// million; ten million took 45 s of make bench, and the fault suite
// (make test-faults) holds sm-store to 30 MB over ten million.
func benchStoreRSS(log func(string, ...any), tmp string) []row {
	smStore, _ := filepath.Abs(filepath.Join(*bin, "sm-store"))
	db := filepath.Join(tmp, "rss.db")
	defer clean(db)
	const total = 5_000_000
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriterSize(pw, 1<<20)
		var hs []*host
		for i := range 20 {
			hs = append(hs, newHost(fmt.Sprintf("web%d", i+1), uint64(i+1)))
		}
		start := time.Now().Unix() - total/int64(20*len(hs[0].series))*60
		var line []byte
		n := 0
		for m := 0; n < total; m++ {
			for _, h := range hs {
				for _, s := range h.series {
					if n == total {
						break
					}
					line = append(line[:0], s.key...)
					line = append(line, ' ')
					line = record.AppendValue(line, s.next(m))
					line = append(line, ' ')
					line = strconv.AppendInt(line, start+int64(m)*60, 10)
					line = append(line, '\n')
					w.Write(line)
					n++
				}
			}
		}
		w.Flush()
		pw.Close()
	}()
	start := time.Now()
	rss, err := peakRSS([]string{smStore, "--db", db}, pr, nil)
	d := time.Since(start)
	if err != nil {
		log("%v", err)
		return nil
	}
	return []row{{what: "sm-store, five million records from a pipe: peak RSS", sm: mb(rss),
		peer: "(" + rate(total, d) + ")", goal: "≤ 30 MB", met: rss <= 30*1024, hasVerdict: true}}
}
