package decode

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
//
// It enforces the rules of each format on metadata and on the values a
// type allows, refusing the line that breaks one and keeping the lines
// around it, where the references refuse the whole input: see
// promComment, promSample, omComment and omSample. Some rules of
// OpenMetrics it reads past on purpose, keeping the samples, and says so
// through Options.Warn, once per kind and input: exemplars, the buckets
// of a histogram as a whole, the order of samples within a family, and
// its own leniency about blanks (see warnOnce).
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

	warn   func(error)
	warned map[string]bool // the kinds of warning given
	last   int             // the number of the last line parsed
	loose  string          // what the line has of the leniency about blanks

	meta map[string]*promMeta // prom: the metadata of each metric name
	fam  omFamily             // openmetrics: the family being read
	seen map[string]bool      // openmetrics: the names the families took
}

// maxFamilies bounds the metric names whose metadata a reader keeps, so
// that the memory an input can take is bounded: a line that would need
// one more is refused. It is a variable for the tests.
var maxFamilies = 100_000

func newProm(r io.Reader, o Options, om bool) Decoder {
	rd := record.NewReader(r, o.File)
	rd.Reject = o.Reject
	rd.Comments = true
	// expfmt refuses a Prometheus text without a newline at its end: the
	// last line may be a cut-off write that reads as another sample.
	// An OpenMetrics input ends at "# EOF", with or without one.
	rd.Whole = !om
	return &prom{rd: rd, file: o.File, now: o.Now, om: om, names: map[string]string{},
		warn: o.Warn, warned: map[string]bool{}, meta: map[string]*promMeta{}, seen: map[string]bool{}}
}

// The kinds of warning, each with what sm does instead of refusing.
const (
	warnExemplar  = "kept: sm reads past exemplars, unchecked"
	warnHistogram = "kept: sm does not check the buckets of a histogram as a whole"
	warnOrder     = "kept: sm does not check the order of the samples of a family"
	warnSpacing   = "kept: sm reads extra blanks and a comma before the closing brace"
)

// warnOnce tells of a breach of the format's rules that sm reads past,
// at line n, once per kind and input.
func (p *prom) warnOnce(kind string, n int, err error) {
	if p.warn == nil || p.warned[kind] {
		return
	}
	p.warned[kind] = true
	p.warn(p.rd.ErrorAt(n, fmt.Errorf("%w (%s; said once per input)", err, kind)))
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
		if p.om && p.rd.Line() > p.last+1 && !p.eof {
			p.warnOnce(warnSpacing, p.last+1, errors.New("an empty line"))
		}
		p.last = p.rd.Line()
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
		p.loose = ""
		rec, ok, err := p.parse(line)
		if err != nil {
			return record.Record{}, p.rd.Error(err)
		}
		if p.om && p.loose != "" {
			p.warnOnce(warnSpacing, p.rd.Line(), errors.New(p.loose))
		}
		if ok {
			return rec, nil
		}
	}
}

// parse reads one line, and reports whether it held a sample.
func (p *prom) parse(line []byte) (record.Record, bool, error) {
	s := promScanner{line: line}
	p.gap(&s, "")
	if s.peek() == '#' {
		if p.om {
			return record.Record{}, false, p.omComment(line[s.i+1:])
		}
		return record.Record{}, false, p.promComment(line[s.i+1:])
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
	if end := s.i; s.blanks() > end && (s.peek() == '{' || string(line[end:s.i]) != " ") {
		p.loose = "extra blanks or tabs"
	}
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
		p.gap(&s, " ")
	}
	vb := s.token()
	if len(vb) == 0 {
		return record.Record{}, false, fmt.Errorf("metric %q has no value", metric)
	}
	v, err := promValue(vb)
	if err != nil {
		return record.Record{}, false, err
	}
	p.gapOrEnd(&s)
	ts := p.now().Unix()
	var tb []byte
	if s.i < len(line) && !(p.om && s.peek() == '#') {
		tb = s.token()
		if ts, err = p.time(tb); err != nil {
			return record.Record{}, false, err
		}
		p.gapOrEnd(&s)
		if s.i < len(line) && !(p.om && s.peek() == '#') {
			return record.Record{}, false, fmt.Errorf("unexpected text after the timestamp: %s", quoteField(s.rest()))
		}
	}
	// Anything left is an OpenMetrics exemplar, which sm has no use for.
	exemplar := s.rest()
	name := metric
	if n, ok := p.names[metric]; ok {
		name = n
	}
	if err := record.CheckSeries(name, p.tags); err != nil {
		return record.Record{}, false, err
	}
	if p.om {
		err = p.omSample(metric, v, tb, exemplar)
	} else {
		err = p.promSample(metric, v)
	}
	if err != nil {
		return record.Record{}, false, err
	}
	return record.Record{Name: name, Tags: p.tags, Value: v, Time: ts}, true, nil
}

