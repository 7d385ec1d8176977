package format

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"sm/internal/esc"
	"sm/internal/record"
)

func init() {
	Register("prom", `Prometheus text, the latest sample of each series: sm_NAME{TAG="VALUE",...} VALUE`, func(w io.Writer, o Options) Writer {
		return newProm(w, false, o.Terminal)
	})
	Register("openmetrics", `OpenMetrics text, every sample: sm_NAME{TAG="VALUE",...} VALUE SECONDS, then # EOF`, func(w io.Writer, o Options) Writer {
		return newProm(w, true, o.Terminal)
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
	if long, ok := promUnits[words[n-1]]; ok && n > 2 {
		if words[n-2] == "per" {
			long = strings.TrimSuffix(long, "s")
		}
		words[n-1] = long
	} else if n > 2 && words[n-1] == "total" {
		words[n-1] = "all"
	}
	return strings.Join(words, "_")
}

// promUnits are the abbreviations promtool's lint refuses as words of a
// name, in full.
var promUnits = map[string]string{
	"s": "seconds", "sec": "seconds", "ms": "milliseconds", "us": "microseconds", "ns": "nanoseconds",
	"b": "bytes", "kb": "kilobytes", "mb": "megabytes", "gb": "gigabytes",
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

// promWriter writes both Prometheus formats. Neither can stream: a
// family's samples must come together, and the input comes in time
// order. So it holds every series until Close: the latest sample of each
// for prom, all of them for openmetrics, as 16-byte points.
type promWriter struct {
	w      flusher
	om     bool
	term   bool                   // label values for a terminal: control characters escaped
	series map[string]*promSeries // by canonical series text
	key    []byte
	skips  []error // the series left out, as *SkipError
}

type promSeries struct {
	name   string
	tags   []record.Tag
	points []promPoint // one for prom, in the order written for openmetrics
}

type promPoint struct {
	t int64
	v float64
}

func newProm(w io.Writer, om, term bool) *promWriter {
	return &promWriter{w: buffered(w), om: om, term: term, series: map[string]*promSeries{}}
}

// skip notes that series s is left out, and why.
func (p *promWriter) skip(s *promSeries, format string, args ...any) {
	p.skips = append(p.skips, &SkipError{Format: p.format(), Series: seriesText(s), Err: fmt.Errorf(format, args...)})
}

func (p *promWriter) Write(r *record.Record) error {
	p.key = record.AppendSeries(p.key[:0], r.Name, r.Tags)
	s := p.series[string(p.key)]
	if s == nil {
		s = &promSeries{name: r.Name, tags: slices.Clone(r.Tags)}
		p.series[string(p.key)] = s
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

// A promFamily is the series of one metric name, in output order.
type promFamily struct {
	name, help string // the Prometheus name; the sm name
	series     []promOut
}

// A promOut is a series as it will be written.
type promOut struct {
	labels []promLabelPair // sorted by name
	text   []byte          // {NAME="VALUE",...}, or empty
	src    *promSeries
}

type promLabelPair struct{ name, value string }

func (p *promWriter) format() string {
	if p.om {
		return "openmetrics"
	}
	return "prom"
}

// families groups the series by metric name and puts everything in
// order, leaving out, with a SkipError each, what would make an invalid
// exposition. Of two metric names that become the same, the one in sm's
// own style (lower case, digits, "_" and ".") wins, and of two such, the
// first in sort order: "disk-used_pct" cannot push "disk.used_pct" out.
// Of two tags of a series or two series that become the same, the later
// in sort order is left out.
func (p *promWriter) families() []promFamily {
	byName := map[string][]*promSeries{}
	for _, s := range p.series {
		byName[s.name] = append(byName[s.name], s)
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range byName {
			if !yield(n) {
				return
			}
		}
	})
	slices.SortStableFunc(names, func(a, b string) int { return cmp.Compare(btoi(!smStyle(a)), btoi(!smStyle(b))) })
	owner := map[string]string{} // Prometheus name → sm name
	fams := make([]promFamily, 0, len(names))
	for _, n := range names {
		pn := PromName(n)
		if other, dup := owner[pn]; dup {
			p.skips = append(p.skips, &SkipError{Format: p.format(), Series: n,
				Err: fmt.Errorf("metric name becomes %s, as %s does (%s)", pn, other, plural(len(byName[n]), "series"))})
			continue
		}
		owner[pn] = n
		f := promFamily{name: pn, help: n}
		for _, s := range sortedSeries(byName[n]) {
			o, err := p.labels(s)
			if err != nil {
				p.skip(s, "%v", err)
				continue
			}
			f.series = append(f.series, o)
		}
		// Of two series with the same labels, the one first in sm's
		// order stays.
		slices.SortStableFunc(f.series, func(a, b promOut) int { return compareLabels(a.labels, b.labels) })
		kept := f.series[:0]
		for i, o := range f.series {
			if i > 0 && compareLabels(kept[len(kept)-1].labels, o.labels) == 0 {
				prev := kept[len(kept)-1]
				p.skip(o.src, "it becomes %s%s, as %s does", pn, prev.text, seriesText(prev.src))
				continue
			}
			kept = append(kept, o)
		}
		f.series = kept
		if len(f.series) > 0 {
			fams = append(fams, f)
		}
	}
	slices.SortFunc(fams, func(a, b promFamily) int { return strings.Compare(a.name, b.name) })
	return fams
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

// sortedSeries returns ss in the order of their series text.
func sortedSeries(ss []*promSeries) []*promSeries {
	slices.SortFunc(ss, func(a, b *promSeries) int { return strings.Compare(seriesText(a), seriesText(b)) })
	return ss
}

func (p *promWriter) labels(s *promSeries) (promOut, error) {
	o := promOut{src: s, labels: make([]promLabelPair, len(s.tags))}
	for i, t := range s.tags {
		v := t.Value
		if p.term {
			v = esc.Text(v)
		}
		o.labels[i] = promLabelPair{PromLabel(t.Key), string(appendPromLabelValue(nil, v))}
	}
	slices.SortStableFunc(o.labels, func(a, b promLabelPair) int { return strings.Compare(a.name, b.name) })
	for i := 1; i < len(o.labels); i++ {
		if o.labels[i].name == o.labels[i-1].name {
			var keys []string
			for _, t := range s.tags {
				if PromLabel(t.Key) == o.labels[i].name {
					keys = append(keys, t.Key)
				}
			}
			return o, fmt.Errorf("tags %q and %q both become label %s", keys[0], keys[1], o.labels[i].name)
		}
	}
	if len(o.labels) > 0 {
		b := []byte{'{'}
		for i, l := range o.labels {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, l.name...)
			b = append(b, '=')
			b = append(b, l.value...)
		}
		o.text = append(b, '}')
	}
	return o, nil
}

func compareLabels(a, b []promLabelPair) int {
	return slices.CompareFunc(a, b, func(x, y promLabelPair) int {
		return cmp.Or(strings.Compare(x.name, y.name), strings.Compare(x.value, y.value))
	})
}

func seriesText(s *promSeries) string { return string(record.AppendSeries(nil, s.name, s.tags)) }

// Close writes every series it can, and returns a SkipError for each
// of the others, joined, once the rest is written.
func (p *promWriter) Close() error {
	fams := p.families()
	var b []byte
	for _, f := range fams {
		b = append(b[:0], "# HELP "...)
		b = append(b, f.name...)
		b = append(b, ' ')
		b = appendPromHelp(b, f.help, p.om)
		b = append(b, "\n# TYPE "...)
		b = append(b, f.name...)
		b = append(b, " gauge\n"...)
		if _, err := p.w.Write(b); err != nil {
			return err
		}
		for _, s := range f.series {
			b = b[:0]
			for _, pt := range p.points(s.src) {
				b = append(b, f.name...)
				b = append(b, s.text...)
				b = append(b, ' ')
				b = record.AppendValue(b, pt.v)
				if p.om {
					b = append(b, ' ')
					b = strconv.AppendInt(b, pt.t, 10)
				}
				b = append(b, '\n')
				if len(b) >= 32<<10 {
					if _, err := p.w.Write(b); err != nil {
						return err
					}
					b = b[:0]
				}
			}
			if _, err := p.w.Write(b); err != nil {
				return err
			}
		}
	}
	if p.om {
		if _, err := io.WriteString(p.w, "# EOF\n"); err != nil {
			return err
		}
	}
	if err := p.w.Flush(); err != nil {
		return err
	}
	return errors.Join(p.skips...)
}

// points returns the samples of a series to write: in time order and,
// of those that share a time, only the last written.
func (p *promWriter) points(s *promSeries) []promPoint {
	pts := s.points
	byTime := func(a, b promPoint) int { return cmp.Compare(a.t, b.t) }
	if !slices.IsSortedFunc(pts, byTime) {
		slices.SortStableFunc(pts, byTime)
	}
	out := pts[:0]
	for i, pt := range pts {
		if i+1 < len(pts) && pts[i+1].t == pt.t {
			continue
		}
		out = append(out, pt)
	}
	return out
}
