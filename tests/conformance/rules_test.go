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
}

// The documented rules. Those of a sample (a value, a time, a name sm
// cannot hold) are found by holdRule on the reference's samples; those
// of a whole case are listed by case id in caseRules.
var (
	ruleFinite    = rule{"finite values only", "NaN and infinite values"}
	ruleString    = rule{"no string fields", "String fields"}
	ruleBefore    = rule{"no time before 1970", "before 1970"}
	ruleAfter     = rule{"no time after 9999", "after the year 9999"}
	ruleName      = rule{"names are printable ASCII", "printable ASCII"}
	ruleTagKey    = rule{"tag names: letters, digits, _ . -", "Tag names"}
	ruleNow       = rule{"a missing time means now", "A missing timestamp"}
	ruleTagTwice  = rule{"a tag given twice is an error", "given twice"}
	ruleDecimal   = rule{"values are decimal numbers", "decimal number"}
	ruleTwice     = rule{"a series and a time given twice keep the later sample", "keep one sample, the later one"}
	ruleKeepsGood = rule{"good lines around a bad one are kept", "keeps the good lines"}
)

// documentedRules lists every rule, in the order the tables print them.
var documentedRules = []rule{ruleFinite, ruleString, ruleBefore, ruleAfter, ruleName, ruleTagKey, ruleNow, ruleTagTwice, ruleDecimal, ruleTwice, ruleKeepsGood}

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
