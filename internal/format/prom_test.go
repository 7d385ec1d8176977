package format

import (
	"strings"
	"testing"

	"sm/internal/record"
)

// promOutput writes recs in the named format and returns the output
// and the error of Close.
func promOutput(t *testing.T, name string, recs ...record.Record) (string, error) {
	t.Helper()
	var sb strings.Builder
	w, err := New(name, &sb, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		if err := w.Write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	err = w.Close()
	return sb.String(), err
}

func promRec(series string, v float64, ts int64) record.Record {
	name, tags, err := record.ParseSeries(series)
	if err != nil {
		panic(err)
	}
	return record.Record{Name: name, Tags: tags, Value: v, Time: ts}
}

var promSample = []record.Record{
	promRec("load.5m;host=web1", 0.25, 1764045060),
	promRec("load.5m;host=web1", 0.27, 1764045000),
	promRec("disk.used_pct;host=web1;mount=/", 18.62, 1764045000),
	promRec("disk.used_pct;host=web1;mount=/mnt/my\\040disk", 3, 1764045000),
	promRec("disk.used_pct;host=web1;mount=/", 18.7, 1764045060),
	promRec("disk.used_pct;host=db1;mount=/", 1e21, 1764045060),
	promRec("disk.used_pct;host=web1;mount=/", 18.5, 1764045060), // a tie: the later written wins
	promRec("uptime", 1e-5, 5),
	promRec(`odd"name\;v=a"b\134c\012d\011\377;1m=x;_y=z`, -2, 0),
}

func TestProm(t *testing.T) {
	got, err := promOutput(t, "prom", promSample...)
	if err != nil {
		t.Fatal(err)
	}
	want := `# HELP sm_disk_used_pct disk.used_pct
# TYPE sm_disk_used_pct gauge
sm_disk_used_pct{host="db1",mount="/"} 1e+21
sm_disk_used_pct{host="web1",mount="/"} 18.5
sm_disk_used_pct{host="web1",mount="/mnt/my disk"} 3
# HELP sm_load_5m load.5m
# TYPE sm_load_5m gauge
sm_load_5m{host="web1"} 0.25
# HELP sm_odd_name_ odd"name\\
# TYPE sm_odd_name_ gauge
sm_odd_name_{tag_1m="x",tag__y="z",v="a\"b\\c\nd` + "\t\uFFFD" + `"} -2
# HELP sm_uptime uptime
# TYPE sm_uptime gauge
sm_uptime 1e-05
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestOpenMetrics(t *testing.T) {
	got, err := promOutput(t, "openmetrics", promSample...)
	if err != nil {
		t.Fatal(err)
	}
	want := `# HELP sm_disk_used_pct disk.used_pct
# TYPE sm_disk_used_pct gauge
sm_disk_used_pct{host="db1",mount="/"} 1e+21 1764045060
sm_disk_used_pct{host="web1",mount="/"} 18.62 1764045000
sm_disk_used_pct{host="web1",mount="/"} 18.5 1764045060
sm_disk_used_pct{host="web1",mount="/mnt/my disk"} 3 1764045000
# HELP sm_load_5m load.5m
# TYPE sm_load_5m gauge
sm_load_5m{host="web1"} 0.27 1764045000
sm_load_5m{host="web1"} 0.25 1764045060
# HELP sm_odd_name_ odd\"name\\
# TYPE sm_odd_name_ gauge
sm_odd_name_{tag_1m="x",tag__y="z",v="a\"b\\c\nd` + "\t\uFFFD" + `"} -2 0
# HELP sm_uptime uptime
# TYPE sm_uptime gauge
sm_uptime 1e-05 5
# EOF
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestPromEmpty(t *testing.T) {
	for name, want := range map[string]string{"prom": "", "openmetrics": "# EOF\n"} {
		if got, err := promOutput(t, name); err != nil || got != want {
			t.Errorf("%s: got %q, %v; want %q", name, got, err, want)
		}
	}
}

// TestPromCollisions: of what would become the same name, label or
// series, the first in sm's order is written, the other left out with a
// SkipError naming it, and every other series is written all the same.
func TestPromCollisions(t *testing.T) {
	tests := []struct {
		name string
		recs []record.Record
		kept string // the line of the series kept, but for its time
		skip string // the SkipError, but for the format
	}{
		{"names", []record.Record{promRec("disk.used", 1, 1), promRec("disk-used", 2, 1)},
			"sm_disk_used 1",
			`left out disk-used: metric name becomes sm_disk_used, as disk.used does (1 series)`},
		{"tags", []record.Record{promRec("x;a.b=1;a_b=2", 1, 1)},
			"",
			`left out x;a.b=1;a_b=2: tags "a.b" and "a_b" both become label a_b`},
		{"series", []record.Record{promRec("x;a_b=1", 1, 1), promRec("x;a.b=1", 1, 1)},
			`sm_x{a_b="1"} 1`,
			`left out x;a_b=1: it becomes sm_x{a_b="1"}, as x;a.b=1 does`},
		{"not UTF-8", []record.Record{promRec(`x;v=\376`, 1, 1), promRec(`x;v=\377`, 1, 1)},
			`sm_x{v="` + "\uFFFD" + `"} 1`,
			`left out x;v=\377: it becomes sm_x{v="` + "\uFFFD" + `"}, as x;v=\376 does`},
	}
	for _, tt := range tests {
		for _, f := range []string{"prom", "openmetrics"} {
			t.Run(tt.name+"/"+f, func(t *testing.T) {
				recs := append([]record.Record{promRec("a.good;host=web1", 5, 1)}, tt.recs...)
				recs = append(recs, promRec("z.good", 6, 1))
				got, err := promOutput(t, f, recs...)
				skips, rest := Split(err)
				if rest != nil || len(skips) != 1 || skips[0].Error() != f+": "+tt.skip {
					t.Errorf("got error %v\nwant %s: %s", err, f, tt.skip)
				}
				for _, line := range []string{`sm_a_good{host="web1"} 5`, "sm_z_good 6", tt.kept} {
					if line != "" && !strings.Contains(got, "\n"+line) {
						t.Errorf("no %s in\n%s", line, got)
					}
				}
				if f == "openmetrics" && !strings.HasSuffix(got, "# EOF\n") {
					t.Errorf("no # EOF at the end of\n%s", got)
				}
			})
		}
	}
}

// TestPromTerminal: on a terminal, a label value shows its control
// characters as escapes; in a pipe it holds them, as the format allows.
func TestPromTerminal(t *testing.T) {
	rec := promRec(`x;v=\033]52\073c\073aGk=\007\342\200\256`, 1, 1)
	for _, term := range []bool{false, true} {
		var sb strings.Builder
		w, _ := New("prom", &sb, Options{Terminal: term})
		if err := w.Write(&rec); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		raw := strings.ContainsAny(sb.String(), "\x1b\x07\u202e")
		if raw == term {
			t.Errorf("terminal %v: output %q", term, sb.String())
		}
		if term && !strings.Contains(sb.String(), `v="\\x1b]52;c;aGk=\\x07\\u202e"`) {
			t.Errorf("terminal: output %q", sb.String())
		}
	}
}

// TestOpenMetricsDuplicates: of the samples of a series at one time, the
// last written is kept.
func TestOpenMetricsDuplicates(t *testing.T) {
	got, err := promOutput(t, "openmetrics",
		promRec("x", 1, 20), promRec("x", 2, 10), promRec("x", 3, 20), promRec("x", 4, 10), promRec("x", 5, 30))
	want := "# HELP sm_x x\n# TYPE sm_x gauge\nsm_x 4 10\nsm_x 3 20\nsm_x 5 30\n# EOF\n"
	if err != nil || got != want {
		t.Errorf("got %q, %v\nwant %q", got, err, want)
	}
}

// TestPromWriteCopies: Write keeps neither the record nor its tags.
func TestPromWriteCopies(t *testing.T) {
	var sb strings.Builder
	w, _ := New("prom", &sb, Options{})
	r := promRec("x;a=1", 1, 1)
	w.Write(&r)
	r.Tags[0].Value, r.Value = "2", 5
	w.Write(&r)
	w.Close()
	if want := "# HELP sm_x x\n# TYPE sm_x gauge\nsm_x{a=\"1\"} 1\nsm_x{a=\"2\"} 5\n"; sb.String() != want {
		t.Errorf("got %q, want %q", sb.String(), want)
	}
}

func TestPromNames(t *testing.T) {
	for in, want := range map[string]string{
		"disk.used_pct":      "sm_disk_used_pct",
		"load.5m":            "sm_load_5m",
		"9x":                 "sm_9x",
		"a:b-c/d":            "sm_a_b_c_d",
		"_":                  "sm__",
		"sys.uptime_s":       "sm_sys_uptime_seconds",
		"net.rx_bytes_per_s": "sm_net_rx_bytes_per_second",
		"backup.duration_ms": "sm_backup_duration_milliseconds",
		"procs.total":        "sm_procs_all",
		"total":              "sm_total",
		"a.s":                "sm_a_seconds",
		"s":                  "sm_s",
		"a.b.c":              "sm_a_b_c",
		"sysstat.rxkB_per_s": "sm_sysstat_rxkb_per_second",
	} {
		if got := PromName(in); got != want {
			t.Errorf("PromName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"host":     "host",
		"dev.name": "dev_name",
		"Dev-1":    "dev_1",
		"1m":       "tag_1m",
		"_x":       "tag__x",
		"__name__": "tag___name__",
		".":        "tag__",
		"-a":       "tag__a",
	} {
		if got := PromLabel(in); got != want {
			t.Errorf("PromLabel(%q) = %q, want %q", in, got, want)
		}
	}
}
