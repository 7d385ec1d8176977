// Package table adds the table format to the registry of package format.
// It is a package of its own so that only the tools that print tables
// link tablewriter, whose initialisation would cost sm-sample half a
// millisecond of a start-up that must beat sysstat's.
package table

import (
	"io"
	"slices"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"sm/internal/esc"
	"sm/internal/format"
	"sm/internal/format/term"
	"sm/internal/record"
)

func init() {
	format.Register("table", "a table for people: local times, a column per tag, values aligned right", newTable)
}

// tableBuffer is how many rows a table holds to size its columns; past
// it the table streams, its widths fixed, so that memory does not grow
// with the output.
const tableBuffer = 1000

// maxValue is the most runes a value takes, as record.AppendValue
// writes it: -1.2345678901234567e-300. Value with a unit takes fewer.
const maxValue = 24

// minCell is the fewest runes a shortened cell keeps: enough for both
// ends of a name (cpu…_pct) to tell it from its neighbours.
const minCell = 6

// A row is a record as the table shows it, each text escaped, before
// the table knows its layout.
type row struct {
	ts     int64
	name   string
	cols   []string // the values of Options.Columns
	folded string   // the other tags, with Options.FoldTags
	all    string   // every tag but host and agg, when the table may fold
	value  string
}

// A layout is how a table shows its rows, fixed when it renders them,
// or when it starts to stream.
type layout struct {
	header []string
	day    bool  // times of day, under the date as the header
	fold   bool  // the tags but host and agg folded into one column
	caps   []int // the most terminal columns of each column, when it must fit
}

type table struct {
	w       io.Writer
	o       format.Options
	keep    []int // the indexes in Options.Columns of host and agg
	mayFold bool
	rows    []row
	lay     layout
	stream  *tablewriter.Table
	buf     []byte
}

func newTable(w io.Writer, o format.Options) format.Writer {
	t := &table{w: w, o: o}
	for i, k := range o.Columns {
		if k == "host" || k == "agg" {
			t.keep = append(t.keep, i)
		}
	}
	t.mayFold = o.Width > 0 && len(t.keep) < len(o.Columns)
	return t
}

// Write adds a row. Tag values are escaped as in a record line (a space
// is \040), and what that leaves that could act on a terminal, a
// bidirectional override, as esc writes it: a table is for a person.
func (t *table) Write(r *record.Record) error {
	rw := row{ts: r.Time, name: esc.Text(r.Name), value: t.value(r)}
	for _, k := range t.o.Columns {
		rw.cols = append(rw.cols, esc.Text(string(record.AppendTagValue(t.buf[:0], r.Tag(k)))))
	}
	if t.o.FoldTags {
		rw.folded = esc.Text(string(format.AppendFolded(t.buf[:0], r.Tags, t.o.Columns)))
	}
	if t.mayFold {
		rw.all = esc.Text(string(format.AppendFolded(t.buf[:0], r.Tags, t.keepKeys())))
	}
	if t.stream != nil {
		return t.stream.Append(t.cells(rw, &t.lay))
	}
	t.rows = append(t.rows, rw)
	if len(t.rows) < tableBuffer {
		return nil
	}
	return t.startStream()
}

// value writes a record's value: a computed aggregate to TableDigits,
// and with its unit when the table is for people.
func (t *table) value(r *record.Record) string {
	var vo format.ValueOptions
	if t.o.Aggregated && format.Computed(r.Tag("agg")) {
		vo.Digits = format.TableDigits
	}
	if t.o.Human {
		vo.Unit = record.UnitOf(r.Name)
	}
	return format.Value(r.Value, vo)
}

func (t *table) keepKeys() []string {
	keys := make([]string, len(t.keep))
	for i, j := range t.keep {
		keys[i] = t.o.Columns[j]
	}
	return keys
}

// header returns the header of layout l, but for the time column's.
func (t *table) header(l *layout) []string {
	h := []string{"time", "name"}
	if l.fold {
		h = append(h, t.keepKeys()...)
		h = append(h, "tags")
	} else {
		h = append(h, t.o.Columns...)
		if t.o.FoldTags {
			h = append(h, "tags")
		}
	}
	return append(h, "value")
}

// cells returns the cells of rw in layout l.
func (t *table) cells(rw row, l *layout) []string {
	c := make([]string, 0, len(l.header))
	tm := time.Unix(rw.ts, 0).In(t.o.Location)
	if l.day {
		c = append(c, tm.Format(time.TimeOnly))
	} else {
		c = append(c, tm.Format(time.DateTime))
	}
	c = append(c, rw.name)
	if l.fold {
		for _, i := range t.keep {
			c = append(c, rw.cols[i])
		}
		c = append(c, rw.all)
	} else {
		c = append(c, rw.cols...)
		if t.o.FoldTags {
			c = append(c, rw.folded)
		}
	}
	c = append(c, rw.value)
	for i, n := range l.caps {
		c[i] = cut(c[i], n)
	}
	return c
}

