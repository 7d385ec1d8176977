package report

import (
	"cmp"
	"slices"
	"strings"

	"sm/internal/query"
	"sm/internal/record"
	"sm/internal/store"
)

// A Group is the series of one host that belong together, as their
// source means them: one of sm-sample's families (load, memory, disk,
// …), one Munin graph, one sysstat activity, or the series whose names
// share their first two components. Name is stable, the key of the
// group in JSON and in sm-query hints; Title is for people.
type Group struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	// Common is the tag values shared by every row of the group, left
	// out of the rows' labels: "eth0" when the group's series are all
	// of iface=eth0.
	Common string `json:"common,omitempty"`
	// VLabel is what a Munin plugin says its values are ("bytes per
	// second"), the y label of the group's chart; "" without one.
	VLabel string `json:"vlabel,omitempty"`
	Rows   []Row  `json:"series"`
	// More counts the group's series past MaxRows, left out of Rows;
	// List is the sm-query command that lists them all.
	More int    `json:"more,omitempty"`
	List string `json:"list,omitempty"`

	// Stacks are the group's stacked charts (see stackSpecs), made of
	// all its series, those past MaxRows too.
	Stacks []Stack `json:"-"`
	stacks []*stackScan

	// From the group's GroupMeta: the rank of each field in the
	// plugin's graph_order, and each field's label.
	order  map[string]int
	labels map[string]string
}

// GroupMeta is what a source says of a group of series, as the store
// keeps it: Munin plugins say it in their config (graph_title,
// graph_vlabel, graph_order and each field's label). Order and Labels
// are keyed by the FIELD of munin.GRAPH.FIELD. It is as untrusted as the
// series: the report bounds and escapes it as it does their names.
type GroupMeta = store.GroupMeta

// The longest title, y label and field label a GroupMeta may give; a
// longer one is shortened in its middle.
const (
	maxTitle  = 80
	maxVLabel = 40
	maxField  = 60
)

type family struct {
	name     string
	prefixes []string
}

// families are sm-sample's groups, in the order of the report, and the
// first component of the names each holds.
var families = []family{
	{"load", []string{"load"}},
	{"memory", []string{"mem", "swap"}},
	{"disk", []string{"disk"}},
	{"cpu", []string{"cpu"}},
	{"net", []string{"net"}},
	{"diskio", []string{"diskio"}},
	{"pressure", []string{"pressure"}},
	{"procs", []string{"procs", "proc"}},
	{"services", []string{"svc"}},
	{"sys", []string{"sys"}},
	{"hw", []string{"hw"}},
}

// GroupOf returns the name of the group of a series, and its title
// unless a GroupMeta gives another:
//
//   - sm-sample's metrics (load.1m, mem.used_pct, …) are in their
//     family: load, memory, disk, cpu, net, diskio, pressure, procs,
//     services, sys, hw;
//   - munin.GRAPH.FIELD is in munin.GRAPH, titled GRAPH (a multigraph
//     plugin's graphs have dots in their names: munin.diskstats_iops.sda.rdio
//     is in munin.diskstats_iops.sda);
//   - sysstat.FIELD, as sm-store --from sadf names what sysstat has and
//     sm-sample has not, is in the sysstat activity that prints FIELD,
//     sysstat.ACTIVITY, titled "sysstat ACTIVITY"; sysstat.other holds
//     the fields this table does not know;
//   - anything else is in the group of the first two components of its
//     name: app.requests.get is in app.requests.
func GroupOf(name string, tags map[string]string) (group, title string) {
	first, rest, dotted := strings.Cut(name, ".")
	for _, f := range families {
		if dotted && slices.Contains(f.prefixes, first) {
			return f.name, f.name
		}
	}
	switch {
	case first == "munin" && strings.Contains(rest, "."):
		graph := rest[:strings.LastIndexByte(rest, '.')]
		return "munin." + graph, graph
	case first == "sysstat" && dotted:
		act := sysstatActivity(rest, tags)
		return "sysstat." + act, "sysstat " + act
	}
	if i := strings.IndexByte(rest, '.'); dotted && i >= 0 {
		name = first + "." + rest[:i]
	}
	return name, name
}

// groupRank orders a host's groups: sm-sample's families first, in
// their order, then sysstat's activities in the order sar -A prints
// them, then the rest by name.
func groupRank(name string) int {
	if i := slices.IndexFunc(families, func(f family) bool { return f.name == name }); i >= 0 {
		return i
	}
	if act, ok := strings.CutPrefix(name, "sysstat."); ok {
		if i := slices.Index(sysstatOrder, act); i >= 0 {
			return len(families) + i
		}
		return len(families) + len(sysstatOrder)
	}
	return len(families) + len(sysstatOrder) + 1
}

func compareGroups(a, b Group) int {
	return cmp.Or(cmp.Compare(groupRank(a.Name), groupRank(b.Name)), record.NaturalCompare(a.Name, b.Name))
}

// globs returns the metric patterns of sm-query that select the
// group's series: all of them, and with a Munin graph's name those of
// the graphs under it, with a sysstat activity the host's other
// sysstat series.
func (g *Group) globs() []string {
	for _, f := range families {
		if f.name == g.Name {
			var out []string
			for _, p := range f.prefixes {
				out = append(out, p+".*")
			}
			return out
		}
	}
	if strings.HasPrefix(g.Name, "sysstat.") {
		return []string{"sysstat.*"}
	}
	n := query.GlobQuote(g.Name)
	if strings.HasPrefix(g.Name, "munin.") {
		return []string{n + ".*"}
	}
	return []string{n, n + ".*"}
}

// setMeta takes what a GroupMeta says: the title, the y label, the
// order of the rows and their labels, each bounded.
func (g *Group) setMeta(m GroupMeta) {
	if t := strings.TrimSpace(m.Title); t != "" {
		g.Title = shortenMiddle(t, maxTitle)
	}
	if v := strings.TrimSpace(m.VLabel); v != "" {
		// Munin writes ${graph_period} for the unit of time of its
		// rates, second unless the plugin says otherwise.
		g.VLabel = shortenMiddle(strings.ReplaceAll(v, "${graph_period}", "second"), maxVLabel)
	}
	if len(m.Order) > 0 {
		g.order = make(map[string]int, len(m.Order))
		for i, f := range m.Order {
			if _, ok := g.order[f]; !ok {
				g.order[f] = i
			}
		}
	}
	for f, l := range m.Labels {
		// Munin aligns its labels with runs of spaces: one will do.
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			if g.labels == nil {
				g.labels = map[string]string{}
			}
			g.labels[f] = shortenMiddle(l, maxField)
		}
	}
}

// field is the part of a row's name after its group's: FIELD in
// munin.GRAPH.FIELD.
func (g *Group) field(r Row) string {
	return strings.TrimPrefix(r.Name, g.Name+".")
}

// compare orders the rows of a group: in a Munin plugin's graph_order
// when it gives one, the fields it leaves out after; else, and among
// those, in natural order.
func (g *Group) compare(a, b Row) int {
	if g.order != nil {
		ia, oka := g.order[g.field(a)]
		ib, okb := g.order[g.field(b)]
		switch {
		case oka && okb && ia != ib:
			return cmp.Compare(ia, ib)
		case oka != okb:
			if oka {
				return -1
			}
			return 1
		}
	}
	return record.NaturalCompare(a.Series, b.Series)
}
