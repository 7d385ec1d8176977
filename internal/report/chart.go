package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sm/internal/esc"
)

// The geometry of a chart, in the units of its viewBox. The browser
// scales the whole drawing to the page's width, so these only set the
// proportions and the size of the text against the lines. The plot
// leaves room on the left for the values, above for the unit and below
// for the times.
const (
	chartW, chartH = 720, 220
	plotL, plotR   = 56, 700
	plotT, plotB   = 22, 194
	// About this many values on the y axis, and at most this many
	// times on the x axis.
	yTicks    = 5
	maxXTicks = 8
	// A dot marks a bucket with no neighbour to draw a line to.
	dotRadius = 2.5
)

// palette colours a chart's series in turn. It leaves out red and
// amber, which the report keeps for critical and warning.
// There are maxLines of them, and none is the grey of the others'
// band.
var palette = []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"}

// A chart is one SVG line chart: the series of a host's group that
// share a unit, a memory group's percentages apart from its bytes.
// Every number is a string with at most one decimal: the file stays
// small and the same report writes the same bytes.
type chart struct {
	Title string
	// Note says when the chart covers less than the period.
	Note string
	Unit string
	// YLabel is what the values are, above the y axis: the unit, or
	// a Munin plugin's vlabel; a long one starts at the left edge.
	YLabel      string
	YLabelStart bool
	Series      []chartSeries
	// Stacked says the series' bands are a stack (see stackChart):
	// drawn solid, each from the top of those below it.
	Stacked bool
	XTicks  []tick
	YTicks  []tick
	// The geometry, for the template.
	W, H, L, R, T, B int
	YLabelX, XLabelY int
}

// A chartSeries is one series' drawing: its min–max band, its average
// line and the dots of its lone buckets, as path data.
type chartSeries struct {
	Label  string
	Colour string
	// Others is the band of the series not drawn as lines.
	Others bool
	Band   string
	Line   string
	Dots   string
}

// A tick is a mark on an axis: where its grid line goes, where its
// label goes, and the label.
type tick struct {
	At      string
	LabelAt string
	Label   string
}

// maxLines is the most series a chart draws as lines: the rest of its
// rows are one band, "N others".
const maxLines = 8

// othersColour draws the band of the series a chart does not draw as
// lines, in a grey that no line has.
const othersColour = "#9e9e9e"

// hostCharts returns the charts of a host, one for each unit of each
// of its groups, in the order of its tables.
func hostCharts(h Host, from, to time.Time) []chart {
	var charts []chart
	for _, g := range h.Groups {
		charts = append(charts, groupCharts(h.Name, g, from, to)...)
	}
	return charts
}

// groupCharts returns the charts of a group of a host, one for each
// unit of its rows.
func groupCharts(host string, g Group, from, to time.Time) []chart {
	// Names, tags and a plugin's titles come from the hosts: a control
	// or a bidirectional override shows as an escape, as in the tables.
	// (esc.Text leaves what it wrote as it is: a caller may have
	// escaped them already.)
	host = esc.Text(host)
	heading := esc.Text(g.Heading())
	rows := slices.Clone(g.Rows)
	for i := range rows {
		rows[i].Label = esc.Text(rows[i].Label)
		rows[i].Unit = esc.Text(rows[i].Unit)
	}
	var charts []chart
	// The stacks first: what used the machine, then how much. A
	// series keeps its colour from one stack to the next.
	colours := map[string]string{}
	for _, s := range g.Stacks {
		charts = append(charts, stackChart(host, s, from, colours))
	}
	for _, rows := range byUnit(htmlLabels(rows, maxLegendLabel)) {
		u := rows[0].Unit
		title := hostName(host) + " · " + heading
		ylabel := u
		if u != "" {
			title += " (" + u + ")"
		} else {
			// Munin's series have no unit in their names: the
			// plugin's vlabel says what they are.
			ylabel = esc.Text(g.VLabel)
		}
		c := newChart(title, u, rows, from, to)
		c.YLabel = ylabel
		c.YLabelStart = utf8.RuneCountInString(ylabel) > 8
		charts = append(charts, c)
	}
	return charts
}

// The longest label of a row in the HTML report's tables and in a
// chart's legend, in runes: a series' tags are its sender's, and a
// longer label would widen the page past the window. A legend's fits
// a phone's.
const (
	maxHTMLLabel   = 80
	maxLegendLabel = 64
)

