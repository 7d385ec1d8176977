package smquery

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"sm/internal/format"
	"sm/internal/query"
	"sm/internal/record"
	"sm/internal/store"
)

// stored opens a new database in a test's folder holding one sample of
// each series.
func stored(t *testing.T, series []query.Series) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "m.db"), store.Options{Now: func() time.Time { return time.Unix(1764045000, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	b := store.NewBatch()
	for _, s := range series {
		tags := slices.Clone(s.Tags)
		record.SortTags(tags)
		b.Add(record.AppendSeries(nil, s.Name, tags), 1764045000, 1)
	}
	if _, err := db.Write(b); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestColumns(t *testing.T) {
	series := func(n int, host bool) []query.Series {
		var ss []query.Series
		for i := range n {
			s := query.Series{Tags: []record.Tag{{Key: fmt.Sprintf("k%d", i), Value: "\x1b[2J"}}}
			s.Name = "x"
			if host {
				s.Tags = append(s.Tags, record.Tag{Key: "host", Value: "web1"})
			}
			ss = append(ss, s)
		}
		return ss
	}
	for _, c := range []struct {
		name     string
		series   []query.Series
		agg      bool
		wantCols []string
		wantFold bool
	}{
		{"8 keys and host", series(8, true), false, []string{"host", "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"}, false},
		{"8 keys, host and agg", series(8, true), true, []string{"agg", "host", "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7"}, false},
		{"9 keys", series(9, false), false, nil, true},
		{"5000 keys and host", series(5000, true), true, []string{"agg", "host"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			cols, fold, widths, err := columns(stored(t, c.series), query.Selector{}, c.agg)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(cols, c.wantCols) || fold != c.wantFold {
				t.Errorf("columns %q, fold %v; want %q, %v", cols, fold, c.wantCols, c.wantFold)
			}
			// A tag's width is that of its escaped text: \033[2J.
			last := fmt.Sprintf(`k%d=\033[2J`, len(c.series)-1)
			if fold && widths[format.FoldedColumn] != len(last) {
				t.Errorf("width of the folded column %d, want %d", widths[format.FoldedColumn], len(last))
			}
		})
	}
}
