package format

import (
	"bufio"
	"encoding/csv"
	"io"
	"slices"
	"time"

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
// first row so that the output can stream.
type delimited struct {
	w       *bufio.Writer
	c       *csv.Writer // for csv; tsv is written by hand
	sep     byte
	loc     *time.Location
	cols    []string
	header  bool
	row     []string
	scratch []byte
}

func newDelimited(w io.Writer, o Options, sep byte) *delimited {
	bw := bufio.NewWriterSize(w, 64<<10)
	d := &delimited{w: bw, sep: sep, loc: o.Location, cols: o.Columns}
	if sep == ',' {
		d.c = csv.NewWriter(bw)
	}
	return d
}

func (d *delimited) writeHeader() error {
	d.header = true
	return d.writeRow(slices.Concat([]string{"time", "name"}, d.cols, []string{"value"}))
}

func (d *delimited) Write(r *record.Record) error {
	if !d.header {
		if err := d.writeHeader(); err != nil {
			return err
		}
	}
	d.row = append(d.row[:0], time.Unix(r.Time, 0).In(d.loc).Format(time.RFC3339), r.Name)
	for _, k := range d.cols {
		v := r.Tag(k)
		if d.sep == '\t' {
			v = string(record.AppendTagValue(d.scratch[:0], v))
		}
		d.row = append(d.row, v)
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
