package report

import (
	"strings"
	"testing"
)

func TestParseRuleOptions(t *testing.T) {
	for _, tc := range []struct {
		in        string
		margin    float64
		marginSet bool
		hits      int
		err       string
	}{
		{in: "disk.used_pct>90", margin: 4.5},
		{in: "disk.used_pct>90 margin 2", margin: 2, marginSet: true},
		{in: "disk.used_pct > 90  hits 3   margin 0", margin: 0, marginSet: true, hits: 3},
		{in: "mem.available_bytes<5e8 margin 1e8", margin: 1e8, marginSet: true},
		{in: "x>-10", margin: 0.5},
		{in: "x>0", margin: 0},
		{in: "x>90 margin", err: "margin without a value"},
		{in: "x>90 margin -1", err: `margin "-1" is not a number of 0 or more`},
		{in: "x>90 margin NaN", err: `margin "NaN" is not a number`},
		{in: "x>90 hits 0", err: `hits "0" is not a whole number from 1 to 10080`},
		{in: "x>90 hits 1.5", err: `hits "1.5" is not a whole number`},
		{in: "x>90 hits 99999", err: `hits "99999" is not a whole number`},
		{in: "x>90 hits 2 hits 3", err: "hits given twice"},
		{in: "x>90 for 5m", err: `"for" after the threshold`},
		{in: "x>90 5", err: `"5" after the threshold`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			r, err := ParseRule(Warning, tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "want METRIC") {
					t.Fatalf("err = %v, want one containing %q and the syntax", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.margin() != tc.margin || r.MarginSet != tc.marginSet || r.Hits != tc.hits {
				t.Errorf("margin %v (set %v), hits %d; want %v (%v), %d", r.margin(), r.MarginSet, r.Hits, tc.margin, tc.marginSet, tc.hits)
			}
		})
	}
}

func TestHold(t *testing.T) {
	parse := func(l Level, s string) *Rule {
		r, err := ParseRule(l, s)
		if err != nil {
			t.Fatal(err)
		}
		return &r
	}
	above := Thresholds{Warn: parse(Warning, "disk.used_pct>90"), Crit: parse(Critical, "disk.used_pct>95")}
	below := Thresholds{Warn: parse(Warning, "mem.available_bytes<1000 margin 100"), Crit: parse(Critical, "mem.available_bytes<=500 margin 0")}
	critOnly := Thresholds{Crit: parse(Critical, "load.5m>=8 margin 1")}
	for _, tc := range []struct {
		name string
		th   Thresholds
		prev Level
		v    float64
		want Level
	}{
		{"ok stays ok at the limit", above, OK, 90, OK},
		{"ok to warning at once", above, OK, 90.1, Warning},
		{"ok to critical at once", above, OK, 96, Critical},
		{"warning held above the margin", above, Warning, 85.6, Warning},
		{"warning clears at the margin", above, Warning, 85.5, OK},
		{"warning to critical at once", above, Warning, 95.5, Critical},
		{"critical held above its margin", above, Critical, 90.3, Critical},
		{"critical to warning past its margin", above, Critical, 90.25, Warning},
		{"critical held as warning below 90", above, Critical, 86, Warning},
		{"critical clears past both", above, Critical, 85, OK},
		{"below: warning held", below, Warning, 1050, Warning},
		{"below: warning clears", below, Warning, 1100, OK},
		{"below: no margin clears at once", below, Critical, 501, Warning},
		{"crit only: held", critOnly, Critical, 7.5, Critical},
		{"crit only: >= clears below the margin", critOnly, Critical, 6.9, OK},
		{"crit only: at the margin still held", critOnly, Critical, 7, Critical},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.th.Hold(tc.prev, tc.th.Level(tc.v), tc.v); got != tc.want {
				t.Errorf("Hold(%v, %v) = %v, want %v", tc.prev, tc.v, got, tc.want)
			}
		})
	}
}
