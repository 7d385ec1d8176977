package conformance

import (
	"math"
	"os"
	"strings"
	"testing"

	"sm/internal/record"
)

// A rule is a deliberate difference between sm and a format: sm-store(1)
// states each one, under DIFFERENCES FROM THE FORMATS, with the words of
// man.
type rule struct {
	name string // as the tables print it
	man  string // the words sm-store(1) has for it
	// warn, for a rule of a format that sm reads past on purpose, is
	// the part of sm's warning that names it: such a case counts as
	// documented only when sm warned.
	warn string
}

// The documented rules. Those of a sample (a value, a time, a name sm
// cannot hold) are found by holdRule on the reference's samples; those
// of a whole case are listed by case id in caseRules.
var (
	ruleFinite    = rule{name: "finite values only", man: "NaN and infinite values"}
	ruleString    = rule{name: "no string fields", man: "String fields"}
	ruleBefore    = rule{name: "no time before 1970", man: "before 1970"}
	ruleAfter     = rule{name: "no time after 9999", man: "after the year 9999"}
	ruleName      = rule{name: "names are printable ASCII", man: "printable ASCII"}
	ruleTagKey    = rule{name: "tag names: letters, digits, _ . -", man: "Tag names"}
	ruleNow       = rule{name: "a missing time means now", man: "A missing timestamp"}
	ruleTagTwice  = rule{name: "a tag given twice is an error", man: "given twice"}
	ruleDecimal   = rule{name: "values are decimal numbers", man: "decimal number"}
	ruleTwice     = rule{name: "a series and a time given twice keep the later sample", man: "keep one sample, the later one"}
	ruleKeepsGood = rule{name: "good lines around a bad one are kept", man: "keeps the good lines"}

	ruleExemplar  = rule{name: "exemplars are not checked (warns)", man: "reads past exemplars", warn: "sm reads past exemplars"}
	ruleHistogram = rule{name: "a histogram's buckets are not checked as a whole (warns)", man: "buckets of a histogram as a whole", warn: "buckets of a histogram as a whole"}
	ruleOrder     = rule{name: "the order of a family's samples is not checked (warns)", man: "order of the samples of a family", warn: "order of the samples of a family"}
	ruleSpacing   = rule{name: "extra blanks are read (warns)", man: "reads extra blanks", warn: "sm reads extra blanks"}
)

// The rules of a whole case, which caseRules lists.
var (
	ruleAnyByte  = rule{name: "a tag value may hold any byte but NUL, stored escaped", man: "any byte but NUL"}
	ruleBlankTab = rule{name: "a tab at the start of a line is a blank", man: "tab that starts a line"}
	ruleComment  = rule{name: "a comment line is not read", man: "comment line is skipped unread"}
)

// warnRules are the rules sm reads past with a warning.
var warnRules = []rule{ruleExemplar, ruleHistogram, ruleOrder, ruleSpacing}

// warnRule returns the rule a warning of sm's names, or nil.
func warnRule(msg string) *rule {
	for i, r := range warnRules {
		if strings.Contains(msg, r.warn) {
			return &warnRules[i]
		}
	}
	return nil
}

// documentedRules lists every rule, in the order the tables print them.
var documentedRules = []rule{ruleFinite, ruleString, ruleBefore, ruleAfter, ruleName, ruleTagKey, ruleNow, ruleTagTwice, ruleDecimal, ruleTwice, ruleKeepsGood, ruleExemplar, ruleHistogram, ruleOrder, ruleSpacing, ruleAnyByte, ruleBlankTab, ruleComment}

// caseRules names the cases that differ from the reference as a whole by
// a documented rule: suite (the format sm-store --from reads it in),
// then case id. Only a case that does not
// otherwise agree is counted as documented under its rule.
var caseRules = map[string]map[string]rule{
	"graphite": {
		// carbon drops a line without a timestamp; sm, as sm(7) says,
		// takes it as now, so that any script can store a figure.
		"cp-no-time": ruleNow,
		// carbon keeps the last of a tag given twice.
		"rule-dup-tag": ruleTagTwice,
		// Python's float() reads 1_0 as 10; sm reads decimal numbers.
		"lr-underscore-value": ruleDecimal,
	},
	"influx": {
		// A line that starts with a tab, or holds nothing else; the
		// reference skips spaces only.
		"2be024ca70163a7068b08f5e8ef57ffa": ruleBlankTab,
		"a02aab4c616a523b89c419dc100e70fd": ruleBlankTab,
		"c0ce359f018a4255f4152ca2bc156ca7": ruleBlankTab,
		// A control character in a comment line, which sm never reads.
		"dfa6432a639651d02910c4527badb15c": ruleComment,
		// A tag value with a byte that is not UTF-8, and one with \x01:
		// sm stores both, escaped, as it stores a mount point's.
		"b5a8f4acd99818316ee5aff62f48736c": ruleAnyByte,
		"d2968e6b9b0b309f305736677940b36c": ruleAnyByte,
	},
	"prom": {
		// A label value of byte 0xbd, not UTF-8, in expfmt's test; the
		// suite's file holds it as the character U+00BD, which expfmt
		// would read. sm stores either.
		"error_20": ruleAnyByte,
	},
}

// holdRule returns the documented rule under which sm does not store a
// sample the reference reads, or nil when sm can hold it. t is in
// seconds, rounded down; str marks a string field.
func holdRule(name string, tags []record.Tag, v float64, str bool, t float64) *rule {
	switch {
	case str:
		return &ruleString
	case math.IsNaN(v) || math.IsInf(v, 0):
		return &ruleFinite
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c >= 0x7f || c == ';' {
			return &ruleName
		}
	}
	for _, tg := range tags {
		if record.CheckTagKey(tg.Key) != nil {
			return &ruleTagKey
		}
	}
	switch {
	case t < 0:
		return &ruleBefore
	case t > record.MaxTime:
		return &ruleAfter
	}
	return nil
}

// TestRulesDocumented checks that sm-store(1) states every rule, in its
// section DIFFERENCES FROM THE FORMATS. It needs no conformance data.
func TestRulesDocumented(t *testing.T) {
	b, err := os.ReadFile("../../man/sm-store.1")
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	start := strings.Index(page, ".SH DIFFERENCES FROM THE FORMATS")
	if start < 0 {
		t.Fatal("sm-store(1) has no section DIFFERENCES FROM THE FORMATS")
	}
	section := page[start+1:]
	if end := strings.Index(section, "\n.SH "); end >= 0 {
		section = section[:end]
	}
	// roff escapes the hyphens and joins words across lines.
	section = strings.Join(strings.Fields(strings.ReplaceAll(section, `\-`, "-")), " ")
	for _, r := range documentedRules {
		if !strings.Contains(section, r.man) {
			t.Errorf("rule %q: sm-store(1) DIFFERENCES FROM THE FORMATS does not say %q", r.name, r.man)
		}
	}
}