// htmlLabels returns rows with their labels cut to n runes, still
// apart; rows itself when none is longer.
func htmlLabels(rows []Row, n int) []Row {
	if !slices.ContainsFunc(rows, func(r Row) bool { return utf8.RuneCountInString(r.Label) > n }) {
		return rows
	}
	labels := make([]string, len(rows))
	for i, r := range rows {
		labels[i] = r.Label
	}
	rows = slices.Clone(rows)
	for i, l := range shortenAll(labels, n) {
		rows[i].Label = l
	}
	return rows
}

// byUnit splits rows by their unit, in the order of the first row of
// each: a chart never mixes units.
func byUnit(rows []Row) [][]Row {
	var units []string
	var out [][]Row
	for _, r := range rows {
		i := slices.Index(units, r.Unit)
		if i < 0 {
			units = append(units, r.Unit)
			out = append(out, nil)
			i = len(out) - 1
		}
		out[i] = append(out[i], r)
	}
	return out
}

// mostSignificant returns the rows a chart draws as lines, in their
// order, and the others: when there are more than maxLines, the
// maxLines whose values went furthest from zero, their peak. Ranked so,
// the band of the others never reaches past the lines drawn, and a
// spike is always a line of its own, with its name in the legend.
func mostSignificant(rows []Row) (lines, others []Row) {
	if len(rows) <= maxLines {
		return rows, nil
	}
	rank := make([]int, len(rows))
	for i := range rank {
		rank[i] = i
	}
	peak := func(r Row) float64 { return math.Max(math.Abs(r.Min), math.Abs(r.Max)) }
	slices.SortStableFunc(rank, func(a, b int) int { return cmp.Compare(peak(rows[b]), peak(rows[a])) })
	keep := make([]bool, len(rows))
	for _, i := range rank[:maxLines] {
		keep[i] = true
	}
	for i, r := range rows {
		if keep[i] {
			lines = append(lines, r)
		} else {
			others = append(others, r)
		}
	}
	return lines, others
}

// newChart draws rows, all in unit, over the period [from, to], or
// over the part of it that has data when that starts later: a new
// host's first hour is drawn across the chart, not in its last pixels.
func newChart(title, unit string, rows []Row, from, to time.Time) chart {
	c := chart{Title: title, Unit: unit, YLabel: unit,
		W: chartW, H: chartH, L: plotL, R: plotR, T: plotT, B: plotB,
		YLabelX: plotL - 6, XLabelY: plotB + 16}

	lines, others := mostSignificant(rows)
	// The chart's own buckets, over the span of its data: from the
	// start of the earliest row's buckets to the end of the period.
	// A row without an end of its own (made by hand, not by Build)
	// ends with the period.
	rowEnd := func(r Row) time.Time {
		if r.ChartEnd.IsZero() {
			return to.Add(time.Second)
		}
		return r.ChartEnd
	}
	start, end := from, to.Add(time.Second)
	for i, r := range rows {
		if len(r.Chart) == 0 {
			continue
		}
		if i == 0 || r.Chart[0].Start.Before(start) {
			start = r.Chart[0].Start
		}
		if i == 0 || rowEnd(r).After(end) {
			end = rowEnd(r)
		}
	}
	if start.After(from) {
		c.Note = "data from " + start.Format(dayLayout) + " only"
	}
	grid := func(r Row) []Bucket { return rebucket(r.Chart, rowEnd(r), start, end) }
	var band []Bucket // the others' envelope
	for _, r := range others {
		for i, b := range grid(r) {
			if band == nil {
				band = make([]Bucket, ChartBuckets)
			}
			band[i].merge(b)
		}
	}

	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		for _, b := range r.Chart {
			if b.N > 0 {
				lo, hi = math.Min(lo, b.Min), math.Max(hi, b.Max)
			}
		}
	}
	if lo > hi {
		// Build leaves out series without samples, but an axis needs a
		// range all the same.
		lo, hi = 0, 1
	}
	y := c.axes(lo, hi, unit, start, end)
	step := float64(plotR-plotL) / ChartBuckets
	x := bucketX
	bridge := func(interval Duration) int { return bridgeOf(interval, start, end) }
	for i, r := range lines {
		bs := grid(r)
		band, line, dots := seriesPaths(bs, x, y, step/2, bridge(r.Interval))
		c.Series = append(c.Series, chartSeries{Label: r.Label, Colour: palette[i%len(palette)], Band: band, Line: line, Dots: dots})
	}
	if band != nil {
		longest := Duration(0)
		for _, r := range others {
			longest = max(longest, r.Interval)
		}
		b, _, _ := seriesPaths(band, x, y, step/2, bridge(longest))
		label := plural(len(others), "other")
		if len(others) == 1 {
			label = others[0].Label // a band of one series: say which
		}
		c.Series = append(c.Series, chartSeries{Label: label, Colour: othersColour, Band: b, Others: true})
	}
	return c
}

