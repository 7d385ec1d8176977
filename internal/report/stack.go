package report

import (
	"cmp"
	"math"
	"path"
	"slices"
	"strings"
	"time"

	"sm/internal/esc"
	"sm/internal/record"
)

// A stackSpec is a metric that its group also draws as a stacked chart:
// the layers add up to what the machine spent, so the chart answers
// "what used it", where the line charts answer "how much".
type stackSpec struct {
	group  string
	metric string
	title  string
	// note says what is stacked, under the chart's title.
	note string
	// layer says whether the series of tags is a layer, and, for a
	// folder of containers, its path: a folder is a layer only when
	// nothing under it is reported apart.
	layer func(tags map[string]string) (ok bool, folder string)
	label func(tags map[string]string) string
}

// stackSpecs are the stacked charts, in the order of their groups'
// charts. The services' slices hold their units, and each cgroup's
// figure includes its children's: only the leaves are stacked, so that
// nothing counts twice. The processes' RSS is not stacked: a page
// shared between processes counts in each, so the stack's height would
// mean nothing.
var stackSpecs = []stackSpec{
	{group: "services", metric: "svc.cpu_pct", title: "CPU by service", note: svcNote, layer: svcLayer, label: svcLabel},
	{group: "services", metric: "svc.mem_bytes", title: "memory by service", note: svcNote, layer: svcLayer, label: svcLabel},
	{group: "procs", metric: "proc.cpu_pct", title: "CPU by command",
		note:  "Stacked: the commands each sample recorded, the busiest; the rest of the machine is not in it.",
		layer: func(map[string]string) (bool, string) { return true, "" }, label: procLabel},
}

const svcNote = "Stacked: services, scopes, containers and the rest of each slice, not the slices that hold them."

// Bounds on what a stack keeps of the folders of containers of a host:
// at most maxFolders wait, whole, to know whether something under them
// is reported apart, and at most maxParents folders are known to hold
// something. Past the first a folder is stacked as it comes: a host
// with that many is a host of containers each on its own
// (/lxc.payload.NAME), or not sm-sample.
const (
	maxFolders = 64
	maxParents = 1024
)

// svcLayer says which of the services family's series are leaves of the
// cgroup tree, as sm-sample reports it (see sm(7)): a service, a scope
// or a container, and unit=other, the rest of a slice. A slice holds
// units reported apart, and so does a user's service manager,
// user@UID.service, which holds the user's own slices. A cgroup that is
// not a unit, right under the root or a slice, is a folder of
// containers (/docker) or one container (/lxc.payload.web): it holds
// the containers reported apart when there are any.
func svcLayer(tags map[string]string) (bool, string) {
	if u, ok := tags["unit"]; ok {
		return !strings.HasSuffix(u, ".slice") && !userManager(u), ""
	}
	p, ok := tags["cgroup"]
	if !ok {
		return false, ""
	}
	if d := path.Dir(p); d == "/" || strings.HasSuffix(path.Base(d), ".slice") {
		return false, p
	}
	return true, ""
}

// svcParent returns the folder that a services series says has
// something under it reported apart, if it says so.
func svcParent(tags map[string]string) string {
	if p, ok := tags["cgroup"]; ok {
		return path.Dir(p)
	}
	if tags["unit"] == "other" && strings.HasPrefix(tags["slice"], "/") {
		return tags["slice"]
	}
	return ""
}

// userManager reports a user's service manager, user@UID.service.
func userManager(unit string) bool {
	uid, ok := strings.CutPrefix(unit, "user@")
	uid, ok2 := strings.CutSuffix(uid, ".service")
	return ok && ok2 && uid != "" && strings.Trim(uid, "0123456789") == ""
}

// svcLabel names a layer of the services: its unit or cgroup, "other in
// SLICE" for the rest of a slice, and a user's units with their uid.
func svcLabel(tags map[string]string) string {
	var b []byte
	if u, ok := tags["unit"]; ok {
		b = record.AppendTagValue(b, u)
		if u == "other" {
			if s, ok := tags["slice"]; ok {
				b = record.AppendTagValue(append(b, " in "...), s)
			}
		}
	} else {
		b = record.AppendTagValue(b, tags["cgroup"])
	}
	if uid, ok := tags["uid"]; ok {
		b = record.AppendTagValue(append(b, " uid "...), uid)
	}
	return string(b)
}

