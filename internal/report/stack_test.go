package report

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sm/internal/record"
	"sm/internal/report/fixture"
)

// svcSeries is a series of the services fixture: its tags, whether it
// is a leaf of the cgroup tree, and its value at minute m of the day.
type svcSeries struct {
	tags  string
	leaf  bool
	cpu   func(m int) (float64, bool)
	memMB float64
}

// always is a value that is there at every sample.
func always(v float64) func(int) (float64, bool) {
	return func(m int) (float64, bool) { return v + float64(m%7), true }
}

// servicesFixture is a day of a host's services family every five
// minutes, as sm-sample writes it: slices holding their units, a user's
// service manager holding the user's slices, a folder of containers
// holding one, a container alone at the root, the rest of each slice,
// and a backup that runs at night only.
func servicesFixture() []svcSeries {
	out := []svcSeries{
		{tags: "unit=system.slice", cpu: always(120), memMB: 4000},
		{tags: "unit=user.slice", cpu: always(10), memMB: 600},
		{tags: "unit=user-1000.slice", cpu: always(10), memMB: 600},
		{tags: "unit=user@1000.service", cpu: always(9), memMB: 550},
		{tags: "unit=app.slice;uid=1000", cpu: always(8), memMB: 500},
		{tags: "unit=machine.slice", cpu: always(3), memMB: 300},
		{tags: "cgroup=/docker", cpu: always(6), memMB: 256},
		{tags: "cgroup=/docker/0123abcd", leaf: true, cpu: always(6), memMB: 256},
		{tags: "cgroup=/lxc.payload.web", leaf: true, cpu: always(4), memMB: 200},
		{tags: "unit=postgresql.service", leaf: true, cpu: always(60), memMB: 2048},
		{tags: "unit=nginx.service", leaf: true, cpu: always(25), memMB: 300},
		{tags: "unit=php-fpm.service", leaf: true, cpu: always(20), memMB: 900},
		{tags: "unit=redis-server.service", leaf: true, cpu: always(5), memMB: 400},
		{tags: "unit=firefox.scope;uid=1000", leaf: true, cpu: always(7), memMB: 450},
		{tags: "unit=pipewire.service;uid=1000", leaf: true, cpu: always(1), memMB: 12},
		{tags: "unit=machine-web.scope", leaf: true, cpu: always(3), memMB: 300},
		{tags: "slice=system.slice;unit=other", leaf: true, cpu: always(2), memMB: 150},
		{tags: "slice=-.slice;unit=other", leaf: true, cpu: always(0.5), memMB: 12},
		{tags: "slice=/docker;unit=other", leaf: true, cpu: always(0.1), memMB: 1},
		// At its first sample, then from 02:00 to 03:00 only: in the
		// buckets between, it stacks as 0.
		{tags: "unit=backup.service", leaf: true, memMB: 700, cpu: func(m int) (float64, bool) {
			return 900, m == 0 || m >= 120 && m < 180
		}},
	}
	for i := range 4 {
		out = append(out, svcSeries{tags: fmt.Sprintf("unit=small%d.service", i), leaf: true, cpu: always(1 + float64(i)), memMB: 20})
	}
	return out
}

// servicesRecords writes the fixture as records of host over the day to
// fixture.Now.
func servicesRecords(host string, series []svcSeries) []byte {
	var b bytes.Buffer
	start := fixture.Now.Add(-24 * time.Hour).Unix()
	for m := 0; m < 24*60; m += 5 {
		ts := start + int64(m)*60
		for _, s := range series {
			v, ok := s.cpu(m)
			if !ok {
				continue
			}
			fmt.Fprintf(&b, "svc.cpu_pct;host=%s;%s %g %d\n", host, s.tags, v, ts)
			fmt.Fprintf(&b, "svc.mem_bytes;host=%s;%s %g %d\n", host, s.tags, s.memMB*(1<<20)+float64(m%11)*1e6, ts)
		}
	}
	return b.Bytes()
}