// axes sets the ticks of the chart's axes, for values from lo to hi in
// unit and times from start to end, and returns where a value goes on
// the y axis.
func (c *chart) axes(lo, hi float64, unit string, start, end time.Time) func(float64) float64 {
	ys := niceTicks(lo, hi, unit)
	lo, hi = ys[0], ys[len(ys)-1]
	y := func(v float64) float64 { return plotB - fraction(v, lo, hi)*(plotB-plotT) }
	for _, v := range ys {
		c.YTicks = append(c.YTicks, tick{At: num1(y(v)), LabelAt: num1(y(v) + 4), Label: Num(v, unit)})
	}

	span := end.Sub(start).Seconds()
	times, layout := timeTicks(start, end)
	for _, t := range times {
		x := plotL + t.Sub(start).Seconds()/span*(plotR-plotL)
		label := t.Format(layout)
		if layout == hourLayout && t.Hour() == 0 && t.Minute() == 0 {
			label = t.Format(dayTickLayout) // where a new day starts, say which
		}
		// Keep a label near the right edge inside the drawing, at
		// roughly the width of an 11-unit font's characters.
		lx := math.Min(x, chartW-2-3.3*float64(len(label)))
		c.XTicks = append(c.XTicks, tick{At: num1(x), LabelAt: num1(lx), Label: label})
	}
	return y
}

// bucketX places bucket k of a chart on the x axis: buckets split the
// span evenly, and each is drawn at its middle.
func bucketX(k int) float64 {
	step := float64(plotR-plotL) / ChartBuckets
	return plotL + (float64(k)+0.5)*step
}

// bridgeOf is how many buckets without samples a series sampled every
// interval goes on over, on a chart from start to end. Buckets narrower
// than its interval are empty between its samples: a line goes on over
// up to one and a half intervals of them, and breaks only where samples
// are missing.
func bridgeOf(interval Duration, start, end time.Time) int {
	w := end.Sub(start).Seconds() / ChartBuckets
	return int(1.5 * time.Duration(interval).Seconds() / w)
}

// rebucket spreads the buckets of a row, which split [bs[0].Start,
// end), over ChartBuckets buckets that split [from, to), each where its
// middle falls. The row's buckets are as wide as the chart's or
// narrower: it starts with the chart's span or later.
func rebucket(bs []Bucket, end, from, to time.Time) []Bucket {
	out := make([]Bucket, ChartBuckets)
	span := to.Unix() - from.Unix()
	if span <= 0 {
		return out
	}
	for i, b := range bs {
		if b.N == 0 {
			continue
		}
		e := end
		if i+1 < len(bs) {
			e = bs[i+1].Start
		}
		mid := (b.Start.Unix() + e.Unix()) / 2
		k := (mid - from.Unix()) * ChartBuckets / span
		out[min(max(k, 0), ChartBuckets-1)].merge(b)
	}
	for i := range out {
		out[i].Start = from.Add(time.Duration(int64(i)*span/ChartBuckets) * time.Second)
	}
	return out
}

