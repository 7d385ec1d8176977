package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"sm/internal/query"
	"sm/internal/report/fixture"
)

// TestBounded: a host with 5,000 disks, every one full, makes a report
// of MaxRows rows and MaxHighlights highlights, which counts the rest
// and says how to list them; the JSON says so in fields.
func TestBounded(t *testing.T) {
	const n = 5000
	var b bytes.Buffer
	end := fixture.Now.Unix()
	for i := range n {
		for k := range int64(3) {
			fmt.Fprintf(&b, "disk.used_pct;host=web1;mount=/m%04d 99 %d\n", i, end-3600+k*600)
		}
	}
	fmt.Fprintf(&b, "load.1m;host=web1 0.5 %d\n", end-600)
	rep := dayReport(t, b.Bytes())
	if len(rep.Hosts) != 1 {
		t.Fatalf("%d hosts", len(rep.Hosts))
	}
	var disk *Group
	for i, f := range rep.Hosts[0].Groups {
		if len(f.Rows) > MaxRows {
			t.Errorf("group %s holds %d rows, more than %d", f.Name, len(f.Rows), MaxRows)
		}
		if f.Name == "disk" {
			disk = &rep.Hosts[0].Groups[i]
		}
	}
	if disk == nil || len(disk.Rows) != MaxRows || disk.More != n-MaxRows {
		t.Fatalf("disk group: %+v", disk)
	}
	if want := "sm-query --host web1 --metric 'disk.*' --since @"; !strings.HasPrefix(disk.List, want) || !strings.HasSuffix(disk.List, " --list") {
		t.Errorf("List = %q, want %q…", disk.List, want)
	}
	if disk.Rows[0].Label != "used_pct /m0000" || disk.Rows[MaxRows-1].Label != fmt.Sprintf("used_pct /m%04d", MaxRows-1) {
		t.Errorf("rows from %q to %q, want the first by name", disk.Rows[0].Label, disk.Rows[MaxRows-1].Label)
	}
	if len(rep.Highlights) != MaxHighlights || rep.HighlightsMore != n-MaxHighlights {
		t.Errorf("%d highlights and %d more, want %d and %d", len(rep.Highlights), rep.HighlightsMore, MaxHighlights, n-MaxHighlights)
	}

	var text bytes.Buffer
	if err := WriteText(&text, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		fmt.Sprintf("and %d more series, left out (at most %d a table); list them with:\n  %s\n", n-MaxRows, MaxRows, disk.List),
		fmt.Sprintf("and %d more highlights, less bad, left out (at most %d are shown)\n", n-MaxHighlights, MaxHighlights),
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the text report does not say %q", want)
		}
	}
	if got := strings.Count(text.String(), "used_pct /m"); got != MaxRows+MaxHighlights {
		t.Errorf("the text report names %d disks, want %d", got, MaxRows+MaxHighlights)
	}
	var html bytes.Buffer
	if err := WriteHTML(&html, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), fmt.Sprintf("and %d more series", n-MaxRows)) {
		t.Errorf("the HTML report does not count the series left out")
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		HighlightsMore int `json:"highlights_more"`
		Hosts          []struct {
			Groups []struct {
				Name   string
				Series []any
				More   int
				List   string
			}
		}
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.HighlightsMore != n-MaxHighlights {
		t.Errorf("JSON highlights_more %d", doc.HighlightsMore)
	}
	for _, f := range doc.Hosts[0].Groups {
		if f.Name == "disk" && (len(f.Series) != MaxRows || f.More != n-MaxRows || f.List != disk.List) {
			t.Errorf("JSON disk group: %d series, more %d, list %q", len(f.Series), f.More, f.List)
		}
	}
}

