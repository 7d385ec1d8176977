package format

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"sm/internal/esc"
	"sm/internal/record"
)

func init() {
	Register("prom", `Prometheus text, the latest sample of each series: sm_NAME{TAG="VALUE",...} VALUE`, func(w io.Writer, o Options) Writer {
		return newProm(w, false, o)
	})
	Register("openmetrics", `OpenMetrics text, every sample: sm_NAME{TAG="VALUE",...} VALUE SECONDS, then # EOF`, func(w io.Writer, o Options) Writer {
		return newProm(w, true, o)
	})
}

// PromName returns the Prometheus metric name of an sm metric name:
// "sm_" and the name in lower case with every byte outside [a-z0-9_]
// turned into "_", so that "disk.used_pct" is "sm_disk_used_pct". The
// prefix keeps sm's metrics apart from node_exporter's own and makes
// every name legal, whatever it starts with. The words Prometheus'
// conventions frown on (promtool check metrics) are spelled its way: an
// abbreviated unit in full ("uptime_s" is "uptime_seconds", "per_s"
// "per_second") and a last "_total", which promises a counter, as
// "_all". The # HELP line keeps the sm name, for the way back. Different
// sm names may give the same Prometheus name ("disk.used" and
// "disk-used"); the prom and openmetrics writers write the first in
// sort order and leave the other out, with a SkipError.
// Only the last word is a unit: in "a.b.c" "b" is not bytes.
func PromName(name string) string {
	b := make([]byte, 0, len("sm_")+len(name)+8)
	b = append(b, "sm_"...)
	b = appendPromIdent(b, name)
	words := strings.Split(string(b), "_")
	n := len(words)
	if long, ok := promUnit(words[n-1]); ok && n > 2 {
		if words[n-2] == "per" {
			long = strings.TrimSuffix(long, "s")
		}
		words[n-1] = long
	} else if n > 2 && words[n-1] == "total" {
		words[n-1] = "all"
	}
	return strings.Join(words, "_")
}

// promUnit returns in full an abbreviation promtool's lint refuses as a
// word of a name. (A switch rather than a map: a map is built at start-up,
// by every tool on every run, for the one format that needs it.)
func promUnit(word string) (string, bool) {
	switch word {
	case "s", "sec":
		return "seconds", true
	case "ms":
		return "milliseconds", true
	case "us":
		return "microseconds", true
	case "ns":
		return "nanoseconds", true
	case "b":
		return "bytes", true
	case "kb":
		return "kilobytes", true
	case "mb":
		return "megabytes", true
	case "gb":
		return "gigabytes", true
	}
	return "", false
}

// PromLabel returns the Prometheus label name of an sm tag key: in lower
// case, every byte outside [a-z0-9_] turned into "_" and, when the result does not start
// with a letter, the prefix "tag_": label names that start with "__" are
// reserved in Prometheus, those that start with "_" in OpenMetrics, and
// those that start with a digit are not legal at all. So "mount" stays
// "mount", "dev.name" becomes "dev_name", "1m" becomes "tag_1m" and
// "_x" becomes "tag__x".
func PromLabel(key string) string {
	b := make([]byte, 0, len("tag_")+len(key))
	if key == "" || !isLetter(key[0]|0x20) {
		b = append(b, "tag_"...)
	}
	return string(appendPromIdent(b, key))
}

