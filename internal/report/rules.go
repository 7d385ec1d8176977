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
	Text  string // as written
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

// ParseRule parses a rule of the given level: METRIC[;TAG=VALUE]...,
// an operator, and a number, as in disk.used_pct;mount=/var>80.
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
	num := strings.TrimSpace(r.Text[i+len(r.Op):])
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(num, "xXpP_") {
		return r, fmt.Errorf("rule %q: threshold %q is not a number: %s", s, num, ruleSyntax)
	}
	r.Value = v
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
