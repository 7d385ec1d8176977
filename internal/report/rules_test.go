package report

import (
	"strconv"
	"strings"
	"testing"

	"sm/internal/record"
)

func TestParseRule(t *testing.T) {
	for _, tc := range []struct {
		in    string
		name  string
		tags  []record.Tag
		op    string
		value float64
		err   string
	}{
		{in: "disk.used_pct>85", name: "disk.used_pct", op: ">", value: 85},
		{in: "disk.used_pct;mount=/var>80", name: "disk.used_pct", tags: []record.Tag{{Key: "mount", Value: "/var"}}, op: ">", value: 80},
		{in: "load.5m>=8", name: "load.5m", op: ">=", value: 8},
		{in: "mem.available_bytes<5e8", name: "mem.available_bytes", op: "<", value: 5e8},
		{in: " swap.used_pct <= 10 ", name: "swap.used_pct", op: "<=", value: 10},
		{in: "pressure.*_some_pct>20", name: "pressure.*_some_pct", op: ">", value: 20},
		{in: "x;b=2;a=1>-1.5", name: "x", tags: []record.Tag{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}}, op: ">", value: -1.5},
		{in: "disk.used_pct;mount=/mnt\\040usb>1", name: "disk.used_pct", tags: []record.Tag{{Key: "mount", Value: "/mnt usb"}}, op: ">", value: 1},
		{in: "disk.used_pct=85", err: `rule "disk.used_pct=85" has no comparison`},
		{in: ">85", err: "has no metric"},
		{in: "disk.used_pct>", err: `threshold "" is not a number`},
		{in: "disk.used_pct>abc", err: `threshold "abc" is not a number`},
		{in: "disk.used_pct>NaN", err: "is not a number"},
		{in: "disk.used_pct>Inf", err: "is not a number"},
		{in: "disk.used_pct>0x10", err: "is not a number"},
		{in: "disk.used_pct>>5", err: "is not a name or glob"},
		{in: "disk.used_pct;mount>5", err: `tag "mount" has no "="`},
		{in: "disk.used_pct;mount=/a;mount=/b>5", err: `tag "mount" given twice`},
		{in: "disk.[used_pct>5", err: "is not a name or glob"},
		{in: "disk used>5", err: "is not a name or glob"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			r, err := ParseRule(Warning, tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one containing %q", err, tc.err)
				}
				if !strings.Contains(err.Error(), "want METRIC") {
					t.Errorf("err = %v: it should say what is expected", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Name != tc.name || r.Op != tc.op || r.Value != tc.value || len(r.Tags) != len(tc.tags) {
				t.Fatalf("got %+v", r)
			}
			for i := range tc.tags {
				if r.Tags[i] != tc.tags[i] {
					t.Errorf("tag %d = %v, want %v", i, r.Tags[i], tc.tags[i])
				}
			}
		})
	}
}

func TestParseRules(t *testing.T) {
	in := "# thresholds\n\nwarn disk.used_pct>85\n  crit disk.used_pct;mount=/var>90\ncritical load.5m>=8\n"
	rules, err := ParseRules(strings.NewReader(in), "t.conf")
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 3 || rules[0].Level != Warning || rules[1].Level != Critical || rules[2].Text != "load.5m>=8" {
		t.Fatalf("got %+v", rules)
	}
	for in, want := range map[string]string{
		"warn disk.used_pct>85\nalert x>1\n": `t.conf:2: "alert": want warn or crit`,
		"crit x=1\n":                         `t.conf:1: rule "x=1" has no comparison`,
		"warn\n":                             `t.conf:1: rule "" has no comparison`,
	} {
		if _, err := ParseRules(strings.NewReader(in), "t.conf"); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q...", in, err, want)
		}
	}
}

func TestRulesFor(t *testing.T) {
	parse := func(l Level, s string) Rule {
		r, err := ParseRule(l, s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	rules := Rules(append(DefaultRules(),
		parse(Warning, "disk.used_pct>85"),
		parse(Warning, "disk.used_pct;mount=/var>80"),
		parse(Critical, "disk.*>99"),
		parse(Warning, "load.5m>=8"),
		parse(Warning, "load.5m>=6"),
	))
	for _, tc := range []struct {
		name       string
		tags       []record.Tag
		warn, crit string
	}{
		// A user's rule beats the built-in one, even a glob.
		{"disk.used_pct", []record.Tag{{Key: "mount", Value: "/"}}, "disk.used_pct>85", "disk.*>99"},
		// More tags beat fewer.
		{"disk.used_pct", []record.Tag{{Key: "mount", Value: "/var"}}, "disk.used_pct;mount=/var>80", "disk.*>99"},
		// Without a user's rule of its level, the built-in one holds.
		{"mem.used_pct", nil, "mem.used_pct>90", "mem.used_pct>95"},
		{"disk.inodes_used_pct", nil, "disk.inodes_used_pct>90", "disk.*>99"},
		// Of equals, the last wins.
		{"load.5m", nil, "load.5m>=6", ""},
		{"pressure.io_some_pct", nil, "pressure.*_some_pct>20", "pressure.*_some_pct>40"},
		{"pressure.io_full_pct", nil, "", ""},
	} {
		th := rules.For(tc.name, tc.tags)
		text := func(r *Rule) string {
			if r == nil {
				return ""
			}
			return r.Text
		}
		if text(th.Warn) != tc.warn || text(th.Crit) != tc.crit {
			t.Errorf("%s %v: warn %q crit %q, want %q %q", tc.name, tc.tags, text(th.Warn), text(th.Crit), tc.warn, tc.crit)
		}
	}
	th := rules.For("disk.used_pct", nil)
	for v, want := range map[float64]Level{50: OK, 85: OK, 85.1: Warning, 99: Warning, 99.5: Critical} {
		if got := th.Level(v); got != want {
			t.Errorf("Level(%v) = %v, want %v", v, got, want)
		}
	}
}

func FuzzParseRule(f *testing.F) {
	for _, s := range []string{"disk.used_pct>85", "disk.used_pct;mount=/var>80", "load.5m>=8", "mem.available_bytes<5e8",
		"x<=-1", "a;b=c;d=e>1e300", "pressure.*_some_pct>20", "[a-z]>1", "x;k=\\101>1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRule(Critical, s)
		if err != nil {
			if !strings.Contains(err.Error(), "want METRIC") {
				t.Fatalf("%q: error %v does not say what is expected", s, err)
			}
			return
		}
		// A rule that parses parses the same from its canonical form.
		var b []byte
		b = append(b, r.Name...)
		for _, tg := range r.Tags {
			b = append(b, ';')
			b = append(b, tg.Key...)
			b = append(b, '=')
			b = record.AppendTagValue(b, tg.Value)
		}
		again, err := ParseRule(Critical, string(b)+r.Op+strconv.FormatFloat(r.Value, 'g', -1, 64))
		if err != nil {
			t.Fatalf("%q parsed, but its canonical form %q does not: %v", s, string(b)+r.Op+strconv.FormatFloat(r.Value, 'g', -1, 64), err)
		}
		if again.Name != r.Name || again.Op != r.Op || again.Value != r.Value || len(again.Tags) != len(r.Tags) {
			t.Fatalf("%q: %+v, then %+v", s, r, again)
		}
		r.Breached(r.Value)
	})
}
