package decode

import (
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"sm/internal/record"
)

func init() {
	Register("rrd", "the XML of rrdtool dump or rrdtool xport, as the series --name (NAME.SOURCE with several)", true, newRRD)
}

// rrd reads the XML that rrdtool dump and rrdtool xport write, told apart
// by the root element, <rrd> or <xport>.
//
// A dump holds archives of consolidated rows, each row a value for
// every data source. Only AVERAGE archives are read. For each stretch of
// time the finest archive (fewest steps a row) that covers it is taken:
// a coarser archive gives only its rows older than the oldest row of
// every finer one. Row times come from <lastupdate>, <step> and
// <pdp_per_row>, as rrdtool's own fetch computes them: the last row of
// an archive ends at lastupdate rounded down to step*pdp_per_row, each
// row before it that much earlier. The comments in the dump, which say
// the same, are not read. Rows come out oldest first, so a dump is read
// to its end before the first record: what is held is the rows that
// will be given, never more than one archive beyond them.
//
// An export is rows of a time (<t>, or <start> plus the row's number
// times <step> when rrdtool leaves <t> out) and one value a column. It
// is read as it comes.
//
// With one data source or column, the records are the series Options.Name,
// NAME[;TAG=VALUE]...; with several, each is NAME.SOURCE with the same
// tags, SOURCE being the data source's name or the column's legend
// entry, with bytes other than letters, digits, '_', '.' and '-' made
// '_' (v0, v1... for an empty entry). Unknown rows (NaN) are skipped:
// they are no error. An input without a root element, or with text
// before it, is not rrdtool's XML, and an error, as is one past the
// bounds below and in bound.go: the reading stops there.
type rrd struct {
	o     Options
	xd    *xml.Decoder
	name  string
	tags  []record.Tag
	begun bool
	done  bool
	root  string
	path  []string
	text  []byte
	long  bool // text went past what a number can be
	queue []sadfOut
	head  int

	// dump
	step, last int64 // 0: not seen
	ds         []string
	series     []string // a name for each data source or column
	cur        *rrdArchive
	archives   []*rrdArchive
	nArchives  int
	averages   int
	row        []float64
	rowBad     bool
	emit       *rrdEmitter
	held       int // values in archives and cur

	// xport
	start, xstep int64
	legend       []string
	columns      int
	t            int64
	haveT        bool
	rows         int64
}

// An rrdArchive is an AVERAGE archive of a dump.
type rrdArchive struct {
	index  int
	cf     string
	pdp    int64
	vals   []float64 // rows × data sources, oldest first
	n      int       // rows kept
	oldest int64     // the time of the first row, before any was dropped
	span   int64     // step × pdp_per_row
	skip   bool
}

func newRRD(r io.Reader, o Options) Decoder {
	d := &rrd{o: o, xd: xml.NewDecoder(newGuard(r, o.File, &xmlScan{}))}
	d.xd.CharsetReader = charsetReader
	return d
}

func (d *rrd) Raw() []byte { return nil }

func (d *rrd) Next() (record.Record, error) {
	if !d.begun {
		d.begun = true
		// ParseSeries holds it to the rule of every record.
		name, tags, err := record.ParseSeries(d.o.Name)
		if err != nil {
			d.done = true
			return record.Record{}, fmt.Errorf("--name %s: %v", quoteInput(d.o.Name), err)
		}
		d.name, d.tags = name, slices.Clip(tags)
	}
	for d.head == len(d.queue) {
		if d.emit != nil {
			if r, ok := d.emit.next(); ok {
				return r, nil
			}
			d.emit = nil
		}
		if d.done {
			return record.Record{}, io.EOF
		}
		d.queue, d.head = d.queue[:0], 0
		if err := d.read(); err != nil {
			d.done = true
			if err != io.EOF {
				var se *xml.SyntaxError
				if errors.As(err, &se) {
					return record.Record{}, &record.LineError{File: d.o.File, Line: se.Line, Err: fmt.Errorf("bad XML: %s", se.Msg)}
				}
				return record.Record{}, err
			}
		}
	}
	out := d.queue[d.head]
	d.queue[d.head] = sadfOut{}
	d.head++
	return out.rec, out.err
}

