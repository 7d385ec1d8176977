package report

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"sm/internal/query"
	"sm/internal/report/fixture"
)

func TestForecast(t *testing.T) {
	// Three points on v = 50 + t/86400, one a day: slope one a day, so
	// 100 is reached 50 days after t = 0.
	pts := [][2]float64{{0, 50}, {86400, 51}, {172800, 52}}
	var st, sv, stt, stv float64
	for _, p := range pts {
		st, sv, stt, stv = st+p[0], sv+p[1], stt+p[0]*p[0], stv+p[0]*p[1]
	}
	at, slope, ok := Forecast(3, st, sv, stt, stv)
	if !ok || math.Abs(slope*86400-1) > 1e-12 || math.Abs(at-50*86400) > 1e-6 {
		t.Errorf("Forecast = %v, %v, %v; want 4320000, 1/86400, true", at, slope, ok)
	}
	// Points off the line: (0,10) (1,30) (2,20); the fit is v = 15 + 5t,
	// which reaches 100 at t = 17.
	at, slope, ok = Forecast(3, 3, 60, 5, 70)
	if !ok || slope != 5 || at != 17 {
		t.Errorf("Forecast = %v, %v, %v; want 17, 5, true", at, slope, ok)
	}
	for _, tc := range []struct {
		name             string
		n                int64
		st, sv, stt, stv float64
	}{
		{"falling", 3, 3, 60, 5, 50},    // (0,30) (1,20) (2,10)
		{"flat", 3, 3, 30, 5, 30},       // all 10
		{"two points", 2, 1, 30, 1, 20}, // (0,10) (1,20)
		{"one time", 3, 3, 30, 3, 30},   // all at t = 1
	} {
		if _, _, ok := Forecast(tc.n, tc.st, tc.sv, tc.stt, tc.stv); ok {
			t.Errorf("%s: Forecast gives a date", tc.name)
		}
	}
}

func TestSlots(t *testing.T) {
	for _, tc := range []struct {
		start, end, t0, step, want int64
	}{
		{0, 3600, 0, 60, 60},  // 0, 60 ... 3540
		{0, 3601, 0, 60, 61},  // and 3600
		{0, 3600, 30, 60, 60}, // 30 ... 3570
		{10, 3600, 0, 60, 59}, // 60 ... 3540
		{0, 7 * 86400, 7200, 86400, 7},
		{-100, 100, 0, 60, 3}, // -60 0 60, and -120 is before
	} {
		if got := slots(tc.start, tc.end, tc.t0, tc.step); got != tc.want {
			t.Errorf("slots(%d, %d, %d, %d) = %d, want %d", tc.start, tc.end, tc.t0, tc.step, got, tc.want)
		}
	}
}

