package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sm/internal/query"
	"sm/internal/report/fixture"
)

// fleetMeta says what munin1's plugins say of their graphs, as the
// store keeps it.
func fleetMeta(host, group string) (GroupMeta, bool) {
	graph, ok := strings.CutPrefix(group, "munin.")
	g, known := fixture.MuninGraphs[graph]
	if !ok || !known || host != "munin1" {
		return GroupMeta{}, false
	}
	return GroupMeta{Title: g.Title, VLabel: g.VLabel, Order: g.Order, Labels: g.Labels}, true
}

// fleetReport is the week's report of the fleet, with the Munin
// plugins' config when meta.
func fleetReport(t testing.TB, meta bool) *Report {
	t.Helper()
	var b bytes.Buffer
	if err := fixture.WriteFleet(&b); err != nil {
		t.Fatal(err)
	}
	db := recordsDB(t, b.Bytes())
	o := Options{
		Query: query.Query{From: fixture.Now.Add(-7 * 24 * time.Hour), To: fixture.Now.Add(-time.Second)},
		Now:   fixture.Now,
		Rules: DefaultRules(),
	}
	if meta {
		o.Meta = fleetMeta
	}
	rep, err := Build(db, o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestFleet: on machines as they are, every row of a table and every
// line of a chart can be told apart, no chart mixes units or draws more
// than maxLines lines and a band, the text fits 100 columns, and a
// new host's charts are drawn over its hour.
func TestFleet(t *testing.T) {
	for _, meta := range []bool{false, true} {
		rep := fleetReport(t, meta)
		name := "plain"
		if meta {
			name = "meta"
		}
		t.Run(name, func(t *testing.T) {
			checkFleet(t, rep)
		})
		if meta {
			var text, html bytes.Buffer
			if err := WriteText(&text, rep); err != nil {
				t.Fatal(err)
			}
			if err := WriteHTML(&html, rep); err != nil {
				t.Fatal(err)
			}
			golden(t, "fleet.txt", text.Bytes())
			golden(t, "fleet.html", html.Bytes())
		}
	}
}

func checkFleet(t *testing.T, rep *Report) {
	if len(rep.Hosts) != 4 {
		t.Fatalf("%d hosts, want 4", len(rep.Hosts))
	}
	for _, h := range rep.Hosts {
		for _, g := range h.Groups {
			seen := map[string]bool{}
			for _, r := range g.Rows {
				if seen[r.Label] {
					t.Errorf("%s %s: two rows labelled %q", h.Name, g.Name, r.Label)
				}
				seen[r.Label] = true
			}
		}
		for _, c := range hostCharts(h, rep.From, rep.To) {
			if n := len(c.Series); n > maxLines+1 {
				t.Errorf("chart %s has %d lines", c.Title, n)
			}
			seen := map[string]bool{}
			for _, s := range c.Series {
				if seen[s.Label] {
					t.Errorf("chart %s: two lines labelled %q", c.Title, s.Label)
				}
				seen[s.Label] = true
			}
			if h.Name == "fresh1" && !strings.HasPrefix(c.Note, "data from Wed 25 Nov 06:00") {
				t.Errorf("chart %s of a host an hour old says %q, want data from Wed 25 Nov 06:00 only", c.Title, c.Note)
			}
			if h.Name != "fresh1" && c.Note != "" {
				t.Errorf("chart %s of a host there all week says %q", c.Title, c.Note)
			}
		}
		// A chart never mixes units: every line's row is of the
		// chart's unit.
		for _, g := range h.Groups {
			units := map[string]string{}
			for _, r := range g.Rows {
				units[r.Label] = r.Unit
			}
			for _, c := range hostCharts(Host{Name: h.Name, Groups: []Group{g}}, rep.From, rep.To) {
				for _, s := range c.Series {
					if u, ok := units[s.Label]; ok && u != c.Unit {
						t.Errorf("chart %s (%s) draws %s, in %q", c.Title, c.Unit, s.Label, u)
					}
				}
			}
		}
	}
	var text bytes.Buffer
	if err := WriteText(&text, rep); err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(text.String(), "\n") {
		if n := utf8.RuneCountInString(line); n > textWidth {
			t.Errorf("line %d is %d columns: %s", i+1, n, line)
		}
	}
	// The 12 disks' rows name their disks; none is cut to look like
	// another.
	for _, want := range []string{"read_bytes_per_s sda ", "read_bytes_per_s sdl ", "util_pct sdh "} {
		if !strings.Contains(text.String(), "\n"+want) {
			t.Errorf("no row %q in the text report", want)
		}
	}
}

// TestShortSpan: a week's report of an hour of data draws that hour
// across the chart, as lines rather than lone dots, says so, and marks
// the hour's times on the x axis; a series there all week, or there
// before the week but sparse, is drawn over the week.
func TestShortSpan(t *testing.T) {
	var b bytes.Buffer
	end := fixture.Now.Unix()
	for ts := end - 3600; ts < end; ts += 300 {
		fmt.Fprintf(&b, "load.1m;host=new %d %d\n", ts%7, ts)
	}
	for ts := end - 7*86400; ts < end; ts += 300 {
		fmt.Fprintf(&b, "load.1m;host=old 1 %d\n", ts)
	}
	// Daily, from before the period: its first sample in the period is
	// a day in, and it is no new series.
	for ts := end - 14*86400 + 19*3600; ts < end; ts += 86400 {
		fmt.Fprintf(&b, "backup.duration_s;host=sparse 40 %d\n", ts)
	}
	rep, err := Build(recordsDB(t, b.Bytes()), Options{
		Query: query.Query{From: fixture.Now.Add(-7 * 24 * time.Hour), To: fixture.Now.Add(-time.Second)},
		Now:   fixture.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	charts := map[string]chart{}
	for _, h := range rep.Hosts {
		cs := hostCharts(h, rep.From, rep.To)
		if len(cs) != 1 {
			t.Fatalf("%s: %d charts", h.Name, len(cs))
		}
		charts[h.Name] = cs[0]
	}
	c := charts["new"]
	if c.Note != "data from Wed 25 Nov 06:00 only" {
		t.Errorf("note %q", c.Note)
	}
	if s := c.Series[0]; s.Line == "" || s.Dots != "" {
		t.Errorf("an hour at 5 minutes drawn as line %q and dots %q: want a line", s.Line, s.Dots)
	}
	if len(c.XTicks) < 3 || c.XTicks[0].Label != "06:00" {
		t.Errorf("x axis %v: want the hour's times from 06:00", c.XTicks)
	}
	for _, host := range []string{"old", "sparse"} {
		c := charts[host]
		if c.Note != "" || len(c.XTicks) == 0 || strings.Contains(c.XTicks[0].Label, ":") {
			t.Errorf("%s: note %q, x axis %v; want none, and days", host, c.Note, c.XTicks)
		}
	}
}