func (d *rrd) line() int {
	line, _ := d.xd.InputPos()
	return line
}

func (d *rrd) fail(err error) {
	d.queue = append(d.queue, sadfOut{err: &record.LineError{File: d.o.File, Line: d.line(), Err: err}})
}

// fatal is an error after which the document cannot be read on.
func (d *rrd) fatal(err error) error {
	d.fail(err)
	return io.EOF
}

// read reads tokens until something is queued, or the end.
func (d *rrd) read() error {
	for d.head == len(d.queue) && d.emit == nil {
		before := d.line()
		tok, err := d.xd.Token()
		if err == io.EOF {
			if d.root == "" {
				return d.fatal(errors.New("no root element: neither <rrd> (rrdtool dump) nor <xport> (rrdtool xport)"))
			}
			return d.fatal(fmt.Errorf("document cut short: no </%s>", d.root))
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(d.path) == maxDepth {
				return d.fatal(fmt.Errorf("XML nested more than %d deep", maxDepth))
			}
			d.path = append(d.path, t.Name.Local)
			d.text, d.long = d.text[:0], false
			if err := d.open(); err != nil {
				return err
			}
		case xml.EndElement:
			if err := d.close(); err != nil {
				return err
			}
			d.path = d.path[:len(d.path)-1]
			if len(d.path) == 0 {
				return io.EOF
			}
		case xml.CharData:
			if len(d.path) == 0 {
				s := strings.TrimLeft(string(t), " \t\r\n")
				if s == "" {
					continue
				}
				first, _, _ := strings.Cut(s, "\n")
				d.queue = append(d.queue, sadfOut{err: &record.LineError{
					// encoding/xml gives a lone "\r" as "\n": the
					// line is no later than the decoder's own count.
					File: d.o.File, Line: min(before+strings.Count(string(t[:len(t)-len(s)]), "\n"), d.line()),
					Err: fmt.Errorf("not XML: text %s before the root element", quoteInput(strings.TrimSpace(first))),
				}})
				return io.EOF
			}
			// What is kept is cut short, never dropped: a long number
			// is then reported as such.
			if n := maxRRDText - len(d.text); len(t) > n {
				t, d.long = t[:n], true
			}
			d.text = append(d.text, t...)
		}
	}
	return nil
}

func (d *rrd) at(path string) bool {
	return len(d.path) == strings.Count(path, "/")+1 && strings.Join(d.path, "/") == path
}

func (d *rrd) open() error {
	if len(d.path) == 1 {
		d.root = d.path[0]
		if d.root != "rrd" && d.root != "xport" {
			return d.fatal(fmt.Errorf("root element <%s> is neither <rrd> (rrdtool dump) nor <xport> (rrdtool xport)", d.root))
		}
		return nil
	}
	switch {
	case d.at("rrd/rra"):
		d.cur = &rrdArchive{index: d.nArchives}
		d.nArchives++
	case d.at("rrd/rra/database"):
		return d.database()
	case d.at("rrd/rra/database/row"), d.at("xport/data/row"):
		d.row, d.rowBad, d.haveT = d.row[:0], false, false
	case d.at("xport/data"):
		return d.xportData()
	}
	return nil
}

