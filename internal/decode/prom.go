package decode

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"sm/internal/format"
	"sm/internal/record"
)

func init() {
	Register("prom", `Prometheus text exposition: NAME{LABEL="VALUE",...} VALUE [MILLISECONDS]`, false, func(r io.Reader, o Options) Decoder {
		return newProm(r, o, false)
	})
	Register("openmetrics", `OpenMetrics text: NAME{LABEL="VALUE",...} VALUE [SECONDS], up to # EOF`, false, func(r io.Reader, o Options) Decoder {
		return newProm(r, o, true)
	})
}

// prom reads Prometheus's text exposition format 0.0.4 and OpenMetrics
// 1.0 text, which differ here only in the unit of timestamps
// (milliseconds, seconds that may have a fraction) and in the end of the
// input: "# EOF" in OpenMetrics, after which nothing may come, and an
// OpenMetrics input that lacks it ends with an error.
//
// Each sample line is a record. The record is named by the text of the
// metric's "# HELP" line when that text is an sm name that PromName maps
// to the metric (as the prom and openmetrics formats write it), so that
// sm's metrics come back under their own names; any other metric keeps
// its name, node_load1 as node_load1. A HELP line counts for the lines
// after it. Labels become tags, but for those with an empty value, which
// Prometheus takes as no label. Timestamps are rounded down to seconds; a
// sample without one is at Options.Now. TYPE, UNIT and other comments are
// skipped, and so are OpenMetrics exemplars, unchecked; histogram and
// summary samples are records under their own names (x_bucket, x_sum).
//
// It takes more than either format allows: blanks and tabs around
// tokens, a comma before the closing brace. Values and OpenMetrics
// times are decimal numbers, exponents allowed, as both references read
// them: not "1_2" or "0x1p-3".
type prom struct {
	rd    *record.Reader
	file  string
	now   func() time.Time
	om    bool
	names map[string]string // metric → sm name, from HELP lines
	held  int               // bytes of names
	raw   []byte
	eof   bool // saw # EOF
	done  bool
	tags  []record.Tag
	value []byte
}

func newProm(r io.Reader, o Options, om bool) Decoder {
	rd := record.NewReader(r, o.File)
	rd.Reject = o.Reject
	rd.Comments = true
	return &prom{rd: rd, file: o.File, now: o.Now, om: om, names: map[string]string{}}
}

func (p *prom) Raw() []byte { return p.raw }

func (p *prom) Next() (record.Record, error) {
	for {
		if p.done {
			p.raw = nil
			return record.Record{}, io.EOF
		}
		line, err := p.rd.NextLine()
		p.raw = p.rd.Raw()
		if err == io.EOF {
			p.done = true
			p.raw = nil
			if p.om && !p.eof {
				return record.Record{}, &record.LineError{File: p.file, Line: p.rd.Line() + 1, Err: errors.New(`input ends without "# EOF"`)}
			}
			return record.Record{}, io.EOF
		}
		if p.eof {
			// Whatever follows # EOF is an error, once: the reading
			// stops there.
			p.done = true
			if err != nil {
				if isLong(err) {
					p.raw = nil
				}
				return record.Record{}, err
			}
			return record.Record{}, p.rd.Error(errors.New(`text after "# EOF"`))
		}
		if err != nil {
			if isLong(err) {
				p.raw = nil
			}
			return record.Record{}, err
		}
		rec, ok, err := p.parse(line)
		if err != nil {
			return record.Record{}, p.rd.Error(err)
		}
		if ok {
			return rec, nil
		}
	}
}

// parse reads one line, and reports whether it held a sample.
func (p *prom) parse(line []byte) (record.Record, bool, error) {
	s := promScanner{line: line}
	s.blanks()
	if s.peek() == '#' {
		return record.Record{}, false, p.comment(line[s.i+1:])
	}
	metric := s.name(true)
	if metric == "" && s.peek() != '{' {
		return record.Record{}, false, fmt.Errorf("expected a metric name at %s", quoteField(s.rest()))
	}
	p.tags = p.tags[:0]
	if s.i == len(line) {
		return record.Record{}, false, fmt.Errorf("metric %q has no value", metric)
	}
	if c := s.peek(); c != ' ' && c != '\t' && c != '{' {
		return record.Record{}, false, fmt.Errorf("metric name %q is followed by %s", metric, quoteField(s.rest()))
	}
	s.blanks()
	if s.peek() == '{' {
		at := s.rest()
		s.i++
		quoted, err := p.labels(&s, metric != "")
		if err != nil {
			return record.Record{}, false, err
		}
		if metric == "" {
			if quoted == "" {
				return record.Record{}, false, fmt.Errorf("expected a metric name at %s", quoteField(at))
			}
			metric = quoted
		}
		s.blanks()
	}
	vb := s.token()
	if len(vb) == 0 {
		return record.Record{}, false, fmt.Errorf("metric %q has no value", metric)
	}
	v, err := promValue(vb)
	if err != nil {
		return record.Record{}, false, err
	}
	s.blanks()
	ts := p.now().Unix()
	if s.i < len(line) && !(p.om && s.peek() == '#') {
		tb := s.token()
		if ts, err = p.time(tb); err != nil {
			return record.Record{}, false, err
		}
		s.blanks()
		if s.i < len(line) && !(p.om && s.peek() == '#') {
			return record.Record{}, false, fmt.Errorf("unexpected text after the timestamp: %s", quoteField(s.rest()))
		}
	}
	// Anything left is an OpenMetrics exemplar, which sm has no use for.
	name := metric
	if n, ok := p.names[metric]; ok {
		name = n
	}
	if err := record.CheckSeries(name, p.tags); err != nil {
		return record.Record{}, false, err
	}
	return record.Record{Name: name, Tags: p.tags, Value: v, Time: ts}, true, nil
}