// plan fixes the layout from the rows held, and when streaming from
// the widths Options.Widths foresees, and returns the widths of its
// columns, in terminal columns, without padding.
func (t *table) plan(streaming bool) []int {
	l := layout{}
	if t.o.Width > 0 && !streaming && len(t.rows) > 0 {
		y, m, d := time.Unix(t.rows[0].ts, 0).In(t.o.Location).Date()
		l.day = !slices.ContainsFunc(t.rows, func(r row) bool {
			y1, m1, d1 := time.Unix(r.ts, 0).In(t.o.Location).Date()
			return y1 != y || m1 != m || d1 != d
		})
	}
	widths := t.widths(&l, streaming)
	if t.mayFold && total(widths) > t.o.Width {
		l.fold = true
		widths = t.widths(&l, streaming)
	}
	if t.o.Width > 0 {
		// The tags go first: the name says most.
		shrink := make([]int, len(widths))
		shrink[1] = 2
		for i := 2; i < len(shrink)-1; i++ {
			shrink[i] = 1
		}
		cols := make([][]string, len(widths))
		for _, r := range t.rows {
			for i, c := range t.cells(r, &l) {
				if shrink[i] > 0 {
					cols[i] = append(cols[i], c)
				}
			}
		}
		l.caps = fit(widths, distinct(cols, widths), shrink, t.o.Width)
		for i, n := range l.caps {
			widths[i] = min(widths[i], n)
		}
	}
	t.lay = l
	return widths
}

// widths sets the header of l and returns its columns' widths.
func (t *table) widths(l *layout, streaming bool) []int {
	l.header = t.header(l)
	if l.day {
		l.header[0] = time.Unix(t.rows[0].ts, 0).In(t.o.Location).Format(time.DateOnly)
	}
	w := make([]int, len(l.header))
	for i, h := range l.header {
		w[i] = twwidth.Width(h)
	}
	for _, r := range t.rows {
		for i, c := range t.cells(r, l) {
			w[i] = max(w[i], twwidth.Width(c))
		}
	}
	if !streaming {
		return w
	}
	// Later rows may be wider: their widths are known in advance, but
	// for the values', which may take as much as a value can. A value
	// cut short by a stream's fixed width would be a wrong value.
	w[len(w)-1] = max(w[len(w)-1], maxValue)
	hint := t.o.Widths
	w[1] = max(w[1], hint["name"])
	i := 2
	if l.fold {
		for _, j := range t.keep {
			w[i] = max(w[i], hint[t.o.Columns[j]])
			i++
		}
		n := 0
		if t.o.FoldTags {
			n = hint[format.FoldedColumn] + 1
		}
		for j, k := range t.o.Columns {
			if !slices.Contains(t.keep, j) {
				n += len(k) + 1 + hint[k] + 1
			}
		}
		w[i] = max(w[i], n-1)
	} else {
		for _, k := range t.o.Columns {
			w[i] = max(w[i], hint[k])
			i++
		}
		if t.o.FoldTags {
			w[i] = max(w[i], hint[format.FoldedColumn])
		}
	}
	return w
}

// total is the width of a table of columns of widths w: a space of
// padding each side of each.
func total(w []int) int {
	n := 0
	for _, c := range w {
		n += c + 2
	}
	return n
}

// distinct returns, for each column of cells, the fewest columns that
// keep its different cells different once shortened, at least minCell
// and at most the column's width w: a cut that makes net.rx_bytes_per_s
// and net.rx_packets_per_s both net.rx…per_s loses the row.
func distinct(cols [][]string, w []int) []int {
	mins := make([]int, len(cols))
	for i, cells := range cols {
		slices.Sort(cells)
		cells = slices.Compact(cells)
		ok := func(n int) bool {
			seen := make(map[string]bool, len(cells))
			for _, c := range cells {
				s := cut(c, n)
				if seen[s] {
					return false
				}
				seen[s] = true
			}
			return true
		}
		// By bisection: a longer cut keeps more, as a rule.
		lo, hi := minCell-1, max(w[i], minCell)
		for lo+1 < hi {
			mid := (lo + hi) / 2
			if ok(mid) {
				hi = mid
			} else {
				lo = mid
			}
		}
		mins[i] = hi
	}
	return mins
}

// fit returns the most terminal columns each column of widths w may keep for the
// table to be at most width wide, nil if it fits as it is. It shortens
// the columns of shrink 1 first, and if that is not enough those of 1
// and 2, and so on; never those of 0. Of those, it takes from the
// widest first, leaving each at least its mins, or if the table cannot
// fit so, at least minCell. What cannot fit even then, overflows.
func fit(w, mins []int, shrink []int, width int) []int {
	if total(w) <= width {
		return nil
	}
	top := slices.Max(shrink)
	for level := 1; level < top; level++ {
		some := make([]int, len(shrink))
		for i, p := range shrink {
			if p > 0 && p <= level {
				some[i] = 1
			}
		}
		if caps := fitLevel(w, mins, some, width, softCell); total(caps) <= width {
			return caps
		}
	}
	return fitLevel(w, mins, shrink, width, 0)
}

// softCell is the fewest columns fit leaves a column it shortens first,
// before it shortens the next ones too: a tag crushed to a few characters
// beside a name in full reads worse than both cut a little.
const softCell = 16

