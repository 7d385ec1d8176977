package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestFindSeriesGlobIndex: the series of one name, or of one glob with
// a literal start, come from a search of the index on (name, tags), in
// the batches EachSeries reads, neither from a scan of every series nor
// through a sort: sm-query reads the families of the Prometheus formats
// one name at a time.
func TestFindSeriesGlobIndex(t *testing.T) {
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), &clock{t0})
	for _, glob := range []string{"disk.used_pct", "disk.*", "a[*]b"} {
		q, args := findQuery([]string{glob}, nil, nil)
		q += " AND (name, tags) > (?, ?) ORDER BY name, tags LIMIT ?"
		args = append(args, "", "", 500)
		rows, err := db.conn.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			rows.Scan(&id, &parent, &unused, &detail)
			plan = append(plan, detail)
		}
		rows.Close()
		if p := strings.Join(plan, "; "); !strings.Contains(p, "(name>? AND name<?)") || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("%q: plan %q searches no range of names, or sorts", glob, p)
		}
	}
}
