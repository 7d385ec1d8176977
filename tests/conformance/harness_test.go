package conformance

import (
	"bufio"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"sm/internal/decode"
	"sm/internal/record"
)

// misreader is a reader made for TestRun that reads "1_2" as 12, as
// strconv.ParseFloat would: the harness must call that a wrong value.
const misreader = "conformance-test-misreader"

func init() {
	decode.Register(misreader, "reads 1_2 as 12, for TestRun", false, func(r io.Reader, _ decode.Options) decode.Decoder {
		return &misread{sc: bufio.NewScanner(r)}
	})
}

type misread struct {
	sc  *bufio.Scanner
	raw []byte
}

func (m *misread) Raw() []byte { return m.raw }

func (m *misread) Next() (record.Record, error) {
	if !m.sc.Scan() {
		return record.Record{}, io.EOF
	}
	m.raw = m.sc.Bytes()
	f := strings.Fields(string(m.raw))
	num := func(s string) float64 {
		v, _ := strconv.ParseFloat(s, 64)
		return v
	}
	return record.Record{Name: f[0], Value: num(f[1]), Time: int64(num(f[2]))}, nil
}

// TestRun checks the comparison itself on cases made up for it, so that
// it is tested without the conformance data.
func TestRun(t *testing.T) {
	a := sample{"a", nil, 1, 100}
	b := sample{"b", []record.Tag{{Key: "k", Value: "v"}}, 2, 100}
	tests := []struct {
		name     string
		c        kase
		outcome  string
		severity string
		note     string // a part of the note
	}{
		{"agree", kase{format: "graphite", input: []byte("a 1 100\nb;k=v 2 100\n"), accept: true, samples: []sample{a, b}}, agree, "", ""},
		{"agree on a refusal", kase{format: "graphite", input: []byte("a 1 100\nb;k=v x 100\n"), accept: false}, agree, "", ""},
		{"later of a time given twice", kase{format: "graphite", input: []byte("a 5 100\na 1 100\n"), accept: true, samples: []sample{{"a", nil, 5, 100}, a}}, agree, "", ""},
		{"first of a time given twice", kase{format: "graphite", input: []byte("a 1 100\na 5 100\n"), accept: true, samples: []sample{a}}, documented, "", ""},
		{"documented", kase{format: "graphite", input: []byte("a 1 100\na nan 100\n"), accept: true, samples: []sample{a}, dropped: []*rule{&ruleFinite}}, documented, "", ""},
		{"documented needs the error", kase{format: "graphite", input: []byte("a 1 100\n"), accept: true, samples: []sample{a}, dropped: []*rule{&ruleFinite}}, disagree, "", "reports no error"},
		{"accepts a refusal", kase{format: "graphite", input: []byte("a 1 100\n"), accept: false, refErr: "no"}, disagree, "", "accepts what the reference refuses: no"},
		{"wrong time of a refusal", kase{format: misreader, input: []byte("a 1 1_2\n"), accept: false, now: 100}, disagree, wrongValue, "stores a 1 12"},
		{"wrong value of a refusal", kase{format: misreader, input: []byte("a 1_2 1\n"), accept: false}, disagree, wrongValue, "stores a 12 1"},
		{"wrong value", kase{format: "graphite", input: []byte("a 2 100\n"), accept: true, samples: []sample{a}}, disagree, wrongValue, "stores a 2 100 where the reference reads a 1 100"},
		{"lost record", kase{format: "graphite", input: []byte("a 1 100\n"), accept: true, samples: []sample{a, b}}, disagree, lostRecord, "loses b;k=v 2 100"},
		{"string over two lines", kase{format: "influx", input: []byte("a value=1,s=\"x\ny\" 100000000000\n"), accept: true, samples: []sample{a}, dropped: []*rule{&ruleString}}, documented, "", ""},
		{"refused line", kase{format: "graphite", input: []byte("a 1 100\nb;k=v 2 x\n"), accept: true, samples: []sample{a, b}}, disagree, "", "refuses b;k=v 2 100"},
		{"another name", kase{format: "graphite", input: []byte("A 1 100\n"), accept: true, samples: []sample{a}}, disagree, "", "stores A 1 100 where the reference reads a 1 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.c.id = "x"
			r := run(tt.c)
			if r.outcome != tt.outcome || r.severity != tt.severity || !strings.Contains(r.note, tt.note) {
				t.Errorf("got %s %q %q, want %s %q, a note with %q", r.outcome, r.severity, r.note, tt.outcome, tt.severity, tt.note)
			}
		})
	}
}