// procLabel names a layer of the processes: the command and its user.
func procLabel(tags map[string]string) string {
	b := record.AppendTagValue(nil, tags["comm"])
	if u, ok := tags["user"]; ok {
		b = record.AppendTagValue(append(b, ' '), u)
	}
	return string(b)
}

// A Stack is what a stacked chart draws: the values of its layers, the
// largest first, on ChartBuckets buckets that split [Start, End), and
// the rest of the series summed as one. A layer without samples in a
// bucket is 0 there: a series is missing when it did not stand out, and
// nothing stacked in its place is drawn.
type Stack struct {
	Metric string
	Title  string
	Note   string
	Unit   string
	Start  time.Time
	End    time.Time
	Layers []Layer
	// Others sums the series past the largest maxLines; OthersN counts
	// them, and OtherLabel names the one when there is one.
	Others     []float64
	OthersN    int
	OtherLabel string
	// Has says which buckets have samples of some series; Interval is
	// the longest usual interval of the series, to bridge the buckets
	// between their samples.
	Has      []bool
	Interval Duration
}

// A Layer is one series of a stack: its label and its value in each
// bucket, 0 where it has none.
type Layer struct {
	Label  string
	Values []float64
}

// A stackScan builds a Stack as a group's series are scanned, bounded:
// the largest maxLines series kept whole, the rest summed as they come.
type stackScan struct {
	spec *stackSpec
	unit string
	top  []stackRow
	// others sums the series out of top on the grid [start, end): has
	// says which of its buckets have samples.
	others     []float64
	has        []bool
	start, end time.Time
	othersN    int
	otherLabel string
	interval   Duration
	// Folders of containers wait to the end to know whether they are
	// a layer; parents are the folders that hold one.
	folders []stackRow
	parents map[string]bool
}

// A stackRow is a series of a stack: its buckets over [chart[0].Start,
// end), and its area, by which the largest are kept.
type stackRow struct {
	label  string
	folder string
	chart  []Bucket
	end    time.Time
	area   float64
}

// addStack adds a row of the group to the stacks it is a layer of.
func (g *Group) addStack(r Row) {
	for i := range stackSpecs {
		sp := &stackSpecs[i]
		if sp.group != g.Name || sp.metric != r.Name || len(r.Chart) == 0 {
			continue
		}
		var s *stackScan
		for _, x := range g.stacks {
			if x.spec == sp {
				s = x
			}
		}
		if s == nil {
			s = &stackScan{spec: sp, unit: r.Unit}
			g.stacks = append(g.stacks, s)
		}
		s.add(r)
	}
}

// finishStacks makes the group's stacks from what its scans kept.
func (g *Group) finishStacks() {
	// In the order of stackSpecs, whatever the order the series came.
	rank := func(s *stackScan) int {
		return slices.IndexFunc(stackSpecs, func(sp stackSpec) bool { return sp.metric == s.spec.metric })
	}
	slices.SortStableFunc(g.stacks, func(a, b *stackScan) int { return cmp.Compare(rank(a), rank(b)) })
	for _, s := range g.stacks {
		if st, ok := s.finish(); ok {
			g.Stacks = append(g.Stacks, st)
		}
	}
	g.stacks = nil
}

func (s *stackScan) add(r Row) {
	sr := stackRow{label: s.spec.label(r.Tags), chart: r.Chart, end: r.ChartEnd}
	if sr.end.IsZero() {
		sr.end = r.Chart[len(r.Chart)-1].Start.Add(time.Second)
	}
	s.interval = max(s.interval, r.Interval)
	s.grid(r.Chart[0].Start, sr.end)
	if s.spec.group == "services" {
		if p := svcParent(r.Tags); p != "" && (len(s.parents) < maxParents || s.parents[p]) {
			if s.parents == nil {
				s.parents = map[string]bool{}
			}
			s.parents[p] = true
		}
	}
	switch ok, folder := s.spec.layer(r.Tags); {
	case ok:
		s.push(sr)
	case folder != "" && len(s.folders) < maxFolders:
		sr.folder = folder
		s.folders = append(s.folders, sr)
	case folder != "":
		s.push(sr) // past the bound: stacked as it comes
	}
}

