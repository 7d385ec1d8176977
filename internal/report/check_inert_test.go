package report

import (
	"regexp"
	"strings"
	"testing"

	"sm/internal/query"
	"sm/internal/record"
	"sm/internal/store"
)

// TestCheckInert: whatever the tags hold, a check writes one status
// line, its performance data on it, and each problem on a line of its
// own: no tag forges a line, nor data of its own.
func TestCheckInert(t *testing.T) {
	for _, evil := range []string{"x\nOK - all fine", "x\rOK - all fine", "\x1b[2J", "a'b=c|d", "abc\u202etxt", "x\u2028OK"} {
		s := query.Series{Series: store.Series{Name: "disk.used_pct", Tags: "host=web1;mount=" + string(record.AppendTagValue(nil, evil))},
			Tags: []record.Tag{{Key: "host", Value: "web1"}, {Key: "mount", Value: evil}}}
		th := Thresholds{Warn: &Rule{Op: ">", Value: 80}, Crit: &Rule{Op: ">", Value: 90}}
		c := &Check{Status: Critical, Series: 2, Hosts: 1,
			Problems: []Problem{{Critical, s.Key() + " 95 > 90"}, {Unknown, "no data from host " + evil}},
			Perf:     []string{perfData(s, 95, th), perfData(s, 5, th)}}
		var b strings.Builder
		if err := c.Write(&b); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 3 || strings.ContainsAny(out, "\r\x1b\u202e\u2028") {
			t.Errorf("%q: want 3 lines, no raw control:\n%q", evil, out)
			continue
		}
		status, perf, ok := strings.Cut(lines[0], " | ")
		if !ok || strings.Contains(perf, "|") || strings.Contains(status, "|") {
			t.Errorf("%q: not one status and one perf data: %q", evil, lines[0])
		}
		// Two items of performance data, each 'label'=value;warn;crit;0;100.
		items := perfItems.FindAllStringSubmatch(perf, -1)
		if len(items) != 2 || perfItems.ReplaceAllString(perf, "") != "" {
			t.Errorf("%q: perf data %q", evil, perf)
		}
		for _, l := range lines[1:] {
			if !strings.HasPrefix(l, "CRITICAL - disk.used_pct") && !strings.HasPrefix(l, "UNKNOWN - no data from host x") &&
				!strings.HasPrefix(l, "UNKNOWN - no data from host \\") && !strings.HasPrefix(l, "UNKNOWN - no data from host a") {
				t.Errorf("%q: line %q", evil, l)
			}
		}
	}
}

// perfItems matches an item of performance data as the guidelines
// have it, with a quoted label and, here, min and max.
var perfItems = regexp.MustCompile(`'([^'=]+)'=[0-9.]+%;[0-9.:]*;[0-9.:]*;0;100( |$)`)

func TestPerfLabel(t *testing.T) {
	for in, want := range map[string]string{
		"disk.used_pct host:web1 mount:/": "disk.used_pct host:web1 mount:/",
		"x mount:a'b=c|d":                 "x mount:a_b_c_d",
		"x mount:a\nOK - all fine":        `x mount:a\x0aOK - all fine`,
		"x mount:\x1b]52;c;aGk=\x07":      `x mount:\x1b]52;c;aGk_\x07`,
		"x mount:abc\u202etxt":            `x mount:abc\u202etxt`,
	} {
		if got := perfLabel(in); got != want {
			t.Errorf("perfLabel(%q) = %q, want %q", in, got, want)
		}
	}
}
