package report

import (
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"sm/internal/esc"
	"sm/internal/when"
)

// textWidth is the width of the text report, for a mail; a label
// column is never narrower than minLabelWidth, however wide the
// numbers.
const (
	textWidth     = 100
	minLabelWidth = 16
)

// WriteText writes the report for a terminal or a mail: plain text,
// 100 columns wide at most.
func WriteText(w io.Writer, rep *Report) error {
	return writeText(w, rep, false)
}

// WriteMarkdown writes the report as Markdown, its tables as pipe
// tables.
func WriteMarkdown(w io.Writer, rep *Report) error {
	return writeText(w, rep, true)
}

func writeText(w io.Writer, rep *Report, md bool) error {
	p := &printer{w: w, md: md}
	loc := rep.From.Location()
	p.heading(1, rep.Title())
	p.notes(rep.Warnings)
	if rep.NoData != "" {
		p.line(p.esc(rep.NoData))
		if len(rep.Highlights) == 0 {
			return p.err
		}
		p.line("")
	}
	p.heading(2, "Highlights")
	if len(rep.Highlights) == 0 {
		p.line("Nothing needs attention.")
	} else if md {
		for _, h := range rep.Highlights {
			p.line(fmt.Sprintf("- **%s** %s: %s", h.Level, p.esc(hostName(h.Host)), p.esc(h.Text(loc))))
		}
	} else {
		// A long label is cut in its middle, so that a highlight fits
		// the width with its numbers whole.
		levelW, hostW := 0, 0
		for _, h := range rep.Highlights {
			levelW = max(levelW, utf8.RuneCountInString(h.Level.String()))
			hostW = max(hostW, utf8.RuneCountInString(esc.Text(hostName(h.Host))))
		}
		room := textWidth - levelW - hostW - 2
		var rows [][]string
		for _, h := range rep.Highlights {
			text := esc.Text(h.Text(loc))
			if over := utf8.RuneCountInString(text) - room; over > 0 && h.Kind == KindOOM {
				s := esc.Text(h.Service)
				h.Service = shortenMiddle(s, max(minLabelWidth, utf8.RuneCountInString(s)-over))
				text = esc.Text(h.Text(loc))
			} else if over > 0 && h.Label != "" {
				l := esc.Text(h.Label)
				h.Label = shortenMiddle(l, max(minLabelWidth, utf8.RuneCountInString(l)-over))
				text = esc.Text(h.Text(loc))
			}
			rows = append(rows, []string{h.Level.String(), hostName(h.Host), text})
		}
		p.table(nil, rows, "lll")
	}
	if s := rep.highlightsMore(); s != "" {
		p.line(s)
	}
	if len(rep.Busiest) > 0 {
		if !md || len(rep.Highlights) > 0 {
			p.line("")
		}
		var rows [][]string
		for _, b := range rep.Busiest {
			rows = append(rows, []string{hostName(b.Host), b.Series, b.Hour.Format(dayLayout), NumUnit(b.Avg, b.Unit)})
		}
		if rep.hasTop() {
			// What used the CPU takes what the other columns leave of
			// the width; in Markdown, names of topNameWidth runes.
			room := textWidth
			for _, w := range columnWidths([]string{"host", "busiest hour of", "from", "avg"}, rows) {
				room -= w + 1
			}
			for i, b := range rep.Busiest {
				if md {
					rows[i] = append(rows[i], topText(b.Top, topNameWidth))
				} else {
					rows[i] = append(rows[i], fitTop(b.Top, room))
				}
			}
			p.table([]string{"host", "busiest hour of", "from", "avg", "used by"}, rows, "lllrl")
		} else {
			p.table([]string{"host", "busiest hour of", "from", "avg"}, rows, "lllr")
		}
		if s := rep.busiestMore(); s != "" {
			p.line(s)
		}
	}
	for _, h := range rep.Hosts {
		if !md {
			p.line("")
		}
		p.heading(2, h.Heading())
		for i, g := range h.Groups {
			if i > 0 && !md {
				p.line("")
			}
			var rows [][]string
			for _, r := range g.Rows {
				rows = append(rows, []string{r.Label, Num(r.Min, r.Unit), Num(r.Avg, r.Unit), P95Cell(r),
					Num(r.Max, r.Unit), Num(r.Last, r.Unit), Change(r.Change), Coverage(r.Coverage), Spark(r.Spark)})
			}
			head := g.Heading()
			if !md {
				// The labels take what the other columns leave of the
				// width, cut in their middles, kept apart.
				w := labelSpace(rows)
				labels := make([]string, len(rows))
				for i, r := range rows {
					labels[i] = esc.Text(r[0])
				}
				for i, l := range shortenAll(labels, w) {
					rows[i][0] = l
				}
				head = shortenMiddle(esc.Text(head), w)
			}
			p.table([]string{head, "min", "avg", "p95", "max", "last", "change", "cover", "trend"}, rows, "lrrrrrrrl")
			if s := g.moreText(); s != "" {
				// The command on a line of its own: it is long.
				p.line(s)
				if md {
					p.line("")
					p.line("    " + g.List)
					p.line("")
				} else {
					// The globs come from names: printable ASCII
					// today, escaped all the same.
					p.line("  " + esc.Text(g.List))
				}
			}
		}
	}
	if s := rep.hostsMore(); s != "" {
		p.line("")
		p.line(s)
	}
	return p.err
}

