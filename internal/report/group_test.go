package report

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sm/internal/query"
	"sm/internal/record"
	"sm/internal/report/fixture"
)

func TestGroupOf(t *testing.T) {
	tests := []struct {
		name        string
		tags        map[string]string
		group, want string // want: the title
	}{
		{"load.1m", nil, "load", "load"},
		{"mem.used_pct", nil, "memory", "memory"},
		{"swap.total_bytes", nil, "memory", "memory"},
		{"disk.used_pct", map[string]string{"mount": "/"}, "disk", "disk"},
		{"procs.running", nil, "procs", "procs"},
		{"proc.cpu_pct", map[string]string{"comm": "postgres", "user": "postgres"}, "procs", "procs"},
		{"sys.uptime_s", nil, "sys", "sys"},
		{"svc.cpu_pct", map[string]string{"unit": "nginx.service"}, "services", "services"},
		{"svc.mem_bytes", map[string]string{"unit": "nginx.service"}, "services", "services"},
		{"hw.temp_celsius", map[string]string{"chip": "coretemp", "sensor": "Core_0"}, "hw", "hw"},
		{"munin.load.load", nil, "munin.load", "load"},
		{"munin.diskstats_iops.vda_rdio", nil, "munin.diskstats_iops", "diskstats_iops"},
		{"munin.diskstats_iops.vda.rdio", nil, "munin.diskstats_iops.vda", "diskstats_iops.vda"},
		{"sysstat.steal_pct", map[string]string{"cpu": "3"}, "sysstat.cpu", "sysstat cpu"},
		{"sysstat.rxpck_per_s", map[string]string{"iface": "eth0"}, "sysstat.net-dev", "sysstat net-dev"},
		{"sysstat.rxerr_per_s", map[string]string{"iface": "eth0"}, "sysstat.net-edev", "sysstat net-edev"},
		{"sysstat.kbdirty", nil, "sysstat.memory", "sysstat memory"},
		{"sysstat.pgscank_per_s", nil, "sysstat.paging", "sysstat paging"},
		{"sysstat.runq_sz", nil, "sysstat.queue", "sysstat queue"},
		{"sysstat.tps", nil, "sysstat.io", "sysstat io"},
		{"sysstat.tps", map[string]string{"device": "sda"}, "sysstat.disk", "sysstat disk"},
		{"sysstat.file_nr", nil, "sysstat.kernel", "sysstat kernel"},
		{"sysstat.nfs_retrans_per_s", nil, "sysstat.net-nfs", "sysstat net-nfs"},
		{"sysstat.retrans_per_s", nil, "sysstat.net-etcp", "sysstat net-etcp"},
		{"sysstat.brand_new_pct", nil, "sysstat.other", "sysstat other"},
		{"app.requests.get", nil, "app.requests", "app.requests"},
		{"backup.duration_s", nil, "backup.duration_s", "backup.duration_s"},
		{"uptime", nil, "uptime", "uptime"},
		{"loadavg", nil, "loadavg", "loadavg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, title := GroupOf(tt.name, tt.tags)
			if g != tt.group || title != tt.want {
				t.Errorf("GroupOf(%q, %v) = %q, %q; want %q, %q", tt.name, tt.tags, g, title, tt.group, tt.want)
			}
		})
	}
}

func TestGroupOrder(t *testing.T) {
	var gs []Group
	for _, n := range []string{"munin.cpu", "sysstat.other", "app.requests", "sysstat.memory", "memory", "load", "sysstat.cpu", "munin.apache"} {
		gs = append(gs, Group{Name: n})
	}
	slices.SortFunc(gs, compareGroups)
	var got []string
	for _, g := range gs {
		got = append(got, g.Name)
	}
	want := []string{"load", "memory", "sysstat.cpu", "sysstat.memory", "sysstat.other", "app.requests", "munin.apache", "munin.cpu"}
	if !slices.Equal(got, want) {
		t.Errorf("groups in order %q, want %q", got, want)
	}
}

// rows makes rows of series keys: name;tag=value;...
func rows(keys ...string) []Row {
	var out []Row
	for _, k := range keys {
		parts := strings.Split(k, ";")
		r := Row{Series: k, Name: parts[0], Tags: map[string]string{"host": "h"}, Unit: record.UnitOf(parts[0])}
		for _, p := range parts[1:] {
			key, v, _ := strings.Cut(p, "=")
			r.Tags[key] = v
		}
		out = append(out, r)
	}
	return out
}

