package decode

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"time"

	"sm/internal/record"
)

func init() {
	Register("influx", "InfluxDB line protocol: MEASUREMENT[,TAG=VALUE]... FIELD=VALUE[,FIELD=VALUE]... [TIMESTAMP]", false, newInflux)
}

// influx reads InfluxDB's line protocol, the inverse of the influx
// format: each numeric field of a line is a record named
// MEASUREMENT.FIELD, or MEASUREMENT alone for a field named "value", with
// the line's tags. Floats, integers (1i), unsigned integers (1u) and
// booleans (1 for true, 0 for false) are numbers; a string field is not.
//
// The line is checked whole before any of it is used: a line whose
// syntax is wrong gives one error and no record. A line whose syntax is
// right gives a record for each good field, then, if some field was bad
// (a string, a value out of range, a name sm cannot hold), one error
// naming the first bad field: --reject then keeps the line although its
// good fields were stored.
//
// Timestamps are in Options.Precision, nanoseconds by default, rounded
// down to seconds; a line without one is at Options.Now. Escapes follow
// the line protocol's grammar: a backslash escapes a comma or a space in
// a measurement, and a comma, an equals sign or a space in a key or a
// tag value; before anything else it is a backslash.
type influx struct {
	rd      *record.Reader
	now     func() time.Time
	prec    int64 // nanoseconds a unit
	raw     []byte
	pending []record.Record // the rest of the line's records
	perr    error           // and its error, after them
	recs    []record.Record
	tags    []record.Tag
	joined  []byte // a line that a string field carried past its end
}

// skipString reads on past the end of a string field too long to hold,
// line is the first line not held, so that what the string holds is
// not read as lines of its own. The rest of the line after the closing
// quote goes with the string.
func (x *influx) skipString(line []byte) {
	for {
		for i := 0; i < len(line); i++ {
			switch line[i] {
			case '\\':
				i++
			case '"':
				return
			}
		}
		var err error
		if line, err = x.rd.NextRaw(); err != nil && !isLong(err) {
			return
		}
	}
}

// errOpenString is the error of a line that ends inside a string field.
var errOpenString = errors.New("string has no closing quote")

func newInflux(r io.Reader, o Options) Decoder {
	rd := record.NewReader(r, o.File)
	rd.Reject = o.Reject
	prec := o.Precision
	if prec <= 0 {
		prec = time.Nanosecond
	}
	return &influx{rd: rd, now: o.Now, prec: int64(prec)}
}

func (x *influx) Next() (record.Record, error) {
	for {
		if len(x.pending) > 0 {
			rec := x.pending[0]
			x.pending = x.pending[1:]
			return rec, nil
		}
		if x.perr != nil {
			err := x.perr
			x.perr = nil
			return record.Record{}, err
		}
		line, err := x.rd.NextLine()
		x.raw = x.rd.Raw()
		if err != nil {
			if isLong(err) {
				x.raw = nil
			}
			return record.Record{}, err
		}
		first := x.rd.Line()
		recs, err := x.parse(line)
		for errors.Is(err, errOpenString) {
			// A string field may hold a line ending: the line goes on.
			x.joined = append(append(x.joined[:0], x.raw...), '\n')
			next, rerr := x.rd.NextRaw()
			if rerr != nil {
				if isLong(rerr) || errors.Is(rerr, io.EOF) {
					break // the string's own error, on its first line
				}
				return record.Record{}, rerr
			}
			if len(x.joined)+len(next) > record.MaxLine {
				err = fmt.Errorf("a string field goes on over more than %d bytes", record.MaxLine)
				x.raw = nil // too long to set aside whole
				x.skipString(next)
				break
			}
			x.joined = append(x.joined, next...)
			x.raw = x.joined
			recs, err = x.parse(x.joined)
		}
		if err != nil {
			err = x.rd.ErrorAt(first, err)
		}
		x.pending, x.perr = recs, err
	}
}

func (x *influx) Raw() []byte { return x.raw }

// An influxField is one FIELD=VALUE of a line, its value not yet read.
type influxField struct {
	key   string
	value []byte
	str   bool // a quoted string
}