// moreText says how many series the group's table leaves out, or "".
func (g Group) moreText() string {
	if g.More == 0 {
		return ""
	}
	return fmt.Sprintf("and %d more series, left out (at most %d a table); list them with:", g.More, MaxRows)
}

// Heading names a group above its table: its title, and the tag
// values all its rows share.
func (g Group) Heading() string {
	if g.Common == "" {
		return g.Title
	}
	return g.Title + " " + g.Common
}

// labelSpace is the width that the other columns of a text table of
// rows leave to its labels within textWidth: each column is as wide as
// its widest cell or header, and one space apart.
func labelSpace(rows [][]string) int {
	widths := []int{0, 3, 3, 3, 3, 4, 6, 5, 5} // the headers'
	for _, r := range rows {
		for i, c := range r[1:] {
			widths[i+1] = max(widths[i+1], utf8.RuneCountInString(c))
		}
	}
	used := 0
	for _, w := range widths[1:] {
		used += w + 1
	}
	return max(minLabelWidth, textWidth-used-1)
}

// hasTop reports whether a busiest hour names what used the CPU.
func (rep *Report) hasTop() bool {
	return slices.ContainsFunc(rep.Busiest, func(b Busiest) bool { return len(b.Top) > 0 })
}

// columnWidths returns the width of each column of a text table: its
// widest cell or header, as the terminal shows them.
func columnWidths(header []string, rows [][]string) []int {
	w := make([]int, len(header))
	for i, h := range header {
		w[i] = utf8.RuneCountInString(h)
	}
	for _, r := range rows {
		for i, c := range r {
			w[i] = max(w[i], utf8.RuneCountInString(esc.Text(c)))
		}
	}
	return w
}

// highlightsMore says how many highlights were left out, or "".
func (rep *Report) highlightsMore() string {
	if rep.HighlightsMore == 0 {
		return ""
	}
	return fmt.Sprintf("and %d more highlights, less bad, left out (at most %d are shown)", rep.HighlightsMore, MaxHighlights)
}

// hostsMore says how many hosts' tables were left out, or "".
func (rep *Report) hostsMore() string {
	if rep.HostsMore == 0 {
		return ""
	}
	return fmt.Sprintf("and %d more hosts, left out (at most %d are shown, the first by name)", rep.HostsMore, MaxHosts)
}

// busiestMore says how many busiest hours were left out, or "".
func (rep *Report) busiestMore() string {
	if rep.BusiestMore == 0 {
		return ""
	}
	return fmt.Sprintf("and %d more busiest hours, left out (at most %d are shown)", rep.BusiestMore, MaxBusiest)
}

// Title says what the report covers: the period and how many hosts.
func (rep *Report) Title() string {
	return fmt.Sprintf("sm report, %s, %s", rep.period(), plural(len(rep.Hosts)+rep.HostsMore, "host"))
}

// period says from when to when the report is, and how long that is. A
// period in progress reads "to now", not to an end still to come.
func (rep *Report) period() string {
	if !rep.Complete {
		return fmt.Sprintf("%s to now (%s so far)", rep.From.Format(stampLayout), Span(rep.End.Sub(rep.From).Round(time.Minute)))
	}
	return fmt.Sprintf("%s to %s (%s)", rep.From.Format(stampLayout), rep.To.Format(stampLayout),
		when.FormatDuration((rep.To.Sub(rep.From) + time.Second).Round(time.Minute)))
}

// Heading names a host's part of the report.
func (h Host) Heading() string {
	return fmt.Sprintf("%s, last sample %s", hostName(h.Name), h.LastSeen.Format(stampLayout))
}

