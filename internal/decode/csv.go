package decode

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"sm/internal/format"
	"sm/internal/record"
)

func init() {
	Register("csv", "comma-separated as sm-query writes it: a header time,name,TAG...,value, then a row a sample", false, func(r io.Reader, o Options) Decoder {
		return newDelimited(r, o, ',')
	})
	Register("tsv", "tab-separated as sm-query writes it: as csv, tag values escaped as in records", false, func(r io.Reader, o Options) Decoder {
		return newDelimited(r, o, '\t')
	})
}

// delimited reads what sm-query --format csv or tsv writes: a header
// naming the columns, time, name, one column per tag key and value,
// then one row a sample. An empty tag cell means the record has no such
// tag. Times are RFC 3339 or Unix seconds; an empty one means now.
//
// A csv cell is quoted as encoding/csv quotes it, and a quoted cell may
// span lines. A tsv cell is never quoted: a tag value there is escaped
// as in a record line (\011 for a tab), and so cannot span lines.
//
// A name, tag key or tag value cell that starts with "'" loses it: the
// writer puts one in front of a cell a spreadsheet would take for a
// formula (format.NeutraliseCell). A column headed ";tags"
// (format.FoldedColumn) holds the tags that have no column of their
// own, as KEY=VALUE;KEY=VALUE escaped as in a record line.
type delimited struct {
	rd     *record.Reader
	o      Options
	sep    byte
	header bool // read and good
	dead   bool // the header was bad: nothing can be read
	keys   []string
	cells  []string
	joined []byte // a csv row over several lines
	raw    []byte
	errAt  int // the first line of the row, for errors
}

func newDelimited(r io.Reader, o Options, sep byte) *delimited {
	rd := record.NewReader(r, o.File)
	rd.Now, rd.Reject = o.Now, o.Reject
	// A line of a quoted csv cell may start with '#'.
	rd.Comments = true
	return &delimited{rd: rd, o: o, sep: sep}
}

func (d *delimited) Raw() []byte { return d.raw }

func (d *delimited) Next() (record.Record, error) {
	for {
		if d.dead {
			d.raw = nil
			return record.Record{}, io.EOF
		}
		line, err := d.row()
		if err != nil {
			if !d.header && err != io.EOF {
				d.dead = true
				var le *record.LineError
				if errors.As(err, &le) {
					le.Err = fmt.Errorf("bad header: %w; nothing can be read without it", le.Err)
				}
			}
			return record.Record{}, err
		}
		if !d.header {
			if err := d.parseHeader(line); err != nil {
				d.dead = true
				return record.Record{}, d.error(fmt.Errorf("%w; nothing can be read without it", err))
			}
			d.header = true
			continue
		}
		rec, err := d.parseRow(line)
		if err != nil {
			return record.Record{}, d.error(err)
		}
		return rec, nil
	}
}

func (d *delimited) error(err error) error {
	return &record.LineError{File: d.o.File, Line: d.errAt, Err: err}
}

// row returns the next row: a line, or for csv the lines of a row whose
// quoted cell goes on past the end of its first line.
func (d *delimited) row() ([]byte, error) {
	line, err := d.rd.NextLine()
	d.raw, d.errAt = d.rd.Raw(), d.rd.Line()
	if err != nil {
		if isLong(err) {
			d.raw = nil // Reject has it whole
		}
		return nil, err
	}
	if d.sep != ',' || !csvOpen(line, false) {
		return line, nil
	}
	d.joined = append(d.joined[:0], line...)
	for open := true; open; {
		// Every line, blank or a comment's, is the cell's own.
		next, err := d.rd.NextRaw()
		if err == io.EOF {
			d.raw = d.joined
			return nil, d.error(errors.New("quoted cell not closed at the end of the input"))
		}
		if err != nil {
			d.raw = nil
			if isLong(err) {
				return nil, d.error(fmt.Errorf("quoted cell goes on into line %d: %w", d.rd.Line(), err))
			}
			return nil, err
		}
		d.joined = append(d.joined, '\n')
		d.joined = append(d.joined, next...)
		open = csvOpen(next, true)
		if len(d.joined) > record.MaxLine {
			d.raw = nil
			if open {
				d.skipQuoted()
			}
			return nil, d.error(fmt.Errorf("row is longer than %d bytes", record.MaxLine))
		}
	}
	d.raw = d.joined
	return d.joined, nil
}

// skipQuoted reads on to the end of an overlong row, so that the rest
// of it is not taken for rows.
func (d *delimited) skipQuoted() {
	for open := true; open; {
		next, err := d.rd.NextRaw()
		if err != nil && !isLong(err) {
			return
		}
		open = csvOpen(next, true)
	}
}

// csvOpen reports whether b ends inside a quoted cell, given whether it
// starts inside one. A quote opens a cell only at its start, as in
// encoding/csv; "" inside a quoted cell is a quote.
func csvOpen(b []byte, in bool) bool {
	start := !in
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case in && c == '"':
			if i+1 < len(b) && b[i+1] == '"' {
				i++
			} else {
				in = false
			}
		case !in && c == '"' && start:
			in = true
		}
		start = !in && c == ','
	}
	return in
}

func (d *delimited) split(line []byte) ([]string, error) {
	if d.sep == ',' {
		return splitCSV(line, d.cells[:0])
	}
	d.cells = d.cells[:0]
	for {
		i := bytes.IndexByte(line, '\t')
		if i < 0 {
			return append(d.cells, string(line)), nil
		}
		d.cells = append(d.cells, string(line[:i]))
		line = line[i+1:]
	}
}