func (d *rrd) close() error {
	text := strings.TrimSpace(string(d.text))
	var err error
	switch {
	case d.at("rrd/step"):
		if d.step, err = parseRRDInt(text, 1); err != nil {
			return d.fatal(fmt.Errorf("<step>: %v", err))
		}
	case d.at("rrd/lastupdate"):
		if d.last, err = parseRRDInt(text, 0); err != nil {
			return d.fatal(fmt.Errorf("<lastupdate>: %v", err))
		}
	case d.at("rrd/ds/name"):
		if d.long {
			return d.fatal(fmt.Errorf("data source name is longer than %d bytes", maxRRDText))
		}
		if len(d.ds) == maxRRDColumns {
			return d.fatal(fmt.Errorf("more than %d data sources", maxRRDColumns))
		}
		d.ds = append(d.ds, text)
	case d.at("rrd/rra/cf") && d.cur != nil:
		d.cur.cf = text
	case d.at("rrd/rra/pdp_per_row") && d.cur != nil:
		if d.cur.pdp, err = parseRRDInt(text, 1); err != nil {
			d.cur.skip = true
			d.fail(fmt.Errorf("<pdp_per_row>: %v; archive %d skipped", err, d.cur.index))
		}
	case d.at("rrd/rra/database/row/v"):
		if a := d.cur; a != nil && a.cf == "AVERAGE" && !a.skip && a.span > 0 {
			if len(d.row) == maxRRDColumns {
				return d.fatal(fmt.Errorf("row of more than %d values", maxRRDColumns))
			}
			d.value(text)
		}
	case d.at("xport/data/row/v"), len(d.path) == 4 && d.path[0] == "xport" && d.path[2] == "row" && isEnumDS(d.path[3]):
		if len(d.row) == maxRRDColumns {
			return d.fatal(fmt.Errorf("row of more than %d values", maxRRDColumns))
		}
		d.value(text)
	case d.at("rrd/rra/database/row"):
		if d.held >= maxRRDValues {
			return d.fatal(fmt.Errorf("dump of more than %d values held at once: rrdtool xport gives them a row at a time", maxRRDValues))
		}
		d.dumpRow()
	case d.at("rrd/rra"):
		d.finish()
	case d.at("rrd"):
		if d.averages == 0 {
			return d.fatal(errors.New("no AVERAGE archive in the dump"))
		}
		d.emit = newRRDEmitter(d)
	case d.at("xport/meta/start"):
		if d.start, err = parseRRDInt(text, 0); err != nil {
			d.fail(fmt.Errorf("<start>: %v", err))
		}
	case d.at("xport/meta/step"):
		if d.xstep, err = parseRRDInt(text, 1); err != nil {
			d.fail(fmt.Errorf("<step>: %v", err))
		}
	case d.at("xport/meta/columns"):
		n, err := parseRRDInt(text, 1)
		if err != nil || n > maxRRDColumns {
			d.fail(fmt.Errorf("<columns> %s is not a number of columns", quoteInput(text)))
		} else {
			d.columns = int(n)
		}
	case d.at("xport/meta/legend/entry"):
		if d.long {
			return d.fatal(fmt.Errorf("legend entry is longer than %d bytes", maxRRDText))
		}
		if len(d.legend) == maxRRDColumns {
			return d.fatal(fmt.Errorf("more than %d legend entries", maxRRDColumns))
		}
		d.legend = append(d.legend, text)
	case d.at("xport/data/row/t"):
		if d.t, err = parseRRDInt(text, 0); err != nil {
			d.rowBad = true
			d.fail(fmt.Errorf("<t>: %v", err))
		}
		d.haveT = true
	case d.at("xport/data/row"):
		d.xportRow()
	}
	return nil
}

// isEnumDS reports the v0, v1... of rrdtool xport --enumds.
func isEnumDS(name string) bool {
	n, ok := strings.CutPrefix(name, "v")
	return ok && n != "" && strings.Trim(n, "0123456789") == ""
}

func parseRRDInt(s string, least int64) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%s is not a whole number", quoteInput(s))
	case n < least:
		return 0, fmt.Errorf("%s is less than %d", quoteInput(s), least)
	case n > record.MaxTime:
		return 0, fmt.Errorf("%s is after the year 9999", quoteInput(s))
	}
	return n, nil
}

// The bounds of the rrd reader, besides those of every XML reader.
const (
	// maxRRDText is the most text of an element that is kept: enough
	// for any number, a name or a legend entry.
	maxRRDText = 1024
	// maxRRDColumns bounds the data sources of a dump, the columns of
	// an export, and so the values of a row: with their names, 4 MiB.
	maxRRDColumns = 4096
)

// maxRRDValues bounds the values of a dump held at once, 32 MiB of them:
// a year of minutes for 8 data sources. An export, read as it comes,
// holds one row. It is a variable for the tests.
var maxRRDValues = 1 << 22

