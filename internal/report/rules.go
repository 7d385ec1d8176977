package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"

	"sm/internal/record"
)

// A Level is how bad a value is, numbered as Nagios plugins exit.
type Level int

// The levels.
const (
	OK Level = iota
	Warning
	Critical
	Unknown
)

func (l Level) String() string {
	switch l {
	case Warning:
		return "WARNING"
	case Critical:
		return "CRITICAL"
	case Unknown:
		return "UNKNOWN"
	}
	return "OK"
}

// MarshalText writes the level as its name, in JSON too.
func (l Level) MarshalText() ([]byte, error) { return []byte(strings.ToLower(l.String())), nil }

// rank orders levels by urgency: CRITICAL, WARNING, UNKNOWN, OK, the
// order in which the monitoring plugins combine states.
func (l Level) rank() int {
	return [...]int{OK: 0, Unknown: 1, Warning: 2, Critical: 3}[l]
}

// Worse returns the more urgent of l and m.
func (l Level) Worse(m Level) Level {
	if m.rank() > l.rank() {
		return m
	}
	return l
}

// A Rule is one threshold: a level, the series it is for, and the
// comparison that breaches it.
type Rule struct {
	Level Level
	Name  string       // a glob, as disk.* or pressure.*_some_pct
	Tags  []record.Tag // each must be on the series
	Op    string       // > >= < <=
	Value float64
	// Margin is how far past Value, on the good side, a value must come
	// back for the breach to clear (hysteresis); when MarginSet is false
	// it is DefaultMargin of Value.
	Margin    float64
	MarginSet bool
	// Hits is how many checks in a row must breach before --changes
	// reports it; 0 is 1.
	Hits int
	Text string // as written
	// Default marks the built-in rules; any rule given by the user for
	// a series beats them.
	Default bool
}

func (r Rule) String() string { return r.Text }

// DefaultRules are the built-in thresholds.
func DefaultRules() []Rule {
	var rules []Rule
	for _, d := range []struct {
		name       string
		warn, crit float64
	}{
		{"disk.used_pct", 90, 95},
		{"disk.inodes_used_pct", 90, 95},
		{"mem.used_pct", 90, 95},
		{"swap.used_pct", 50, 80},
		{"pressure.*_some_pct", 20, 40},
	} {
		for _, l := range []struct {
			level Level
			v     float64
		}{{Warning, d.warn}, {Critical, d.crit}} {
			text := d.name + ">" + strconv.FormatFloat(l.v, 'g', -1, 64)
			rules = append(rules, Rule{Level: l.level, Name: d.name, Op: ">", Value: l.v, Text: text, Default: true})
		}
	}
	return rules
}

const ruleSyntax = "want METRIC[;TAG=VALUE]... followed by >, >=, < or <= and a number, as in disk.used_pct;mount=/var>80"

// DefaultMargin is the margin of a rule that gives none, a fraction of
// its threshold: a disk that warns above 90 % clears at 85.5 %, a load
// that warns at 8 clears below 7.6. Enough that a value hovering at the
// limit, as a full disk's logs rotate, does not flap; not so much that a
// real recovery waits long. "margin 0" asks for none.
const DefaultMargin = 0.05

// maxHits bounds hits: at one check every minute, a week.
const maxHits = 10080

// ParseRule parses a rule of the given level: METRIC[;TAG=VALUE]...,
// an operator, and a number, as in disk.used_pct;mount=/var>80; then,
// optionally, "margin NUMBER" (hysteresis) and "hits N", in any order.
func ParseRule(level Level, s string) (Rule, error) {
	r := Rule{Level: level, Text: strings.TrimSpace(s)}
	i := strings.LastIndexAny(r.Text, "<>")
	if i < 0 {
		return r, fmt.Errorf("rule %q has no comparison: %s", s, ruleSyntax)
	}
	r.Op = r.Text[i : i+1]
	if i+1 < len(r.Text) && r.Text[i+1] == '=' {
		r.Op += "="
	}
	words := strings.Fields(r.Text[i+len(r.Op):])
	num := ""
	if len(words) > 0 {
		num = words[0]
	}
	v, err := number(num)
	if err != nil {
		return r, fmt.Errorf("rule %q: threshold %q is not a number: %s", s, num, ruleSyntax)
	}
	r.Value = v
	if err := r.options(words[min(1, len(words)):]); err != nil {
		return r, fmt.Errorf("rule %q: %v: %s, then margin NUMBER and hits N if need be", s, err, ruleSyntax)
	}
	series := strings.TrimSpace(r.Text[:i])
	name, tags, _ := strings.Cut(series, ";")
	if name == "" {
		return r, fmt.Errorf("rule %q has no metric: %s", s, ruleSyntax)
	}
	if _, err := path.Match(name, ""); err != nil || strings.ContainsAny(name, "=!<>\\") {
		return r, fmt.Errorf("rule %q: metric %q is not a name or glob: %s", s, name, ruleSyntax)
	}
	// The tags are checked as a record's would be, under a stand-in name,
	// as the name may be a glob.
	_, r.Tags, err = record.ParseSeries("x;" + tags)
	if tags == "" {
		r.Tags, err = nil, nil
	}
	if err != nil {
		return r, fmt.Errorf("rule %q: %v: %s", s, err, ruleSyntax)
	}
	r.Name = name
	for _, c := range name {
		if c <= ' ' || c >= 0x7f {
			return r, fmt.Errorf("rule %q: metric %q is not a name or glob: %s", s, name, ruleSyntax)
		}
	}
	return r, nil
}

