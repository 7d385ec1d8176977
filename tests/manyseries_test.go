package tests

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sm/internal/peakrss"
	"sm/internal/store"
)

// TestFaultManySeries: on a hub of manySeries series, ten hosts' worth,
// every format of sm-report, its --check and sm-query hold the series
// at hand, not all: each stays under 100 MB of peak memory.
func TestFaultManySeries(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.db")
	db, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Unix()
	b := store.NewBatch()
	for i := range manySeries {
		key := fmt.Sprintf("disk.used_pct;host=h%d;mount=/m%06d", i%10, i)
		for k := range int64(2) {
			b.Add([]byte(key), now-60-(1-k)*3600, float64(i%100))
		}
		if b.Len() >= 100_000 {
			if _, err := db.Write(b); err != nil {
				t.Fatal(err)
			}
			b.Reset()
		}
	}
	if _, err := db.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	meter, err := peakrss.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	report, query := built(t, "sm-report"), built(t, "sm-query")
	for _, tc := range []struct {
		bin  string
		args []string
		code int
		want string
	}{
		{report, []string{"--format", "text"}, 0, "and 14980 more series"},
		{report, []string{"--format", "html"}, 0, "more series"},
		{report, []string{"--format", "json"}, 0, `"more":`},
		{report, []string{"--check", "--crit", "disk.used_pct>98"}, 2, "CRITICAL - "},
		{query, []string{"--since", "1d", "--host", "h1", "--format", "graphite"}, 0, "disk.used_pct;host=h1;mount=/m000001 "},
		{query, []string{"--since", "1d", "--agg", "avg", "--format", "csv"}, 0, "disk.used_pct,"},
		{query, []string{"--since", "1d", "--list", "--format", "json"}, 0, `"name":"disk.used_pct"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			cmd := exec.Command(tc.bin, append([]string{"--db", path}, tc.args...)...)
			var out strings.Builder
			var errb strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &errb
			peak, err := meter.Wrap(cmd)
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Run(); cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != tc.code {
				t.Fatalf("%v (want exit %d): %s", err, tc.code, errb.String())
			}
			if manySeries == 150_000 || !strings.Contains(tc.want, "14980") {
				if !strings.Contains(out.String(), strings.Replace(tc.want, "14980", fmt.Sprint(manySeries/10-20), 1)) {
					t.Errorf("the output does not hold %q", tc.want)
				}
			}
			rss, err := peak()
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d series: peak RSS %.1f MB", manySeries, float64(rss)/1e6)
			if rss >= 100<<20 {
				t.Errorf("peak RSS %.1f MB, want under 100 MB", float64(rss)/(1<<20))
			}
		})
	}
}