// value reads one <v>: NaN is unknown; anything else not a finite
// number is an error, and unknown too, so that the row keeps its place.
func (d *rrd) value(text string) {
	if d.long {
		d.fail(fmt.Errorf("value is longer than %d bytes", maxRRDText))
		d.row = append(d.row, math.NaN())
		return
	}
	switch strings.ToLower(text) {
	case "nan", "-nan", "+nan":
		d.row = append(d.row, math.NaN())
		return
	}
	v, err := parseNumber(text)
	if err != nil {
		d.fail(err)
		v = math.NaN()
	}
	d.row = append(d.row, v)
}

// database starts the rows of an archive: by now everything needed to
// place them in time has been read.
func (d *rrd) database() error {
	a := d.cur
	if a == nil || a.cf != "AVERAGE" || a.skip {
		return nil
	}
	switch {
	case d.step == 0 || d.last == 0:
		return d.fatal(errors.New("archive before <step> and <lastupdate>"))
	case len(d.ds) == 0:
		return d.fatal(errors.New("archive before any data source (<ds>)"))
	case a.pdp == 0:
		a.skip = true
		d.fail(fmt.Errorf("archive %d has no <pdp_per_row>; skipped", a.index))
		return nil
	case a.pdp > record.MaxTime/d.step:
		a.skip = true
		d.fail(fmt.Errorf("archive %d: a row of %d steps of %d seconds is longer than all time; skipped", a.index, a.pdp, d.step))
		return nil
	}
	if d.series == nil {
		d.series = d.names(d.ds)
	}
	a.span = d.step * a.pdp
	d.averages++
	return nil
}

func (d *rrd) dumpRow() {
	a := d.cur
	if a == nil || a.cf != "AVERAGE" || a.skip || a.span == 0 {
		return
	}
	if len(d.row) != len(d.ds) {
		d.fail(fmt.Errorf("row has %d values, the dump %d data sources", len(d.row), len(d.ds)))
		d.row = d.row[:0]
		for range d.ds {
			d.row = append(d.row, math.NaN()) // keeps the others in place
		}
	}
	a.vals = append(a.vals, d.row...)
	d.held += len(d.row)
}

// finish places an archive's rows in time, and drops the rows that a
// finer archive has, from it and from the coarser ones read before it.
func (d *rrd) finish() {
	a := d.cur
	d.cur = nil
	if a == nil || a.cf != "AVERAGE" || a.skip || a.span == 0 {
		return
	}
	nds := len(d.ds)
	total := int64(len(a.vals) / nds)
	if total == 0 {
		return
	}
	end := d.last - d.last%a.span
	if back := end / a.span; total-1 > back {
		// Rows before 1970: none can hold anything.
		drop := total - 1 - back
		a.vals = a.vals[drop*int64(nds):]
		total -= drop
	}
	a.oldest = end - (total-1)*a.span
	a.n = int(total)
	for _, b := range d.archives {
		if b.pdp < a.pdp || b.pdp == a.pdp && b.index < a.index {
			a.keepBefore(b.oldest, nds)
		} else {
			b.keepBefore(a.oldest, nds)
		}
	}
	d.archives = append(d.archives, a)
	d.archives = slices.DeleteFunc(d.archives, func(b *rrdArchive) bool { return b.n == 0 })
	d.held = 0
	for _, b := range d.archives {
		d.held += len(b.vals)
	}
}

// keepBefore drops the rows at cut and after.
func (a *rrdArchive) keepBefore(cut int64, nds int) {
	n := 0
	if cut > a.oldest {
		n = int(min(int64(a.n), (cut-a.oldest+a.span-1)/a.span))
	}
	if n < a.n {
		a.n = n
		a.vals = slices.Clip(a.vals[:n*nds])
	}
}

