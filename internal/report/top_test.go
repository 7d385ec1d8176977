package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sm/internal/query"
	"sm/internal/record"
	"sm/internal/report/fixture"
	"sm/internal/store"
)

// A line of records: a series, by name and tags as KEY=VALUE pairs,
// its value at every minute of [from, to).
type topSeries struct {
	name     string
	tags     []string
	v        float64
	from, to int64 // minutes before fixture.Now
}

func topRecords(t *testing.T, ss []topSeries) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, s := range ss {
		var tags []record.Tag
		for _, kv := range s.tags {
			k, v, _ := strings.Cut(kv, "=")
			tags = append(tags, record.Tag{Key: k, Value: v})
		}
		if err := record.SortTags(tags); err != nil {
			t.Fatal(err)
		}
		key := record.AppendSeries(nil, s.name, tags)
		for m := s.from; m > s.to; m-- {
			fmt.Fprintf(&b, "%s %g %d\n", key, s.v, fixture.Now.Unix()-m*60)
		}
	}
	return b.Bytes()
}

// busyHost is a host busy in the hour from 05:00 to 06:00, 2 hours
// before fixture.Now, at 90 % against 10 % the rest of the day.
func busyHost(host string) []topSeries {
	return []topSeries{
		{"cpu.busy_pct", []string{"host=" + host}, 10, 24 * 60, 120},
		{"cpu.busy_pct", []string{"host=" + host}, 90, 120, 60},
		{"cpu.busy_pct", []string{"host=" + host}, 10, 60, 0},
	}
}

