package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
)

// TestBestFit: each item is the largest that fits in what its page has
// left, or the largest of all on a new page; every item comes once.
func TestBestFit(t *testing.T) {
	for _, tc := range []struct {
		sizes []int
		room  int
		want  []int
	}{
		{nil, 100, []int{}},
		{[]int{60, 50, 40, 10}, 100, []int{0, 2, 1, 3}},        // 60+40, 50+10
		{[]int{30, 30, 30, 30}, 100, []int{0, 1, 2, 3}},        // three a page, then one, as they came
		{[]int{100, 1, 100, 99}, 100, []int{0, 2, 3, 1}},       // full pages, then 99+1
		{[]int{500, 0, -3, 7}, 100, []int{1, 2, 0, 3}},         // clamped to [0, room]
		{[]int{64, 63, 65, 1, 127}, 128, []int{4, 3, 2, 1, 0}}, // across words of the set
	} {
		if got := bestFit(tc.sizes, tc.room); !slices.Equal(got, tc.want) {
			t.Errorf("bestFit(%v, %d) = %v, want %v", tc.sizes, tc.room, got, tc.want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 100 {
		sizes := make([]int, r.IntN(300))
		for i := range sizes {
			sizes[i] = r.IntN(4089)
		}
		got := bestFit(sizes, 4088)
		seen := slices.Clone(got)
		slices.Sort(seen)
		for i, v := range seen {
			if v != i {
				t.Fatalf("bestFit of %d items gave %v", len(sizes), got)
			}
		}
		// No item could have taken a new page where the page had room.
		left := 0
		for k, i := range got {
			if sizes[i] > left {
				for _, j := range got[k:] {
					if sizes[j] <= left {
						t.Fatalf("item %d (%d bytes) went to a new page where %d (%d bytes) fitted in %d", i, sizes[i], j, sizes[j], left)
					}
				}
				left = 4088
			}
			left -= sizes[i]
		}
	}
}

// TestCellSize: SQLite's measure of a record, on the rows a block table
// has: small, long enough for an overflow page, and on the edge.
func TestCellSize(t *testing.T) {
	blob := func(n int) []byte { return make([]byte, n) }
	for _, tc := range []struct {
		b     dayBlock
		rowid int64
		want  int
	}{
		// header 9 (its length, 8 serial types), body 1+4+1+0+0+0+1+3;
		// 2 pointer + 1 length + 1 rowid.
		{dayBlock{series: 7, t0: 1764028800, times: 3, div: 0, delta: false, size: 5, vals: blob(3)}, 1, 2 + 1 + 1 + 9 + 10},
		// base NULL, div 1, delta, series 300, times 70000; size 200, vals 150 bytes (type 312: 2-byte varint).
		{dayBlock{series: 300, t0: 1764028800, times: 70000, base: nil, div: 1, delta: true, size: 200, vals: blob(150)}, 200, 2 + 2 + 2 + 10 + (2 + 4 + 3 + 0 + 0 + 0 + 2 + 150)},
		// 4,000 bytes: a payload past 4,061 keeps minLocal + the rest modulo 4,092.
		{dayBlock{series: 1, t0: 1764028800, size: 9000, base: int64(-129), div: 100, vals: blob(5000)}, 1, 2 + 2 + 1 + (489 + (10+5009-489)%4092) + 4},
	} {
		if got := tc.b.cellSize(tc.rowid, 4096); got != tc.want {
			t.Errorf("cellSize(%+v) = %d, want %d", tc.b, got, tc.want)
		}
	}
}

// TestDaysFillPages: days of blocks from a few bytes to a few KB, as a
// machine's series give them, take fewer pages written best fit than
// in the order they come, and read back the same.
func TestDaysFillPages(t *testing.T) {
	pages := func(order func([]int, int) []int) (int, []string) {
		defer func(f func([]int, int) []int) { fillOrder = f }(fillOrder)
		fillOrder = order
		day := periodStart(t0)
		c := &clock{day + 10*Period}
		db := openTest(t, filepath.Join(t.TempDir(), "f.db"), c)
		r := rand.New(rand.NewPCG(3, 4))
		for d := range int64(8) {
			var lines []string
			for s := range 40 {
				v, noise := 0.0, []float64{0, 0, 0, 1, 2, 5, 20, 200}[s%8]*float64(1+s%5)
				for ts := day + d*Period; ts < day+(d+1)*Period; ts += 60 {
					v += float64(int(r.Float64()*noise)) / 10
					lines = append(lines, fmt.Sprintf("s%d;host=a %g %d", s, v, ts))
				}
			}
			write(t, db, lines...)
		}
		var n int
		if err := db.conn.QueryRowContext(context.Background(), "SELECT count(*) FROM block").Scan(&n); err != nil || n != 8*40 {
			t.Fatalf("%d blocks, %v", n, err)
		}
		if err := db.Compact(); err != nil {
			t.Fatal(err)
		}
		var pc, free int
		db.conn.QueryRowContext(context.Background(), "PRAGMA page_count").Scan(&pc)
		db.conn.QueryRowContext(context.Background(), "PRAGMA freelist_count").Scan(&free)
		var got []string
		ss, err := db.FindSeries(nil, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ss {
			err := db.Scan(s.ID, 0, day+10*Period, func(ts int64, v float64) error {
				got = append(got, fmt.Sprint(s.Key(), ts, v))
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		// The pages of the block table and its indexes: those a VACUUM
		// without them frees.
		for _, q := range []string{"DROP VIEW metrics", "DROP TABLE block", "VACUUM"} {
			if _, err := db.conn.ExecContext(context.Background(), q); err != nil {
				t.Fatal(err)
			}
		}
		var rest int
		db.conn.QueryRowContext(context.Background(), "PRAGMA page_count").Scan(&rest)
		return pc - free - rest, got
	}
	asCome := func(sizes []int, _ int) []int {
		o := make([]int, len(sizes))
		for i := range o {
			o[i] = i
		}
		return o
	}
	fit, fitRead := pages(bestFit)
	come, comeRead := pages(asCome)
	t.Logf("%d pages of blocks best fit, %d as they come", fit, come)
	if fit*100 > come*92 {
		t.Errorf("%d pages best fit, %d as they come: want 8%% fewer", fit, come)
	}
	if !slices.Equal(fitRead, comeRead) || len(fitRead) != 8*40*1440 {
		t.Errorf("read back %d samples and %d", len(fitRead), len(comeRead))
	}
}
