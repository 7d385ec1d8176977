package report

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sm/internal/query"
	"sm/internal/record"
	"sm/internal/report/fixture"
	"sm/internal/store"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// fixtureDB stores the fixture's records in a new database.
func fixtureDB(t testing.TB) *store.DB {
	t.Helper()
	var buf bytes.Buffer
	if err := fixture.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return recordsDB(t, buf.Bytes())
}

// recordsDB stores records, one a line, in a new database.
func recordsDB(t testing.TB, records []byte) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "fixture.db"), store.Options{NoSync: true, Now: func() time.Time { return fixture.Now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.SetPolicy(store.Policy{}); err != nil {
		t.Fatal(err)
	}
	b := store.NewBatch()
	var key []byte
	for _, line := range bytes.Split(bytes.TrimSpace(records), []byte("\n")) {
		k, v, ts, err := record.ParseKey(line, fixture.Now.Unix(), key)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		b.Add(k, ts, v)
		key = k
	}
	if _, err := db.Write(b); err != nil {
		t.Fatal(err)
	}
	return db
}

// fixtureReport is the report of the fixture's last 7 days, in UTC.
func fixtureReport(t testing.TB) *Report {
	t.Helper()
	db := fixtureDB(t)
	rep, err := Build(db, Options{
		Query: query.Query{From: fixture.Now.Add(-7 * 24 * time.Hour), To: fixture.Now},
		Now:   fixture.Now,
		Rules: DefaultRules(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the report writes now (go test -update rewrites it); got:\n%s", path, got)
	}
}

func TestGolden(t *testing.T) {
	rep := fixtureReport(t)
	for _, tc := range []struct {
		file  string
		write func(*bytes.Buffer, *Report) error
	}{
		{"report.txt", func(b *bytes.Buffer, r *Report) error { return WriteText(b, r) }},
		{"report.md", func(b *bytes.Buffer, r *Report) error { return WriteMarkdown(b, r) }},
		{"report.json", func(b *bytes.Buffer, r *Report) error { return WriteJSON(b, r) }},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b, rep); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.file, b.Bytes())
		})
	}
}

// TestTextWidth keeps the text report within 100 columns, for mail.
func TestTextWidth(t *testing.T) {
	var b bytes.Buffer
	if err := WriteText(&b, fixtureReport(t)); err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(b.String(), "\n") {
		if n := utf8.RuneCountInString(line); n > 100 {
			t.Errorf("line %d is %d columns wide: %s", i+1, n, line)
		}
	}
}

// TestEmpty writes each format of a report that found nothing: each
// says plainly of what and when there are no samples, not that nothing
// needs attention.
func TestEmpty(t *testing.T) {
	hour := query.Query{From: fixture.Now.Add(-time.Hour), To: fixture.Now.Add(-time.Second)}
	withSel := func(q query.Query, sel query.Selector) query.Query { q.Selector = sel; return q }
	empty, err := store.Open(filepath.Join(t.TempDir(), "empty.db"), store.Options{NoSync: true, Now: func() time.Time { return fixture.Now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { empty.Close() })
	tests := []struct {
		name string
		db   *store.DB
		q    query.Query
		now  time.Time
		want string
	}{
		{"metric", fixtureDB(t), withSel(hour, query.Selector{Metrics: []string{"nothing", "nor.this"}}), fixture.Now,
			"No samples of metric nothing or nor.this, from 2026-11-25 06:00 to 2026-11-25 06:59 (1h)."},
		{"host", fixtureDB(t), withSel(hour, query.Selector{Tags: []query.TagFilter{{Key: "host", Op: "=", Value: "nosuch"}}}), fixture.Now,
			"No samples of host=nosuch, from 2026-11-25 06:00 to 2026-11-25 06:59 (1h)."},
		{"empty database", empty, hour, fixture.Now,
			"No samples from 2026-11-25 06:00 to 2026-11-25 06:59 (1h)."},
		{"in progress", empty, hour, fixture.Now.Add(-30 * time.Minute),
			"No samples from 2026-11-25 06:00 to now (30m so far)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Build(tt.db, Options{Query: tt.q, Now: tt.now, Rules: DefaultRules()})
			if err != nil {
				t.Fatal(err)
			}
			if rep.NoData != tt.want {
				t.Errorf("NoData = %q, want %q", rep.NoData, tt.want)
			}
			for name, write := range map[string]func(io.Writer, *Report) error{
				"text": WriteText, "markdown": WriteMarkdown, "json": WriteJSON, "html": WriteHTML,
			} {
				var b bytes.Buffer
				if err := write(&b, rep); err != nil {
					t.Errorf("%s: %v", name, err)
				}
				if strings.Contains(b.String(), "Nothing needs attention.") {
					t.Errorf("%s says that nothing needs attention:\n%s", name, b.String())
				}
				want := tt.want
				if name == "json" {
					want = `"no_data": "` + tt.want + `"`
					if !strings.Contains(b.String(), `"highlights": [],`) {
						t.Errorf("json: highlights are not an empty list:\n%s", b.String())
					}
				}
				if !strings.Contains(b.String(), want) {
					t.Errorf("%s does not say %q:\n%s", name, want, b.String())
				}
			}
		})
	}
}
