package report

import (
	"bytes"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sm/internal/esc"
	"time"
)

func TestGoldenHTML(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHTML(&b, fixtureReport(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.html", b.Bytes())
}

func TestNiceTicks(t *testing.T) {
	const Mi = 1 << 20
	for _, tc := range []struct {
		name   string
		lo, hi float64
		unit   string
		want   []float64
	}{
		// Step 1 gives 0..6 in 7 ticks, step 2 0..6 in 4: 4 is nearer 5.
		{"load", 0.2, 5.2, "", []float64{0, 2, 4, 6}},
		{"percent", 5, 95, "%", []float64{0, 20, 40, 60, 80, 100}},
		// Step 0.1 and step 0.2 are both one tick off 5; 0.5..1 hugs
		// the data closer than 0.4..1.
		{"tie", 0.5, 1, "", []float64{0.5, 0.6, 0.7, 0.8, 0.9, 1}},
		{"negative", -3, 7, "", []float64{-5, 0, 5, 10}},
		// A flat series gets a tenth either side, 36..44.
		{"flat", 40, 40, "%", []float64{36, 38, 40, 42, 44}},
		{"flat at 50", 50, 50, "%", []float64{45, 50, 55}},
		{"flat zero", 0, 0, "", []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		// Bytes step in powers of 1024: 2.86 MiB of span, steps of 1 MiB.
		{"bytes", 2e5, 3.2e6, "B/s", []float64{0, Mi, 2 * Mi, 3 * Mi, 4 * Mi}},
		{"small bytes", 100, 900, "B", []float64{0, 200, 400, 600, 800, 1000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := niceTicks(tc.lo, tc.hi, tc.unit)
			if !slices.EqualFunc(got, tc.want, func(a, b float64) bool { return math.Abs(a-b) < 1e-9*math.Max(1, math.Abs(b)) }) {
				t.Errorf("niceTicks(%g, %g, %q) = %v, want %v", tc.lo, tc.hi, tc.unit, got, tc.want)
			}
		})
	}
}

func TestSeriesPaths(t *testing.T) {
	// b is a bucket with samples; gap one without.
	b := func(lo, avg, hi float64) Bucket { return Bucket{N: 1, Min: lo, Avg: avg, Max: hi} }
	gap := Bucket{}
	// Bucket i at x 10i, a value v at y v, a lone bucket 5 wide either
	// side: the numbers in the paths can be read off the buckets.
	x := func(i int) float64 { return float64(10 * i) }
	y := func(v float64) float64 { return v }
	for _, tc := range []struct {
		name             string
		bs               []Bucket
		bridge           int
		band, line, dots string
	}{
		{name: "no samples", bs: []Bucket{gap, gap}},
		{
			name: "one run",
			bs:   []Bucket{b(1, 2, 3), b(2, 3, 4), b(3, 4, 5)},
			band: "M0,3L10,4L20,5L20,3L10,2L0,1Z",
			line: "M0,2L10,3L20,4",
		},
		{
			name: "a gap splits the run",
			bs:   []Bucket{gap, b(1, 2, 3), b(2, 3, 4), gap, gap, b(0, 1, 2), b(1, 2, 3)},
			band: "M10,3L20,4L20,2L10,1ZM50,2L60,3L60,1L50,0Z",
			line: "M10,2L20,3M50,1L60,2",
		},
		{
			// A lone bucket has no line to draw: a dot at its average,
			// and its band as wide as the bucket.
			name: "lone buckets",
			bs:   []Bucket{b(1, 2, 3), gap, b(4, 4, 4), gap, b(5, 6, 7), b(6, 7, 8)},
			band: "M-5,3H5V1H-5ZM40,7L50,8L50,6L40,5Z",
			line: "M40,6L50,7",
			dots: "M-2.5,2a2.5,2.5 0 1,0 5,0a2.5,2.5 0 1,0 -5,0" + "M17.5,4a2.5,2.5 0 1,0 5,0a2.5,2.5 0 1,0 -5,0",
		},
		{
			// Samples further apart than the buckets are wide: up to
			// bridge empty buckets are no gap, more are.
			name:   "bridged",
			bs:     []Bucket{b(1, 2, 3), gap, gap, b(2, 3, 4), gap, gap, gap, b(0, 1, 2)},
			bridge: 2,
			band:   "M0,3L30,4L30,2L0,1ZM65,2H75V0H65Z",
			line:   "M0,2L30,3",
			dots:   "M67.5,1a2.5,2.5 0 1,0 5,0a2.5,2.5 0 1,0 -5,0",
		},
		{
			name: "rounded to a decimal",
			bs:   []Bucket{b(1.04, 1.25, 1.36), b(-0.01, 0, 0.01)},
			band: "M0,1.4L10,0L10,0L0,1Z",
			line: "M0,1.3L10,0",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			band, line, dots := seriesPaths(tc.bs, x, y, 5, tc.bridge)
			if band != tc.band || line != tc.line || dots != tc.dots {
				t.Errorf("got\nband %q\nline %q\ndots %q\nwant\nband %q\nline %q\ndots %q", band, line, dots, tc.band, tc.line, tc.dots)
			}
		})
	}
}

func TestTimeTicks(t *testing.T) {
	at := func(s string) time.Time {
		t.Helper()
		tm, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, tc := range []struct {
		name     string
		from, to time.Time
		layout   string
		want     []string
	}{
		{"week", at("2026-11-18 07:00"), at("2026-11-25 07:00"), "Mon 2",
			[]string{"Thu 19", "Fri 20", "Sat 21", "Sun 22", "Mon 23", "Tue 24", "Wed 25"}},
		// Eight ticks of 1 hour would be one too many.
		{"eight hours", at("2026-11-18 07:10"), at("2026-11-18 15:10"), "15:04",
			[]string{"08:00", "10:00", "12:00", "14:00"}},
		{"two days", at("2026-11-18 07:00"), at("2026-11-20 07:00"), "15:04",
			[]string{"12:00", "00:00", "12:00", "00:00"}},
		// Weeks start on Mondays.
		{"month", at("2026-11-01 00:00"), at("2026-12-01 00:00"), "2 Jan",
			[]string{"2 Nov", "9 Nov", "16 Nov", "23 Nov", "30 Nov"}},
		{"year", at("2026-01-15 00:00"), at("2027-01-15 00:00"), "Jan 2006",
			[]string{"Apr 2026", "Jul 2026", "Oct 2026", "Jan 2027"}},
		{"from on a tick", at("2026-11-18 00:00"), at("2026-11-21 00:00"), "15:04",
			[]string{"00:00", "12:00", "00:00", "12:00", "00:00", "12:00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ticks, layout := timeTicks(tc.from, tc.to)
			var got []string
			for _, tm := range ticks {
				got = append(got, tm.Format(layout))
			}
			if layout != tc.layout || !slices.Equal(got, tc.want) {
				t.Errorf("timeTicks = %q in %q, want %q in %q", got, layout, tc.want, tc.layout)
			}
		})
	}
}

var (
	chartRE = regexp.MustCompile(`(?s)<svg[^>]*\bclass="chart".*?</svg>`)
	pathRE  = regexp.MustCompile(`<path[^>]*\sd="([^"]*)"`)
	// A reference to anything outside the file; a protocol-relative
	// one too.
	remoteRE = regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*["']?\s*(?:https?:|//)`)
)

// checkHTML fails t unless page holds no script, refers to nothing
// outside itself, and holds charts SVG charts, each with a path to draw.
func checkHTML(t *testing.T, page string, charts int) {
	t.Helper()
	if strings.Contains(strings.ToLower(page), "<script") {
		t.Error("the page holds a script")
	}
	if m := remoteRE.FindString(page); m != "" {
		t.Errorf("the page refers to a remote resource: %s", m)
	}
	svgs := chartRE.FindAllString(page, -1)
	if len(svgs) != charts {
		t.Errorf("the page holds %d charts, want %d", len(svgs), charts)
	}
	for i, svg := range svgs {
		drawn := false
		for _, m := range pathRE.FindAllStringSubmatch(svg, -1) {
			drawn = drawn || strings.TrimSpace(m[1]) != ""
		}
		if !drawn {
			t.Errorf("chart %d has no path to draw: %.300s", i+1, svg)
		}
	}
}

// wantCharts is how many charts a report should have, one for each
// unit of each family of each host.
func wantCharts(rep *Report) int {
	n := 0
	for _, h := range rep.Hosts {
		for _, f := range h.Groups {
			units := map[string]bool{}
			for _, r := range f.Rows {
				units[r.Unit] = true
			}
			n += len(units)
		}
	}
	return n
}

func TestHTMLSelfContained(t *testing.T) {
	rep := fixtureReport(t)
	var b bytes.Buffer
	if err := WriteHTML(&b, rep); err != nil {
		t.Fatal(err)
	}
	if n := wantCharts(rep); n != 10 {
		t.Fatalf("the fixture has %d charts, want 10: web1 load, memory, disk, cpu, net, other; web2 load, disk; web3 load, memory", n)
	}
	checkHTML(t, b.String(), wantCharts(rep))
}

// TestHTMLEscapes feeds the page names that would break it, or run a
// script, were they written as they are.
func TestHTMLEscapes(t *testing.T) {
	const evil = `<script>alert(1)</script><a href="https://example.com/">x</a>`
	from := time.Date(2026, 11, 18, 7, 0, 0, 0, time.UTC)
	to := from.Add(7*24*time.Hour - time.Second)
	chart := make([]Bucket, ChartBuckets)
	for i := range chart {
		chart[i] = Bucket{Start: from.Add(time.Duration(i) * 7 * 24 * time.Hour / ChartBuckets), N: 1, Min: 1, Avg: 2, Max: 3}
	}
	rep := &Report{From: from, To: to, End: to,
		Highlights: []Highlight{{Level: Critical, Kind: KindThreshold, Host: evil, Label: evil, Op: ">", Value: 3, Threshold: 2, Ongoing: true, Since: from}},
		Busiest:    []Busiest{{Host: evil, Series: evil, Hour: from, Avg: 1}},
		Hosts: []Host{{Name: evil, LastSeen: to, Groups: []Group{{Name: "other", Title: "other", Rows: []Row{
			{Label: evil, Unit: evil, Chart: chart, Spark: chart[:SparkBuckets]},
		}}}}},
		Warnings: []string{evil},
	}
	var b bytes.Buffer
	if err := WriteHTML(&b, rep); err != nil {
		t.Fatal(err)
	}
	checkHTML(t, b.String(), 1)
	if !strings.Contains(b.String(), "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the names are not escaped:\n%s", b.String())
	}
}

// TestHTMLShowsHidden: a right-to-left override or a control character
// in a host's or a series' name would reorder or hide what the page
// says around it; the page shows them as escapes, as the text report
// and the site's pages do.
func TestHTMLShowsHidden(t *testing.T) {
	const evil = "web\u202e1\x1b[2J"
	from := time.Date(2026, 11, 18, 7, 0, 0, 0, time.UTC)
	to := from.Add(7*24*time.Hour - time.Second)
	rep := &Report{From: from, To: to, End: to,
		Highlights: []Highlight{{Level: Critical, Kind: KindThreshold, Host: evil, Label: evil, Op: ">", Value: 3, Threshold: 2, Ongoing: true, Since: from}},
		Busiest:    []Busiest{{Host: evil, Series: evil, Hour: from, Avg: 1}},
		Hosts: []Host{{Name: evil, LastSeen: to, Groups: []Group{{Name: "other", Title: evil, Common: evil, Rows: []Row{
			{Label: evil},
		}}}}},
		Warnings: []string{evil},
	}
	var b bytes.Buffer
	if err := WriteHTML(&b, rep); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if strings.ContainsAny(page, "\u202e\x1b") {
		t.Errorf("a hidden character reached the page:\n%q", page)
	}
	if n := strings.Count(page, esc.Text(evil)); n < 6 {
		t.Errorf("%d places show %q, want the host, highlight, busiest hour, heading, row and warning:\n%s", n, esc.Text(evil), page)
	}
}