// parse returns the records of one line and, if some part of it could
// not be one, the error of the first such part.
func (x *influx) parse(line []byte) ([]record.Record, error) {
	p := influxParser{line: line}
	for p.i < len(line) && (line[p.i] == ' ' || line[p.i] == '\t') {
		p.i++
	}
	meas := p.token(influxMeasurementSpecial)
	if meas == "" {
		return nil, fmt.Errorf("no measurement name at %s", quoteField(p.rest()))
	}
	x.tags = x.tags[:0]
	for p.peek() == ',' {
		p.i++
		k := p.token(influxKeySpecial)
		if k == "" {
			return nil, fmt.Errorf("empty tag name at %s", quoteField(p.rest()))
		}
		if p.peek() != '=' {
			return nil, fmt.Errorf("tag %q has no \"=\"", k)
		}
		p.i++
		v := p.token(influxKeySpecial)
		if v == "" {
			return nil, fmt.Errorf("tag %q has an empty value", k)
		}
		if p.peek() == '=' {
			return nil, fmt.Errorf("tag %q: value %q is followed by an unescaped \"=\"", k, v)
		}
		x.tags = append(x.tags, record.Tag{Key: k, Value: v})
	}
	if p.peek() != ' ' {
		return nil, fmt.Errorf("no fields after %s: expected MEASUREMENT[,TAG=VALUE]... FIELD=VALUE[,FIELD=VALUE]... [TIMESTAMP]", quoteField(line[:p.i]))
	}
	p.skipSpaces()
	var fields []influxField
	for {
		k := p.token(influxKeySpecial)
		if k == "" {
			if p.i == len(p.line) && len(fields) > 0 {
				return nil, fmt.Errorf("nothing after the \",\" that follows field %q", fields[len(fields)-1].key)
			}
			if p.i == len(p.line) {
				return nil, errors.New("no fields: expected MEASUREMENT[,TAG=VALUE]... FIELD=VALUE[,FIELD=VALUE]... [TIMESTAMP]")
			}
			return nil, fmt.Errorf("empty field name at %s", quoteField(p.rest()))
		}
		if p.peek() != '=' {
			return nil, fmt.Errorf("field %q has no \"=\"", k)
		}
		p.i++
		f := influxField{key: k}
		if p.peek() == '"' {
			if !p.skipString() {
				return nil, fmt.Errorf("field %q: %w", k, errOpenString)
			}
			if c := p.peek(); c != ',' && c != ' ' && c != 0 {
				return nil, fmt.Errorf("field %q: unexpected %s after the string", k, quoteField(p.rest()))
			}
			f.str = true
		} else {
			start := p.i
			for p.i < len(p.line) && p.line[p.i] != ',' && p.line[p.i] != ' ' {
				p.i++
			}
			f.value = p.line[start:p.i]
			if len(f.value) == 0 {
				return nil, fmt.Errorf("field %q has an empty value", k)
			}
		}
		fields = append(fields, f)
		if p.peek() != ',' {
			break
		}
		p.i++
	}
	p.skipSpaces()
	ts := x.now().Unix()
	if p.i < len(p.line) {
		start := p.i
		for p.i < len(p.line) && p.line[p.i] != ' ' {
			p.i++
		}
		var err error
		if ts, err = x.time(p.line[start:p.i]); err != nil {
			return nil, err
		}
		p.skipSpaces()
		if p.i < len(p.line) {
			return nil, fmt.Errorf("unexpected text after the timestamp: %s", quoteField(p.rest()))
		}
	}
	if err := record.CheckTags(x.tags); err != nil {
		return nil, err
	}
	x.recs = x.recs[:0]
	var first error
	bad := 0
	for _, f := range fields {
		rec, err := x.record(meas, f, ts)
		if err != nil {
			if bad == 0 {
				first = err
			}
			bad++
			continue
		}
		x.recs = append(x.recs, rec)
	}
	switch {
	case bad == 2:
		return x.recs, fmt.Errorf("%w (and 1 more bad field)", first)
	case bad > 2:
		return x.recs, fmt.Errorf("%w (and %d more bad fields)", first, bad-1)
	}
	return x.recs, first
}

// record makes the record of one field.
func (x *influx) record(meas string, f influxField, ts int64) (record.Record, error) {
	if f.str {
		return record.Record{}, fmt.Errorf("field %q is a string, not a number", f.key)
	}
	v, err := influxValue(f.value)
	if err != nil {
		return record.Record{}, fmt.Errorf("field %q: %w", f.key, err)
	}
	name := meas
	if f.key != "value" {
		name = meas + "." + f.key
	}
	if err := record.CheckSeries(name, x.tags); err != nil {
		return record.Record{}, fmt.Errorf("field %q: %w", f.key, err)
	}
	return record.Record{Name: name, Tags: x.tags, Value: v, Time: ts}, nil
}