// group returns the group of rep's first host named name.
func hostGroup(t *testing.T, rep *Report, name string) Group {
	t.Helper()
	if len(rep.Hosts) == 0 {
		t.Fatal("the report has no host")
	}
	for _, g := range rep.Hosts[0].Groups {
		if g.Name == name {
			return g
		}
	}
	t.Fatalf("no group %s", name)
	return Group{}
}

// TestStackSums: in each bucket, the layers and the others add up to
// the sum of the leaves' averages in it, computed here from the
// records; the slices and folders that hold the leaves are not in it,
// and a series with no sample in a bucket adds 0 there.
func TestStackSums(t *testing.T) {
	series := servicesFixture()
	rep := dayReport(t, servicesRecords("db1", series))
	g := hostGroup(t, rep, "services")
	if len(g.Stacks) != 2 {
		t.Fatalf("%d stacks, want CPU and memory", len(g.Stacks))
	}
	leaves := leaves(series)
	from := fixture.Now.Add(-24 * time.Hour)
	for _, st := range g.Stacks {
		t.Run(st.Metric, func(t *testing.T) {
			if !st.Start.Equal(from) || !st.End.Equal(fixture.Now.Add(time.Second)) {
				t.Errorf("grid [%v, %v), want the day", st.Start, st.End)
			}
			if len(st.Layers) != maxLines || st.OthersN != leaves-maxLines {
				t.Errorf("%d layers and %d others, want %d and %d", len(st.Layers), st.OthersN, maxLines, leaves-maxLines)
			}
			// The independent sum: each leaf's samples averaged in the
			// bucket they fall in, summed over the leaves.
			span := st.End.Unix() - st.Start.Unix()
			want := make([]float64, ChartBuckets)
			for _, s := range series {
				if !s.leaf {
					continue
				}
				sum, n := make([]float64, ChartBuckets), make([]float64, ChartBuckets)
				for m := 0; m < 24*60; m += 5 {
					v, ok := s.cpu(m)
					if !ok {
						continue
					}
					if st.Metric == "svc.mem_bytes" {
						v = s.memMB*(1<<20) + float64(m%11)*1e6
					}
					k := int64(m) * 60 * ChartBuckets / span
					sum[k] += v
					n[k]++
				}
				for k := range want {
					if n[k] > 0 {
						want[k] += sum[k] / n[k]
					}
				}
			}
			for k := range want {
				got := st.Others[k]
				for _, l := range st.Layers {
					got += l.Values[k]
				}
				if math.Abs(got-want[k]) > 1e-9*want[k] {
					t.Errorf("bucket %d: the stack adds up to %g, the leaves to %g", k, got, want[k])
				}
			}
			// The largest first, and the others the smallest.
			area := func(vs []float64) (a float64) {
				for _, v := range vs {
					a += v
				}
				return a
			}
			for i := 1; i < len(st.Layers); i++ {
				if area(st.Layers[i].Values) > area(st.Layers[i-1].Values)*(1+1e-9) {
					t.Errorf("layer %d (%s) is larger than layer %d (%s)", i, st.Layers[i].Label, i-1, st.Layers[i-1].Label)
				}
			}
			for _, l := range st.Layers {
				if strings.HasSuffix(l.Label, ".slice") || strings.HasPrefix(l.Label, "user@") || l.Label == "/docker" {
					t.Errorf("%s holds other layers, and is one", l.Label)
				}
			}
		})
	}
	// The backup ran from 02:00 to 03:00: it is 0 between its first
	// sample and then, not drawn across.
	cpu := g.Stacks[0]
	i := slices.IndexFunc(cpu.Layers, func(l Layer) bool { return l.Label == "backup.service" })
	if i < 0 {
		t.Fatalf("no backup.service among %v", cpu.Layers)
	}
	bucket := func(m int) int { return m * 60 * ChartBuckets / (24*3600 + 1) }
	for _, m := range []int{60, 100, 200, 600} {
		if v := cpu.Layers[i].Values[bucket(m)]; v != 0 {
			t.Errorf("backup.service at minute %d: %g, want 0", m, v)
		}
	}
	if v := cpu.Layers[i].Values[bucket(150)]; v != 900 {
		t.Errorf("backup.service at 02:30: %g, want 900", v)
	}
}

