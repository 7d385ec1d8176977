package store

import (
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
)

// TestRangeOfHeld: the blocks RangeOf reads for its whole batch give
// what a query a series gives, the sample table's rows merged in and
// winning a tie, whether the batch's blocks are all held, some of them
// or none.
func TestRangeOfHeld(t *testing.T) {
	c := &clock{t0 + 4*Period + 600}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	var lines []string
	for ts := int64(t0 - Period/2); ts <= c.now; ts += 600 {
		lines = append(lines, fmt.Sprintf("a;host=x %d %d", ts%7, ts), fmt.Sprintf("b;host=x %v %d", float64(ts%1000)/8, ts))
		if ts < t0+Period {
			lines = append(lines, fmt.Sprintf("c;host=y %d %d", ts%5, ts)) // its blocks end on the second day
		}
	}
	lines = append(lines, fmt.Sprintf("d;host=y 9 %d", c.now), fmt.Sprintf("e;host=y 1 %d", t0-3*Period)) // no blocks in range
	write(t, db, lines...)
	if count(t, db, "block") == 0 || count(t, db, "sample") == 0 {
		t.Fatalf("%d blocks, %d rows in the sample table: want some of each", count(t, db, "block"), count(t, db, "sample"))
	}
	ss, err := db.FindSeries(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Rows of the sample table over packed samples, the same times with
	// other values and times between them, as a late batch leaves them.
	for _, r := range []struct {
		id, ts int64
		v      float64
	}{{ss[0].ID, t0 + Period, 100}, {ss[0].ID, t0 + Period + 1, 101}, {ss[1].ID, t0 + 2*Period + 1200, 102}, {ss[2].ID, t0 + Period/2, 103}} {
		insertHot(t, db, r.id, r.ts, r.v)
	}
	var ids []int64
	for i := len(ss) - 1; i >= 0; i-- { // callers' order is not the ids'
		ids = append(ids, ss[i].ID)
	}
	ids = append(ids, ss[1].ID) // twice
	read := func(scan func(id int64, fn func(int64, float64) error) error) []string {
		var out []string
		for _, s := range ss {
			err := scan(s.ID, func(ts int64, v float64) error {
				out = append(out, fmt.Sprintf("%s %v %d", s.Key(), v, ts))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	saved := heldBytesMax
	t.Cleanup(func() { heldBytesMax = saved })
	for _, r := range []struct{ from, to int64 }{
		{t0 + Period/2, t0 + 3*Period + Period/3}, // across days
		{t0 + Period, t0 + Period + 1},            // a tie alone
		{t0 + 3*Period, c.now + 1},                // the open day
		{0, 1 << 40},                              // streamed
		{t0 - 4*Period, t0 - 2*Period},            // before the blocks
	} {
		want := read(func(id int64, fn func(int64, float64) error) error { return db.Scan(id, r.from, r.to, fn) })
		if r.to-r.from > Period && len(want) == 0 {
			t.Fatalf("%d–%d: no samples", r.from, r.to)
		}
		for _, max := range []int{saved, 700, 0} {
			heldBytesMax = max
			rng, err := db.RangeOf(r.from, r.to, ids)
			if err != nil {
				t.Fatal(err)
			}
			held, blocks := len(rng.held.blocks), 0
			for _, bs := range rng.held.blocks {
				blocks += len(bs)
			}
			switch {
			case r.to-r.from > heldPeriods*Period && held > 0:
				t.Errorf("%d–%d: %d series held over a long range", r.from, r.to, held)
			case r.to-r.from <= heldPeriods*Period && max == saved && held != len(ss):
				t.Errorf("%d–%d: %d series held of %d", r.from, r.to, held, len(ss))
			case max == 0 && blocks > 0:
				t.Errorf("%d–%d: %d blocks held with no room", r.from, r.to, blocks)
			}
			if got := read(rng.Scan); !reflect.DeepEqual(got, want) {
				t.Errorf("%d–%d, heldBytesMax %d (%d series held): RangeOf gives\n%q\nScan\n%q", r.from, r.to, max, held, got, want)
			}
		}
	}
	// Some, not all: the series past the bound, the one it cut
	// included, are read on their own.
	heldBytesMax = saved
	rng, err := db.RangeOf(t0+Period/2, t0+3*Period+Period/3, ids)
	if err != nil {
		t.Fatal(err)
	}
	size := 0
	for _, bs := range rng.held.blocks {
		for _, b := range bs {
			size += len(b.vals)
		}
	}
	for _, o := range rng.held.offsets {
		size += len(o)
	}
	heldBytesMax = size - 1
	if rng, err = db.RangeOf(t0+Period/2, t0+3*Period+Period/3, ids); err != nil {
		t.Fatal(err)
	}
	if len(rng.held.blocks) == 0 || len(rng.held.blocks) == len(ss) {
		t.Errorf("a bound of %d bytes of %d holds %d series of %d: want some", heldBytesMax, size, len(rng.held.blocks), len(ss))
	}
	want := read(func(id int64, fn func(int64, float64) error) error {
		return db.Scan(id, t0+Period/2, t0+3*Period+Period/3, fn)
	})
	if got := read(rng.Scan); !reflect.DeepEqual(got, want) {
		t.Errorf("a bound of %d bytes of %d: RangeOf gives\n%q\nScan\n%q", heldBytesMax, size, got, want)
	}
}
