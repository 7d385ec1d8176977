package term

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"sm/internal/esc"
	"sm/internal/format"
	"sm/internal/record"
)

func init() {
	format.Register("wide", "time down the side and a column per series, as sar prints, fitted to the terminal", func(w io.Writer, o format.Options) format.Writer {
		return &wide{w: w, o: o}
	})
	format.Register("wide-csv", "the wide table as CSV for spreadsheets: time (RFC 3339), then a column per series", func(w io.Writer, o format.Options) format.Writer {
		return &wide{w: w, o: o, csv: true}
	})
}

// Bounds of the wide table, which holds every sample before it prints
// its first row: a series is a column, and a spreadsheet has at most
// 16,384. The samples, 16 bytes each and 8 more for the rows' times,
// are bounded so that sm-query stays within 30 MB of memory: 262,144
// samples take it to about 23 MB, a million took it to about 100.
const (
	MaxWideSeries  = 1000
	MaxWideSamples = 1 << 18
)

// maxRound is the most a wide table moves a sample to line it up with
// the others: an hour, so that a daily sample stays at its hour of the
// local day.
const maxRound = time.Hour

// wide writes wide and wide-csv: a row for each time, a column for each
// series, a cell empty where a series has no sample. Samples of
// different series taken at nearly the same time share a row: with
// Options.Step, they are bucket starts already; without, each time is
// rounded to the nearest multiple of the usual interval between samples
// (the median gap, taken to the nearest of niceIntervals: 1m, 5m, ...,
// at most an hour), and of two samples of a series in one row the
// later is kept.
//
// wide fits Options.Width: series labels are shortened in the middle,
// and the columns that do not fit are left out, with a last line that
// says how many. wide-csv has every column, headed by the full series,
// each header cell neutralised as csv's are.
type wide struct {
	w      io.Writer
	o      format.Options
	csv    bool
	series []wideSeries
	n      int
}

type widePoint struct {
	t int64
	v float64
}

type wideSeries struct {
	viewSeries
	pts []widePoint
}

func (t *wide) Write(r *record.Record) error {
	if len(t.series) == 0 || !t.series[len(t.series)-1].same(r) {
		if len(t.series) == MaxWideSeries {
			return fmt.Errorf("wide: more than %d series: select fewer with --metric, --tag or --host", MaxWideSeries)
		}
		t.series = append(t.series, wideSeries{viewSeries: newViewSeries(r)})
	}
	if t.n == MaxWideSamples {
		return fmt.Errorf("wide: more than %d samples: aggregate them with --step and --agg, or select a shorter range", MaxWideSamples)
	}
	t.n++
	s := &t.series[len(t.series)-1]
	s.pts = append(s.pts, widePoint{r.Time, r.Value})
	return nil
}

// interval is what sample times are rounded to: 0 with a step, else the
// median gap between a series' samples, at most maxRound.
func (t *wide) interval() int64 {
	if t.o.Step > 0 {
		return 0
	}
	var gaps []int64
	for _, s := range t.series {
		for i := 1; i < len(s.pts); i++ {
			if g := s.pts[i].t - s.pts[i-1].t; g > 0 {
				gaps = append(gaps, g)
			}
		}
	}
	if len(gaps) == 0 {
		return 0
	}
	slices.Sort(gaps)
	return niceInterval(gaps[len(gaps)/2])
}

// niceIntervals are the intervals sample times are rounded to: cron's
// and collectors' usual ones, up to maxRound.
var niceIntervals = []int64{1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600}

// niceInterval returns the nice interval nearest to gap, by ratio: a
// median gap of 59s or 62s, as jitter makes them, is a minute.
func niceInterval(gap int64) int64 {
	best := niceIntervals[0]
	for _, n := range niceIntervals {
		if math.Abs(math.Log(float64(gap)/float64(n))) < math.Abs(math.Log(float64(gap)/float64(best))) {
			best = n
		}
	}
	return best
}

func roundTime(ts, iv int64) int64 {
	if iv <= 1 {
		return ts
	}
	return (ts + iv/2) / iv * iv
}

// rows calls fn with each row's time and its cells, a value string or
// "" for each series.
func (t *wide) rows(fn func(ts int64, cells []string) error) error {
	iv := t.interval()
	var times []int64
	for _, s := range t.series {
		for _, p := range s.pts {
			times = append(times, roundTime(p.t, iv))
		}
	}
	slices.Sort(times)
	times = slices.Compact(times)
	next := make([]int, len(t.series))
	cells := make([]string, len(t.series))
	for _, ts := range times {
		for i, s := range t.series {
			cells[i] = ""
			for next[i] < len(s.pts) && roundTime(s.pts[next[i]].t, iv) <= ts {
				cells[i] = t.cell(&s.viewSeries, s.pts[next[i]].v)
				next[i]++
			}
		}
		if err := fn(ts, cells); err != nil {
			return err
		}
	}
	return nil
}