// names gives each data source or column its series.
func (d *rrd) names(sources []string) []string {
	if len(sources) == 1 {
		return []string{d.name}
	}
	out := make([]string, len(sources))
	seen := map[string]bool{}
	for i, s := range sources {
		b := []byte(s)
		if !utf8.ValidString(s) {
			b = []byte(strings.ToValidUTF8(s, "_"))
		}
		b = []byte(strings.Map(func(r rune) rune {
			if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '.' || r == '-' {
				return r
			}
			return '_'
		}, string(b)))
		part := string(b)
		if part == "" {
			part = "v" + strconv.Itoa(i)
		}
		name := d.name + "." + part
		for n := 2; seen[name]; n++ {
			name = d.name + "." + part + "_" + strconv.Itoa(n)
		}
		seen[name] = true
		out[i] = name
	}
	return out
}

// An rrdEmitter gives the rows of a dump's archives, coarsest first:
// after finish, each one's rows are all older than any finer one's.
type rrdEmitter struct {
	d        *rrd
	archives []*rrdArchive
	a, i, ds int
}

func newRRDEmitter(d *rrd) *rrdEmitter {
	as := slices.Clone(d.archives)
	slices.SortFunc(as, func(x, y *rrdArchive) int {
		if c := cmp.Compare(y.pdp, x.pdp); c != 0 {
			return c
		}
		return cmp.Compare(y.index, x.index)
	})
	return &rrdEmitter{d: d, archives: as}
}

func (e *rrdEmitter) next() (record.Record, bool) {
	nds := len(e.d.ds)
	for ; e.a < len(e.archives); e.a, e.i = e.a+1, 0 {
		a := e.archives[e.a]
		for ; e.i < a.n; e.i, e.ds = e.i+1, 0 {
			for e.ds < nds {
				v := a.vals[e.i*nds+e.ds]
				name := e.d.series[e.ds]
				e.ds++
				if !math.IsNaN(v) {
					return record.Record{Name: name, Tags: e.d.tags, Value: v, Time: a.oldest + int64(e.i)*a.span}, true
				}
			}
		}
		a.vals = nil
	}
	return record.Record{}, false
}

// xportData starts the rows of an export: the legend names the columns.
func (d *rrd) xportData() error {
	n := len(d.legend)
	if n == 0 {
		n = d.columns
	}
	if n == 0 {
		return d.fatal(errors.New("export with neither a <legend> nor <columns>"))
	}
	cols := d.legend
	for len(cols) < n {
		cols = append(cols, "")
	}
	d.series = d.names(cols[:n])
	return nil
}

func (d *rrd) xportRow() {
	row := d.rows
	d.rows++
	if d.series == nil || d.rowBad {
		return
	}
	if len(d.row) != len(d.series) {
		d.fail(fmt.Errorf("row has %d values, the export %d columns", len(d.row), len(d.series)))
		return
	}
	t := d.t
	if !d.haveT {
		if d.xstep == 0 {
			d.fail(errors.New("row without <t>, in an export without <start> and <step>"))
			return
		}
		if row > (record.MaxTime-d.start)/d.xstep {
			d.fail(errors.New("row after the year 9999"))
			return
		}
		t = d.start + row*d.xstep
	}
	for i, v := range d.row {
		if !math.IsNaN(v) {
			d.queue = append(d.queue, sadfOut{rec: record.Record{Name: d.series[i], Tags: d.tags, Value: v, Time: t}})
		}
	}
}

// charsetReader reads rrdtool xport's ISO-8859-1 (and plain ASCII);
// encoding/xml reads UTF-8 by itself.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii":
		return &latin1{r: input}, nil
	}
	return nil, fmt.Errorf("encoding %q is neither UTF-8 nor ISO-8859-1", charset)
}

// latin1 turns ISO-8859-1 into UTF-8: each byte is the rune of its
// value.
type latin1 struct {
	r   io.Reader
	in  [4096]byte
	out []byte
	pos int
}

func (l *latin1) Read(p []byte) (int, error) {
	for l.pos == len(l.out) {
		n, err := l.r.Read(l.in[:])
		l.out, l.pos = l.out[:0], 0
		for _, c := range l.in[:n] {
			l.out = utf8.AppendRune(l.out, rune(c))
		}
		if n == 0 && err != nil {
			return 0, err
		}
	}
	n := copy(p, l.out[l.pos:])
	l.pos += n
	return n, nil
}