// TestCaseRules checks that a case listed in caseRules is counted under
// its rule when it differs, and that the rule does not hide a wrong
// value.
func TestCaseRules(t *testing.T) {
	c := kase{id: "cp-no-time", format: "graphite", input: []byte("carbon.foo 1\n"), now: 100, accept: false}
	if r := run(c); r.outcome != documented || len(r.rules) != 1 || r.rules[0] != ruleNow.name {
		t.Errorf("cp-no-time: got %s %v, want documented under %q", r.outcome, r.rules, ruleNow.name)
	}
	c = kase{id: "cp-no-time", format: "graphite", input: []byte("a 2 100\n"), accept: true, samples: []sample{{"a", nil, 1, 100}}}
	if r := run(c); r.outcome != disagree || r.severity != wrongValue {
		t.Errorf("cp-no-time with a wrong value: got %s %q, want a disagreement, %s", r.outcome, r.severity, wrongValue)
	}
}

func TestReadBaseline(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ name, text, err string }{
		{"good", "# comment\n\ninflux\tabc\tWRONG VALUE: x\n", ""},
		{"no note", "influx\tabc\n", "want SUITE<tab>CASE<tab>NOTE"},
		{"twice", "influx\tabc\tx\ninflux\tabc\ty\n", "listed twice"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := dir + "/" + strings.ReplaceAll(tt.name, " ", "_")
			if err := writeFile(p, tt.text); err != nil {
				t.Fatal(err)
			}
			m, err := readBaseline(p)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, want an error with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if k := m["influx\tabc"]; k.severity() != wrongValue {
				t.Errorf("got %+v, severity %q", k, k.severity())
			}
		})
	}
	if _, err := readBaseline(dir + "/none"); err == nil {
		t.Error("a missing baseline: no error")
	}
}

func writeFile(p, s string) error { return os.WriteFile(p, []byte(s), 0o644) }

func TestBaselineProblems(t *testing.T) {
	baseline := map[string]known{
		"influx\tlisted":  {"influx", "listed", "stores x"},
		"influx\twrong":   {"influx", "wrong", "WRONG VALUE: stores x"},
		"influx\tgone":    {"influx", "gone", "stores x"},
		"graphite\tother": {"graphite", "other", "stores x"},
	}
	tests := []struct {
		name string
		rs   []result
		want string // a part of the one problem, or "" for none
	}{
		{"all known", []result{{id: "listed", outcome: disagree}, {id: "wrong", outcome: disagree, severity: wrongValue}, {id: "gone", outcome: disagree}}, ""},
		{"new", []result{{id: "listed", outcome: disagree}, {id: "wrong", outcome: disagree, severity: wrongValue}, {id: "gone", outcome: disagree}, {id: "new", outcome: disagree, note: "n"}}, "influx new: new disagreement: n"},
		{"severity", []result{{id: "listed", outcome: disagree, severity: lostRecord}, {id: "wrong", outcome: disagree, severity: wrongValue}, {id: "gone", outcome: disagree}}, `influx listed: now "LOST RECORD", listed as ""`},
		{"fixed", []result{{id: "listed", outcome: agree}, {id: "wrong", outcome: disagree, severity: wrongValue}, {id: "gone", outcome: disagree}}, "influx listed: now agree"},
		{"not a case", []result{{id: "listed", outcome: disagree}, {id: "wrong", outcome: disagree, severity: wrongValue}}, "influx gone: listed in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := baselineProblems("influx", tt.rs, baseline)
			switch {
			case tt.want == "" && len(got) > 0:
				t.Errorf("got %q, want none", got)
			case tt.want != "" && (len(got) != 1 || !strings.Contains(got[0], tt.want)):
				t.Errorf("got %q, want one with %q", got, tt.want)
			}
		})
	}
}

// TestRunWarnings checks that a rule sm reads past counts as documented
// only where sm warned, and that a warning on an input the reference
// reads is a disagreement.
func TestRunWarnings(t *testing.T) {
	a := sample{"a", nil, 1, 100}
	tests := []struct {
		name    string
		c       kase
		outcome string
		rule    string
		note    string
	}{
		{"warned", kase{format: "openmetrics", input: []byte("# TYPE a gauge\na 1 100 # {} 1\n# EOF\n"), accept: false, refErr: "no"}, documented, ruleExemplar.name, ""},
		{"warned of spacing", kase{format: "openmetrics", input: []byte("a  1 100\n# EOF\n"), accept: false, refErr: "no"}, documented, ruleSpacing.name, ""},
		{"not warned", kase{format: "openmetrics", input: []byte("a 1 100\n# EOF\n"), accept: false, refErr: "no"}, disagree, "", "accepts what the reference refuses"},
		{"warned of what the reference reads", kase{format: "openmetrics", input: []byte("a  1 100\n# EOF\n"), accept: true, samples: []sample{a}}, disagree, "", "warns on an input the reference reads"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.c.id = "x"
			r := run(tt.c)
			if r.outcome != tt.outcome || !strings.Contains(r.note, tt.note) || tt.rule != "" && (len(r.rules) != 1 || r.rules[0] != tt.rule) {
				t.Errorf("got %s %v %q, want %s under %q, a note with %q", r.outcome, r.rules, r.note, tt.outcome, tt.rule, tt.note)
			}
		})
	}
}