func TestListCommand(t *testing.T) {
	for in, want := range map[string]string{
		"web1":       "--host web1",
		"db-2.lan":   "--host db-2.lan",
		"it's":       `--host 'it'\''s'`,
		"a b":        "--host 'a b'",
		"x;rm -rf":   `--host 'x;rm -rf'`,
		"esc\x1b[2J": `--tag 'host=~esc\x{1b}\[2J'`,
		"":           `--tag 'host=~^$'`,
	} {
		want = "sm-query " + want + " --metric 'load.*' --since @0 --until @60 --list"
		if got := listCommand(in, []string{"load.*"}, time.Unix(0, 0), time.Unix(60, 0)); got != want {
			t.Errorf("listCommand(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestBoundedHosts: of many hosts, the tables of the first MaxHosts
// by name are kept, the rest counted; the title counts them all.
func TestBoundedHosts(t *testing.T) {
	const n = MaxHosts + 50
	var b bytes.Buffer
	end := fixture.Now.Unix()
	// In an order that is not the hosts': the series' names lead.
	for i := range n {
		fmt.Fprintf(&b, "m%03d;host=h%03d 1 %d\n", n-i, i, end-600)
	}
	rep := dayReport(t, b.Bytes())
	if len(rep.Hosts) != MaxHosts || rep.HostsMore != n-MaxHosts {
		t.Fatalf("%d hosts and %d more, want %d and %d", len(rep.Hosts), rep.HostsMore, MaxHosts, n-MaxHosts)
	}
	for i, h := range rep.Hosts {
		if want := fmt.Sprintf("h%03d", i); h.Name != want || len(h.Groups) != 1 {
			t.Errorf("host %d is %s with %d groups, want %s with 1", i, h.Name, len(h.Groups), want)
		}
	}
	var text bytes.Buffer
	if err := WriteText(&text, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{fmt.Sprintf("%d hosts\n", n), fmt.Sprintf("and %d more hosts, left out", n-MaxHosts)} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the text report does not say %q", want)
		}
	}
}

// TestBoundedCheck: a check of many series past a threshold keeps the
// worst MaxProblems problems and the performance data of MaxPerf
// series, and counts the rest.
func TestBoundedCheck(t *testing.T) {
	const n = 300
	var b bytes.Buffer
	end := fixture.Now.Unix()
	for i := range n {
		v := 92 // warning
		if i%100 == 99 {
			v = 99 // critical, the last of each hundred
		}
		fmt.Fprintf(&b, "disk.used_pct;host=web1;mount=/m%04d %d %d\n", i, v, end-60)
	}
	db := recordsDB(t, b.Bytes())
	c, err := RunCheck(db, CheckOptions{Now: fixture.Now, Rules: DefaultRules(), Stale: 15 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != Critical || len(c.Problems) != MaxProblems || c.More != n-MaxProblems || len(c.Perf) != MaxPerf || c.Series != n {
		t.Fatalf("status %s, %d problems and %d more, %d perf, %d series", c.Status, len(c.Problems), c.More, len(c.Perf), c.Series)
	}
	for i, p := range c.Problems {
		if want := map[bool]Level{true: Critical, false: Warning}[i < 3]; p.Level != want {
			t.Errorf("problem %d is %s, want %s: %s", i, p.Level, want, p.Text)
		}
	}
	var out bytes.Buffer
	if err := c.Write(&out); err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(out.String(), "\n")
	if !strings.HasPrefix(first, fmt.Sprintf("CRITICAL - disk.used_pct;host=web1;mount=/m0099 99 > 95, and %d more | ", n-1)) {
		t.Errorf("first line %.120q", first)
	}
	if want := fmt.Sprintf("\nand %d more, less bad (at most %d are listed)\n", n-MaxProblems, MaxProblems); !strings.HasSuffix(out.String(), want) {
		t.Errorf("the check does not end with %q", want)
	}
	if got := strings.Count(out.String(), "\nWARNING - "); got != MaxProblems-3 {
		t.Errorf("%d warnings listed, want %d", got, MaxProblems-3)
	}
}

// dayReport stores records in a new database and builds the report of
// the day to fixture.Now, with the default rules.
func dayReport(t *testing.T, records []byte) *Report {
	t.Helper()
	rep, err := Build(recordsDB(t, records), Options{
		Query: query.Query{From: fixture.Now.Add(-24 * time.Hour), To: fixture.Now},
		Now:   fixture.Now,
		Rules: DefaultRules(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}
