// Package conformance feeds the test cases of the formats sm reads (the
// OpenMetrics parser suite, expfmt's parser tests, the InfluxDB line
// protocol corpus, carbon's and graphite-web's plaintext cases) through
// the readers of sm-store --from, and compares what sm stores with what
// each format's own reference implementation reads.
//
// The data is not part of the repository: it lies in
// ../shared/conformance beside the clone (SM_CONFORMANCE overrides the
// place), and the test skips, saying so, without it.
//
// A case agrees when sm accepts exactly when the reference does and
// stores the samples the reference reads, mapped by sm's documented
// rules (labels and tags as tags, influx fields as MEASUREMENT.FIELD,
// times rounded down to seconds, a series and a time stored once). A
// case differs by a documented rule when the only differences are those
// listed in rules_test.go, each of which sm-store(1) states under
// DIFFERENCES FROM THE FORMATS. Every other case is a disagreement: the
// known ones are listed in testdata/known_disagreements.txt, so that the
// test fails on a new one, and on a listed one that now agrees (the list
// only shrinks). go test -run TestConformance -update rewrites the list.
package conformance

import (
	"bufio"
	"cmp"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/known_disagreements.txt from this run")

const baselineFile = "testdata/known_disagreements.txt"

// dataDir returns the conformance data folder, or "" when there is none.
func dataDir() string {
	dir := os.Getenv("SM_CONFORMANCE")
	if dir == "" {
		// The repository's root is two levels up; the data lies beside it.
		dir = filepath.Join("..", "..", "..", "shared", "conformance")
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return ""
	}
	return dir
}

// The outcomes of a case.
const (
	agree      = "agree"
	documented = "documented"
	disagree   = "disagree"
)

// Severity marks of a disagreement, worst first: a reader of the
// baseline sees them at the head of each suite.
const (
	wrongValue = "WRONG VALUE"
	lostRecord = "LOST RECORD"
)

// A result is the outcome of one case.
type result struct {
	suite, id string
	outcome   string
	rules     []string // the documented rules, for outcome documented
	severity  string   // wrongValue, lostRecord or ""
	note      string   // what differs, for outcome disagree
}

// A known disagreement is a line of the baseline.
type known struct {
	suite, id, note string
}

func (k known) severity() string {
	for _, s := range []string{wrongValue, lostRecord} {
		if strings.HasPrefix(k.note, s) {
			return s
		}
	}
	return ""
}

func TestConformance(t *testing.T) {
	dir := dataDir()
	if dir == "" {
		t.Skip("no conformance data: set SM_CONFORMANCE to its folder, or put it at ../shared/conformance beside the repository")
	}
	baseline, err := readBaseline(baselineFile)
	if err != nil {
		t.Fatal(err)
	}
	var all []result
	for _, s := range suites {
		t.Run(s.name, func(t *testing.T) {
			cases, err := s.load(filepath.Join(dir, s.dir))
			if err != nil {
				t.Fatalf("%s: %v", s.dir, err)
			}
			if len(cases) == 0 {
				t.Fatalf("%s: no cases", s.dir)
			}
			var rs []result
			for _, c := range cases {
				r := run(c)
				r.suite = s.name
				rs = append(rs, r)
			}
			all = append(all, rs...)
			if !*update {
				checkBaseline(t, s.name, rs, baseline)
			}
		})
	}
	if t.Failed() {
		return
	}
	printTables(t, all, baseline)
	if *update {
		if err := writeBaseline(baselineFile, all); err != nil {
			t.Fatal(err)
		}
	}
}

// checkBaseline fails on each problem baselineProblems finds.
func checkBaseline(t *testing.T, suite string, rs []result, baseline map[string]known) {
	t.Helper()
	for _, p := range baselineProblems(suite, rs, baseline) {
		t.Error(p)
	}
}

// baselineProblems lists a suite's disagreements the baseline does not
// list, those whose severity changed, listed cases that no longer
// disagree, and listed cases the suite does not have.
func baselineProblems(suite string, rs []result, baseline map[string]known) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range rs {
		key := suite + "\t" + r.id
		seen[key] = true
		k, listed := baseline[key]
		switch {
		case r.outcome == disagree && !listed:
			out = append(out, fmt.Sprintf("%s %s: new disagreement: %s", suite, r.id, r.note))
		case r.outcome == disagree && k.severity() != r.severity:
			out = append(out, fmt.Sprintf("%s %s: now %q, listed as %q: %s", suite, r.id, r.severity, k.severity(), r.note))
		case r.outcome != disagree && listed:
			out = append(out, fmt.Sprintf("%s %s: now %s (%s): remove it from %s", suite, r.id, r.outcome, strings.Join(r.rules, ", "), baselineFile))
		}
	}
	for _, key := range slices.Sorted(maps.Keys(baseline)) {
		if k := baseline[key]; k.suite == suite && !seen[key] {
			out = append(out, fmt.Sprintf("%s %s: listed in %s but not a case", suite, k.id, baselineFile))
		}
	}
	return out
}