// cell writes a value of s: in wide-csv as stored, for a program; in
// wide as the table writes it, a computed aggregate to TableDigits and,
// with Human, with its unit.
func (t *wide) cell(s *viewSeries, v float64) string {
	if t.csv {
		return string(record.AppendValue(nil, v))
	}
	var vo format.ValueOptions
	if t.o.Aggregated && format.Computed(record.TagValue(s.tags, "agg")) {
		vo.Digits = format.TableDigits
	}
	if t.o.Human {
		vo.Unit = record.UnitOf(s.name)
	}
	return format.Value(v, vo)
}

func (t *wide) Close() error {
	orderViews(t.series, t.o.Order)
	if t.csv {
		return t.writeCSV()
	}
	return t.writeTable()
}

func (t *wide) writeCSV() error {
	bw := bufio.NewWriter(t.w)
	c := csv.NewWriter(bw)
	row := []string{"time"}
	for _, s := range t.series {
		h := s.full()
		if t.o.Terminal {
			h = esc.Text(h)
		}
		row = append(row, format.NeutraliseCell(h))
	}
	c.Write(row)
	err := t.rows(func(ts int64, cells []string) error {
		row = append(row[:0], time.Unix(ts, 0).In(t.o.Location).Format(time.RFC3339))
		row = append(row, cells...)
		return c.Write(row)
	})
	if err != nil {
		return err
	}
	c.Flush()
	if err := c.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// maxLabel is the widest a column's header makes it: wider labels are
// shortened (see fitLabels), down to minLabel when the columns would
// not fit the terminal otherwise.
const (
	maxLabel = 24
	minLabel = 12
)

// timeLayout returns how the table writes its row times: the date only
// when every row is at a local midnight; the time of day only when all
// rows are in one day, which the title then names; seconds only when
// some row has them.
func (t *wide) timeLayout() (layout, day string) {
	var first time.Time
	midnights, oneDay, seconds := true, true, false
	n := 0
	t.rows(func(ts int64, _ []string) error {
		tm := time.Unix(ts, 0).In(t.o.Location)
		if n == 0 {
			first = tm
		}
		n++
		midnights = midnights && tm.Hour() == 0 && tm.Minute() == 0 && tm.Second() == 0
		y, m, d := tm.Date()
		fy, fm, fd := first.Date()
		oneDay = oneDay && y == fy && m == fm && d == fd
		seconds = seconds || tm.Second() != 0
		return nil
	})
	clock := "15:04"
	if seconds {
		clock += ":05"
	}
	switch {
	case midnights && n > 1:
		return time.DateOnly, ""
	case oneDay:
		return clock, first.Format(time.DateOnly)
	}
	return time.DateOnly + " " + clock, ""
}

func (t *wide) writeTable() error {
	if len(t.series) == 0 {
		return nil
	}
	layout, day := t.timeLayout()
	labels, title := viewLabels(t.viewSeriesList())
	tw := max(len(layout), len("time"))
	values := make([]int, len(t.series))
	t.rows(func(_ int64, cells []string) error {
		for i, c := range cells {
			values[i] = max(values[i], len(c))
		}
		return nil
	})
	// Labels are cut shorter, down to minLabel, for more columns to fit.
	widths := make([]int, len(t.series))
	for most := maxLabel; most >= minLabel; most-- {
		total := tw
		for i, l := range labels {
			widths[i] = max(values[i], min(textWidth(l), most))
			total += 2 + widths[i]
		}
		if t.o.Width <= 0 || total <= t.o.Width {
			break
		}
	}
	// The columns that fit, at least one.
	shown, total := len(widths), tw
	for i, w := range widths {
		total += 2 + w
		if t.o.Width > 0 && total > t.o.Width && i > 0 {
			shown = i
			break
		}
	}
	if t.o.Width > 0 && shown == 1 {
		widths[0] = max(1, min(widths[0], t.o.Width-tw-2))
	}
	bw := bufio.NewWriter(t.w)
	if head := strings.TrimSpace(day + "  " + title); head != "" {
		if t.o.Width > 0 {
			head = Shorten(head, t.o.Width)
		}
		bw.WriteString(head + "\n")
	}
	var line []byte
	line = fmt.Appendf(line, "%-*s", tw, "time")
	labels = fitLabels(labels, widths)
	for i := range shown {
		l := labels[i]
		line = append(line, "  "...)
		line = append(line, strings.Repeat(" ", widths[i]-textWidth(l))...)
		line = append(line, l...)
	}
	bw.Write(append(line, '\n'))
	err := t.rows(func(ts int64, cells []string) error {
		line = fmt.Appendf(line[:0], "%-*s", tw, time.Unix(ts, 0).In(t.o.Location).Format(layout))
		for i := range shown {
			line = fmt.Appendf(line, "  %*s", widths[i], cells[i])
		}
		line = append(bytesTrimRight(line), '\n')
		_, err := bw.Write(line)
		return err
	})
	if err != nil {
		return err
	}
	if more := len(t.series) - shown; more > 0 {
		fmt.Fprintf(bw, "%s\n", Shorten(fmt.Sprintf("%d more series: --format wide-csv has them all", more), t.o.Width))
	}
	return bw.Flush()
}

func (t *wide) viewSeriesList() []viewSeries {
	vs := make([]viewSeries, len(t.series))
	for i, s := range t.series {
		vs[i] = s.viewSeries
	}
	return vs
}

func bytesTrimRight(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}