// fitLevel is fit with every column of shrink above 0 alike, each left
// at least soft columns.
func fitLevel(w, mins []int, shrink []int, width, soft int) []int {
	floor := func(i int) int {
		if mins != nil {
			return max(mins[i], soft)
		}
		return max(minCell, soft)
	}
	capped := func(c int) []int {
		caps := slices.Clone(w)
		for i := range caps {
			if shrink[i] > 0 {
				caps[i] = min(w[i], max(c, floor(i)))
			}
		}
		return caps
	}
	if mins != nil && total(capped(0)) > width {
		return fitLevel(w, nil, shrink, width, soft)
	}
	// The largest cap that fits, by bisection: lo fits (or is the
	// least there is), hi does not.
	lo, hi := 0, slices.Max(w)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if total(capped(mid)) <= width {
			lo = mid
		} else {
			hi = mid
		}
	}
	caps := capped(lo)
	// What the cap leaves over goes to the columns it cut, left first.
	spare := width - total(caps)
	for i := range caps {
		if spare > 0 && caps[i] < w[i] {
			caps[i]++
			spare--
		}
	}
	return caps
}

// cut is term.Shorten to at most n columns of a terminal, as
// tablewriter measures them: a wide character, as of Chinese, takes
// two.
func cut(s string, n int) string {
	c := term.Shorten(s, n)
	for k := n - 1; k >= 0 && twwidth.Width(c) > n; k-- {
		c = term.Shorten(s, k)
	}
	return c
}

// tableOptions are the look of a table of n columns: no borders, a line
// under the header, the last column aligned right.
func tableOptions(n int) []tablewriter.Option {
	align := make([]tw.Align, n)
	for i := range align {
		align[i] = tw.AlignLeft
	}
	align[len(align)-1] = tw.AlignRight
	return []tablewriter.Option{
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Settings: tw.Settings{
				Separators: tw.Separators{BetweenColumns: tw.Off, BetweenRows: tw.Off},
				Lines:      tw.Lines{ShowHeaderLine: tw.On},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
	}
}

// startStream sizes the columns by the rows held and the widths known,
// and streams from now on.
func (t *table) startStream() error {
	widths := t.plan(true)
	mapper := tw.NewMapper[int, int]()
	for i, n := range widths {
		// Padding: one space each side.
		mapper.Set(i, n+2)
	}
	opts := append(tableOptions(len(widths)), tablewriter.WithStreaming(tw.StreamConfig{Enable: true}), tablewriter.WithColumnWidths(mapper))
	t.stream = tablewriter.NewTable(t.w, opts...)
	if err := t.stream.Start(); err != nil {
		return err
	}
	t.stream.Header(anys(shorten(t.lay.header, t.lay.caps))...)
	for _, r := range t.rows {
		if err := t.stream.Append(t.cells(r, &t.lay)); err != nil {
			return err
		}
	}
	t.rows = nil
	return nil
}

func (t *table) Close() error {
	if t.stream != nil {
		return t.stream.Close()
	}
	if len(t.rows) == 0 {
		return nil
	}
	t.plan(false)
	rows := make([][]string, len(t.rows))
	for i, r := range t.rows {
		rows[i] = t.cells(r, &t.lay)
	}
	return render(t.w, shorten(t.lay.header, t.lay.caps), rows)
}

// shorten returns cells each cut to its cap, if any.
func shorten(cells []string, caps []int) []string {
	if caps == nil {
		return cells
	}
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = cut(c, caps[i])
	}
	return out
}

// Render writes rows under header as a table, the last column
// aligned right. Every cell goes through esc.Text.
func Render(w io.Writer, header []string, rows [][]string) error {
	return RenderFit(w, header, rows, 0, nil)
}

// RenderFit is Render into width columns, 0 for no limit: the cells of
// the columns that may shrink are shortened in the middle, those of
// shrink 1 first, then those of 1 and 2, and so on (0 never), the
// widest first, until the table fits, or until each is down to a few
// characters.
func RenderFit(w io.Writer, header []string, rows [][]string, width int, shrink []int) error {
	shown := make([][]string, len(rows))
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = twwidth.Width(h)
	}
	for i, r := range rows {
		shown[i] = make([]string, len(r))
		for j, c := range r {
			shown[i][j] = esc.Text(c)
			widths[j] = max(widths[j], twwidth.Width(shown[i][j]))
		}
	}
	if width > 0 {
		cols := make([][]string, len(header))
		for _, r := range shown {
			for j, c := range r {
				if shrink[j] > 0 {
					cols[j] = append(cols[j], c)
				}
			}
		}
		if caps := fit(widths, distinct(cols, widths), shrink, width); caps != nil {
			header = shorten(header, caps)
			for i, r := range shown {
				shown[i] = shorten(r, caps)
			}
		}
	}
	return render(w, header, shown)
}

// render writes rows, escaped already, under header.
func render(w io.Writer, header []string, rows [][]string) error {
	tbl := tablewriter.NewTable(w, tableOptions(len(header))...)
	tbl.Header(anys(header)...)
	if err := tbl.Bulk(rows); err != nil {
		return err
	}
	return tbl.Render()
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