// comment reads what follows the "#" of a comment line: # EOF, or a HELP
// line that names a metric after an sm name.
func (p *prom) comment(b []byte) error {
	s := promScanner{line: b}
	s.blanks()
	word := s.token()
	if p.om && string(word) == "EOF" && s.blanks() == len(b) {
		p.eof = true
		return nil
	}
	if string(word) != "HELP" {
		return nil
	}
	s.blanks()
	metric := s.name(true)
	if metric == "" && s.peek() == '"' {
		s.i++
		q, err := p.quoted(&s, "")
		if err != nil {
			return nil // a HELP line that names nothing is a comment
		}
		metric = string(q)
	}
	if metric == "" || s.i < len(b) && s.peek() != ' ' && s.peek() != '\t' {
		return nil
	}
	s.blanks()
	help := promUnescape(s.rest(), p.om)
	old, had := p.names[metric]
	if had {
		p.held -= len(metric) + len(old)
	}
	if help == "" || record.CheckName(help) != nil || format.PromName(help) != metric {
		delete(p.names, metric) // a later HELP line replaces an earlier one
		return nil
	}
	if p.held+len(metric)+len(help) > maxPromNames {
		delete(p.names, metric)
		return fmt.Errorf("HELP lines name more than %d bytes of sm metrics: %q keeps its Prometheus name", maxPromNames, metric)
	}
	p.names[metric] = help
	p.held += len(metric) + len(help)
	return nil
}

// maxPromNames bounds the names that HELP lines give, held for the rest
// of the input: some ten thousand of sm's.
const maxPromNames = 1 << 20