// influxValue reads a field value that is not a string.
func influxValue(b []byte) (float64, error) {
	s := string(b)
	switch s {
	case "t", "T", "true", "True", "TRUE":
		return 1, nil
	case "f", "F", "false", "False", "FALSE":
		return 0, nil
	}
	switch last := s[len(s)-1]; {
	case last == 'i' && isDigits(trimMinus(s[:len(s)-1])):
		n, err := strconv.ParseInt(s[:len(s)-1], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("integer %s is out of range", quoteField(b))
		}
		return float64(n), nil
	case last == 'u' && isDigits(s[:len(s)-1]):
		n, err := strconv.ParseUint(s[:len(s)-1], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("unsigned integer %s is out of range", quoteField(b))
		}
		return float64(n), nil
	case !isInfluxFloat(s):
		return 0, fmt.Errorf("value %s is not a number", quoteField(b))
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, fmt.Errorf("value %s is out of range", quoteField(b))
	}
	return v + 0, nil // no negative zero
}

func trimMinus(s string) string {
	if len(s) > 0 && s[0] == '-' {
		return s[1:]
	}
	return s
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isInfluxFloat reports whether s is a float of the line protocol:
// -?(D+(.D*)?|.D+)([eE][+-]?D+)?.
func isInfluxFloat(s string) bool {
	s = trimMinus(s)
	i, digits := 0, 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !isDigits(s[i:]) {
			return false
		}
		i = len(s)
	}
	return i == len(s)
}

// time reads a timestamp in units of x.prec.
func (x *influx) time(b []byte) (int64, error) {
	if !isDigits(trimMinus(string(b))) {
		return 0, fmt.Errorf("timestamp %s is not an integer", quoteField(b))
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("timestamp %s is out of range", quoteField(b))
	}
	return checkTime(b, floorScale(n, x.prec, int64(time.Second)))
}

// floorScale returns t*num/den rounded down, num and den positive, or
// the nearest int64 when that does not fit.
func floorScale(t, num, den int64) int64 {
	if den%num == 0 {
		d := den / num
		q := t / d
		if t%d < 0 {
			q--
		}
		return q
	}
	n := new(big.Int).Mul(big.NewInt(t), big.NewInt(num))
	n.Div(n, big.NewInt(den)) // Euclidean: rounds down, den being positive
	if !n.IsInt64() {
		if n.Sign() < 0 {
			return math.MinInt64
		}
		return math.MaxInt64
	}
	return n.Int64()
}

// checkTime refuses a time in seconds that sm cannot store.
func checkTime(b []byte, t int64) (int64, error) {
	switch {
	case t < 0:
		return 0, fmt.Errorf("timestamp %s is before 1970", quoteField(b))
	case t > record.MaxTime:
		return 0, fmt.Errorf("timestamp %s is after the year 9999", quoteField(b))
	}
	return t, nil
}

// The bytes that end each part of a line unless a backslash escapes them.
const (
	influxMeasurementSpecial = ", "
	influxKeySpecial         = ",= " // tag keys, tag values, field keys
)

// influxParser walks one line.
type influxParser struct {
	line []byte
	i    int
}

func (p *influxParser) peek() byte {
	if p.i < len(p.line) {
		return p.line[p.i]
	}
	return 0
}

func (p *influxParser) rest() []byte { return p.line[p.i:] }

func (p *influxParser) skipSpaces() {
	for p.i < len(p.line) && p.line[p.i] == ' ' {
		p.i++
	}
}

// token reads up to the first byte of special that no backslash
// escapes, and returns it with those escapes undone.
func (p *influxParser) token(special string) string {
	start, escaped := p.i, false
	for p.i < len(p.line) {
		c := p.line[p.i]
		if c == '\\' && p.i+1 < len(p.line) && indexByte(special, p.line[p.i+1]) {
			p.i += 2
			escaped = true
			continue
		}
		if indexByte(special, c) {
			break
		}
		p.i++
	}
	tok := p.line[start:p.i]
	if !escaped {
		return string(tok)
	}
	out := make([]byte, 0, len(tok))
	for i := 0; i < len(tok); i++ {
		if tok[i] == '\\' && i+1 < len(tok) && indexByte(special, tok[i+1]) {
			i++
		}
		out = append(out, tok[i])
	}
	return string(out)
}

func indexByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// skipString moves past a quoted string field, whose backslash escapes
// any byte, and reports whether it was closed.
func (p *influxParser) skipString() bool {
	for p.i++; p.i < len(p.line); p.i++ {
		switch p.line[p.i] {
		case '\\':
			p.i++
		case '"':
			p.i++
			return true
		}
	}
	return false
}

// quoteField quotes part of a line for an error message, shortened so
// that a long line does not make a long message.
func quoteField(b []byte) string {
	const max = 40
	if len(b) > max {
		return strconv.Quote(string(b[:max])) + "..."
	}
	return strconv.Quote(string(b))
}