// TestBusiestTop: a busiest hour names the services and the commands
// that used the CPU in it, from that hour alone: the top MaxTop of
// each above minTopPct, services first, each cgroup once (not the
// slices, folders and managers that hold others), each command once
// whatever its users, averaged over the hour's samples.
func TestBusiestTop(t *testing.T) {
	var ss []topSeries
	for _, h := range []string{"a", "b", "c"} {
		ss = append(ss, busyHost(h)...)
	}
	svc := func(v float64, tags ...string) topSeries {
		return topSeries{"svc.cpu_pct", append([]string{"host=a"}, tags...), v, 120, 60}
	}
	proc := func(host string, v float64, from, to int64, tags ...string) topSeries {
		return topSeries{"proc.cpu_pct", append([]string{"host=" + host}, tags...), v, from, to}
	}
	ss = append(ss,
		svc(75, "unit=system.slice"),
		svc(60, "unit=postgresql.service"),
		svc(12, "unit=nginx.service"),
		svc(0.5, "unit=cron.service"),
		svc(2, "unit=other", "slice=system.slice"),
		svc(30, "cgroup=/docker"),
		svc(29, "cgroup=/docker/abc"),
		svc(20, "unit=user@1000.service"),
		svc(19, "unit=app.service", "uid=1000"),
		// Busier outside the hour: not counted.
		topSeries{"svc.cpu_pct", []string{"host=a", "unit=backup.service"}, 300, 600, 120},
		proc("a", 40, 120, 60, "comm=postgres", "user=postgres"),
		proc("a", 10, 120, 60, "comm=postgres", "user=root"),
		proc("a", 11, 120, 60, "comm=nginx", "user=www-data"),
		proc("a", 20, 120, 90, "comm=gzip", "user=root"), // half the hour: 10 over it
		proc("a", 0.5, 120, 60, "comm=sshd", "user=root"),
		proc("a", 500, 60, 0, "comm=make", "user=root"),
		proc("b", 80, 120, 60, "comm=java", "user=app"),
	)
	rep := dayReport(t, topRecords(t, ss))
	want := map[string]string{
		"a": "postgresql.service 60 %, /docker/abc 29 %, app.service 19 %; postgres 50 %, nginx 11 %, gzip 10 %",
		"b": "java 80 %",
		"c": "",
	}
	if len(rep.Busiest) != 3 {
		t.Fatalf("busiest %+v, want one of each host", rep.Busiest)
	}
	for _, b := range rep.Busiest {
		if got := topText(b.Top, topNameWidth); got != want[b.Host] {
			t.Errorf("%s: top %q, want %q", b.Host, got, want[b.Host])
		}
		if !b.Hour.Equal(fixture.Now.Add(-2 * time.Hour)) {
			t.Errorf("%s: busiest hour %v", b.Host, b.Hour)
		}
	}
	var text bytes.Buffer
	if err := WriteText(&text, rep); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"a    cpu.busy_pct    Wed 25 Nov 05:00 90 % postgresql.service 60 %, /docker/abc 29 %; postgres 50 %\n",
		"b    cpu.busy_pct    Wed 25 Nov 05:00 90 % java 80 %\n",
		"c    cpu.busy_pct    Wed 25 Nov 05:00 90 %\n",
	} {
		if !strings.Contains(text.String(), line) {
			t.Errorf("no line %q in\n%s", line, text.String())
		}
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Busiest []map[string]any `json:"busiest"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, b := range doc.Busiest {
		if _, ok := b["top"]; ok != (b["host"] != "c") {
			t.Errorf("busiest of %v: a top %v", b["host"], ok)
		}
	}
	var md, page bytes.Buffer
	if err := WriteMarkdown(&md, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| a    | cpu.busy_pct    | Wed 25 Nov 05:00 | 90 % | postgresql.service 60 %, /docker/abc 29 %, app.service 19 %; postgres 50 %, nginx 11 %, gzip 10 % |") {
		t.Errorf("no busiest row of a in\n%s", md.String())
	}
	if err := WriteHTML(&page, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), "<th>used by</th>") || !strings.Contains(page.String(), "<td>java 80 %</td>") {
		t.Errorf("no used by in the HTML")
	}

	// A report of hosts without services nor processes has no column
	// for them.
	rep = dayReport(t, topRecords(t, busyHost("c")))
	text.Reset()
	if err := WriteText(&text, rep); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text.String(), "used by") {
		t.Errorf("a used by column without services:\n%s", text.String())
	}
}

// TestBusiestTopHostile: names of services and commands that would act
// on a terminal, or are huge, reach no report raw, and the text report
// keeps to its width; JSON has them whole.
func TestBusiestTopHostile(t *testing.T) {
	huge := strings.Repeat("x", 3000) + ".service"
	for _, evil := range []string{"\x1b]52;c;aGk=\x07", "\x1b[2J", "x\nOK - all fine", "abc\u202etxt", "\u009b2J", huge} {
		ss := append(busyHost("h"),
			topSeries{"svc.cpu_pct", []string{"host=h", "unit=" + evil}, 50, 120, 60},
			topSeries{"svc.cpu_pct", []string{"host=h", "cgroup=/" + evil}, 40, 120, 60},
			topSeries{"proc.cpu_pct", []string{"host=h", "comm=" + evil, "user=" + evil}, 30, 120, 60},
			topSeries{"proc.cpu_pct", []string{"host=h", "comm=a" + evil, "user=root"}, 20, 120, 60},
		)
		rep := dayReport(t, topRecords(t, ss))
		if len(rep.Busiest) != 1 || len(rep.Busiest[0].Top) != 4 || rep.Busiest[0].Top[0].Name != evil {
			t.Fatalf("%q: busiest %+v", evil, rep.Busiest)
		}
		for name, write := range map[string]func(*bytes.Buffer, *Report) error{
			"text":     func(b *bytes.Buffer, r *Report) error { return WriteText(b, r) },
			"markdown": func(b *bytes.Buffer, r *Report) error { return WriteMarkdown(b, r) },
			"html":     func(b *bytes.Buffer, r *Report) error { return WriteHTML(b, r) },
		} {
			var b bytes.Buffer
			if err := write(&b, rep); err != nil {
				t.Fatal(err)
			}
			if m := rawControl.FindString(b.String()); m != "" && name != "html" {
				t.Errorf("%s of %q: raw %q", name, evil, m)
			}
			if strings.Contains(b.String(), "\nOK - all fine") {
				t.Errorf("%s of %q: a line forged", name, evil)
			}
			// The busiest hours' rows: the tables of the host are
			// checked elsewhere.
			var rows []string
			for line := range strings.Lines(b.String()) {
				if strings.Contains(line, "Wed 25 Nov 05:00") && strings.Contains(line, "busy") {
					rows = append(rows, line)
				}
			}
			if len(rows) != 1 {
				t.Fatalf("%s: busiest rows %q", name, rows)
			}
			if m := rawControl.FindString(rows[0]); m != "" {
				t.Errorf("%s of %q: raw %q in %q", name, evil, m, rows[0])
			}
			if strings.Contains(rows[0], strings.Repeat("x", 100)) {
				t.Errorf("%s: a huge name whole", name)
			}
			if name != "text" {
				continue
			}
			for line := range strings.Lines(b.String()) {
				if n := utf8.RuneCountInString(strings.TrimSuffix(line, "\n")); n > textWidth {
					t.Errorf("%q: a line of %d runes: %q", evil, n, line)
				}
			}
		}
	}
}

// TestFitTop: a cell too narrow for every consumer keeps the first
// service and the first command whole, before it cuts names.
func TestFitTop(t *testing.T) {
	top := []Consumer{
		{KindService, "postgresql.service", 61, "%"}, {KindService, "nginx.service", 12, "%"},
		{KindProcess, "postgres", 60, "%"}, {KindProcess, "nginx", 11, "%"},
	}
	for _, tc := range []struct {
		room int
		want string
	}{
		{200, "postgresql.service 61 %, nginx.service 12 %; postgres 60 %, nginx 11 %"},
		{65, "postgresql.service 61 %, nginx.service 12 %; postgres 60 %"},
		{40, "postgresql.service 61 %; postgres 60 %"},
		{30, "pos…ervice 61 %; postgres 60 %"},
		{13, "po…rvice 61 %"},
		{12, ""},
	} {
		got := fitTop(top, tc.room)
		if got != tc.want {
			t.Errorf("fitTop(%d) = %q, want %q", tc.room, got, tc.want)
		}
		if utf8.RuneCountInString(got) > tc.room {
			t.Errorf("fitTop(%d): %d runes", tc.room, utf8.RuneCountInString(got))
		}
	}
	if got := fitTop(top[2:], 20); got != "postgres 60 %" {
		t.Errorf("processes alone: %q", got)
	}
}

// TestOOM: an OOM kill is a highlight naming the service it was in,
// once: not again for the slice or folder that holds the service, nor
// for the host's own count, which names it only when no service does.
func TestOOM(t *testing.T) {
	type pt struct {
		v   float64
		min int64 // minutes before fixture.Now
	}
	at := func(name string, tags []string, pts ...pt) []topSeries {
		var out []topSeries
		for _, p := range pts {
			out = append(out, topSeries{name, tags, p.v, p.min, p.min - 1})
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		series []topSeries
		want   []string // each highlight: host and text
	}{
		{"a service and its slice",
			slices.Concat(
				at("svc.oom_kills", []string{"host=w", "unit=nginx.service"}, pt{0, 300}, pt{0, 200}, pt{1, 100}, pt{1, 50}),
				at("svc.oom_kills", []string{"host=w", "unit=system.slice"}, pt{0, 300}, pt{0, 200}, pt{1, 100}, pt{1, 50}),
				at("mem.oom_kills", []string{"host=w"}, pt{0, 300}, pt{1, 100})),
			[]string{"w OOM kill in nginx.service, Wed 25 Nov 05:20"}},
		{"several, the last named",
			at("svc.oom_kills", []string{"host=w", "unit=db.service"}, pt{2, 300}, pt{3, 200}, pt{5, 100}),
			[]string{"w 3 OOM kills in db.service, the last Wed 25 Nov 05:20"}},
		{"a restarted unit's count starts again",
			at("svc.oom_kills", []string{"host=w", "unit=db.service"}, pt{4, 300}, pt{0, 200}, pt{1, 100}),
			[]string{"w OOM kill in db.service, Wed 25 Nov 05:20"}},
		{"no rise",
			at("svc.oom_kills", []string{"host=w", "unit=db.service"}, pt{4, 300}, pt{4, 200}, pt{4, 100}),
			nil},
		{"before the period",
			at("svc.oom_kills", []string{"host=w", "unit=db.service"}, pt{0, 2000}, pt{1, 1900}, pt{1, 100}),
			nil},
		{"a container, not its folder",
			slices.Concat(
				at("svc.oom_kills", []string{"host=w", "cgroup=/docker"}, pt{0, 300}, pt{1, 100}),
				at("svc.oom_kills", []string{"host=w", "cgroup=/docker/abc"}, pt{0, 300}, pt{1, 100})),
			[]string{"w OOM kill in /docker/abc, Wed 25 Nov 05:20"}},
		{"the host's own count",
			slices.Concat(
				at("mem.oom_kills", []string{"host=w"}, pt{0, 300}, pt{2, 200}, pt{0, 150}, pt{1, 100}),
				at("mem.oom_kills", []string{"host=v"}, pt{0, 300}, pt{1, 200})),
			[]string{"v OOM kill, Wed 25 Nov 03:40", "w 3 OOM kills, the last Wed 25 Nov 05:20"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := dayReport(t, topRecords(t, tc.series))
			var got []string
			for _, h := range rep.Highlights {
				if h.Kind == KindOOM {
					if h.Level != Warning {
						t.Errorf("level %v", h.Level)
					}
					got = append(got, h.Host+" "+h.Text(time.UTC))
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("OOM highlights %q, want %q", got, tc.want)
			}
		})
	}
}

// TestOOMHostile: a hostile unit name in an OOM highlight reaches no
// report raw, and the text report cuts it to its width.
func TestOOMHostile(t *testing.T) {
	huge := strings.Repeat("y", 3000) + ".service"
	for _, evil := range []string{"\x1b]52;c;aGk=\x07", "x\nOK - all fine", "abc\u202etxt", huge} {
		rep := dayReport(t, topRecords(t, []topSeries{
			{"svc.oom_kills", []string{"host=w", "unit=" + evil}, 0, 300, 200},
			{"svc.oom_kills", []string{"host=w", "unit=" + evil}, 1, 200, 0},
		}))
		if len(rep.Highlights) != 1 || rep.Highlights[0].Service != evil {
			t.Fatalf("%q: highlights %+v", evil, rep.Highlights)
		}
		for name, write := range map[string]func(*bytes.Buffer, *Report) error{
			"text":     func(b *bytes.Buffer, r *Report) error { return WriteText(b, r) },
			"markdown": func(b *bytes.Buffer, r *Report) error { return WriteMarkdown(b, r) },
		} {
			var b bytes.Buffer
			if err := write(&b, rep); err != nil {
				t.Fatal(err)
			}
			if m := rawControl.FindString(b.String()); m != "" {
				t.Errorf("%s of %q: raw %q", name, evil, m)
			}
			if strings.Contains(b.String(), "\nOK - all fine") {
				t.Errorf("%s of %q: a line forged", name, evil)
			}
			if name == "text" {
				for line := range strings.Lines(b.String()) {
					if n := utf8.RuneCountInString(strings.TrimSuffix(line, "\n")); n > textWidth && strings.Contains(line, "OOM") {
						t.Errorf("%q: a highlight of %d runes", evil, n)
					}
				}
			}
		}
	}
}

// TestOOMRollups: where the retention left only hourly rollups, an OOM
// kill still counts, in the hour it rose.
func TestOOMRollups(t *testing.T) {
	db := recordsDB(t, topRecords(t, []topSeries{
		{"svc.oom_kills", []string{"host=w", "unit=db.service"}, 0, 600, 300},
		{"svc.oom_kills", []string{"host=w", "unit=db.service"}, 1, 300, 0},
		{"mem.oom_kills", []string{"host=v"}, 0, 600, 0},
		{"mem.oom_kills", []string{"host=v"}, 2, 400, 399},
	}))
	if err := db.SetPolicy(store.Policy{Raw: 2 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	// Blocks go a day at a time: the pruning runs a day later, by a
	// clock of its own.
	later, err := store.Open(db.Path(), store.Options{Now: func() time.Time { return fixture.Now.Add(24 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := later.Compact(); err != nil {
		t.Fatal(err)
	}
	later.Close()
	rep, err := Build(db, Options{Query: query.Query{From: fixture.Now.Add(-24 * time.Hour), To: fixture.Now}, Now: fixture.Now})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range rep.Highlights {
		if h.Kind == KindOOM {
			got = append(got, h.Host+" "+h.Text(time.UTC))
		}
	}
	want := []string{"v 2 OOM kills, the last Wed 25 Nov 00:30", "w OOM kill in db.service, Wed 25 Nov 02:00"}
	if !slices.Equal(got, want) {
		t.Errorf("highlights %q, want %q", got, want)
	}
}

// TestBusiestTopNoHost: series without a host tag are a host of their
// own, named by the empty value, not by a filter that matches none.
func TestBusiestTopNoHost(t *testing.T) {
	rep := dayReport(t, topRecords(t, []topSeries{
		{"cpu.busy_pct", nil, 90, 120, 60},
		{"svc.cpu_pct", []string{"unit=x.service"}, 50, 120, 60},
		{"svc.cpu_pct", []string{"host=other", "unit=y.service"}, 70, 120, 60},
	}))
	if len(rep.Busiest) != 1 || topText(rep.Busiest[0].Top, topNameWidth) != "x.service 50 %" {
		t.Errorf("busiest %+v, want x.service alone", rep.Busiest)
	}
}

// TestBusiestTopHosts: each host's busiest hour names its own
// services, whatever its name holds.
func TestBusiestTopHosts(t *testing.T) {
	hosts := []string{"a", "a.*", "~a", "\x1b[2J", "a b"}
	var ss []topSeries
	for i, h := range hosts {
		ss = append(ss, topSeries{"cpu.busy_pct", []string{"host=" + h}, 90, 120, 60},
			topSeries{"svc.cpu_pct", []string{"host=" + h, "unit=x.service"}, float64(10 + i), 120, 60})
	}
	rep := dayReport(t, topRecords(t, ss))
	if len(rep.Busiest) != len(hosts) {
		t.Fatalf("busiest %+v", rep.Busiest)
	}
	for _, b := range rep.Busiest {
		i := slices.Index(hosts, b.Host)
		if want := fmt.Sprintf("x.service %d %%", 10+i); topText(b.Top, topNameWidth) != want {
			t.Errorf("%q: top %q, want %q", b.Host, topText(b.Top, topNameWidth), want)
		}
	}
}
