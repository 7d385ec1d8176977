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
		if p := queryPlan(t, db, q, args...); !strings.Contains(p, "(name>? AND name<?)") || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("%q: plan %q searches no range of names, or sorts", glob, p)
		}
	}
}

// TestHourlyViewSearches: the hourly view of one series, in the sqlite3
// shell as in sm, inflates that series' rollups only, found through the
// indexes, not every row of the table.
func TestHourlyViewSearches(t *testing.T) {
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), &clock{t0})
	if p := queryPlan(t, db, "SELECT * FROM hourly WHERE name = ? AND tags = ?", "load.1m", "host=web1"); !strings.Contains(p, "SEARCH r USING INDEX") || strings.Contains(p, "SCAN r") || strings.Contains(p, "MATERIALIZE") {
		t.Errorf("plan %q reads every rollup", p)
	}
}

// queryPlan returns SQLite's plan of query, its steps joined by "; ".
func queryPlan(t *testing.T, db *DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.conn.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		rows.Scan(&id, &parent, &unused, &detail)
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; ")
}