// seriesPaths returns the path data of one series: the band from the
// buckets' min to their max, the line through their averages, and a
// dot at the average of each bucket with no neighbour to join. Up to
// bridge buckets without samples between two with are no gap; more
// break the band and the line: a run of buckets after them starts a
// new subpath. x places bucket i, y a value; a lone bucket's band is
// half wide either side of its x.
func seriesPaths(bs []Bucket, x func(int) float64, y func(float64) float64, half float64, bridge int) (band, line, dots string) {
	var bb, lb, db strings.Builder
	var run []int // the buckets with samples of a run
	// point writes a point of a path, a few hundred a chart: without
	// fmt, whose boxing of each number cost a tenth of an HTML report.
	var buf []byte
	point := func(b *strings.Builder, c byte, x, y float64) {
		buf = append(buf[:0], c)
		buf = appendNum1(buf, x)
		buf = append(buf, ',')
		buf = appendNum1(buf, y)
		b.Write(buf)
	}
	flush := func() {
		if len(run) == 1 {
			b := bs[run[0]]
			xi, top, bottom := x(run[0]), num1(y(b.Max)), num1(y(b.Min))
			if top != bottom { // a flat band would draw nothing
				fmt.Fprintf(&bb, "M%s,%sH%sV%sH%sZ", num1(xi-half), top, num1(xi+half), bottom, num1(xi-half))
			}
			// A circle, as two half arcs.
			r, d := num1(dotRadius), num1(2*dotRadius)
			fmt.Fprintf(&db, "M%s,%sa%s,%s 0 1,0 %s,0a%s,%s 0 1,0 -%s,0", num1(xi-dotRadius), num1(y(b.Avg)), r, r, d, r, r, d)
		} else if len(run) > 1 {
			// Along the tops, then back along the bottoms.
			for k, i := range run {
				point(&bb, cmd(k, 'M', 'L')[0], x(i), y(bs[i].Max))
			}
			for k := len(run) - 1; k >= 0; k-- {
				point(&bb, 'L', x(run[k]), y(bs[run[k]].Min))
			}
			bb.WriteByte('Z')
			for k, i := range run {
				point(&lb, cmd(k, 'M', 'L')[0], x(i), y(bs[i].Avg))
			}
		}
		run = run[:0]
	}
	for i, b := range bs {
		if b.N == 0 {
			continue
		}
		if len(run) > 0 && i-run[len(run)-1]-1 > bridge {
			flush()
		}
		run = append(run, i)
	}
	flush()
	return bb.String(), lb.String(), db.String()
}

// cmd returns first for the first point of a subpath, then next.
func cmd(k int, first, next byte) string {
	if k == 0 {
		return string(first)
	}
	return string(next)
}

// num1 writes v rounded to one decimal, without a trailing ".0".
func num1(v float64) string {
	return string(appendNum1(nil, v))
}

