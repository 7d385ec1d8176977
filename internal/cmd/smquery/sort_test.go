package smquery

import (
	"bytes"
	"fmt"
	"testing"

	"sm/internal/query"
	"sm/internal/record"
)

// TestSortBound: --sort value holds the series before it prints; past
// maxSorted of them it says so and fails, printing nothing.
func TestSortBound(t *testing.T) {
	defer func(n int) { maxSorted = n }(maxSorted)
	maxSorted = 3
	var series []query.Series
	for i := range 4 {
		s := query.Series{Tags: []record.Tag{{Key: "host", Value: fmt.Sprint("h", i)}}}
		s.Name = "svc.cpu_pct"
		series = append(series, s)
	}
	db := stored(t, series)
	for _, tc := range []struct {
		host string
		code int
	}{
		{"h[0-2]", 0},
		{"h[0-3]", 1},
	} {
		var stdout, stderr bytes.Buffer
		code := Main([]string{"--db", db.Path(), "--at", "@1764045000", "--sort", "value", "--utc", "--tag", "host=~" + tc.host}, nil, &stdout, &stderr)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d; stderr %q", tc.host, code, tc.code, stderr.String())
		}
		if tc.code == 0 {
			if n := bytes.Count(stdout.Bytes(), []byte("\n")); n != 3 {
				t.Errorf("%s: %d lines printed, want 3", tc.host, n)
			}
			continue
		}
		if stdout.Len() > 0 {
			t.Errorf("%s: printed %q", tc.host, stdout.String())
		}
		want := "sm-query: --sort value: more than 3 series have a sample from 2025-11-25 03:30:00 to 2025-11-25 04:30:00: select fewer with --metric, --host or --tag\n"
		if stderr.String() != want {
			t.Errorf("%s: stderr %q, want %q", tc.host, stderr.String(), want)
		}
	}
}
