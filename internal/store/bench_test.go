package store

import (
	"bytes"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// The microbenchmarks of the storage: run them with make microbench,
// and compare two runs with benchstat. make bench measures the tools
// whole, against their peers.

// blockPoints is a three-hour period of one series at one sample a
// minute, values with two decimals, as most of sm's are.
func blockPoints() []point {
	pts := make([]point, Period/60)
	for i := range pts {
		pts[i] = point{ts: t0 + int64(i)*60, v: float64(1800+i%97*13) / 100}
	}
	return pts
}

// BenchmarkEncodeValues measures a block's encoding as pack does it:
// both ways, deflated, the smaller kept.
func BenchmarkEncodeValues(b *testing.B) {
	pts := blockPoints()
	var sq squeezer
	var data []byte
	b.ReportAllocs()
	for b.Loop() {
		_, data = sq.block(pts)
	}
	b.ReportMetric(float64(len(data))/float64(len(pts)), "bytes/sample")
}

func BenchmarkDecodeValues(b *testing.B) {
	pts := blockPoints()
	e := encodeValues(pts, true, nil)
	out := make([]float64, 0, len(pts))
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if out, err = decodeValues(e, out[:0]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeTimes(b *testing.B) {
	pts := blockPoints()
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = encodeTimes(t0, pts, buf[:0])
	}
}

// BenchmarkWriteBatch stores a batch as a cron run of a busy host does:
// 50 series, one sample each, a minute after the last, into a database
// that already holds a day of them.
func BenchmarkWriteBatch(b *testing.B) {
	c := &clock{now: t0}
	db, err := Open(filepath.Join(b.TempDir(), "m.db"), Options{Wait: 5 * time.Second, Now: c.Now, NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	keys := make([][]byte, 50)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("bench.metric_%d;host=web1", i))
	}
	batch := NewBatch()
	ts := int64(t0)
	store := func() {
		batch.Reset()
		for i, k := range keys {
			batch.Add(k, ts, float64(i)+float64(ts%100)/100)
		}
		if _, err := db.Write(batch); err != nil {
			b.Fatal(err)
		}
		ts += 60
		c.now = ts
	}
	for range 24 * 60 {
		store()
	}
	b.ReportAllocs()
	for b.Loop() {
		store()
	}
	b.ReportMetric(float64(len(keys)), "records/op")
}

// BenchmarkBulkBatch stores batches of 10,000 records, as sm-store does
// from a pipe.
func BenchmarkBulkBatch(b *testing.B) {
	c := &clock{now: t0}
	db, err := Open(filepath.Join(b.TempDir(), "m.db"), Options{Wait: 5 * time.Second, Now: c.Now, NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	keys := make([][]byte, 100)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("bench.metric_%d;host=web1", i))
	}
	batch := NewBatch()
	ts := int64(t0 - 400*86400)
	b.ReportAllocs()
	for b.Loop() {
		batch.Reset()
		for range 100 {
			for i, k := range keys {
				batch.Add(k, ts, float64(i)+float64(ts%1000)/100)
			}
			ts += 60
		}
		if _, err := db.Write(batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(10000, "records/op")
}

// dayRollups is a day of one series' hourly rollups, of the points of
// blockPoints and of byte counts of nine significant digits, as a
// memory figure's are.
func dayRollups() []rollup {
	pts := blockPoints()
	for i := range pts {
		pts[i].ts -= t0 - periodStart(t0)
		if i%2 == 1 {
			pts[i].v = float64(5494932480 + int64(i)*40960)
		}
	}
	return rollups(pts)
}

// BenchmarkReadBlock measures what a query pays for a stored block:
// its values inflated, then its times and values decoded.
func BenchmarkReadBlock(b *testing.B) {
	pts := blockPoints()
	var sq squeezer
	e, data := sq.block(pts)
	data = bytes.Clone(data)
	offsets := encodeTimes(periodStart(t0), pts, nil)
	var f inflater
	var tss []int64
	var vals []float64
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if e.vals, err = f.inflate(data, int64(len(e.vals))); err != nil {
			b.Fatal(err)
		}
		if tss, err = decodeTimes(periodStart(t0), offsets, tss[:0]); err != nil {
			b.Fatal(err)
		}
		if vals, err = decodeValues(e, vals[:0]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadRollups measures what a query pays for a stored day of
// rollups: the row inflated, then decoded.
func BenchmarkReadRollups(b *testing.B) {
	text := encodeRollups(periodStart(t0), dayRollups(), nil)
	var sq squeezer
	data := bytes.Clone(sq.squeeze(text))
	var f inflater
	var out []Rollup
	b.ReportAllocs()
	for b.Loop() {
		got, err := f.inflate(data, int64(len(text)))
		if err == nil {
			out, err = decodeRollups(periodStart(t0), got, out[:0])
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeRollups(b *testing.B) {
	text := encodeRollups(periodStart(t0), dayRollups(), nil)
	var out []Rollup
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if out, err = decodeRollups(periodStart(t0), text, out[:0]); err != nil {
			b.Fatal(err)
		}
	}
}