// TestStackLayers: which series of the services are layers.
func TestStackLayers(t *testing.T) {
	for _, tc := range []struct {
		tags   map[string]string
		layer  bool
		folder string
	}{
		{map[string]string{"unit": "nginx.service"}, true, ""},
		{map[string]string{"unit": "session-3.scope"}, true, ""},
		{map[string]string{"unit": "system.slice"}, false, ""},
		{map[string]string{"unit": "user@1000.service"}, false, ""},
		{map[string]string{"unit": "user@x.service"}, true, ""},
		{map[string]string{"unit": "app.slice", "uid": "1000"}, false, ""},
		{map[string]string{"unit": "other", "slice": "system.slice"}, true, ""},
		{map[string]string{"cgroup": "/docker"}, false, "/docker"},
		{map[string]string{"cgroup": "/docker/0123"}, true, ""},
		{map[string]string{"cgroup": "/system.slice/pods"}, false, "/system.slice/pods"},
		{map[string]string{"cgroup": "/system.slice/pods/a"}, true, ""},
		{map[string]string{}, false, ""},
	} {
		t.Run(fmt.Sprint(tc.tags), func(t *testing.T) {
			layer, folder := svcLayer(tc.tags)
			if layer != tc.layer || folder != tc.folder {
				t.Errorf("svcLayer = %v, %q; want %v, %q", layer, folder, tc.layer, tc.folder)
			}
		})
	}
}

// TestStackBounded: a host with many more units than a stack draws, and
// more folders of containers than it waits for, has a stack of
// maxLines layers and one band of the rest, whose sum is the total
// still.
func TestStackBounded(t *testing.T) {
	var series []svcSeries
	for i := range 300 {
		series = append(series, svcSeries{tags: fmt.Sprintf("unit=s%03d.service", i), leaf: true, cpu: always(float64(i % 50)), memMB: 1})
	}
	for i := range maxFolders + 20 {
		series = append(series, svcSeries{tags: fmt.Sprintf("cgroup=/f%03d", i), leaf: true, cpu: always(1), memMB: 1})
	}
	rep := dayReport(t, servicesRecords("big", series))
	st := hostGroup(t, rep, "services").Stacks[0]
	if len(st.Layers) != maxLines || st.OthersN != len(series)-maxLines {
		t.Errorf("%d layers and %d others, want %d and %d", len(st.Layers), st.OthersN, maxLines, len(series)-maxLines)
	}
	// The first bucket, a 96th of the day and a second, holds the
	// samples of minutes 0, 5, 10 and 15.
	var want, got float64
	for _, s := range series {
		for m := 0; m <= 15; m += 5 {
			v, _ := s.cpu(m)
			want += v / 4
		}
	}
	got = st.Others[0]
	for _, l := range st.Layers {
		got += l.Values[0]
	}
	if math.Abs(got-want) > 1e-9*want {
		t.Errorf("the first bucket adds up to %g, want %g", got, want)
	}
}

