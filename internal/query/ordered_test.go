package query

import (
	"cmp"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sm/internal/record"
	"sm/internal/store"
)

// TestEachOrdered: the series come name by name in the order asked, a
// name's series in the order asked, each name matched exactly however
// many glob characters it holds, and the tag filters still apply.
func TestEachOrdered(t *testing.T) {
	now := int64(1764028800)
	db, err := store.Open(filepath.Join(t.TempDir(), "m.db"), store.Options{Wait: time.Second, Now: func() time.Time { return time.Unix(now, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	keys := []string{"ab;h=1", "a*b;h=1", "a*b;h=2", "a?b;h=1", "a[b;h=1", "a[b];h=1", "axb;h=1", "a.b;h=3", "a.b;h=1", "a.b;h=2", "a.b;h=2;x=1", "z;h=9"}
	b := store.NewBatch()
	for _, k := range keys {
		b.Add([]byte(k), now, 1)
	}
	if _, err := db.Write(b); err != nil {
		t.Fatal(err)
	}
	byName := func(a, b string) int { return strings.Compare(b, a) } // reversed
	byHost := func(a, b []record.Tag) int {                          // by host, reversed
		return cmp.Compare(record.TagValue(b, "h"), record.TagValue(a, "h"))
	}
	tests := []struct {
		sel  Selector
		want []string
	}{
		{Selector{}, []string{"z;h=9", "axb;h=1", "ab;h=1", "a[b];h=1", "a[b;h=1", "a?b;h=1",
			"a.b;h=3", "a.b;h=2", "a.b;h=2;x=1", "a.b;h=1", "a*b;h=2", "a*b;h=1"}},
		{Selector{Metrics: []string{"a*b"}, Tags: []TagFilter{{Key: "h", Op: "!=", Value: "1"}}},
			[]string{"a.b;h=3", "a.b;h=2", "a.b;h=2;x=1", "a*b;h=2"}},
	}
	for _, tt := range tests {
		var got []string
		err := tt.sel.EachOrdered(db, byName, byHost, func(ss []Series) error {
			for _, s := range ss {
				got = append(got, s.Key())
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%v: got\n%q\nwant\n%q", tt.sel, got, tt.want)
		}
	}
}

// TestRunEachLimit: --limit counts across the batches each gives.
func TestRunEachLimit(t *testing.T) {
	db, _, start := testDB(t)
	q := Query{From: time.Unix(start, 0), To: time.Unix(start+3*86400, 0), Limit: 5}
	n := 0
	batches := func(fn func([]Series) error) error {
		return q.Each(db, func(ss []Series) error {
			for i := range ss {
				if err := fn(ss[i : i+1]); err != nil {
					return err
				}
			}
			return nil
		})
	}
	st, err := RunEach(db, q, q.To, batches, func(*record.Record) error { n++; return nil })
	if err != nil || n != 5 || st.Records != 5 {
		t.Errorf("got %d records (%d counted), %v; want 5", n, st.Records, err)
	}
}

func TestGlobQuote(t *testing.T) {
	for in, want := range map[string]string{"disk.used": "disk.used", "a*b?c[d]": "a[*]b[?]c[[]d]", "": ""} {
		if got := GlobQuote(in); got != want {
			t.Errorf("GlobQuote(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestAggregateHoldsNoBuckets: with more buckets than it holds,
// aggregate reads a series once a function, and gives what it gives
// holding them, in the same order; one function it gives as it goes.
func TestAggregateHoldsNoBuckets(t *testing.T) {
	db, _, start := testDB(t)
	defer func(n int64) { maxHeldBuckets = n }(maxHeldBuckets)
	for _, funcs := range [][]Func{{Avg, Max, P50, Rate}, {Stddev}} {
		for _, step := range []time.Duration{time.Minute, 2 * time.Hour} {
			q := Query{From: time.Unix(start+1234, 0), To: time.Unix(start+3*86400-1, 0), Funcs: funcs, Buckets: Buckets{Step: step, Loc: time.UTC}}
			maxHeldBuckets = 1 << 40
			held := run(t, db, q)
			maxHeldBuckets = 10
			streamed := run(t, db, q)
			if len(held) == 0 || !slices.Equal(held, streamed) {
				t.Errorf("%v, step %v: %d records held, %d read a function at a time, or they differ", funcs, step, len(held), len(streamed))
			}
			q.Limit = 7
			if got := run(t, db, q); !slices.Equal(got, held[:7]) {
				t.Errorf("%v, step %v, limit 7: got %q", funcs, step, got)
			}
		}
	}
}
