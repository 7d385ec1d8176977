package term

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/guptarohit/asciigraph"

	"sm/internal/format"
	"sm/internal/record"
)

func init() {
	format.Register("chart", "a line chart of up to 8 series, drawn in the terminal", func(w io.Writer, o format.Options) format.Writer {
		return &chart{w: w, o: o}
	})
}

// MaxChartSeries is the most series a chart draws: more lines than that
// cannot be told apart, by color or by character.
const MaxChartSeries = 8

// ErrTooManySeries is what a chart returns for the series after the
// MaxChartSeries-th: the selection is the user's to narrow.
var ErrTooManySeries = errors.New("too many series")

// maxChartPoints is how many points a chart keeps of a series: when it
// has more, neighbours are merged two by two into their average. It is
// many times the width of any terminal, so that the chart's columns are
// still averages of about as many samples each.
const maxChartPoints = 4096

// chart writes a line chart with asciigraph: one line per series, its
// time axis labelled under it, a legend after it with each series'
// label (see viewLabels). It fits Options.Width (80 when 0) and
// Options.Height (a chart of about 20 lines when 0). Samples are
// averaged into one point per column. On a terminal the lines have
// colors; elsewhere each has its own character, and no escape sequence
// is written.
type chart struct {
	w      io.Writer
	o      format.Options
	series []chartSeries
	failed bool // draws nothing: some of the series would be missing
}

// A chartPoint is the average time and value of n samples. Averages,
// not sums: two values near MaxFloat64 would add up to infinity.
type chartPoint struct {
	t, v, n float64
}

// merge returns the average of a and b, weighted by their counts.
func merge(a, b chartPoint) chartPoint {
	n := a.n + b.n
	return chartPoint{a.t*(a.n/n) + b.t*(b.n/n), a.v*(a.n/n) + b.v*(b.n/n), n}
}

type chartSeries struct {
	viewSeries
	pts []chartPoint
}

func (c *chart) Write(r *record.Record) error {
	if len(c.series) == 0 || !c.series[len(c.series)-1].same(r) {
		if len(c.series) == MaxChartSeries {
			c.failed = true
			return fmt.Errorf("chart: %w, more than %d: select fewer with --metric, --tag or --host", ErrTooManySeries, MaxChartSeries)
		}
		c.series = append(c.series, chartSeries{viewSeries: newViewSeries(r)})
	}
	if math.IsNaN(r.Value) || math.IsInf(r.Value, 0) {
		return nil
	}
	s := &c.series[len(c.series)-1]
	s.pts = append(s.pts, chartPoint{float64(r.Time), r.Value, 1})
	if len(s.pts) > maxChartPoints {
		half := len(s.pts) / 2
		for i := range half {
			s.pts[i] = merge(s.pts[2*i], s.pts[2*i+1])
		}
		if len(s.pts)%2 == 1 {
			s.pts[half] = s.pts[len(s.pts)-1]
			half++
		}
		s.pts = s.pts[:half]
	}
	return nil
}

// Characters that tell the lines apart where there are no colors.
var (
	chartColors = []asciigraph.AnsiColor{asciigraph.Blue, asciigraph.Red, asciigraph.Green, asciigraph.Yellow,
		asciigraph.Magenta, asciigraph.Cyan, asciigraph.Orange, asciigraph.Gray}
	chartChars = []string{"", "*", "+", "o", "x", "#", "%", "="}
)

func (c *chart) Close() error {
	var tmin, tmax float64 = math.Inf(1), math.Inf(-1)
	for _, s := range c.series {
		for _, p := range s.pts {
			tmin, tmax = min(tmin, p.t), max(tmax, p.t)
		}
	}
	if math.IsInf(tmin, 0) || c.failed {
		return nil
	}
	orderViews(c.series, c.o.Order)
	width := c.o.Width
	if width <= 0 {
		width = 80
	}
	labels, title := viewLabels(c.viewSeriesList())
	// Lines around the plot: the x-axis and its labels, the legend, a
	// title, and the shell's prompt after it.
	around := 2 + len(labels) + 2
	if title != "" {
		around++
	}
	height := c.o.Height
	if height <= 0 {
		height = 24
	}
	height = min(max(height-around, 5), 40)

	bw := bufio.NewWriter(c.w)
	if title != "" {
		bw.WriteString(Shorten(title, width) + "\n")
	}
	// The plot's width is what is left of the terminal's once the value
	// labels and the last time label have theirs: draw, measure, and
	// draw again narrower until it fits.
	cols := width - 12
	if tmin == tmax {
		cols = 1 // a moment: its time goes under it
	}
	var plot string
	for range 4 {
		cols = max(cols, 1)
		plot = c.plot(cols, height, tmin, tmax)
		over := 0
		for line := range strings.SplitSeq(plot, "\n") {
			over = max(over, textWidth(stripANSI(line))-width)
		}
		if over <= 0 || cols == 1 {
			break
		}
		cols -= over
	}
	bw.WriteString(plot + "\n")
	room := make([]int, len(labels))
	for i := range room {
		room[i] = width - 2
	}
	for i, l := range fitLabels(labels, room) {
		mark := "─"
		if !c.o.Terminal && chartChars[i] != "" {
			mark = chartChars[i]
		}
		if c.o.Terminal {
			mark = chartColors[i].String() + "■" + asciigraph.Default.String()
		}
		bw.WriteString(mark + " " + l + "\n")
	}
	return bw.Flush()
}

