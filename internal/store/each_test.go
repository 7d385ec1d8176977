package store

import (
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// TestEachSeries: series in batches are the series of FindSeries, in
// the same order, whatever the batch size; RangeOf reads what Range
// does of the series it is given.
func TestEachSeries(t *testing.T) {
	now := time.Unix(1764028800, 0)
	db, err := Open(filepath.Join(t.TempDir(), "m.db"), Options{NoSync: true, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := NewBatch()
	for i := range 23 {
		b.Add(fmt.Appendf(nil, "m%d;host=h%d", i%4, i), now.Unix()-int64(i), float64(i))
		b.Add(fmt.Appendf(nil, "m%d", i%4), now.Unix()-int64(i), float64(i))
	}
	if _, err := db.Write(b); err != nil {
		t.Fatal(err)
	}
	for _, sel := range []struct{ globs, with, without []string }{
		{}, {globs: []string{"m1", "m3"}}, {with: []string{"host=h5"}}, {without: []string{"host=h5"}},
	} {
		want, err := db.FindSeries(sel.globs, sel.with, sel.without)
		if err != nil || len(want) == 0 {
			t.Fatal(len(want), err)
		}
		for _, n := range []int{1, 5, 7, 100} {
			var got []Series
			batches := 0
			err := db.EachSeries(sel.globs, sel.with, sel.without, n, func(ss []Series) error {
				if len(ss) > n {
					t.Errorf("a batch of %d, more than %d", len(ss), n)
				}
				batches++
				got = append(got, ss...)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%+v, batches of %d: %v, want %v", sel, n, got, want)
			}
			if wantBatches := (len(want) + n - 1) / n; batches < wantBatches {
				t.Errorf("%d batches, want %d at least", batches, wantBatches)
			}
		}
	}
	all, err := db.FindSeries(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := db.Range(now.Unix()-10, now.Unix()+1)
	if err != nil {
		t.Fatal(err)
	}
	some, err := db.RangeOf(now.Unix()-10, now.Unix()+1, []int64{all[0].ID, all[3].ID, all[7].ID})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range all {
		var a, b []float64
		whole.Scan(s.ID, func(_ int64, v float64) error { a = append(a, v); return nil })
		some.Scan(s.ID, func(_ int64, v float64) error { b = append(b, v); return nil })
		if i == 0 || i == 3 || i == 7 {
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s: RangeOf gives %v, Range %v", s.Key(), b, a)
			}
		} else if len(b) > 0 {
			t.Errorf("%s: RangeOf gives samples of a series not asked for", s.Key())
		}
	}
}