// number parses a finite decimal number, as thresholds are written.
func number(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(s, "xXpP_") {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return v, nil
}

// options parses what follows a rule's threshold: margin NUMBER and
// hits N, each at most once.
func (r *Rule) options(words []string) error {
	seen := map[string]bool{}
	for len(words) > 0 {
		word := words[0]
		if word != "margin" && word != "hits" {
			return fmt.Errorf("%q after the threshold", word)
		}
		if seen[word] {
			return fmt.Errorf("%s given twice", word)
		}
		seen[word] = true
		if len(words) < 2 {
			return fmt.Errorf("%s without a value", word)
		}
		val := words[1]
		words = words[2:]
		if word == "margin" {
			m, err := number(val)
			if err != nil || m < 0 {
				return fmt.Errorf("margin %q is not a number of 0 or more", val)
			}
			r.Margin, r.MarginSet = m, true
			continue
		}
		n, err := strconv.Atoi(val)
		if err != nil || n < 1 || n > maxHits {
			return fmt.Errorf("hits %q is not a whole number from 1 to %d", val, maxHits)
		}
		r.Hits = n
	}
	return nil
}

// ParseRules reads a thresholds file: one rule a line, after its level
// (warn or crit), as "warn disk.used_pct>85"; blank lines and lines
// starting with # are skipped.
func ParseRules(r io.Reader, file string) ([]Rule, error) {
	var rules []Rule
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		word, expr, _ := strings.Cut(line, " ")
		var level Level
		switch word {
		case "warn", "warning":
			level = Warning
		case "crit", "critical":
			level = Critical
		default:
			return nil, fmt.Errorf("%s:%d: %q: want warn or crit, then a rule, as in warn disk.used_pct>85", file, n, word)
		}
		rule, err := ParseRule(level, expr)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", file, n, err)
		}
		rules = append(rules, rule)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	return rules, nil
}

// Breached reports whether v breaches the rule.
func (r Rule) Breached(v float64) bool {
	switch r.Op {
	case ">":
		return v > r.Value
	case ">=":
		return v >= r.Value
	case "<":
		return v < r.Value
	}
	return v <= r.Value
}

// margin returns how far back past the threshold a value must come to
// clear a breach.
func (r Rule) margin() float64 {
	if r.MarginSet {
		return r.Margin
	}
	return math.Abs(r.Value) * DefaultMargin
}

// clearsAt returns the threshold a value must come back past to clear a
// breach: the threshold less the margin for > and >=, plus it for <
// and <=.
func (r Rule) clearsAt() float64 {
	if r.Op[0] == '>' {
		return r.Value - r.margin()
	}
	return r.Value + r.margin()
}

// Held reports whether v, not past the margin, keeps a breach of the
// rule that was on.
func (r Rule) Held(v float64) bool {
	h := r
	h.Value = r.clearsAt()
	return h.Breached(v)
}

// hits returns how many checks in a row must breach.
func (r *Rule) hits() int {
	if r == nil || r.Hits < 1 {
		return 1
	}
	return r.Hits
}

// matches reports whether the rule is for the series.
func (r Rule) matches(name string, tags []record.Tag) bool {
	if ok, _ := path.Match(r.Name, name); !ok {
		return false
	}
	for _, want := range r.Tags {
		found := false
		for _, t := range tags {
			if t == want {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// A Thresholds is the rule of each level that holds for one series.
type Thresholds struct {
	Warn, Crit *Rule
}

// Level returns how bad v is.
func (t Thresholds) Level(v float64) Level {
	switch {
	case t.Crit != nil && t.Crit.Breached(v):
		return Critical
	case t.Warn != nil && t.Warn.Breached(v):
		return Warning
	}
	return OK
}

// Hold returns the level of v when the level before was prev and v,
// by itself, is at level now: a breach that was on stays on until v is
// back past its threshold by the rule's margin, so that a value
// hovering at the threshold does not flap. A worse level is taken at
// once.
func (t Thresholds) Hold(prev, now Level, v float64) Level {
	if prev == Critical && now != Critical && t.Crit != nil && t.Crit.Held(v) {
		return Critical
	}
	if (prev == Critical || prev == Warning) && now == OK && t.Warn != nil && t.Warn.Held(v) {
		return Warning
	}
	return now
}

// rule returns the rule of level l, nil for OK.
func (t Thresholds) rule(l Level) *Rule {
	switch l {
	case Critical:
		return t.Crit
	case Warning:
		return t.Warn
	}
	return nil
}

// Any reports whether the series has a rule at all.
func (t Thresholds) Any() bool { return t.Warn != nil || t.Crit != nil }

// Rules is a set of rules, the built-in ones and the user's.
type Rules []Rule

// For returns the rules that hold for a series: of each level, the most
// specific rule that matches it. A user's rule beats a built-in one; a
// rule naming more tags beats one naming fewer; a plain name beats a
// glob; and of equals, the one given last wins.
func (rs Rules) For(name string, tags []record.Tag) Thresholds {
	var t Thresholds
	best := [2][3]int{}
	for i := range rs {
		r := &rs[i]
		if (r.Level != Warning && r.Level != Critical) || !r.matches(name, tags) {
			continue
		}
		score := [3]int{1, len(r.Tags), 0}
		if r.Default {
			score[0] = 0
		}
		if r.Name == name {
			score[2] = 1
		}
		slot := &t.Warn
		k := 0
		if r.Level == Critical {
			slot, k = &t.Crit, 1
		}
		if *slot == nil || !less(score, best[k]) {
			*slot, best[k] = r, score
		}
	}
	return t
}

func less(a, b [3]int) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}