// splitCSV splits one row as encoding/csv would read it.
func splitCSV(b []byte, cells []string) ([]string, error) {
	for n := 1; ; n++ {
		if len(b) > 0 && b[0] == '"' {
			var cell []byte
			i := 1
			for {
				j := bytes.IndexByte(b[i:], '"')
				if j < 0 {
					return cells, fmt.Errorf("cell %d: quote not closed", n)
				}
				cell = append(cell, b[i:i+j]...)
				i += j + 1
				if i < len(b) && b[i] == '"' {
					cell = append(cell, '"')
					i++
					continue
				}
				break
			}
			cells = append(cells, string(cell))
			b = b[i:]
			if len(b) == 0 {
				return cells, nil
			}
			if b[0] != ',' {
				return cells, fmt.Errorf(`cell %d: %s after the closing quote`, n, quoteInput(string(b[:1])))
			}
			b = b[1:]
			continue
		}
		i := bytes.IndexByte(b, ',')
		cell := b
		if i >= 0 {
			cell = b[:i]
		}
		if bytes.IndexByte(cell, '"') >= 0 {
			return cells, fmt.Errorf(`cell %d: quote in an unquoted cell`, n)
		}
		cells = append(cells, string(cell))
		if i < 0 {
			return cells, nil
		}
		b = b[i+1:]
	}
}

// parseHeader takes time,name,TAG...,value.
func (d *delimited) parseHeader(line []byte) error {
	cells, err := d.split(line)
	d.cells = cells
	want := fmt.Sprintf("time%cname%c[TAG%c...]value", d.sep, d.sep, d.sep)
	if d.sep == '\t' {
		want = `time\tname\t[TAG\t...]value`
	}
	if err != nil {
		return fmt.Errorf("bad header: %v", err)
	}
	n := len(cells)
	if n < 3 || cells[0] != "time" || cells[1] != "name" || cells[n-1] != "value" {
		return fmt.Errorf("bad header: want %s, found %s", want, quoteInput(string(line)))
	}
	d.keys = slices.Clone(cells[2 : n-1])
	for i, k := range d.keys {
		k = format.RestoreCell(k)
		d.keys[i] = k
		if k == format.FoldedColumn {
			if slices.Contains(d.keys[:i], k) {
				return fmt.Errorf("bad header: column %q given twice", k)
			}
			continue
		}
		if err := record.CheckTagKey(k); err != nil {
			return fmt.Errorf("bad header: column %d: %v", i+3, err)
		}
		if slices.Contains(d.keys[:i], k) {
			return fmt.Errorf("bad header: tag %q given twice", k)
		}
	}
	return nil
}

func (d *delimited) parseRow(line []byte) (record.Record, error) {
	var r record.Record
	cells, err := d.split(line)
	d.cells = cells
	if err != nil {
		return r, err
	}
	if len(cells) != len(d.keys)+3 {
		if len(cells) == 1 {
			return r, fmt.Errorf("row has 1 cell, the header %d", len(d.keys)+3)
		}
		return r, fmt.Errorf("row has %d cells, the header %d", len(cells), len(d.keys)+3)
	}
	r.Name = format.RestoreCell(cells[1])
	if err := record.CheckName(r.Name); err != nil {
		return r, err
	}
	for i, k := range d.keys {
		v := format.RestoreCell(cells[i+2])
		if v == "" {
			continue
		}
		if k == format.FoldedColumn {
			_, tags, err := record.ParseSeries("x;" + v)
			if err != nil {
				return r, fmt.Errorf("column %q: %v", k, err)
			}
			r.Tags = append(r.Tags, tags...)
			continue
		}
		if d.sep == '\t' {
			if v, err = unescapeTag(k, v); err != nil {
				return r, err
			}
		}
		r.Tags = append(r.Tags, record.Tag{Key: k, Value: v})
	}
	if err := record.CheckSeries(r.Name, r.Tags); err != nil {
		return r, err
	}
	if r.Value, err = parseNumber(cells[len(cells)-1]); err != nil {
		return r, err
	}
	if r.Time, err = cellTime(cells[0], d.o.Now); err != nil {
		return r, err
	}
	return r, nil
}

// unescapeTag decodes a tag value written as in a record line, by the
// record package's own rules.
func unescapeTag(k, v string) (string, error) {
	if strings.IndexByte(v, ';') >= 0 {
		return "", fmt.Errorf(`tag %q: value %s has ";" (escaped, it is \073)`, k, quoteInput(v))
	}
	_, tags, err := record.ParseSeries("x;" + k + "=" + v)
	if err != nil {
		return "", err
	}
	return tags[0].Value, nil
}

// cellTime reads RFC 3339 or Unix seconds; an empty cell is now.
func cellTime(s string, now func() time.Time) (int64, error) {
	switch {
	case s == "":
		return now().Unix(), nil
	case isUnsignedDecimal(s):
		return parseUnix(s)
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return 0, fmt.Errorf("time %s is neither RFC 3339 (2006-01-02T15:04:05Z) nor Unix seconds", quoteInput(s))
	}
	return timeInRange(s, float64(t.Unix()))
}

// isUnsignedDecimal reports whether s is D+(.D*)?: Unix seconds, where a
// date would have dashes and colons.
func isUnsignedDecimal(s string) bool {
	whole, frac, _ := strings.Cut(s, ".")
	return whole != "" && isDigits(whole) && (frac == "" || isDigits(frac))
}
