// Package table adds the table format to the registry of package format.
// It is a package of its own so that only the tools that print tables
// link tablewriter, whose initialisation would cost sm-sample half a
// millisecond of a start-up that must beat sysstat's.
package table

import (
	"io"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"sm/internal/esc"
	"sm/internal/format"
	"sm/internal/record"
)

func init() {
	format.Register("table", "a table for people: local times, a column per tag, values aligned right", newTable)
}

// tableBuffer is how many rows a table holds to size its columns; past
// it the table streams, its widths fixed, so that memory does not grow
// with the output.
const tableBuffer = 1000

type table struct {
	w      io.Writer
	o      format.Options
	header []string
	rows   [][]string
	stream *tablewriter.Table
	buf    []byte
}

func newTable(w io.Writer, o format.Options) format.Writer {
	header := append([]string{"time", "name"}, o.Columns...)
	if o.FoldTags {
		header = append(header, "tags")
	}
	return &table{w: w, o: o, header: append(header, "value")}
}

// Write adds a row. Tag values are escaped as in a record line (a space
// is \040), and what that leaves that could act on a terminal, a
// bidirectional override, as esc writes it: a table is for a person.
func (t *table) Write(r *record.Record) error {
	row := make([]string, 0, len(t.header))
	row = append(row, time.Unix(r.Time, 0).In(t.o.Location).Format(time.DateTime), esc.Text(r.Name))
	for _, k := range t.o.Columns {
		row = append(row, esc.Text(string(record.AppendTagValue(t.buf[:0], r.Tag(k)))))
	}
	if t.o.FoldTags {
		row = append(row, esc.Text(string(format.AppendFolded(t.buf[:0], r.Tags, t.o.Columns))))
	}
	row = append(row, string(record.AppendValue(t.buf[:0], r.Value)))
	if t.stream != nil {
		return t.stream.Append(row)
	}
	t.rows = append(t.rows, row)
	if len(t.rows) < tableBuffer {
		return nil
	}
	return t.startStream()
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
	widths := tw.NewMapper[int, int]()
	for i, h := range t.header {
		n := len(h)
		for _, r := range t.rows {
			n = max(n, len(r[i]))
		}
		if i > 0 && i < len(t.header)-1 {
			if t.o.FoldTags && i == len(t.header)-2 {
				h = format.FoldedColumn
			}
			n = max(n, t.o.Widths[h])
		}
		// Padding: one space each side.
		widths.Set(i, n+2)
	}
	opts := append(tableOptions(len(t.header)), tablewriter.WithStreaming(tw.StreamConfig{Enable: true}), tablewriter.WithColumnWidths(widths))
	t.stream = tablewriter.NewTable(t.w, opts...)
	if err := t.stream.Start(); err != nil {
		return err
	}
	t.stream.Header(anys(t.header)...)
	for _, r := range t.rows {
		if err := t.stream.Append(r); err != nil {
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
	return Render(t.w, t.header, t.rows)
}

// Render writes rows under header as a table, the last column
// aligned right. Every cell goes through esc.Text.
func Render(w io.Writer, header []string, rows [][]string) error {
	tbl := tablewriter.NewTable(w, tableOptions(len(header))...)
	tbl.Header(anys(header)...)
	shown := make([][]string, len(rows))
	for i, r := range rows {
		shown[i] = make([]string, len(r))
		for j, c := range r {
			shown[i][j] = esc.Text(c)
		}
	}
	if err := tbl.Bulk(shown); err != nil {
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
