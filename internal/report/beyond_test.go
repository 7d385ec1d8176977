package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sm/internal/query"
	"sm/internal/report/fixture"
)

// hostileRecords are series whose values lie at the ends of float64:
// their sums, spreads and slopes overflow when added up naively.
func hostileRecords() []byte {
	var b bytes.Buffer
	end := fixture.Now.Unix()
	for i := range int64(200) {
		ts := end - 6*86400 + i*2400
		big := 1.7e308
		alt := big
		if i%2 == 1 {
			alt = -big
		}
		fmt.Fprintf(&b, "load.1m;host=h1 %g %d\n", big, ts)
		fmt.Fprintf(&b, "cpu.busy_pct;host=h1 %g %d\n", alt, ts)
		fmt.Fprintf(&b, "disk.used_pct;host=h1;mount=/ %g %d\n", -big+float64(i)*5e305, ts)
		fmt.Fprintf(&b, "disk.used_pct;host=h1;mount=/up %g %d\n", float64(i)*8e305, ts)
		fmt.Fprintf(&b, "mem.used_bytes;host=h1 %g %d\n", math.MaxFloat64, ts)
		fmt.Fprintf(&b, "net.rx_bytes_per_s;host=h1;dev=eth0 %g %d\n", -math.MaxFloat64, ts)
		fmt.Fprintf(&b, "app.tiny;host=h1 %g %d\n", 5e-324*float64(i%3), ts)
	}
	// The previous week, for the change column.
	fmt.Fprintf(&b, "load.1m;host=h1 %g %d\n", -1.7e308, end-10*86400)
	fmt.Fprintf(&b, "app.tiny;host=h1 %g %d\n", 5e-324, end-10*86400)
	return b.Bytes()
}

// TestHostileValues: a report of values at the ends of float64 holds
// finite numbers only: its JSON parses, its SVGs have no NaN or Inf,
// its text stays within 100 columns.
func TestHostileValues(t *testing.T) {
	db := recordsDB(t, hostileRecords())
	rep, err := Build(db, Options{
		Query: query.Query{From: fixture.Now.Add(-7 * 24 * time.Hour), To: fixture.Now},
		Now:   fixture.Now,
		Rules: DefaultRules(),
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, write := range map[string]func(io.Writer, *Report) error{
		"text": WriteText, "markdown": WriteMarkdown, "json": WriteJSON, "html": WriteHTML,
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := write(&b, rep); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			switch name {
			case "json":
				var v any
				if err := json.Unmarshal(b.Bytes(), &v); err != nil {
					t.Fatalf("not JSON: %v\n%s", err, out)
				}
			case "text":
				for i, line := range strings.Split(out, "\n") {
					if n := utf8.RuneCountInString(line); n > 100 {
						t.Errorf("line %d is %d columns wide: %s", i+1, n, line)
					}
				}
			case "html":
				for _, attr := range regexp.MustCompile(`\b(d|x|y|x1|x2|y1|y2|cx|cy)="[^"]*"`).FindAllString(out, -1) {
					if strings.Contains(attr, "NaN") || strings.Contains(attr, "Inf") {
						t.Errorf("SVG attribute %s", attr)
					}
				}
			}
			if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
				t.Errorf("NaN or Inf in the %s report:\n%s", name, out)
			}
		})
	}
	for _, h := range rep.Highlights {
		if h.Kind == KindForecast && (math.IsInf(h.PerDay, 0) || math.IsNaN(h.PerDay)) {
			t.Errorf("forecast %+v", h)
		}
	}
	for _, b := range rep.Busiest {
		if b.Avg != 1.7e308 && b.Series == "load.1m" {
			t.Errorf("busiest hour of load.1m: avg %v, want 1.7e308", b.Avg)
		}
	}
}

func TestChangeHuge(t *testing.T) {
	for _, tc := range []struct {
		a, b float64
		want float64
		ok   bool
	}{
		{-1.7e308, 1.7e308, 2, true},
		{1.7e308, -1.7e308, -2, true},
		{5e-324, 1.7e308, 0, false},
		{1, 2, 1, true},
	} {
		got, ok := change(tc.a, tc.b)
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("change(%g, %g) = %v, %v; want %v, %v", tc.a, tc.b, got, ok, tc.want, tc.ok)
		}
	}
}

func TestTicksHuge(t *testing.T) {
	for _, r := range [][2]float64{{-1.7e308, 1.7e308}, {1e308, 1.7e308}, {1.7e308, 1.7e308}, {-1.7e308, -1.7e308}, {-math.MaxFloat64, math.MaxFloat64}} {
		ticks := niceTicks(r[0], r[1], "")
		for _, v := range ticks {
			if math.IsInf(v, 0) || math.IsNaN(v) {
				t.Errorf("niceTicks(%g, %g) = %v", r[0], r[1], ticks)
			}
		}
		if ticks[0] > r[0] || ticks[len(ticks)-1] < r[1] && r[1] < 1.7e308 {
			t.Errorf("niceTicks(%g, %g) = %v: does not span the range", r[0], r[1], ticks)
		}
	}
}

// TestTicksTiny: ranges among the smallest numbers, where a step of
// ticks rounds to 0, still get an axis.
func TestTicksTiny(t *testing.T) {
	for _, r := range [][2]float64{{5e-324, 1e-323}, {0, 1e-320}, {5e-324, 5e-324}, {-1e-323, 0}} {
		ticks := niceTicks(r[0], r[1], "")
		if len(ticks) < 2 || len(ticks) > 20 {
			t.Errorf("niceTicks(%g, %g) = %v", r[0], r[1], ticks)
		}
		for _, v := range ticks {
			if f := fraction(v, ticks[0], ticks[len(ticks)-1]); math.IsNaN(f) || f < 0 || f > 1 {
				t.Errorf("fraction(%g) = %v", v, f)
			}
		}
	}
}
