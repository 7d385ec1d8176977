package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"sm/internal/record"
	"sm/internal/store"
)

// hourData is an hour of a real machine's default records at one
// sample every 5 s, kept as bench data: the host renamed web1, and two
// mounts renamed, one a test's scratch mount that came and went.
const hourData = "bench/testdata/hour.txt.gz"

// benchHour loads the recorded hour into a new database, as a day
// already closed, compacts it, and gives its bytes a sample: the whole
// file, and what it takes past an empty database, whose first page of
// every table and index weighs on an hour's samples.
func benchHour(log func(string, ...any), tmp string) []row {
	path := filepath.Join(tmp, "hour.db")
	defer clean(path)
	n, err := loadHour(path)
	if err != nil {
		log("%s: %v", hourData, err)
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		log("%v", err)
		return nil
	}
	empty, err := emptySize(filepath.Join(tmp, "empty.db"))
	if err != nil {
		log("%v", err)
		return nil
	}
	file, data := float64(fi.Size())/float64(n), float64(fi.Size()-empty)/float64(n)
	return []row{{what: fmt.Sprintf("disk for a recorded hour of a real machine at 5 s (%d samples), bytes/sample", n),
		sm:   fmt.Sprintf("%.2f B (%.2f B past an empty database's %d KB)", file, data, empty/1024),
		peer: "Prometheus 2.18, VictoriaMetrics 0.37–0.50 on such an hour (issue 16; make bench-peers)",
		goal: "≤ 1.0 B", met: file <= 1, hasVerdict: true}}
}

// loadHour stores the recorded hour at path, by a clock a day after it,
// and compacts the database; it returns the samples stored.
func loadHour(path string) (int, error) {
	f, err := os.Open(hourData)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return 0, err
	}
	b := store.NewBatch()
	sc := bufio.NewScanner(zr)
	var last int64
	var key []byte
	for line := 1; sc.Scan(); line++ {
		k, v, ts, err := record.ParseKey(sc.Bytes(), 0, key)
		if err != nil {
			return 0, fmt.Errorf("line %d: %v", line, err)
		}
		b.Add(k, ts, v)
		key, last = k, max(last, ts)
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	now := time.Unix(last+2*86400, 0)
	db, err := store.Open(path, store.Options{Now: func() time.Time { return now }, NoSync: true})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if _, err := db.Write(b); err != nil {
		return 0, err
	}
	return b.Len(), db.Compact()
}

// emptySize returns the size of a new database with nothing in it:
// its tables' first pages, which an hour's bytes a sample carry.
func emptySize(path string) (int64, error) {
	defer clean(path)
	db, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		return 0, err
	}
	if err := db.Compact(); err != nil {
		db.Close()
		return 0, err
	}
	db.Close()
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
