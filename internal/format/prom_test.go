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

func TestPromCollisions(t *testing.T) {
	tests := []struct {
		name string
		recs []record.Record
		want string
	}{
		{"names", []record.Record{promRec("disk.used", 1, 1), promRec("disk-used", 2, 1)},
			`metric names "disk-used" and "disk.used" both become sm_disk_used`},
		{"tags", []record.Record{promRec("x;a.b=1;a_b=2", 1, 1)},
			`tags "a.b" and "a_b" of series "x;a.b=1;a_b=2" both become label a_b`},
		{"series", []record.Record{promRec("x;a_b=1", 1, 1), promRec("x;a.b=1", 1, 1)},
			`series "x;a.b=1" and "x;a_b=1" both become sm_x{a_b="1"}`},
		{"not UTF-8", []record.Record{promRec(`x;v=\376`, 1, 1), promRec(`x;v=\377`, 1, 1)},
			`series "x;v=\\376" and "x;v=\\377" both become sm_x{v="` + "\uFFFD" + `"}`},
	}
	for _, tt := range tests {
		for _, f := range []string{"prom", "openmetrics"} {
			t.Run(tt.name+"/"+f, func(t *testing.T) {
				got, err := promOutput(t, f, tt.recs...)
				if want := f + ": " + tt.want; err == nil || err.Error() != want {
					t.Errorf("got error %v\nwant %s", err, want)
				}
				if got != "" {
					t.Errorf("wrote %q", got)
				}
			})
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
