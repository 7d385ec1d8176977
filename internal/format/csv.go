package format

import (
	"bufio"
	"encoding/csv"
	"io"
	"time"

	"sm/internal/esc"
	"sm/internal/record"
)

func init() {
	Register("csv", "comma-separated: a header, then time (RFC 3339), name, a column per tag, value", func(w io.Writer, o Options) Writer {
		return newDelimited(w, o, ',')
	})
	Register("tsv", "tab-separated: as csv, tag values escaped as in records", func(w io.Writer, o Options) Writer {
		return newDelimited(w, o, '\t')
	})
}

// delimited writes csv and tsv: one row a sample, with a column for each
// tag key of the selected series (Options.Columns), known before the
// first row so that the output can stream; and, with Options.FoldTags,
// one column more for the other tags.
//
// Every text cell goes through NeutraliseCell, so that no spreadsheet
// runs a name or a tag as a formula. On a terminal (Options.Terminal), a
// csv tag value shows its control characters as escapes; in a pipe it
// is written as it is, for the reader to get back.
type delimited struct {
	w       *bufio.Writer
	c       *csv.Writer // for csv; tsv is written by hand
	sep     byte
	o       Options
	header  bool
	row     []string
	scratch []byte
}

func newDelimited(w io.Writer, o Options, sep byte) *delimited {
	bw := bufio.NewWriterSize(w, 64<<10)
	d := &delimited{w: bw, sep: sep, o: o}
	if sep == ',' {
		d.c = csv.NewWriter(bw)
	}
	return d
}

func (d *delimited) writeHeader() error {
	d.header = true
	d.row = append(d.row[:0], "time", "name")
	for _, k := range d.o.Columns {
		d.row = append(d.row, NeutraliseCell(k))
	}
	if d.o.FoldTags {
		d.row = append(d.row, FoldedColumn)
	}
	return d.writeRow(append(d.row, "value"))
}

// text returns a name or tag cell as it is written.
func (d *delimited) text(s string) string {
	if d.o.Terminal {
		s = esc.Text(s)
	}
	return NeutraliseCell(s)
}

func (d *delimited) Write(r *record.Record) error {
	if !d.header {
		if err := d.writeHeader(); err != nil {
			return err
		}
	}
	d.row = append(d.row[:0], time.Unix(r.Time, 0).In(d.o.Location).Format(time.RFC3339), d.text(r.Name))
	for _, k := range d.o.Columns {
		v := r.Tag(k)
		if d.sep == '\t' {
			v = string(record.AppendTagValue(d.scratch[:0], v))
		}
		d.row = append(d.row, d.text(v))
	}
	if d.o.FoldTags {
		d.row = append(d.row, d.text(string(AppendFolded(d.scratch[:0], r.Tags, d.o.Columns))))
	}
	d.row = append(d.row, string(record.AppendValue(d.scratch[:0], r.Value)))
	return d.writeRow(d.row)
}

func (d *delimited) writeRow(cells []string) error {
	if d.c != nil {
		return d.c.Write(cells)
	}
	for i, c := range cells {
		if i > 0 {
			d.w.WriteByte('\t')
		}
		d.w.WriteString(c)
	}
	return d.w.WriteByte('\n')
}

func (d *delimited) Close() error {
	if !d.header {
		// No rows: still a header, for a script to read.
		if err := d.writeHeader(); err != nil {
			return err
		}
	}
	if d.c != nil {
		d.c.Flush()
		if err := d.c.Error(); err != nil {
			return err
		}
	}
	return d.w.Flush()
}