// promUnescape undoes the escapes of a HELP text: \\ and \n, and \" in
// OpenMetrics. Any other backslash stands for itself.
func promUnescape(b []byte, om bool) string {
	if !strings.Contains(string(b), `\`) {
		return strings.TrimRight(string(b), " \t")
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\\' && i+1 < len(b) {
			switch b[i+1] {
			case '\\':
				c = '\\'
				i++
			case 'n':
				c = '\n'
				i++
			case '"':
				if om {
					c = '"'
					i++
				}
			}
		}
		out = append(out, c)
	}
	return strings.TrimRight(string(out), " \t")
}

// labels reads the labels after "{", up to and with "}". A label name
// may be quoted, as Prometheus 3 writes one that is not [a-zA-Z_]\w*;
// a quoted string alone among the labels is the metric's name, returned
// as quoted, when named is false: {"name.with.dots",a="b"}.
func (p *prom) labels(s *promScanner, named bool) (quoted string, err error) {
	for {
		s.blanks()
		if s.peek() == '}' {
			s.i++
			return quoted, nil
		}
		var k string
		if s.peek() == '"' {
			s.i++
			v, err := p.quoted(s, "")
			if err != nil {
				return "", err
			}
			k = string(v)
			s.blanks()
			if c := s.peek(); c == ',' || c == '}' {
				if named || quoted != "" {
					return "", fmt.Errorf("metric %q is named twice", k)
				}
				quoted = k
				if c == ',' {
					s.i++
				}
				continue
			}
		} else {
			k = s.name(false)
		}
		if k == "" {
			if s.i == len(s.line) {
				return "", errors.New(`labels have no closing "}"`)
			}
			return "", fmt.Errorf("expected a label name at %s", quoteField(s.rest()))
		}
		s.blanks()
		if s.peek() != '=' {
			return "", fmt.Errorf("label %q has no \"=\"", k)
		}
		s.i++
		s.blanks()
		if s.peek() != '"' {
			return "", fmt.Errorf("label %q: value is not in double quotes", k)
		}
		s.i++
		v, err := p.quoted(s, k)
		if err != nil {
			return "", err
		}
		if len(v) > 0 { // an empty value is no label
			if err := record.CheckTagKey(k); err != nil {
				return "", err
			}
			p.tags = append(p.tags, record.Tag{Key: k, Value: string(v)})
		}
		s.blanks()
		switch s.peek() {
		case ',':
			s.i++
		case '}':
		default:
			if s.i == len(s.line) {
				return "", errors.New(`labels have no closing "}"`)
			}
			return "", fmt.Errorf("expected \",\" or \"}\" after label %q, found %s", k, quoteField(s.rest()))
		}
	}
}

// quoted reads a quoted string, after its opening quote, with its
// escapes undone, into p.value: the value of the label named label, or
// a quoted name when label is "".
func (p *prom) quoted(s *promScanner, label string) ([]byte, error) {
	p.value = p.value[:0]
	for s.i < len(s.line) {
		c := s.line[s.i]
		s.i++
		switch c {
		case '"':
			return p.value, nil
		case '\\':
			if s.i == len(s.line) {
				break
			}
			switch e := s.line[s.i]; e {
			case '\\', '"':
				p.value = append(p.value, e)
			case 'n':
				p.value = append(p.value, '\n')
			default:
				// OpenMetrics' reference keeps an unknown escape as
				// it is; expfmt refuses it.
				if !p.om && label == "" {
					return nil, fmt.Errorf("unknown escape %s in a quoted name", quoteField(s.line[s.i-1:s.i+1]))
				} else if !p.om {
					return nil, fmt.Errorf("label %q: unknown escape %s in value", label, quoteField(s.line[s.i-1:s.i+1]))
				}
				p.value = append(p.value, '\\', e)
			}
			s.i++
		default:
			p.value = append(p.value, c)
		}
	}
	if label == "" {
		return nil, errors.New("a quoted name has no closing quote")
	}
	return nil, fmt.Errorf("label %q: value has no closing quote", label)
}

// promValue reads a sample value: a decimal number, as record.ParseValue
// takes it, so that "1_2" and "0x1p-3", which strconv.ParseFloat would
// read as 12 and 0.125, are refused as both formats' references refuse
// them. NaN and the infinities are the formats' own, and refused as
// values sm cannot store.
func promValue(b []byte) (float64, error) {
	if !record.IsDecimal(b) {
		f, err := strconv.ParseFloat(string(b), 64)
		switch {
		case err == nil && math.IsNaN(f):
			return 0, fmt.Errorf("value %s is not a number (sm stores only finite numbers)", quoteField(b))
		case err == nil && math.IsInf(f, 0):
			return 0, fmt.Errorf("value %s is infinite (sm stores only finite numbers)", quoteField(b))
		}
	}
	return record.ParseValue(b)
}

// time reads a timestamp: milliseconds in prom, seconds in openmetrics.
func (p *prom) time(b []byte) (int64, error) {
	if !p.om {
		ms, err := strconv.ParseInt(string(b), 10, 64)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return 0, fmt.Errorf("timestamp %s is out of range", quoteField(b))
			}
			return 0, fmt.Errorf("timestamp %s is not an integer number of milliseconds", quoteField(b))
		}
		return checkTime(b, floorScale(ms, 1, 1000))
	}
	t, err := omSeconds(b)
	if err != nil {
		return 0, err
	}
	return checkTime(b, t)
}

// omSeconds reads a time in seconds, rounded down: a decimal number
// without an exponent is read exactly, whatever its digits, and anything
// else through strconv.ParseFloat.
func omSeconds(b []byte) (int64, error) {
	s := string(b)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	if isDigits(whole) && (frac == "" || isDigits(frac)) {
		t, err := strconv.ParseInt(whole, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("timestamp %s is out of range", quoteField(b))
		}
		if neg {
			t = -t
			if strings.Trim(frac, "0") != "" {
				t--
			}
		}
		return t, nil
	}
	// An exponent, as in 1.7e9, but not "1_2" or "0x1p-3", which
	// strconv.ParseFloat alone would read as 12 and 0.125.
	if !record.IsDecimal(b) {
		return 0, fmt.Errorf("timestamp %s is not a number of seconds", quoteField(b))
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || f >= 1<<63 || f < -(1<<63) {
		return 0, fmt.Errorf("timestamp %s is out of range", quoteField(b))
	}
	return int64(math.Floor(f)), nil
}

// promScanner walks one line.
type promScanner struct {
	line []byte
	i    int
}

func (s *promScanner) peek() byte {
	if s.i < len(s.line) {
		return s.line[s.i]
	}
	return 0
}

func (s *promScanner) rest() []byte { return s.line[s.i:] }

// blanks skips spaces and tabs, and returns the new position.
func (s *promScanner) blanks() int {
	for s.i < len(s.line) && (s.line[s.i] == ' ' || s.line[s.i] == '\t') {
		s.i++
	}
	return s.i
}

// token reads up to the next blank.
func (s *promScanner) token() []byte {
	start := s.i
	for s.i < len(s.line) && s.line[s.i] != ' ' && s.line[s.i] != '\t' {
		s.i++
	}
	return s.line[start:s.i]
}

// name reads a metric name, [a-zA-Z_:][a-zA-Z0-9_:]*, or a label name,
// the same without colons.
func (s *promScanner) name(metric bool) string {
	start := s.i
	for s.i < len(s.line) {
		c := s.line[s.i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == ':' && metric || s.i > start && '0' <= c && c <= '9') {
			break
		}
		s.i++
	}
	return string(s.line[start:s.i])
}