// TestStackHostileNames: unit names that would break the page, act on
// a terminal or reverse the text around them are escaped in the
// legend, and a huge one is cut.
func TestStackHostileNames(t *testing.T) {
	hostile := []string{
		`<script>alert(1)</script>.service`,
		"red\x1b[31m.service",
		"\u202eevil.service",
		strings.Repeat("long", 2000) + ".service",
		`"quoted" & 'apos'.service`,
	}
	var series []svcSeries
	for i, h := range hostile {
		tag := string(record.AppendTagValue(nil, h))
		tag = strings.ReplaceAll(tag, "=", `\075`)
		series = append(series, svcSeries{tags: "unit=" + tag, leaf: true, cpu: always(float64(10 * (i + 1))), memMB: 10})
	}
	rep := dayReport(t, servicesRecords("h", series))
	for _, st := range hostGroup(t, rep, "services").Stacks {
		for _, l := range st.Layers {
			if n := utf8.RuneCountInString(l.Label); n > maxLegendLabel {
				t.Errorf("a label of %d runes: %.60s…", n, l.Label)
			}
		}
	}
	var b bytes.Buffer
	if err := WriteHTML(&b, rep); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	checkHTML(t, page, wantCharts(rep)+2)
	// The stacks' own markup: the tables are another test's.
	page = strings.Join(stackCharts(page), "\n")
	if page == "" {
		t.Fatal("no stacked chart")
	}
	for _, bad := range []string{"<script>", "\x1b", "\u202e", strings.Repeat("long", 30)} {
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	if !strings.Contains(page, "&lt;script&gt;") {
		t.Error("the script's name is not in the legend, escaped")
	}
}

// TestStackHTML: the report and the site's host page draw the stacks of
// the services group first, with their legends, and only those.
func TestStackHTML(t *testing.T) {
	rep := dayReport(t, servicesRecords("db1", servicesFixture()))
	var b bytes.Buffer
	if err := WriteHTML(&b, rep); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	checkHTML(t, page, wantCharts(rep)+2)
	for _, want := range []string{
		"db1 · CPU by service (%)", "db1 · memory by service (B)", svcNote,
		"postgresql.service", "backup.service", "firefox.scope uid 1000", "/lxc.payload.web",
		plural(leaves(servicesFixture())-maxLines, "other"),
	} {
		if !strings.Contains(page, strings.ReplaceAll(want, "'", "&#39;")) {
			t.Errorf("the page has no %q", want)
		}
	}
	cpu := strings.Index(page, "CPU by service")
	if line := strings.Index(page, "db1 · services (%)"); cpu < 0 || line < cpu {
		t.Errorf("the stack is not before the line chart of the services (at %d, %d)", cpu, line)
	}

	dir := filepath.Join(t.TempDir(), "site")
	writeSite(t, recordsDB(t, servicesRecords("db1", servicesFixture())), dir)
	pages, err := filepath.Glob(filepath.Join(dir, "host-db1-*.html"))
	if err != nil || len(pages) != 1 {
		t.Fatalf("the host's pages: %v, %v", pages, err)
	}
	host := readFile(t, pages[0])
	for _, want := range []string{"CPU by service", "memory by service", "postgresql.service"} {
		if !strings.Contains(host, want) {
			t.Errorf("the host's page has no %q", want)
		}
	}
}

// leaves counts the leaves of a services fixture.
func leaves(series []svcSeries) int {
	n := 0
	for _, s := range series {
		if s.leaf {
			n++
		}
	}
	return n
}

// stackCharts returns the markup of the stacked charts of a page.
func stackCharts(page string) []string {
	var out []string
	for _, c := range strings.Split(page, `<div class="chart">`)[1:] {
		c, _, _ = strings.Cut(c, "</div>")
		if strings.Contains(c, "Stacked:") {
			out = append(out, c)
		}
	}
	return out
}

func TestStackRuns(t *testing.T) {
	has := []bool{false, true, true, false, true, false, false, false, true}
	for _, tc := range []struct {
		bridge int
		want   [][]int
	}{
		{0, [][]int{{1, 2}, {4}, {8}}},
		{1, [][]int{{1, 2, 4}, {8}}},
		{3, [][]int{{1, 2, 4, 8}}},
	} {
		t.Run(fmt.Sprint(tc.bridge), func(t *testing.T) {
			got := stackRuns(has, tc.bridge)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("stackRuns(bridge %d) = %v, want %v", tc.bridge, got, tc.want)
			}
		})
	}
}

