package tests

import (
	"bufio"
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sm/internal/query"
	"sm/internal/record"
	"sm/internal/store"
)

// hostileDB stores series at the ends of float64 over the last hours.
func hostileDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := store.Open(path, store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now().Unix()
	b := store.NewBatch()
	for i := range int64(30) {
		ts := now - 7200 + i*240
		alt := 1.7e308
		if i%2 == 1 {
			alt = -1.7e308
		}
		b.Add([]byte("big.up;host=h1"), ts, 1.7e308)
		b.Add([]byte("big.down;host=h1"), ts, -1.79e308)
		b.Add([]byte("big.alt;host=h1"), ts, alt)
		b.Add([]byte("disk.used_pct;host=h1;mount=/"), ts, alt)
		b.Add([]byte("load.1m;host=h1"), ts, 1.7e308)
		b.Add([]byte("tiny;host=h1"), ts, 5e-324*float64(i%3))
	}
	if _, err := db.Write(b); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHostileJSON: every JSON that sm-query and sm-report write of
// values at the ends of float64 parses, whatever the function; the
// records sm-query writes read back; a sum beyond ±MaxFloat64 is left
// out with a warning naming its series, and exit status 1.
func TestHostileJSON(t *testing.T) {
	db := hostileDB(t)
	runCmd := func(name string, args ...string) (string, string, int) {
		var out, errb bytes.Buffer
		code := commands[name](append([]string{"--db", db}, args...), nil, &out, &errb)
		return out.String(), errb.String(), code
	}
	for _, f := range append([]query.Func{""}, query.Funcs...) {
		for _, step := range []string{"", "1h"} {
			if f == "" && step != "" {
				continue
			}
			args := []string{"--since", "3h"}
			if f != "" {
				args = append(args, "--agg", string(f))
			}
			if step != "" {
				args = append(args, "--step", step)
			}
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				for _, format := range []string{"json", "graphite"} {
					out, stderr, code := runCmd("sm-query", append(args, "--format", format)...)
					wantCode := 0
					if f == query.Sum {
						wantCode = 1
						if !strings.Contains(stderr, "big.down;agg=sum;host=h1 at ") || !strings.Contains(stderr, "beyond ±1.8e308") {
							t.Errorf("%s: stderr %q does not name the sum left out", format, stderr)
						}
					} else if stderr != "" {
						t.Errorf("%s: stderr %q", format, stderr)
					}
					if code != wantCode {
						t.Errorf("%s: exit %d, want %d; stderr %q", format, code, wantCode, stderr)
					}
					if out == "" {
						t.Errorf("%s: no output", format)
					}
					sc := bufio.NewScanner(strings.NewReader(out))
					for sc.Scan() {
						line := sc.Bytes()
						if format == "json" {
							var v map[string]any
							if err := json.Unmarshal(line, &v); err != nil {
								t.Errorf("not JSON: %v: %s", err, line)
							}
						} else if _, err := record.Parse(line, 0); err != nil {
							t.Errorf("does not read back: %v", err)
						}
					}
				}
			})
		}
	}
	for _, format := range []string{"json", "text", "markdown", "html"} {
		out, stderr, code := runCmd("sm-report", "--since", "3h", "--format", format)
		if code != 0 {
			t.Errorf("sm-report --format %s: exit %d: %s", format, code, stderr)
		}
		if format == "json" {
			var v map[string]any
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Errorf("sm-report --format json: not JSON: %v", err)
			}
		}
		if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
			t.Errorf("sm-report --format %s holds NaN or Inf", format)
		}
	}
}
