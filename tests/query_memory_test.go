package tests

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sm/internal/format/term"
	"sm/internal/peakrss"
	"sm/internal/record"
)

// countWriter counts the lines written to it, and drops them.
type countWriter struct{ lines int }

func (c *countWriter) Write(p []byte) (int, error) {
	c.lines += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}

// TestFaultQueryMemory stores scale.records samples, 20 series at one a
// minute (ten million in make test-faults: most of a year), and prints
// them all in every format: each one's peak memory stays under 30 MB,
// where holding the samples would take hundreds. The Prometheus
// formats, which must write a family's lines together, get the
// records family by family; the views bound what they hold. The table,
// which streams once it has laid out its first rows, is left out: it
// takes minutes a million rows.
func TestFaultQueryMemory(t *testing.T) {
	const series = 20
	n := scale.records / series * series
	minutes := n / series
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	smStore, smQuery := built(t, "sm-store"), built(t, "sm-query")
	m, err := peakrss.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// Series by series, as an import would: the fastest way in.
	store := exec.Command(smStore, "--db", db)
	var out bytes.Buffer
	w, storePeak := startMetered(t, m, store, &out, &out)
	start := time.Now().Unix()/60*60 - int64(minutes)*60
	go func() {
		bw := bufio.NewWriterSize(w, 1<<16)
		var b []byte
		for s := range series {
			// Names and hosts cross, so that families and sm's
			// order differ: m.0 of host h1, m_0 of h0, ...
			name := fmt.Sprintf("m%c%d;host=h%d", ".-_"[s%3], s/6, s%2)
			for i := range minutes {
				b = append(b[:0], name...)
				b = append(b, ' ')
				b = record.AppendValue(b, float64(i%997)/8)
				b = fmt.Appendf(b, " %d\n", start+int64(i)*60)
				bw.Write(b)
			}
		}
		bw.Flush()
		w.Close()
	}()
	if err := store.Wait(); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if _, err := storePeak(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		format string
		args   []string
		lines  int // written, or -1 for any
		fails  bool
	}{
		{"graphite", nil, n, false},
		{"json", nil, n, false},
		{"csv", nil, n + 1, false},
		{"tsv", nil, n + 1, false},
		{"influx", nil, n, false},
		// m-0 and m_0 become the same name as m.0: left out.
		{"openmetrics", nil, -1, true},
		{"prom", nil, -1, true},
		{"chart", []string{"--metric", "m.*"}, -1, false},
		// Buckets of a minute, as many as the samples: none held.
		{"graphite", []string{"--step", "1m", "--agg", "avg,max"}, 2 * n, false},
		// The wide table refuses more than MaxWideSamples, having held
		// that many.
		{"wide", nil, -1, n > term.MaxWideSamples},
		{"wide-csv", nil, -1, n > term.MaxWideSamples},
	}
	for _, tt := range tests {
		t.Run(strings.Join(append([]string{tt.format}, tt.args...), " "), func(t *testing.T) {
			cmd := exec.Command(smQuery, append([]string{"--db", db, "--since", "400d", "--format", tt.format}, tt.args...)...)
			var lines countWriter
			var stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &lines, &stderr
			peak, err := m.Wrap(cmd)
			if err != nil {
				t.Fatal(err)
			}
			err = cmd.Run()
			if (err != nil) != tt.fails {
				t.Errorf("exit: %v: %s", err, stderr.String())
			}
			rss, err := peak()
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d samples: %d lines, peak RSS %.1f MB", n, lines.lines, float64(rss)/1e6)
			if tt.lines >= 0 && lines.lines != tt.lines {
				t.Errorf("%d lines, want %d", lines.lines, tt.lines)
			}
			if rss >= 30<<20 {
				t.Errorf("peak RSS %.1f MB, want under 30 MB", float64(rss)/(1<<20))
			}
		})
	}
}