// push adds a layer: among the top if it is larger than the smallest
// of them, which then goes to the others, else to the others.
func (s *stackScan) push(sr stackRow) {
	w := sr.end.Sub(sr.chart[0].Start).Seconds() / float64(len(sr.chart))
	for _, b := range sr.chart {
		if b.N > 0 && b.Avg > 0 {
			sr.area += b.Avg * w
		}
	}
	if len(s.top) < maxLines {
		s.top = append(s.top, sr)
		return
	}
	least := 0
	for i, t := range s.top {
		if t.area < s.top[least].area {
			least = i
		}
	}
	if sr.area > s.top[least].area {
		sr, s.top[least] = s.top[least], sr
	}
	s.fold(sr)
}

// fold adds a series to the others.
func (s *stackScan) fold(sr stackRow) {
	s.othersN++
	s.otherLabel = sr.label
	for i, b := range rebucket(sr.chart, sr.end, s.start, s.end) {
		if b.N > 0 {
			s.others[i] = addCapped(s.others[i], max(b.Avg, 0))
			s.has[i] = true
		}
	}
}

// addCapped adds two values of a stack, at most math.MaxFloat64: a
// stack of huge values stays drawable.
func addCapped(a, b float64) float64 {
	return math.Min(a+b, math.MaxFloat64)
}

// grid widens the grid of the others to [from, to) when the series
// that comes starts earlier or ends later, spreading what it holds over
// the new one: the grid is the span of all the series, as a line
// chart's is.
func (s *stackScan) grid(from, to time.Time) {
	if s.others == nil {
		s.start, s.end = from, to
		s.others, s.has = make([]float64, ChartBuckets), make([]bool, ChartBuckets)
		return
	}
	if !from.Before(s.start) && !to.After(s.end) {
		return
	}
	from, to = minTime(from, s.start), maxTime(to, s.end)
	old := s.buckets(s.others, s.has)
	clear(s.others)
	clear(s.has)
	for i, b := range rebucket(old, s.end, from, to) {
		if b.N > 0 {
			s.others[i], s.has[i] = b.Avg, true
		}
	}
	s.start, s.end = from, to
}

// buckets writes values on the grid as buckets, for rebucket.
func (s *stackScan) buckets(vs []float64, has []bool) []Bucket {
	out := make([]Bucket, len(vs))
	span := s.end.Unix() - s.start.Unix()
	for i, v := range vs {
		out[i].Start = s.start.Add(time.Duration(int64(i)*span/int64(len(vs))) * time.Second)
		if has[i] {
			out[i].add(v)
		}
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// finish returns the stack, largest layer first; ok is false when it
// has no layer.
func (s *stackScan) finish() (Stack, bool) {
	for _, f := range s.folders {
		if !s.parents[f.folder] {
			s.push(f)
		}
	}
	if len(s.top) == 0 && s.othersN == 0 {
		return Stack{}, false
	}
	slices.SortStableFunc(s.top, func(a, b stackRow) int { return cmp.Compare(b.area, a.area) })
	st := Stack{Metric: s.spec.metric, Title: s.spec.title, Note: s.spec.note, Unit: s.unit,
		Start: s.start, End: s.end, Has: s.has, Interval: s.interval}
	var labels []string
	for _, t := range s.top {
		vs := make([]float64, ChartBuckets)
		for i, b := range rebucket(t.chart, t.end, s.start, s.end) {
			if b.N > 0 {
				vs[i] = max(b.Avg, 0)
				st.Has[i] = true
			}
		}
		st.Layers = append(st.Layers, Layer{Values: vs})
		labels = append(labels, esc.Text(t.label))
	}
	labels = shortenAll(labels, maxLegendLabel)
	for i := range st.Layers {
		st.Layers[i].Label = labels[i]
	}
	if s.othersN > 0 {
		st.Others, st.OthersN = s.others, s.othersN
		st.OtherLabel = shortenMiddle(esc.Text(s.otherLabel), maxLegendLabel)
	}
	return st, true
}