// TestBuildCases checks coverage, change and the forecast on small
// series worked out by hand.
func TestBuildCases(t *testing.T) {
	now := fixture.Now.Unix()
	from := now - 4*3600 // to now, excluded: 240 minutes
	var b strings.Builder
	// Every minute of the period but 60 (one missed hour): 180 of 240.
	for ts := from; ts < now; ts += 60 {
		if ts < from+3600 || ts >= from+7200 {
			fmt.Fprintf(&b, "a;host=h 10 %d\n", ts)
		}
	}
	// The previous period averaged 8: 10 is 25 % up.
	for ts := from - 4*3600; ts < from; ts += 600 {
		fmt.Fprintf(&b, "a;host=h 8 %d\n", ts)
	}
	// A new series, every 10 minutes from its first sample, all there.
	for ts := from + 7200; ts < now; ts += 600 {
		fmt.Fprintf(&b, "b;host=h 1 %d\n", ts)
	}
	// A disk rising 10 an hour, from 40 at the start: 100 two hours after
	// the end.
	for ts := from; ts < now; ts += 60 {
		fmt.Fprintf(&b, "disk.used_pct;host=h;mount=/x %g %d\n", 40+10*float64(ts-from)/3600, ts)
	}
	// Above 90 for minutes 10 to 19 and 30 to 34: two spells, 15m in
	// all, peak 94 in the second.
	for ts := from; ts < now; ts += 60 {
		v, m := 50.0, (ts-from)/60
		if m >= 10 && m < 20 {
			v = 92
		}
		if m >= 30 && m < 35 {
			v = 92 + float64(m-30)/2
		}
		fmt.Fprintf(&b, "mem.used_pct;host=h %g %d\n", v, ts)
	}
	// Host g stops an hour before the end; its load peaks in the hour
	// from the start plus 1h.
	for ts := from; ts < now-3600; ts += 60 {
		v := 1.0
		if ts >= from+3600 && ts < from+7200 {
			v = 3
		}
		fmt.Fprintf(&b, "load.1m;host=g %g %d\n", v, ts)
	}
	db := recordsDB(t, []byte(b.String()))
	rep, err := Build(db, Options{Query: query.Query{From: time.Unix(from, 0).UTC(), To: time.Unix(now-1, 0).UTC()},
		Now: fixture.Now, Rules: DefaultRules()})
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]Row{}
	for _, f := range rep.Hosts[1].Groups {
		for _, r := range f.Rows {
			rows[r.Label] = r
		}
	}
	if r := rows["a"]; r.Samples != 180 || r.Expected != 240 || *r.Coverage != 0.75 || *r.Change != 0.25 {
		t.Errorf("a: %d of %d samples, coverage %v, change %v; want 180 of 240, 0.75, 0.25", r.Samples, r.Expected, *r.Coverage, *r.Change)
	}
	if r := rows["b"]; r.Samples != 12 || r.Expected != 12 || *r.Coverage != 1 || r.Change != nil {
		t.Errorf("b: %d of %d samples, coverage %v, change %v; want 12 of 12, 1, nil", r.Samples, r.Expected, *r.Coverage, r.Change)
	}
	var fc *Highlight
	for i, h := range rep.Highlights {
		if h.Kind == KindForecast {
			fc = &rep.Highlights[i]
		}
	}
	if fc == nil {
		t.Fatalf("no forecast in %+v", rep.Highlights)
	}
	var got []string
	for _, h := range rep.Highlights {
		got = append(got, fmt.Sprintf("%s %s %s", h.Level, h.Host, h.Text(time.UTC)))
	}
	want := []string{
		"CRITICAL g stopped reporting: last sample Wed 25 Nov 05:59",
		"CRITICAL h /x full in ~2 hours (79.8 % now, +240 % a day)",
		"WARNING h mem.used_pct was above 90 for 15m in 2 spells from Wed 25 Nov 03:10, peak 94",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("highlights:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(rep.Busiest) != 1 || rep.Busiest[0].Host != "g" || rep.Busiest[0].Hour.Unix() != from+3600 || rep.Busiest[0].Avg != 3 {
		t.Errorf("busiest %+v: want g, from the start plus 1h, 3", rep.Busiest)
	}
	if fc.Level != Critical || math.Abs(fc.PerDay-240) > 1e-6 || time.Duration(fc.For) != 2*time.Hour {
		t.Errorf("forecast %+v: want critical, 240 a day, full in 2h", *fc)
	}
	if got := fc.Text(time.UTC); got != "/x full in ~2 hours (79.8 % now, +240 % a day)" {
		t.Errorf("forecast says %q", got)
	}
}

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		unit string
		want string
	}{
		{0, "", "0"}, {0.004, "", "0"}, {1.006, "", "1.01"}, {17.46, "%", "17.5"}, {84, "", "84"},
		{9999, "", "9999"}, {12345, "", "12.3k"}, {-2.5e6, "", "-2.5M"},
		{512, "B", "512"}, {1536, "B", "1.5K"}, {24831578112, "B", "23.1G"}, {3e6, "B/s", "2.86M"},
	} {
		if got := Num(tc.v, tc.unit); got != tc.want {
			t.Errorf("Num(%v, %q) = %q, want %q", tc.v, tc.unit, got, tc.want)
		}
	}
	if got := NumUnit(24831578112, "B"); got != "23.1 GB" {
		t.Errorf("NumUnit = %q", got)
	}
	for d, want := range map[time.Duration]string{
		45 * time.Second: "45s", 25 * time.Minute: "25m", 3*time.Hour + 20*time.Minute: "3h20m",
		28 * time.Hour: "1d 4h", 48 * time.Hour: "2d",
	} {
		if got := Span(d); got != want {
			t.Errorf("Span(%v) = %q, want %q", d, got, want)
		}
	}
	c := func(f float64) *float64 { return &f }
	for _, tc := range []struct {
		c    *float64
		want string
	}{{nil, "–"}, {c(0.12), "+12%"}, {c(-0.031), "-3%"}, {c(0.001), "0%"}, {c(12), ">+999%"}} {
		if got := Change(tc.c); got != tc.want {
			t.Errorf("Change(%v) = %q, want %q", tc.c, got, tc.want)
		}
	}
	if got := Coverage(c(0.996)); got != "99%" {
		t.Errorf("Coverage(0.996) = %q: a missed sample must not show as 100%%", got)
	}
	bs := []Bucket{{N: 1, Avg: 0}, {}, {N: 1, Avg: 7}, {N: 1, Avg: 3.5}}
	if got := Spark(bs); got != "▁ █▄" {
		t.Errorf("Spark = %q, want %q", got, "▁ █▄")
	}
}