// appendPromIdent appends s in lower case, promtool's snake_case, with
// every byte but letters, digits and "_" as "_".
func appendPromIdent(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if !isLetter(c) && !('0' <= c && c <= '9') && c != '_' {
			c = '_'
		}
		b = append(b, c)
	}
	return b
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// appendPromHelp appends s escaped for the text of a # HELP line: a
// backslash and a line feed as \\ and \n, and in OpenMetrics (om) a
// double quote as \" too, which the Prometheus 0.0.4 parsers would not
// take.
func appendPromHelp(b []byte, s string, om bool) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '"' && om:
			b = append(b, `\"`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendPromLabelValue appends v quoted as a label value: a backslash, a
// double quote and a line feed as \\, \" and \n. Both formats want UTF-8,
// so a byte that is not becomes U+FFFD, as in the json format.
func appendPromLabelValue(b []byte, v string) []byte {
	b = append(b, '"')
	for i := 0; i < len(v); {
		c := v[i]
		if c < utf8.RuneSelf {
			switch c {
			case '\\':
				b = append(b, `\\`...)
			case '"':
				b = append(b, `\"`...)
			case '\n':
				b = append(b, `\n`...)
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(v[i:])
		if r == utf8.RuneError && n == 1 {
			b = utf8.AppendRune(b, utf8.RuneError)
		} else {
			b = append(b, v[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}

// ComparePromNames orders sm metric names as the prom and openmetrics
// formats write their families: by Prometheus name (PromName) and, of
// names that become the same one, the one that keeps it first: the one
// in sm's own style (lower case, digits, "_" and "."), and of two such
// the first in sort order, so that "disk-used_pct" cannot push
// "disk.used_pct" out.
func ComparePromNames(a, b string) int {
	return cmp.Or(strings.Compare(PromName(a), PromName(b)),
		cmp.Compare(btoi(!smStyle(a)), btoi(!smStyle(b))), strings.Compare(a, b))
}

// PromSeriesOrder returns how the prom and openmetrics formats order the
// series of one family, by their tags: by their labels, names and
// quoted values, as the format writes them (for a terminal, with control
// characters escaped), and of two with the same labels, by the tags'
// canonical text, as sm orders series.
func PromSeriesOrder(terminal bool) func(a, b []record.Tag) int {
	return func(a, b []record.Tag) int {
		return cmp.Or(compareLabels(promLabels(a, terminal), promLabels(b, terminal)),
			strings.Compare(string(record.AppendSeries(nil, "", a)), string(record.AppendSeries(nil, "", b))))
	}
}

// promWriter writes both Prometheus formats. A family's lines must come
// together, one # HELP and # TYPE each, and a series' samples together
// in time order. With Options.Ordered the records come so, and it
// streams: it holds the current family's labels, to find two series
// that would write the same ones, and a sample of the current series,
// for a tie. Without, it holds every series until Close, the latest
// sample of each for prom and all of them for openmetrics, as 16-byte
// points, and then writes them in that order.
type promWriter struct {
	w    flusher
	om   bool
	term bool // label values for a terminal: control characters escaped

	held map[string]*promSeries // without Options.Ordered: by canonical series text
	key  []byte

	owner map[string]string // Prometheus name → the sm name that writes it
	fam   promFamily        // the current family
	cur   promSeries        // the current series
	b     []byte            // lines not yet written
	skips []error           // the series left out, as *SkipError
}

// A promFamily is what the writer holds of the family it writes.
type promFamily struct {
	name, prom string            // the sm name ("" before the first); the Prometheus name
	taken      string            // the sm name that owns prom, when not this one: the family is left out
	series     int               // of a family left out, how many
	header     bool              // # HELP and # TYPE are written
	labels     map[string]string // {NAME="VALUE",...} → the series text that writes it
}

// A promSeries is a series with the samples held of it.
type promSeries struct {
	name   string
	tags   []record.Tag
	text   []byte      // {NAME="VALUE",...} or empty, as written
	skip   bool        // left out
	points []promPoint // held: one for prom, in the order written for openmetrics
}

type promPoint struct {
	t int64
	v float64
}

func newProm(w io.Writer, om bool, o Options) *promWriter {
	p := &promWriter{w: buffered(w), om: om, term: o.Terminal, owner: map[string]string{}}
	if !o.Ordered {
		p.held = map[string]*promSeries{}
	}
	return p
}

func (p *promWriter) format() string {
	if p.om {
		return "openmetrics"
	}
	return "prom"
}

// errPromOrder is what an ordered promWriter returns for a record that
// comes out of order: the output would not be a valid exposition.
var errPromOrder = errors.New("records out of order: a family or a series came back, or a time went back")

func (p *promWriter) Write(r *record.Record) error {
	if p.held == nil {
		return p.add(r.Name, r.Tags, r.Time, r.Value)
	}
	p.key = record.AppendSeries(p.key[:0], r.Name, r.Tags)
	s := p.held[string(p.key)]
	if s == nil {
		s = &promSeries{name: r.Name, tags: slices.Clone(r.Tags)}
		p.held[string(p.key)] = s
	}
	pt := promPoint{r.Time, r.Value}
	switch {
	case p.om || len(s.points) == 0:
		s.points = append(s.points, pt)
	case r.Time >= s.points[0].t: // on a tie, the later written wins
		s.points[0] = pt
	}
	return nil
}

// add takes the next sample, in order: it starts a family or a series
// when the name or the tags change, and writes the series' sample
// before, unless this one is at the same time, when the later wins.
func (p *promWriter) add(name string, tags []record.Tag, t int64, v float64) error {
	if name != p.fam.name {
		if err := p.endFamily(); err != nil {
			return err
		}
		if err := p.startFamily(name); err != nil {
			return err
		}
	}
	if name != p.cur.name || !slices.Equal(tags, p.cur.tags) {
		if err := p.endSeries(); err != nil {
			return err
		}
		if err := p.startSeries(name, tags); err != nil {
			return err
		}
	}
	if p.cur.skip {
		return nil
	}
	pt := promPoint{t, v}
	if len(p.cur.points) == 0 {
		p.cur.points = append(p.cur.points, pt)
		return nil
	}
	switch last := &p.cur.points[0]; {
	case !p.om: // the latest; of two at one time, the later written
		if t >= last.t {
			*last = pt
		}
	case t == last.t: // the later written wins
		*last = pt
	case t < last.t:
		return fmt.Errorf("%s: %s at %d: %w", p.format(), seriesText(&p.cur), t, errPromOrder)
	default:
		if err := p.line(*last); err != nil {
			return err
		}
		*last = pt
	}
	return nil
}

func (p *promWriter) startFamily(name string) error {
	pn := PromName(name)
	p.fam = promFamily{name: name, prom: pn, labels: p.fam.labels}
	clear(p.fam.labels)
	if p.fam.labels == nil {
		p.fam.labels = map[string]string{}
	}
	switch other, dup := p.owner[pn]; {
	case !dup:
		p.owner[pn] = name
	case other == name:
		return fmt.Errorf("%s: %s: %w", p.format(), name, errPromOrder)
	default:
		p.fam.taken = other
	}
	return nil
}

// endFamily ends the current family: its last series, and the
// SkipError of a family left out.
func (p *promWriter) endFamily() error {
	if err := p.endSeries(); err != nil {
		return err
	}
	if p.fam.taken != "" {
		p.skips = append(p.skips, &SkipError{Format: p.format(), Series: p.fam.name,
			Err: fmt.Errorf("metric name becomes %s, as %s does (%s)", p.fam.prom, p.fam.taken, plural(p.fam.series, "series"))})
	}
	p.fam.taken = ""
	return nil
}

// startSeries starts a series of the current family, or leaves it out:
// when two of its tags would become one label, when a series before
// writes the same labels, and when its family is left out.
func (p *promWriter) startSeries(name string, tags []record.Tag) error {
	p.cur = promSeries{name: name, tags: append(p.cur.tags[:0], tags...), text: p.cur.text[:0], points: p.cur.points[:0]}
	if p.fam.taken != "" {
		p.fam.series++
		p.cur.skip = true
		return nil
	}
	labels := promLabels(p.cur.tags, p.term)
	if err := dupLabel(labels, p.cur.tags); err != nil {
		p.skip(&p.cur, "%v", err)
		return nil
	}
	p.cur.text = appendLabels(p.cur.text, labels)
	text := seriesText(&p.cur)
	switch other, dup := p.fam.labels[string(p.cur.text)]; {
	case dup && other == text:
		return fmt.Errorf("%s: %s: %w", p.format(), text, errPromOrder)
	case dup:
		p.skip(&p.cur, "it becomes %s%s, as %s does", p.fam.prom, p.cur.text, other)
		return nil
	}
	p.fam.labels[string(p.cur.text)] = text
	if !p.fam.header {
		p.fam.header = true
		p.b = append(p.b, "# HELP "...)
		p.b = append(p.b, p.fam.prom...)
		p.b = append(p.b, ' ')
		p.b = appendPromHelp(p.b, p.fam.name, p.om)
		p.b = append(p.b, "\n# TYPE "...)
		p.b = append(p.b, p.fam.prom...)
		p.b = append(p.b, " gauge\n"...)
	}
	return nil
}

// endSeries writes the sample the current series holds.
func (p *promWriter) endSeries() error {
	if p.cur.skip || len(p.cur.points) == 0 {
		return nil
	}
	err := p.line(p.cur.points[0])
	p.cur.points = p.cur.points[:0]
	return err
}

// line writes a sample of the current series, a buffer at a time.
func (p *promWriter) line(pt promPoint) error {
	b := append(p.b, p.fam.prom...)
	b = append(b, p.cur.text...)
	b = append(b, ' ')
	b = record.AppendValue(b, pt.v)
	if p.om {
		b = append(b, ' ')
		b = strconv.AppendInt(b, pt.t, 10)
	}
	p.b = append(b, '\n')
	if len(p.b) < 32<<10 {
		return nil
	}
	_, err := p.w.Write(p.b)
	p.b = p.b[:0]
	return err
}

// skip notes that series s is left out, and why.
func (p *promWriter) skip(s *promSeries, format string, args ...any) {
	s.skip = true
	p.skips = append(p.skips, &SkipError{Format: p.format(), Series: seriesText(s), Err: fmt.Errorf(format, args...)})
}

// smStyle reports whether an sm name is made of what sm's own names are:
// lower-case letters, digits, "_" and ".".
func smStyle(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if !strings.HasSuffix(noun, "s") {
		noun += "s"
	}
	return strconv.Itoa(n) + " " + noun
}

type promLabelPair struct{ name, value string }

// promLabels returns the labels of tags, sorted by name, their values
// quoted (and for a terminal, escaped).
func promLabels(tags []record.Tag, term bool) []promLabelPair {
	labels := make([]promLabelPair, len(tags))
	for i, t := range tags {
		v := t.Value
		if term {
			v = esc.Text(v)
		}
		labels[i] = promLabelPair{PromLabel(t.Key), string(appendPromLabelValue(nil, v))}
	}
	slices.SortStableFunc(labels, func(a, b promLabelPair) int { return strings.Compare(a.name, b.name) })
	return labels
}

// dupLabel returns an error when two of tags become one of labels.
func dupLabel(labels []promLabelPair, tags []record.Tag) error {
	for i := 1; i < len(labels); i++ {
		if labels[i].name == labels[i-1].name {
			var keys []string
			for _, t := range tags {
				if PromLabel(t.Key) == labels[i].name {
					keys = append(keys, t.Key)
				}
			}
			return fmt.Errorf("tags %q and %q both become label %s", keys[0], keys[1], labels[i].name)
		}
	}
	return nil
}

// appendLabels appends {NAME="VALUE",...}, or nothing for no labels.
func appendLabels(b []byte, labels []promLabelPair) []byte {
	if len(labels) == 0 {
		return b
	}
	b = append(b, '{')
	for i, l := range labels {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, l.name...)
		b = append(b, '=')
		b = append(b, l.value...)
	}
	return append(b, '}')
}

func compareLabels(a, b []promLabelPair) int {
	return slices.CompareFunc(a, b, func(x, y promLabelPair) int {
		return cmp.Or(strings.Compare(x.name, y.name), strings.Compare(x.value, y.value))
	})
}

func seriesText(s *promSeries) string { return string(record.AppendSeries(nil, s.name, s.tags)) }

// Close writes what is held, and returns a SkipError for each series
// left out, joined, once the rest is written.
func (p *promWriter) Close() error {
	if p.held != nil {
		if err := p.writeHeld(); err != nil {
			return err
		}
	}
	if err := p.endFamily(); err != nil {
		return err
	}
	if p.om {
		p.b = append(p.b, "# EOF\n"...)
	}
	if _, err := p.w.Write(p.b); err != nil {
		return err
	}
	p.b = p.b[:0]
	if err := p.w.Flush(); err != nil {
		return err
	}
	return errors.Join(p.skips...)
}

// writeHeld writes the series held, in the order of families and
// series, each one's samples in time order.
func (p *promWriter) writeHeld() error {
	series := slices.Collect(maps.Values(p.held))
	bySeries := PromSeriesOrder(p.term)
	slices.SortFunc(series, func(a, b *promSeries) int {
		return cmp.Or(ComparePromNames(a.name, b.name), bySeries(a.tags, b.tags))
	})
	byTime := func(a, b promPoint) int { return cmp.Compare(a.t, b.t) }
	for _, s := range series {
		slices.SortStableFunc(s.points, byTime)
		for _, pt := range s.points {
			if err := p.add(s.name, s.tags, pt.t, pt.v); err != nil {
				return err
			}
		}
	}
	return nil
}