// A printer writes headings, lines and tables, in text or Markdown,
// keeping the first error. Headings and table cells go through esc;
// the printer's own lines hold no names nor tags, or go through it
// first.
type printer struct {
	w   io.Writer
	md  bool
	err error
	// tbl writes every table of the report, reset for each, to trim:
	// a new tablewriter table costs a stringer cache of ten thousand
	// entries, for a report of tens of tables a tenth of its run.
	tbl  *tablewriter.Table
	trim *trimWriter
}

// esc returns text that may hold names and tags as it can be shown:
// what would act on a terminal as visible escapes (package esc), and in
// Markdown, the characters that would make HTML, an entity, a link,
// emphasis, code or a new table column escaped too, so that a tag value
// is only ever text. (A ">" starts a quote only at the start of a line,
// where no name nor tag ever is.)
func (p *printer) esc(s string) string {
	s = esc.Text(s)
	if !p.md {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '\\', '`', '*', '[', ']', '|':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '_':
			// Inside a word, as in disk.used_pct, "_" is no emphasis.
			if i == 0 || i == len(s)-1 || !isAlnum(s[i-1]) || !isAlnum(s[i+1]) {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func (p *printer) line(s string) {
	if p.err == nil {
		_, p.err = fmt.Fprintln(p.w, s)
	}
}

func (p *printer) heading(level int, s string) {
	s = p.esc(s)
	switch {
	case p.md:
		p.line(strings.Repeat("#", level) + " " + s)
		p.line("")
	case level == 1:
		p.line(s)
		p.line("")
	default:
		p.line(s)
		p.line(strings.Repeat("=", utf8.RuneCountInString(s)))
	}
}

// table writes rows under header, if any, each column aligned as its
// letter in align says: l left, r right.
func (p *printer) table(header []string, rows [][]string, align string) {
	if p.err != nil {
		return
	}
	aligns := make([]tw.Align, len(align))
	for i, a := range align {
		aligns[i] = tw.AlignLeft
		if a == 'r' {
			aligns[i] = tw.AlignRight
		}
	}
	opts := []tablewriter.Option{
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: aligns}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: aligns}),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
	}
	if p.md {
		opts = append(opts, tablewriter.WithRenderer(renderer.NewMarkdown()))
	} else {
		opts = append(opts,
			tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
				Borders: tw.BorderNone,
				Settings: tw.Settings{
					Separators: tw.Separators{BetweenColumns: tw.Off, BetweenRows: tw.Off},
					Lines:      tw.Lines{ShowHeaderLine: tw.On},
				},
			})),
			tablewriter.WithPadding(tw.Padding{Right: " ", Overwrite: true}))
	}
	// tablewriter pads the last column: lines lose their trailing
	// spaces on the way out.
	if p.tbl == nil {
		p.trim = &trimWriter{w: p.w}
		p.tbl = tablewriter.NewTable(p.trim, tablewriter.WithStringerCacheCustom(noCache{}))
	} else {
		p.tbl.Reset()
	}
	t := p.tbl.Options(opts...)
	if header != nil {
		h := make([]any, len(header))
		for i, s := range header {
			h[i] = p.esc(s)
		}
		t.Header(h...)
	}
	for _, r := range rows {
		for i, c := range r {
			r[i] = p.esc(c)
		}
	}
	if p.err = t.Bulk(rows); p.err == nil {
		p.err = t.Render()
	}
	if p.err == nil {
		p.err = p.trim.flush()
	}
	if p.md {
		p.line("")
	}
}

func hostName(h string) string {
	if h == "" {
		return "(no host)"
	}
	return h
}

func plural(n int, noun string) string {
	if n != 1 && !strings.HasSuffix(noun, "s") {
		noun += "s"
	}
	return fmt.Sprintf("%d %s", n, noun)
}

// noCache is a stringer cache that keeps nothing: the cells are
// strings, which need no stringer, and a table reset empties its cache.
type noCache struct{}

func (noCache) Add(reflect.Type, reflect.Value) bool        { return false }
func (noCache) Get(reflect.Type) (v reflect.Value, ok bool) { return v, false }
func (noCache) Purge()                                      {}

// A trimWriter drops the spaces at the ends of lines.
type trimWriter struct {
	w   io.Writer
	buf []byte
}

func (t *trimWriter) Write(b []byte) (int, error) {
	t.buf = append(t.buf, b...)
	return len(b), nil
}

func (t *trimWriter) flush() error {
	lines := strings.SplitAfter(string(t.buf), "\n")
	var out strings.Builder
	for _, l := range lines {
		nl := strings.HasSuffix(l, "\n")
		out.WriteString(strings.TrimRight(l, " \n"))
		if nl {
			out.WriteByte('\n')
		}
	}
	t.buf = t.buf[:0]
	_, err := io.WriteString(t.w, out.String())
	return err
}