// gap skips blanks, and notes in p.loose blanks other than want, the one
// separator OpenMetrics has there. It returns the number of blanks.
func (p *prom) gap(s *promScanner, want string) int {
	start := s.i
	s.blanks()
	if string(s.line[start:s.i]) != want && p.loose == "" {
		p.loose = "extra blanks or tabs"
	}
	return s.i - start
}

// gapOrEnd is gap after a token that the line may end with: a single
// blank, or nothing at its end.
func (p *prom) gapOrEnd(s *promScanner) {
	start := s.i
	s.blanks()
	if (s.i == len(s.line) && s.i > start || s.i < len(s.line) && string(s.line[start:s.i]) != " ") && p.loose == "" {
		p.loose = "extra blanks or tabs"
	}
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
	comma := false
	for {
		p.gap(s, "")
		if s.peek() == '}' {
			if comma && p.loose == "" {
				p.loose = `a comma before "}"`
			}
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
			p.gap(s, "")
			if c := s.peek(); c == ',' || c == '}' {
				if named || quoted != "" {
					return "", fmt.Errorf("metric %q is named twice", k)
				}
				quoted = k
				comma = c == ','
				if comma {
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
		if k == "__name__" {
			return "", errors.New(`label name "__name__" is reserved for the metric's name`)
		}
		p.gap(s, "")
		if s.peek() != '=' {
			return "", fmt.Errorf("label %q has no \"=\"", k)
		}
		s.i++
		p.gap(s, "")
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
				return "", fmt.Errorf("label %q: %w", k, err)
			}
			p.tags = append(p.tags, record.Tag{Key: k, Value: string(v)})
		}
		p.gap(s, "")
		comma = false
		switch s.peek() {
		case ',':
			s.i++
			comma = true
		case '}':
		default:
			if s.i == len(s.line) {
				return "", errors.New(`labels have no closing "}"`)
			}
			return "", fmt.Errorf("expected \",\" or \"}\" after label %q, found %s", k, quoteField(s.rest()))
		}
	}
}

// commentName reads the metric name of a # HELP, # TYPE or # UNIT line,
// plain or quoted; "" when there is none.
func (p *prom) commentName(s *promScanner) (string, error) {
	if s.peek() != '"' {
		return s.name(true), nil
	}
	s.i++
	q, err := p.quoted(s, "")
	return string(q), err
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

// promMeta is what a Prometheus text has said of one metric name.
type promMeta struct {
	help, typed, samples bool
	typ                  string
}

// promTypes are the types of a Prometheus text's # TYPE lines.
// expfmt reads gauge histograms too, by either name.
var promTypes = []string{"counter", "gauge", "histogram", "summary", "untyped", "gaugehistogram", "gauge_histogram"}

// metaOf returns the metadata of a metric name, made on first use, or
// an error when the input has named maxFamilies already.
func (p *prom) metaOf(name string) (*promMeta, error) {
	if m, ok := p.meta[name]; ok {
		return m, nil
	}
	if len(p.meta) >= maxFamilies {
		return nil, fmt.Errorf("metric %q: more than %d metric names in one input", name, maxFamilies)
	}
	m := &promMeta{}
	p.meta[name] = m
	return m, nil
}

// promComment reads what follows the "#" of a comment line of a
// Prometheus text: a # HELP or # TYPE line must name a metric, once
// each, and the # TYPE line, of a known type, must come before the
// metric's samples, as expfmt requires. Other comments are free, and so
// is a # HELP or # TYPE line that ends before its text, as in expfmt.
func (p *prom) promComment(b []byte) error {
	s := promScanner{line: b}
	s.blanks()
	word := string(s.token())
	if word != "HELP" && word != "TYPE" || s.blanks() == len(b) {
		return nil
	}
	at := s.rest()
	name, err := p.commentName(&s)
	if err != nil {
		return err
	}
	if name == "" || s.i < len(b) && s.peek() != ' ' && s.peek() != '\t' {
		return fmt.Errorf("# %s line: expected a metric name at %s", word, quoteField(at))
	}
	if s.blanks() == len(b) {
		return nil
	}
	m, err := p.metaOf(name)
	if err != nil {
		return err
	}
	if word == "HELP" {
		if m.help {
			return fmt.Errorf("second # HELP line for metric %q", name)
		}
		m.help = true
		return p.comment(b)
	}
	s.blanks()
	typ := string(s.token())
	switch {
	case m.typed:
		return fmt.Errorf("second # TYPE line for metric %q", name)
	case m.samples:
		return fmt.Errorf("# TYPE line for metric %q comes after its samples", name)
	case !slices.Contains(promTypes, typ):
		return fmt.Errorf("metric %q: unknown type %s", name, quoteField([]byte(typ)))
	}
	m.typed, m.typ = true, typ
	return nil
}

// promSample checks a sample of a Prometheus text against its metric's
// type, as expfmt does: a histogram's le and a summary's quantile are
// numbers, a histogram's bucket counts and count are not negative.
func (p *prom) promSample(metric string, v float64) error {
	fam, suffix := metric, ""
	for _, sfx := range []string{"_bucket", "_count", "_sum"} {
		if base, ok := strings.CutSuffix(metric, sfx); ok {
			if m := p.meta[base]; m != nil && (m.typ == "histogram" || m.typ == "summary") {
				fam, suffix = base, sfx
			}
			break
		}
	}
	m, err := p.metaOf(fam)
	if err != nil {
		return err
	}
	m.samples = true
	switch {
	case m.typ == "histogram" && suffix == "_bucket":
		if le := record.TagValue(p.tags, "le"); !promFloat(le) {
			return fmt.Errorf("histogram %q: le %q is not a number", fam, le)
		}
		if v < 0 {
			return fmt.Errorf("histogram %q has a negative bucket count", fam)
		}
	case m.typ == "histogram" && suffix == "_count" && v < 0:
		return fmt.Errorf("histogram %q has a negative count", fam)
	case m.typ == "summary" && suffix == "":
		if q := record.TagValue(p.tags, "quantile"); !promFloat(q) {
			return fmt.Errorf("summary %q: quantile %q is not a number", fam, q)
		}
	}
	return nil
}

// promFloat reports whether a label value is a number as expfmt reads
// one: strconv.ParseFloat's, but for its hexadecimal and underscores.
func promFloat(s string) bool {
	if strings.ContainsAny(s, "xXpP_") {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// omNumber reports whether b is a number as OpenMetrics writes one: a
// decimal number, or one of its spellings of the infinities and NaN.
func omNumber(b []byte) bool {
	switch string(b) {
	case "+Inf", "-Inf", "Inf", "NaN":
		return true
	}
	return record.IsDecimal(b)
}

// omFloat reads a label value that OpenMetrics takes as a number: a
// histogram's le, a summary's quantile.
func omFloat(s string) (float64, bool) {
	if !omNumber([]byte(s)) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil || errors.Is(err, strconv.ErrRange)
}

// omFamily is what an OpenMetrics input has said of the family being
// read, whose lines come together: its metadata, whether samples came,
// and the group of samples (those of one label set) last read.
type omFamily struct {
	name                  string
	typ                   string // "" without a # TYPE line
	help, typed, unitSeen bool
	unit                  string
	samples               bool
	group                 string // the key of the last group
	grouped, hasTS        bool
	ts                    float64
	groups                map[string]bool
	hist                  omHist
}

// omHist is the state of one group of a histogram's samples, checked as
// a whole when the group ends.
type omHist struct {
	active                      bool
	key                         string // group and timestamp
	line                        int    // where the group began
	bucket, value, count        float64
	hasBucket, hasCount         bool
	sum, gsum, negBucket, negGs bool
}

// omTypes are the types of OpenMetrics.
var omTypes = []string{"counter", "gauge", "histogram", "gaugehistogram", "stateset", "info", "summary", "unknown"}

// omSuffixes returns the suffixes a type allows the samples of a family.
func omSuffixes(typ string) []string {
	switch typ {
	case "counter":
		return []string{"_total", "_created"}
	case "summary":
		return []string{"", "_count", "_sum", "_created"}
	case "histogram":
		return []string{"_count", "_sum", "_bucket", "_created"}
	case "gaugehistogram":
		return []string{"_gcount", "_gsum", "_bucket"}
	case "info":
		return []string{"_info"}
	}
	return []string{""}
}

func (f *omFamily) allows(metric string) bool {
	rest, ok := strings.CutPrefix(metric, f.name)
	return ok && f.name != "" && slices.Contains(omSuffixes(f.typ), rest)
}

func (f *omFamily) histogram() bool { return f.typ == "histogram" || f.typ == "gaugehistogram" }

// take adds a name to those the families took, or says whose it was.
func (p *prom) take(family, name string) error {
	if p.seen[name] {
		if name == family {
			return fmt.Errorf("metric %q comes again after other families, or clashes with a name of one", family)
		}
		return fmt.Errorf("metric %q: name %q is taken by an earlier family", family, name)
	}
	if len(p.seen) >= maxFamilies {
		return fmt.Errorf("metric %q: more than %d metric names in one input", family, maxFamilies)
	}
	p.seen[name] = true
	return nil
}

// startFamily ends the family being read and begins another; an error
// says its name clashes, but the family begins all the same, so that
// only its first line is refused.
func (p *prom) startFamily(name string) error {
	p.endFamily()
	p.fam = omFamily{name: name, groups: map[string]bool{}}
	return p.take(name, name)
}

// endFamily checks the last group of a histogram.
func (p *prom) endFamily() {
	if p.fam.hist.active {
		p.checkHistogram()
	}
	p.fam.hist = omHist{}
}

// checkHistogram checks a group of a histogram's samples as a whole.
func (p *prom) checkHistogram() {
	f, h := &p.fam, &p.fam.hist
	var what string
	switch {
	case !h.hasBucket || !math.IsInf(h.bucket, 1):
		what = "has no +Inf bucket"
	case h.hasCount && h.value != h.count:
		what = "has a count other than its +Inf bucket's"
	case h.sum && !h.hasCount:
		what = "has a _sum without a _count"
	case h.gsum && !h.hasCount:
		what = "has a _gsum without a _gcount"
	case !h.sum && !h.gsum && h.hasCount:
		what = "has a count without a sum"
	case h.negBucket && h.sum:
		what = "has a _sum and negative buckets"
	case !h.negBucket && h.negGs:
		what = "has a negative _gsum and no negative bucket"
	default:
		return
	}
	p.warnOnce(warnHistogram, h.line, fmt.Errorf("%s %q %s", f.typ, f.name, what))
}

// omComment reads what follows the "#" of a comment line of OpenMetrics:
// # EOF, or # HELP, # TYPE or # UNIT, each once, before the samples of
// its family, with a single blank between words as the format has it.
func (p *prom) omComment(b []byte) error {
	s := promScanner{line: b}
	s.blanks()
	word := string(s.token())
	if word == "EOF" && s.blanks() == len(b) {
		if string(b) != " EOF" {
			p.loose = "extra blanks or tabs"
		}
		p.endFamily()
		p.eof = true
		return nil
	}
	if word != "HELP" && word != "TYPE" && word != "UNIT" {
		return fmt.Errorf("comment %s: OpenMetrics has only # HELP, # TYPE, # UNIT and # EOF", quoteField(b))
	}
	s.i = len(word) + 2
	if len(b) < s.i || string(b[:s.i]) != " "+word+" " {
		return fmt.Errorf("# %s line has no metric name", word)
	}
	at := s.rest()
	name, err := p.commentName(&s)
	if err != nil {
		return err
	}
	if name != "" && s.i == len(b) {
		return fmt.Errorf("# %s line for %q has no text after the name", word, name)
	}
	if name == "" || s.peek() != ' ' {
		return fmt.Errorf("# %s line: expected a metric name at %s", word, quoteField(at))
	}
	text := string(b[s.i+1:])
	if name != p.fam.name {
		if err := p.startFamily(name); err != nil {
			return err
		}
	} else if p.fam.samples {
		return fmt.Errorf("# %s line for %q comes after its samples", word, name)
	}
	f := &p.fam
	switch word {
	case "HELP":
		if f.help {
			return fmt.Errorf("second # HELP line for %q", name)
		}
		f.help = true
		if err := p.comment(b); err != nil {
			return err
		}
	case "TYPE":
		switch {
		case f.typed:
			return fmt.Errorf("second # TYPE line for %q", name)
		case text == "untyped":
			return fmt.Errorf(`%q: type "untyped" is Prometheus's; OpenMetrics says "unknown"`, name)
		case !slices.Contains(omTypes, text):
			return fmt.Errorf("%q: unknown type %s", name, quoteField([]byte(text)))
		case f.unit != "" && (text == "info" || text == "stateset"):
			return fmt.Errorf("%s %q may not have a unit", text, name)
		}
		for _, sfx := range omSuffixes(text) {
			if sfx != "" {
				if err := p.take(name, name+sfx); err != nil {
					return err
				}
			}
		}
		f.typ, f.typed = text, true
	case "UNIT":
		switch {
		case f.unitSeen:
			return fmt.Errorf("second # UNIT line for %q", name)
		case text != "" && !strings.HasSuffix(name, "_"+text):
			return fmt.Errorf("metric %q does not end in its unit %q", name, "_"+text)
		case text != "" && (f.typ == "info" || f.typ == "stateset"):
			return fmt.Errorf("%s %q may not have a unit", f.typ, name)
		}
		f.unitSeen, f.unit = true, text
	}
	return nil
}

// omSample checks a sample of OpenMetrics against its family: it
// belongs to the family being read, or begins one, and has the labels
// and values the family's type allows. ts is its timestamp as written,
// exemplar what follows it. The rules sm reads past are warned of.
func (p *prom) omSample(metric string, v float64, ts, exemplar []byte) error {
	f := &p.fam
	if !f.allows(metric) {
		err := p.startFamily(metric)
		f.samples = true
		if err != nil {
			return err
		}
	}
	f.samples = true
	suffix := metric[len(f.name):]
	omit := "" // the label that tells samples of one group apart
	switch {
	case f.typ == "stateset":
		omit = f.name
		if !slices.ContainsFunc(p.tags, func(t record.Tag) bool { return t.Key == f.name }) {
			return fmt.Errorf("stateset %q: sample has no label %q", f.name, f.name)
		}
		if v != 0 && v != 1 {
			return fmt.Errorf("stateset %q has a value other than 0 and 1", f.name)
		}
	case f.typ == "info" && v != 1:
		return fmt.Errorf("info %q has a value other than 1", f.name)
	case f.typ == "summary" && suffix == "":
		omit = "quantile"
		q := record.TagValue(p.tags, "quantile")
		if x, ok := omFloat(q); !ok || !(0 <= x && x <= 1) {
			return fmt.Errorf("summary %q: quantile %q is not a number from 0 to 1", f.name, q)
		}
		if v < 0 {
			return fmt.Errorf("summary %q has a negative quantile", f.name)
		}
	case f.histogram() && suffix == "_bucket":
		omit = "le"
		if x, ok := omFloat(record.TagValue(p.tags, "le")); !ok || math.IsNaN(x) {
			return fmt.Errorf("%s %q: le %q is not a number", f.typ, f.name, record.TagValue(p.tags, "le"))
		}
	}
	switch suffix {
	case "_total":
		if v < 0 {
			return fmt.Errorf("counter %q has a negative value", f.name)
		}
	case "_sum", "_count", "_bucket", "_gcount":
		if v < 0 {
			return fmt.Errorf("%s %q has a negative %s", f.typ, f.name, suffix)
		}
	}

	// Rules sm reads past.
	n := p.rd.Line()
	var key []byte
	if f.typ != "info" {
		for _, t := range p.tags {
			if t.Key != omit {
				key = append(append(append(append(key, t.Key...), 0), t.Value...), 0)
			}
		}
	}
	t := math.NaN()
	if ts != nil {
		t, _ = strconv.ParseFloat(string(ts), 64)
	}
	switch g := string(key); {
	case f.grouped && g != f.group && f.groups[g]:
		p.warnOnce(warnOrder, n, fmt.Errorf("the samples of %q with labels %s are not together", f.name, quoteField(bytes.ReplaceAll(key, []byte{0}, []byte{' '}))))
	case f.grouped && g == f.group && (ts != nil) != f.hasTS:
		p.warnOnce(warnOrder, n, fmt.Errorf("%q has samples with and without a timestamp", f.name))
	case f.grouped && g == f.group && ts != nil && t < f.ts && f.typ != "info":
		p.warnOnce(warnOrder, n, fmt.Errorf("the timestamps of %q go back", f.name))
	}
	f.group, f.grouped, f.hasTS, f.ts = string(key), true, ts != nil, t
	if len(f.groups) < maxFamilies {
		f.groups[f.group] = true
	}
	if len(exemplar) > 0 {
		if err := p.exemplar(exemplar); err != nil {
			p.warnOnce(warnExemplar, n, fmt.Errorf("exemplar of %q: %w", metric, err))
		} else if !(f.typ == "counter" && suffix == "_total" || f.histogram() && suffix == "_bucket") {
			p.warnOnce(warnExemplar, n, fmt.Errorf("%q may not have an exemplar: only a counter's _total and a histogram's _bucket may", metric))
		}
	}
	if f.histogram() && suffix != "" {
		p.histogramSample(suffix, v, string(key)+"\x00"+string(ts), n)
	}
	return nil
}

// histogramSample adds a sample to the group of a histogram it belongs
// to, checking the group before it when it begins another.
func (p *prom) histogramSample(suffix string, v float64, key string, n int) {
	f, h := &p.fam, &p.fam.hist
	if !h.active || h.key != key {
		p.endFamily()
		*h = omHist{active: true, key: key, line: n}
	}
	switch suffix {
	case "_bucket":
		b, _ := omFloat(record.TagValue(p.tags, "le"))
		if b < 0 {
			h.negBucket = true
		}
		if h.hasBucket && b <= h.bucket {
			p.warnOnce(warnHistogram, n, fmt.Errorf("%s %q: buckets out of order", f.typ, f.name))
		} else if v < h.value {
			p.warnOnce(warnHistogram, n, fmt.Errorf("%s %q: a bucket counts less than the one before", f.typ, f.name))
		}
		h.bucket, h.hasBucket, h.value = b, true, v
	case "_count", "_gcount":
		h.count, h.hasCount = v, true
	case "_sum":
		h.sum = true
	case "_gsum":
		h.gsum = true
		h.negGs = h.negGs || v < 0
	}
}

// maxExemplar is the most characters the labels of an exemplar may have,
// names and values together.
const maxExemplar = 128

// exemplar checks an OpenMetrics exemplar, from its "#": a label set, a
// value and a timestamp if any, apart by single blanks.
func (p *prom) exemplar(ex []byte) error {
	if !bytes.HasPrefix(ex, []byte("# {")) {
		return fmt.Errorf(`%s does not begin with "# {"`, quoteField(ex))
	}
	s := promScanner{line: ex, i: 3}
	length := 0
	for first := true; ; first = false {
		if first && s.peek() == '}' {
			s.i++
			break
		}
		k := s.name(false)
		if k == "" || s.peek() != '=' {
			return fmt.Errorf("expected a label at %s", quoteField(s.rest()))
		}
		s.i++
		if s.peek() != '"' {
			return fmt.Errorf("label %q: value is not in double quotes", k)
		}
		s.i++
		v, err := p.quoted(&s, k)
		if err != nil {
			return err
		}
		length += utf8.RuneCountInString(k) + utf8.RuneCount(v)
		c := s.peek()
		s.i++
		if c == '}' {
			break
		}
		if c != ',' {
			return fmt.Errorf("expected \",\" or \"}\" after label %q", k)
		}
	}
	if length > maxExemplar {
		return fmt.Errorf("labels of %d characters, more than %d", length, maxExemplar)
	}
	if s.peek() != ' ' {
		return errors.New("no value after a single blank")
	}
	s.i++
	if v := s.token(); !omNumber(v) {
		return fmt.Errorf("value %s is not a number", quoteField(v))
	}
	if s.i == len(ex) {
		return nil
	}
	s.i++
	if t := s.token(); !record.IsDecimal(t) || s.i < len(ex) {
		return fmt.Errorf("expected a timestamp at %s", quoteField(ex[s.i-len(t):]))
	}
	return nil
}