func TestSetLabels(t *testing.T) {
	tests := []struct {
		name, group string
		keys        []string
		meta        *GroupMeta
		want        []string
		common      string
	}{
		{name: "disks", group: "diskio",
			keys: []string{"diskio.read_bytes_per_s;device=sda", "diskio.read_bytes_per_s;device=sdb", "diskio.write_bytes_per_s;device=sda"},
			want: []string{"read_bytes_per_s sda", "read_bytes_per_s sdb", "write_bytes_per_s sda"}},
		{name: "one interface", group: "net",
			keys: []string{"net.rx_bytes_per_s;iface=eth0", "net.tx_bytes_per_s;iface=eth0"},
			want: []string{"rx_bytes_per_s", "tx_bytes_per_s"}, common: "eth0"},
		{name: "load", group: "load", keys: []string{"load.1m", "load.5m", "load.15m"}, want: []string{"1m", "5m", "15m"}},
		{name: "memory keeps mem.", group: "memory", keys: []string{"mem.used_pct", "swap.used_pct"}, want: []string{"mem.used_pct", "swap.used_pct"}},
		{name: "a tag some rows lack", group: "disk",
			keys: []string{"disk.used_pct;mount=/", "disk.used_pct;fs=ext4;mount=/"},
			want: []string{"used_pct", "used_pct ext4"}, common: "/"},
		{name: "sysstat", group: "sysstat.cpu",
			keys: []string{"sysstat.nice_pct;cpu=0", "sysstat.nice_pct;cpu=1"},
			want: []string{"nice_pct 0", "nice_pct 1"}},
		{name: "munin labels", group: "munin.if_err_eth0",
			keys: []string{"munin.if_err_eth0.rcvd", "munin.if_err_eth0.trans", "munin.if_err_eth0.collisions"},
			meta: &GroupMeta{Labels: map[string]string{"rcvd": "errors", "trans": "errors", "collisions": "  many   spaces  "}},
			// Two fields labelled alike keep their names.
			want: []string{"rcvd", "trans", "many spaces"}},
		{name: "a name that is its group", group: "backup.duration_s", keys: []string{"backup.duration_s"}, want: []string{"duration_s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := Group{Name: tt.group, Rows: rows(tt.keys...)}
			if tt.meta != nil {
				g.setMeta(*tt.meta)
			}
			g.setLabels()
			var got []string
			for _, r := range g.Rows {
				got = append(got, r.Label)
			}
			if !slices.Equal(got, tt.want) || g.Common != tt.common {
				t.Errorf("labels %q, common %q; want %q, %q", got, g.Common, tt.want, tt.common)
			}
		})
	}
}

func TestShortenAll(t *testing.T) {
	tests := []struct {
		in   []string
		n    int
		want []string
	}{
		{[]string{"short", "ones"}, 10, []string{"short", "ones"}},
		{[]string{"disk.used_pct /mnt/backup/volumes/v1/data"}, 23, []string{"disk.us…volumes/v1/data"}},
		// Apart only in their middles: the cut keeps more of the tail.
		{[]string{"aaaa.X.zzzz", "aaaa.Y.zzzz"}, 8, []string{"a…X.zzzz", "a…Y.zzzz"}},
	}
	for _, tt := range tests {
		got := shortenAll(tt.in, tt.n)
		for i, s := range got {
			if utf8.RuneCountInString(s) > tt.n {
				t.Errorf("shortenAll(%q, %d)[%d] = %q: longer than %d", tt.in, tt.n, i, s, tt.n)
			}
		}
		seen := map[string]bool{}
		for _, s := range got {
			if seen[s] {
				t.Errorf("shortenAll(%q, %d) = %q: not apart", tt.in, tt.n, got)
			}
			seen[s] = true
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("shortenAll(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
	if got := shortenMiddle("abcdefghijklmnop", 7); got != "ab…mnop" {
		t.Errorf("shortenMiddle = %q, want ab…mnop", got)
	}
}

// TestMeta: what a Munin plugin says of its graph titles the group,
// labels its chart's y axis and its rows, and orders them; bounded and
// escaped like any text from a host.
func TestMeta(t *testing.T) {
	const evil = `<script>alert(1)</script>`
	long := strings.Repeat("x", 500)
	var b bytes.Buffer
	end := fixture.Now.Unix()
	for k := range int64(3) {
		for _, f := range []string{"a", "b", "c", "d"} {
			fmt.Fprintf(&b, "munin.plug.%s;host=m1 %d %d\n", f, k, end-3600+k*600)
		}
	}
	db := recordsDB(t, b.Bytes())
	o := Options{Query: query.Query{From: fixture.Now.Add(-24 * time.Hour), To: fixture.Now}, Now: fixture.Now}
	calls := 0
	o.Meta = func(host, group string) (GroupMeta, bool) {
		calls++
		if host != "m1" || group != "munin.plug" {
			t.Errorf("Meta(%q, %q)", host, group)
			return GroupMeta{}, false
		}
		return GroupMeta{Title: "Plug " + evil + long, VLabel: "things per ${graph_period}",
			Order:  []string{"c", "a", "zz"},
			Labels: map[string]string{"a": "Alpha " + evil, "c": long}}, true
	}
	rep, err := Build(db, o)
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("Meta called %d times, want once a group", calls)
	}
	g := rep.Hosts[0].Groups[0]
	var labels []string
	for _, r := range g.Rows {
		labels = append(labels, r.Label)
	}
	wantC := shortenMiddle(long, maxField)
	if want := []string{wantC, "Alpha " + evil, "b", "d"}; !slices.Equal(labels, want) {
		t.Errorf("rows %q, want %q: graph_order first, then natural order", labels, want)
	}
	if utf8.RuneCountInString(g.Title) > maxTitle || !strings.HasPrefix(g.Title, "Plug ") {
		t.Errorf("title %q: want Plug …, at most %d runes", g.Title, maxTitle)
	}
	if g.VLabel != "things per second" {
		t.Errorf("vlabel %q", g.VLabel)
	}
	var html bytes.Buffer
	if err := WriteHTML(&html, rep); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html.String(), "<script>") {
		t.Errorf("a plugin's label reached the HTML as markup")
	}
	for _, want := range []string{"Alpha &lt;script&gt;", ">things per second</text>"} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("no %q in the HTML", want)
		}
	}

	// Without Meta, or when it says nothing, the defaults.
	o.Meta = func(string, string) (GroupMeta, bool) { return GroupMeta{Title: "ignored"}, false }
	for _, meta := range []func(string, string) (GroupMeta, bool){nil, o.Meta} {
		o.Meta = meta
		rep, err := Build(db, o)
		if err != nil {
			t.Fatal(err)
		}
		g := rep.Hosts[0].Groups[0]
		if g.Title != "plug" || g.VLabel != "" || g.Rows[0].Label != "a" {
			t.Errorf("without meta: title %q, vlabel %q, first row %q; want plug, none, a", g.Title, g.VLabel, g.Rows[0].Label)
		}
	}
}