func TestStackPath(t *testing.T) {
	x := func(i int) float64 { return float64(10 * i) }
	y := func(v float64) float64 { return v }
	lower := []float64{0, 1, 2, 3}
	upper := []float64{1, 3, 2, 5}
	for _, tc := range []struct {
		name string
		runs [][]int
		want string
	}{
		{"a run", [][]int{{0, 1}}, "M0,1L10,3L10,1L0,0Z"},
		{"a lone bucket", [][]int{{3}}, "M25,5H35V3H25Z"},
		{"zero throughout draws nothing", [][]int{{2}}, ""},
		{"two runs", [][]int{{0, 1}, {3}}, "M0,1L10,3L10,1L0,0ZM25,5H35V3H25Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := stackPath(tc.runs, lower, upper, x, y, 5); got != tc.want {
				t.Errorf("stackPath = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestStackColours: a series has the same colour in the CPU stack and
// the memory stack, and no two layers of a stack share one.
func TestStackColours(t *testing.T) {
	rep := dayReport(t, servicesRecords("db1", servicesFixture()))
	g := hostGroup(t, rep, "services")
	charts := groupCharts("db1", g, rep.From, rep.To)
	if len(charts) < 2 || !charts[0].Stacked || !charts[1].Stacked {
		t.Fatal("the services' charts do not start with their two stacks")
	}
	seen := map[string]string{}
	shared := 0
	for _, c := range charts[:2] {
		used := map[string]bool{}
		for _, s := range c.Series {
			if used[s.Colour] {
				t.Errorf("%s: two layers are %s", c.Title, s.Colour)
			}
			used[s.Colour] = true
			if s.Others {
				if s.Colour != othersColour {
					t.Errorf("%s: the others are %s, want %s", c.Title, s.Colour, othersColour)
				}
				continue
			}
			if col, ok := seen[s.Label]; ok {
				shared++
				if col != s.Colour {
					t.Errorf("%s is %s in one stack, %s in the other", s.Label, col, s.Colour)
				}
			}
			seen[s.Label] = s.Colour
		}
	}
	if shared < 4 {
		t.Errorf("%d series in both stacks, want 4 at least for the test to mean something", shared)
	}
}

// TestStackProcs: the processes' CPU is stacked by command and user;
// their RSS is not, as shared pages count in each process.
func TestStackProcs(t *testing.T) {
	var b bytes.Buffer
	start := fixture.Now.Add(-24 * time.Hour).Unix()
	for m := 0; m < 24*60; m += 5 {
		ts := start + int64(m)*60
		fmt.Fprintf(&b, "proc.cpu_pct;host=h;comm=postgres;user=postgres 40 %d\n", ts)
		fmt.Fprintf(&b, "proc.cpu_pct;host=h;comm=nginx;user=www-data 10 %d\n", ts)
		fmt.Fprintf(&b, "proc.rss_bytes;host=h;comm=postgres;user=postgres 1e9 %d\n", ts)
		fmt.Fprintf(&b, "procs.blocked;host=h 0 %d\n", ts)
	}
	g := hostGroup(t, dayReport(t, b.Bytes()), "procs")
	if len(g.Stacks) != 1 || g.Stacks[0].Metric != "proc.cpu_pct" {
		t.Fatalf("the stacks of the procs: %+v, want proc.cpu_pct's alone", g.Stacks)
	}
	var labels []string
	for _, l := range g.Stacks[0].Layers {
		labels = append(labels, l.Label)
	}
	if want := []string{"postgres postgres", "nginx www-data"}; !slices.Equal(labels, want) {
		t.Errorf("layers %q, want %q", labels, want)
	}
}

// TestHTMLLabelsBounded: a huge series name is cut in the report's
// table and in its chart's legend, which would otherwise widen the page
// past any window, in the legend to fit a phone's.
func TestHTMLLabelsBounded(t *testing.T) {
	var b bytes.Buffer
	start := fixture.Now.Add(-24 * time.Hour).Unix()
	huge := strings.Repeat("long", 500)
	for m := 0; m < 24*60; m += 5 {
		fmt.Fprintf(&b, "app.x;host=h;name=%s 1 %d\n", huge, start+int64(m)*60)
		fmt.Fprintf(&b, "app.x;host=h;name=short 2 %d\n", start+int64(m)*60)
	}
	var page bytes.Buffer
	if err := WriteHTML(&page, dayReport(t, b.Bytes())); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(page.String(), strings.Repeat("long", maxHTMLLabel/4)) || strings.Contains(page.String(), ">"+strings.Repeat("long", maxLegendLabel/4)) {
		t.Error("the page holds the huge name whole")
	}
	if n := strings.Count(page.String(), "…"); n != 2 {
		t.Errorf("the name shows cut %d times, want in the table and in the legend", n)
	}
}