// appendNum1 appends num1(v) to b.
func appendNum1(b []byte, v float64) []byte {
	v = math.Round(v*10) / 10
	if v == 0 {
		v = 0 // not -0
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

// niceTicks returns about yTicks values, evenly spaced from at or below
// lo to at or above hi, a step of 1, 2 or 5 times a power of ten apart:
// of 1024 for bytes, so that Num writes them round (512K, 1M, 1.5M).
// Of two steps as near yTicks, it takes the one whose ticks hug the
// data closer, so that the data fill the chart.
func niceTicks(lo, hi float64, unit string) []float64 {
	if hi <= lo {
		// A flat series still needs an axis: a tenth either side, or
		// up to 1 from 0.
		if lo == 0 {
			hi = 1
		} else {
			pad := math.Abs(lo) / 10
			lo, hi = lo-pad, lo+pad
		}
	}
	scale := 1.0
	if strings.HasPrefix(unit, "B") {
		for (hi-lo)/scale >= 1024 {
			scale *= 1024
		}
	}
	if math.IsInf(hi-lo, 0) {
		return evenTicks(lo, hi)
	}
	// A tenth of a step is well within the error of the divisions.
	const eps = 1e-9
	var best []float64
	p := math.Pow(10, math.Floor(math.Log10((hi-lo)/scale))-1)
	for range 4 {
		for _, m := range []float64{1, 2, 5} {
			step := m * p * scale
			first, last := math.Floor(lo/step+eps), math.Ceil(hi/step-eps)
			if !(last-first < 1000) {
				continue // a step of 0, among the smallest numbers
			}
			n := int(last-first) + 1
			if best != nil {
				d, bd := abs(n-yTicks), abs(len(best)-yTicks)
				if d > bd || d == bd && (last-first)*step >= best[len(best)-1]-best[0] {
					continue
				}
			}
			best = best[:0]
			for k := first; k <= last; k++ {
				best = append(best, k*step)
			}
		}
		p *= 10
	}
	if len(best) < 2 || math.IsInf(best[0], 0) || math.IsInf(best[len(best)-1], 0) {
		// Round ticks would lie past ±MaxFloat64, or a step among the
		// smallest numbers is 0.
		return evenTicks(lo, hi)
	}
	return best
}

// evenTicks returns yTicks values evenly spaced from lo to hi, for a
// range so wide that round ticks would lie beyond ±MaxFloat64.
func evenTicks(lo, hi float64) []float64 {
	lo = math.Max(lo, -math.MaxFloat64)
	hi = math.Min(hi, math.MaxFloat64)
	ticks := make([]float64, yTicks)
	for i := range ticks {
		t := float64(i) / (yTicks - 1)
		ticks[i] = lo*(1-t) + hi*t // apart, as hi − lo may overflow
	}
	return ticks
}

// fraction returns where v lies from lo (0) to hi (1), and the middle
// when lo is hi. When hi − lo overflows, the values are halved first,
// which keeps it finite for any finite lo and hi.
func fraction(v, lo, hi float64) float64 {
	f := (v - lo) / (hi - lo)
	if math.IsInf(hi-lo, 0) {
		f = (v/2 - lo/2) / (hi/2 - lo/2)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0.5
	}
	return f
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// The layouts of the times on a chart's x axis.
const (
	hourLayout    = "15:04"
	dayTickLayout = "Mon 2"
	weekLayout    = "2 Jan"
	monthLayout   = "Jan 2006"
	yearLayout    = "2006"
)

// A timeStep is a spacing of the x axis' times: a duration within a
// day, or a number of days or months.
type timeStep struct {
	d      time.Duration
	days   int
	months int
	layout string
}

// approx is the step's length, near enough to count ticks.
func (s timeStep) approx() time.Duration {
	return s.d + time.Duration(s.days)*24*time.Hour + time.Duration(s.months)*30*24*time.Hour
}

var timeSteps = []timeStep{
	{d: 5 * time.Minute, layout: hourLayout},
	{d: 10 * time.Minute, layout: hourLayout},
	{d: 15 * time.Minute, layout: hourLayout},
	{d: 30 * time.Minute, layout: hourLayout},
	{d: time.Hour, layout: hourLayout},
	{d: 2 * time.Hour, layout: hourLayout},
	{d: 3 * time.Hour, layout: hourLayout},
	{d: 6 * time.Hour, layout: hourLayout},
	{d: 12 * time.Hour, layout: hourLayout},
	{days: 1, layout: dayTickLayout},
	{days: 2, layout: dayTickLayout},
	{days: 7, layout: weekLayout},
	{days: 14, layout: weekLayout},
	{months: 1, layout: monthLayout},
	{months: 3, layout: monthLayout},
	{months: 6, layout: monthLayout},
	{months: 12, layout: yearLayout},
	{months: 60, layout: yearLayout},
}

// timeTicks returns the times to mark on the x axis of [from, to), in
// from's location, and their layout: the finest step of timeSteps that
// gives at most maxXTicks, on round local times: midnights for days,
// Mondays for weeks, the first of the month for months.
func timeTicks(from, to time.Time) ([]time.Time, string) {
	loc := from.Location()
	s := timeSteps[len(timeSteps)-1]
	for _, c := range timeSteps {
		if to.Sub(from)/c.approx() < maxXTicks {
			s = c
			break
		}
	}
	y, m, d := from.Date()
	var ticks []time.Time
	add := func(t time.Time) {
		if !t.Before(from) && t.Before(to) {
			ticks = append(ticks, t)
		}
	}
	switch {
	case s.d > 0:
		// By the wall clock from midnight, so that the steps stay on
		// round hours across a change to or from summer time.
		per := int(s.d / time.Minute)
		for k := 0; ; k++ {
			t := time.Date(y, m, d, 0, k*per, 0, 0, loc)
			if !t.Before(to) {
				break
			}
			add(t)
		}
	case s.days > 0:
		for k := 0; ; k++ {
			t := time.Date(y, m, d+k, 0, 0, 0, 0, loc)
			if !t.Before(to) {
				break
			}
			// Days since 1970-01-05, a Monday: weeks start on Mondays.
			day := time.Date(y, m, d+k, 0, 0, 0, 0, time.UTC).Unix()/86400 - 4
			if mod(day, int64(s.days)) == 0 {
				add(t)
			}
		}
	default:
		for k := 0; ; k++ {
			t := time.Date(y, m+time.Month(k), 1, 0, 0, 0, 0, loc)
			if !t.Before(to) {
				break
			}
			if (t.Year()*12+int(t.Month())-1)%s.months == 0 {
				add(t)
			}
		}
	}
	return ticks, s.layout
}

// stackChart draws a stack of a host over [s.Start, s.End): each layer
// an area from the top of those below it to its own, the largest at the
// bottom, the others' on top in grey. Where no series has samples the
// stack breaks, as a line does, but over up to bridgeOf buckets.
//
// colours holds the colours of the layers of the group's stacks drawn
// before: a layer among them keeps its colour, if no other layer of
// this stack has it yet, and the others take the palette's colours
// that are left, in turn. A stack has at most maxLines layers, as many
// as the palette's colours, so none is left without.
func stackChart(host string, s Stack, from time.Time, colours map[string]string) chart {
	c := chart{Title: hostName(host) + " · " + s.Title, Unit: s.Unit, YLabel: s.Unit, Note: s.Note, Stacked: true,
		W: chartW, H: chartH, L: plotL, R: plotR, T: plotT, B: plotB,
		YLabelX: plotL - 6, XLabelY: plotB + 16}
	if s.Unit != "" {
		c.Title += " (" + s.Unit + ")"
	}
	if s.Start.After(from) {
		c.Note += " Data from " + s.Start.Format(dayLayout) + " only."
	}
	layers := s.Layers
	if s.OthersN > 0 {
		label := plural(s.OthersN, "other")
		if s.OthersN == 1 {
			label = s.OtherLabel
		}
		layers = append(slices.Clip(layers), Layer{Label: label, Values: s.Others})
	}
	// cum[k] is the top of the first k layers.
	cum := make([][]float64, len(layers)+1)
	cum[0] = make([]float64, ChartBuckets)
	hi := 0.0
	for k, l := range layers {
		cum[k+1] = make([]float64, ChartBuckets)
		for i := range cum[k+1] {
			if i < len(l.Values) {
				cum[k+1][i] = addCapped(cum[k][i], l.Values[i])
			} else {
				cum[k+1][i] = cum[k][i]
			}
			if i < len(s.Has) && s.Has[i] {
				hi = math.Max(hi, cum[k+1][i])
			}
		}
	}
	y := c.axes(0, hi, s.Unit, s.Start, s.End)
	runs := stackRuns(s.Has, bridgeOf(s.Interval, s.Start, s.End))
	half := float64(plotR-plotL) / ChartBuckets / 2
	for k, l := range layers {
		c.Series = append(c.Series, chartSeries{Label: l.Label, Others: s.OthersN > 0 && k == len(layers)-1,
			Band: stackPath(runs, cum[k], cum[k+1], bucketX, y, half)})
	}
	used := map[string]bool{}
	for i := range c.Series {
		if col, ok := colours[c.Series[i].Label]; ok && !used[col] && !c.Series[i].Others {
			c.Series[i].Colour, used[col] = col, true
		}
	}
	next := 0
	for i := range c.Series {
		sr := &c.Series[i]
		switch {
		case sr.Others:
			sr.Colour = othersColour
		case sr.Colour == "":
			for next < len(palette)-1 && used[palette[next]] {
				next++
			}
			sr.Colour, used[palette[next]] = palette[next], true
			colours[sr.Label] = sr.Colour
		}
	}
	return c
}

// stackRuns splits the buckets that have samples into runs, each broken
// from the next by more than bridge buckets without.
func stackRuns(has []bool, bridge int) [][]int {
	var runs [][]int
	last := -1
	for i, h := range has {
		if !h {
			continue
		}
		if last < 0 || i-last-1 > bridge {
			runs = append(runs, nil)
		}
		runs[len(runs)-1] = append(runs[len(runs)-1], i)
		last = i
	}
	return runs
}

// stackPath returns the path data of a layer of a stack, from lower to
// upper in each run of buckets: along the tops, then back along the
// bottoms, a lone bucket half wide either side of its x. A run where
// the layer is 0 throughout draws nothing.
func stackPath(runs [][]int, lower, upper []float64, x func(int) float64, y func(float64) float64, half float64) string {
	var b strings.Builder
	for _, run := range runs {
		if !slices.ContainsFunc(run, func(i int) bool { return upper[i] > lower[i] }) {
			continue
		}
		if len(run) == 1 {
			i := run[0]
			fmt.Fprintf(&b, "M%s,%sH%sV%sH%sZ", num1(x(i)-half), num1(y(upper[i])), num1(x(i)+half), num1(y(lower[i])), num1(x(i)-half))
			continue
		}
		for k, i := range run {
			fmt.Fprintf(&b, "%s%s,%s", cmd(k, 'M', 'L'), num1(x(i)), num1(y(upper[i])))
		}
		for k := len(run) - 1; k >= 0; k-- {
			fmt.Fprintf(&b, "L%s,%s", num1(x(run[k])), num1(y(lower[run[k]])))
		}
		b.WriteByte('Z')
	}
	return b.String()
}