// plot draws the series in cols columns from tmin to tmax.
func (c *chart) plot(cols, height int, tmin, tmax float64) string {
	data := make([][]float64, len(c.series))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, s := range c.series {
		data[i] = resample(s.pts, cols, tmin, tmax)
		for _, v := range data[i] {
			if !math.IsNaN(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	// asciigraph scales values by height/(max-min), which overflows for
	// values near ±MaxFloat64, as a hostile host or a sum may give: it
	// is given them divided by a power of ten, and the axis labels
	// multiply back.
	scale := 1.0
	for max(math.Abs(lo), math.Abs(hi))/scale > 1e6 {
		scale *= 10
	}
	if scale > 1 {
		for _, d := range data {
			for i := range d {
				d[i] /= scale
			}
		}
	}
	label := valueLabels(lo, hi, height)
	layout := c.timeLayout(tmin, tmax)
	opts := []asciigraph.Option{
		asciigraph.Height(height),
		asciigraph.YAxisValueFormatter(func(v float64) string { return label(v * scale) }),
	}
	if tmin < tmax {
		opts = append(opts, asciigraph.XAxisRange(tmin, tmax),
			asciigraph.XAxisTickCount(max(2, min(5, cols/(len(layout)+6)))),
			asciigraph.XAxisValueFormatter(func(v float64) string {
				return time.Unix(int64(math.Round(v)), 0).In(c.o.Location).Format(layout)
			}))
	} else {
		opts = append(opts, asciigraph.Caption(time.Unix(int64(tmin), 0).In(c.o.Location).Format(time.DateTime)))
	}
	if c.o.Terminal {
		opts = append(opts, asciigraph.SeriesColors(chartColors[:len(data)]...))
	} else {
		var sets []asciigraph.CharSet
		for i := range data {
			set := asciigraph.DefaultCharSet
			if chartChars[i] != "" {
				set = asciigraph.CreateCharSet(chartChars[i])
			}
			sets = append(sets, set)
		}
		opts = append(opts, asciigraph.SeriesChars(sets...))
	}
	return asciigraph.PlotMany(data, opts...)
}

// timeLayout is how the time axis writes its times: the time of day
// when the chart spans at most a day, else the date too.
func (c *chart) timeLayout(tmin, tmax float64) string {
	switch span := time.Duration(tmax-tmin) * time.Second; {
	case span < 10*time.Minute:
		return "15:04:05"
	case span <= 24*time.Hour:
		return "15:04"
	case span < 7*24*time.Hour:
		return "01-02 15:04"
	}
	return time.DateOnly
}

// resample averages the points into cols columns from tmin to tmax; a
// column without a point is NaN, which asciigraph leaves blank. A run
// of blank columns between two points not further apart than thrice the
// series' usual interval is filled in a straight line: a series sampled
// less often than there are columns is still a line, and a gap in the
// samples is still a gap.
func resample(pts []chartPoint, cols int, tmin, tmax float64) []float64 {
	avg := make([]chartPoint, cols)
	span := tmax - tmin
	col := func(t float64) int {
		if span <= 0 {
			return 0
		}
		return min(int((t-tmin)/span*float64(cols)), cols-1)
	}
	for _, p := range pts {
		i := col(p.t)
		if avg[i].n == 0 {
			avg[i] = p
		} else {
			avg[i] = merge(avg[i], p)
		}
	}
	out := make([]float64, cols)
	for i := range out {
		out[i] = math.NaN()
		if avg[i].n > 0 {
			out[i] = avg[i].v
		}
	}
	var gaps []float64
	for i := 1; i < len(pts); i++ {
		gaps = append(gaps, pts[i].t-pts[i-1].t)
	}
	if len(gaps) == 0 || span <= 0 {
		return out
	}
	slices.Sort(gaps)
	reach := 3 * gaps[len(gaps)/2]
	for i := 1; i < len(pts); i++ {
		t0, t1 := pts[i-1].t, pts[i].t
		a, b := col(t0), col(t1)
		if b-a < 2 || t1-t0 > reach {
			continue
		}
		for j := a + 1; j < b; j++ {
			f := float64(j-a) / float64(b-a)
			out[j] = out[a]*(1-f) + out[b]*f
		}
	}
	return out
}

// valueLabels returns how the value axis writes its values: with as
// many decimals as its steps need, and in exponent form beyond what
// twelve digits write.
func valueLabels(lo, hi float64, rows int) asciigraph.YAxisValueFormatterFunc {
	step := (hi/2 - lo/2) / float64(max(rows, 1)) * 2
	decimals := 0
	if step > 0 && !math.IsInf(step, 0) {
		decimals = min(max(int(math.Ceil(-math.Log10(step))), 0), 6)
	}
	return func(v float64) string {
		if math.Abs(v) < 0.5*math.Pow(10, -float64(decimals)) {
			v = 0 // not -0.0
		}
		if math.Abs(v) >= 1e12 || math.IsInf(step, 0) {
			return strconv.FormatFloat(v, 'g', 4, 64)
		}
		return strconv.FormatFloat(v, 'f', decimals, 64)
	}
}

func (c *chart) viewSeriesList() []viewSeries {
	vs := make([]viewSeries, len(c.series))
	for i, s := range c.series {
		vs[i] = s.viewSeries
	}
	return vs
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// stripANSI takes asciigraph's color sequences out of s, to measure it.
func stripANSI(s string) string { return ansi.ReplaceAllString(s, "") }