// printTables prints, for each suite, its cases, how many agree, differ
// by a documented rule and disagree (all known, else the test failed),
// then the worst disagreements.
func printTables(t *testing.T, all []result, baseline map[string]known) {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%-12s %7s %7s %11s %15s %10s %12s\n", "suite", "cases", "agree", "documented", "known, to fix", "WRONG VALUE", "LOST RECORD")
	for _, s := range suites {
		var n, a, d, k, wv, lr int
		for _, r := range all {
			if r.suite != s.name {
				continue
			}
			n++
			switch r.outcome {
			case agree:
				a++
			case documented:
				d++
			default:
				k++
			}
			switch r.severity {
			case wrongValue:
				wv++
			case lostRecord:
				lr++
			}
		}
		if n > 0 {
			fmt.Fprintf(&b, "%-12s %7d %7d %11d %15d %10d %12d\n", s.name, n, a, d, k, wv, lr)
		}
	}
	rules := map[string]int{}
	for _, r := range all {
		for _, name := range r.rules {
			rules[name]++
		}
	}
	b.WriteString("\ndocumented differences, by rule (a case may have several):\n")
	for _, rl := range documentedRules {
		if rules[rl.name] > 0 {
			fmt.Fprintf(&b, "  %5d  %s\n", rules[rl.name], rl.name)
		}
	}
	b.WriteString("\nthe worst disagreements:\n")
	for _, r := range sortedDisagreements(all) {
		if r.severity == "" {
			continue
		}
		fmt.Fprintf(&b, "  %-12s %-36s %s\n", r.suite, r.id, r.note)
	}
	t.Log(b.String())
}

// sortedDisagreements returns the disagreements, each suite's worst
// first, then by case id.
func sortedDisagreements(all []result) []result {
	order := map[string]int{}
	for i, s := range suites {
		order[s.name] = i
	}
	rank := map[string]int{wrongValue: 0, lostRecord: 1, "": 2}
	var out []result
	for _, r := range all {
		if r.outcome == disagree {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b result) int {
		return cmp.Or(cmp.Compare(order[a.suite], order[b.suite]), cmp.Compare(rank[a.severity], rank[b.severity]), strings.Compare(a.id, b.id))
	})
	return out
}

// readBaseline reads the known disagreements: lines of SUITE, case id
// and note, separated by tabs; # starts a comment.
func readBaseline(path string) (map[string]known, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string]known{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 3)
		if len(parts) != 3 {
			return nil, fmt.Errorf("%s:%d: want SUITE<tab>CASE<tab>NOTE", path, n)
		}
		k := known{parts[0], parts[1], parts[2]}
		key := k.suite + "\t" + k.id
		if _, dup := m[key]; dup {
			return nil, fmt.Errorf("%s:%d: %s %s listed twice", path, n, k.suite, k.id)
		}
		m[key] = k
	}
	return m, sc.Err()
}

func writeBaseline(path string, all []result) error {
	var b strings.Builder
	b.WriteString(`# The cases of the conformance suites where sm disagrees with the
# format's reference today, one a line: suite, case id, what differs,
# separated by tabs; each suite's worst first. WRONG VALUE: sm stores a
# value or a time other than the reference's. LOST RECORD: sm loses a
# record the reference reads. Rewritten by
#   go test ./tests/conformance -run TestConformance -update
# which the test asks for when a listed case agrees: the list only shrinks.
`)
	for _, r := range sortedDisagreements(all) {
		fmt.Fprintf(&b, "%s\t%s\t%s\n", r.suite, r.id, oneLine(r.note))
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// oneLine escapes the control characters of a note, which quotes a
// case's input, so that it stays one line of the baseline.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}
