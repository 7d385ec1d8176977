package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	for _, c := range []struct {
		name, stat string
		want       procStat
		err        bool
	}{
		{"plain", "812 (collectd) S 1 812 812 0 -1 4194560 1391 0 0 0 25 31 4 6 20 0 11 0 4139 1033330688 2980 18446744073709551615",
			procStat{pid: 812, ppid: 1, utime: 25, stime: 31, cutime: 4, cstime: 6, rss: 2980}, false},
		{"a name with spaces and parentheses", "77 (a (b) c) R 5 77 77 0 -1 0 0 0 0 0 100 200 0 0 20 0 1 0 1 1 42",
			procStat{pid: 77, ppid: 5, utime: 100, stime: 200, rss: 42}, false},
		{"no name", "77 a R 5", procStat{}, true},
		{"too few fields", "77 (a) R 5 77 77 0 -1 0 0 0 0 0 100 200", procStat{}, true},
		{"a bad pid", "x (a) R 5 77 77 0 -1 0 0 0 0 0 100 200 0 0 20 0 1 0 1 1 42", procStat{}, true},
		{"a bad utime", "77 (a) R 5 77 77 0 -1 0 0 0 0 0 -1 200 0 0 20 0 1 0 1 1 42", procStat{}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseStat([]byte(c.stat))
			if (err != nil) != c.err {
				t.Fatalf("error %v, want one: %v", err, c.err)
			}
			if err == nil && got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

// TestTreeUsage sums a daemon and its children, not its parent or a
// stranger, and skips a folder whose process has gone.
func TestTreeUsage(t *testing.T) {
	proc := t.TempDir()
	stat := func(pid, ppid, utime, stime, cutime, rss string) {
		dir := filepath.Join(proc, pid)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		line := pid + " (p) S " + ppid + " 0 0 0 -1 0 0 0 0 0 " + utime + " " + stime + " " + cutime + " 0 20 0 1 0 1 1 " + rss + "\n"
		if err := os.WriteFile(filepath.Join(dir, "stat"), []byte(line), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	stat("1", "0", "1000", "1000", "0", "1")
	stat("10", "1", "5", "6", "7", "100")    // the daemon
	stat("11", "10", "1", "1", "0", "10")    // its child
	stat("12", "11", "2", "0", "0", "1")     // its grandchild
	stat("20", "1", "500", "500", "0", "99") // a stranger
	stat("30", "1", "3", "0", "0", "5")      // the second daemon
	os.MkdirAll(filepath.Join(proc, "40"), 0o755)
	os.MkdirAll(filepath.Join(proc, "self"), 0o755)
	for _, c := range []struct {
		name  string
		roots []int
		ticks uint64
		rss   int64
	}{
		{"one daemon", []int{10}, 18 + 2 + 2, 111},
		{"two daemons", []int{10, 30}, 18 + 2 + 2 + 3, 116},
		{"a child alone", []int{11}, 4, 11},
		{"gone", []int{99}, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			ticks, rss, err := treeUsage(proc, c.roots)
			if err != nil {
				t.Fatal(err)
			}
			if ticks != c.ticks || rss != c.rss {
				t.Errorf("got %d ticks, %d pages; want %d, %d", ticks, rss, c.ticks, c.rss)
			}
		})
	}
	t.Run("a damaged stat", func(t *testing.T) {
		os.WriteFile(filepath.Join(proc, "40", "stat"), []byte("garbage"), 0o644)
		if _, _, err := treeUsage(proc, []int{10}); err == nil || !strings.Contains(err.Error(), "40") {
			t.Errorf("got %v, want an error naming 40/stat", err)
		}
	})
	t.Run("no proc", func(t *testing.T) {
		if _, _, err := treeUsage(filepath.Join(proc, "none"), []int{10}); err == nil {
			t.Error("no error")
		}
	})
}

func TestPerDay(t *testing.T) {
	for _, c := range []struct {
		cpu, window, want time.Duration
	}{
		{600 * time.Millisecond, 10 * time.Minute, 86400 * time.Millisecond},
		{time.Second, 24 * time.Hour, time.Second},
		{0, time.Minute, 0},
		// A cron run's cost × 1,440 is the same arithmetic.
		{50 * time.Millisecond, time.Minute, 72 * time.Second},
	} {
		if got := perDay(c.cpu, c.window); got != c.want {
			t.Errorf("perDay(%v, %v) = %v, want %v", c.cpu, c.window, got, c.want)
		}
	}
}

func TestPerSample(t *testing.T) {
	for _, c := range []struct {
		bytes   int64
		samples int
		want    float64
	}{
		{18396000, 18396000, 1},
		{16280460, 18396000, 0.885},
		{100, 0, 0},
	} {
		if got := perSample(c.bytes, c.samples); got != c.want {
			t.Errorf("perSample(%d, %d) = %v, want %v", c.bytes, c.samples, got, c.want)
		}
	}
}

func TestPromSeries(t *testing.T) {
	for key, want := range map[string]string{
		"load.1m;host=web1":                     `sm_load_1m{host="web1"}`,
		"disk.used_pct;host=web1;mount=/var":    `sm_disk_used_pct{host="web1",mount="/var"}`,
		"sys.uptime_s;host=web1":                `sm_sys_uptime_seconds{host="web1"}`,
		"net.rx_bytes_per_s;host=web1;iface=e0": `sm_net_rx_bytes_per_second{host="web1",iface="e0"}`,
		"plain":                                 "sm_plain",
	} {
		if got := promSeries(key); got != want {
			t.Errorf("promSeries(%q) = %s, want %s", key, got, want)
		}
	}
}

// TestYearSamples checks that the peers get simulateYear's samples: the
// same series, minute by minute, from the same random source.
func TestYearSamples(t *testing.T) {
	const minutes = 3
	h := newHost("web1", 1)
	var want []float64
	for m := range minutes {
		for _, s := range h.series {
			want = append(want, s.next(m))
		}
	}
	var got []float64
	var first, last int64
	err := yearSamples(minutes, func(series string, ts int64, v float64) error {
		if first == 0 {
			first = ts
		}
		last = ts
		got = append(got, v)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d samples, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("sample %d is %v, want %v", i, got[i], want[i])
		}
	}
	if first != yearStart(minutes) || last != 1764000000-60 {
		t.Errorf("from %d to %d, want %d to %d", first, last, yearStart(minutes), 1764000000-60)
	}
}

func TestWriteExposition(t *testing.T) {
	for _, c := range []struct {
		name      string
		om        bool
		firstLine string
		lastLine  string
	}{
		{"prometheus text, milliseconds", false, `sm_load_1m{host="web1"} `, ""},
		{"openmetrics, seconds", true, `sm_load_1m{host="web1"} `, "# EOF"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := writeExposition(&b, 2, c.om); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
			n := 2 * len(newHost("web1", 1).series)
			if c.om {
				n++
				if lines[len(lines)-1] != c.lastLine {
					t.Errorf("last line %q, want %q", lines[len(lines)-1], c.lastLine)
				}
			}
			if len(lines) != n {
				t.Fatalf("%d lines, want %d", len(lines), n)
			}
			if !strings.HasPrefix(lines[0], c.firstLine) {
				t.Errorf("first line %q, want it to start %q", lines[0], c.firstLine)
			}
			ts := strings.Fields(lines[0])[2]
			want := "1763999880"
			if !c.om {
				want += "000"
			}
			if ts != want {
				t.Errorf("timestamp %s, want %s", ts, want)
			}
		})
	}
}

func TestRewriteCollectd(t *testing.T) {
	debian := `# Config file for collectd(1).
FQDNLookup true
#BaseDir "/var/lib/collectd"
#Interval 10
LoadPlugin syslog
<Plugin syslog>
	LogLevel info
</Plugin>
LoadPlugin cpu
LoadPlugin rrdtool
<Plugin rrdtool>
	DataDir "/var/lib/collectd/rrd"
</Plugin>
`
	got, err := rewriteCollectd(debian, "/scratch")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`BaseDir "/scratch"`, `PIDFile "/scratch/collectd.pid"`, "Interval 60",
		`DataDir "/scratch/rrd"`, "LoadPlugin cpu", "LoadPlugin rrdtool", "FQDNLookup true", "LoadPlugin logfile"} {
		if !strings.Contains(got, want) {
			t.Errorf("no %q in\n%s", want, got)
		}
	}
	for _, gone := range []string{"/var/lib", "syslog", "LogLevel info"} {
		if strings.Contains(got, gone) {
			t.Errorf("%q left in\n%s", gone, got)
		}
	}
	if _, err := rewriteCollectd("LoadPlugin cpu\n", "/scratch"); err == nil {
		t.Error("a configuration without rrdtool's DataDir rewritten without an error")
	}
}

func TestVersionWord(t *testing.T) {
	for in, want := range map[string]string{
		"prometheus, version 2.42.0+ds (branch: debian/sid)": "2.42.0",
		"1.79.5+ds1-2+b5":                   "1.79.5",
		"victoria-metrics-20230101-v1.86.2": "1.86.2",
		"":                                  "",
		"atop 2.8.1 - 2022/12/26 <gerlof@atop.nl>": "2.8.1",
	} {
		if got := versionWord(in); got != want {
			t.Errorf("versionWord(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAtMost(t *testing.T) {
	ms := time.Millisecond
	for _, c := range []struct {
		name     string
		sm, peer time.Duration
		num, den int64
		want     bool
	}{
		{"2.5× sadc, met at the boundary", 25 * ms, 10 * ms, 5, 2, true},
		{"2.5× sadc, missed by a microsecond", 25*ms + time.Microsecond, 10 * ms, 5, 2, false},
		{"20× faster, met", 100 * ms, 2000 * ms, 1, 20, true},
		{"20× faster, missed", 101 * ms, 2000 * ms, 1, 20, false},
		{"the same", 5 * ms, 5 * ms, 1, 1, true},
		{"0.4× the peer, met", 2 * time.Second, 5 * time.Second, 2, 5, true},
		{"0.4× the peer, missed", 2*time.Second + 1, 5 * time.Second, 2, 5, false},
		// Issue 16's cron minute: 55 ms against sadc's 6 ms is 9.2×.
		{"the cron minute of issue 16", 55 * ms, 6 * ms, 5, 2, false},
		// A run of the site of an hour, in nanoseconds, times the
		// factor stays far inside int64.
		{"an hour", time.Hour, time.Hour, 40, 40, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := atMost(c.sm, c.peer, c.num, c.den); got != c.want {
				t.Errorf("atMost(%v, %v, %d, %d) = %v, want %v", c.sm, c.peer, c.num, c.den, got, c.want)
			}
		})
	}
}

// TestAnswerSize runs a command the way the queries' sanity check does:
// curl's "-o /dev/null" left out, so that its answer is counted.
func TestAnswerSize(t *testing.T) {
	for _, c := range []struct {
		name string
		argv []string
		want int
	}{
		{"plain", []string{"printf", "abc"}, 3},
		{"curl's -o /dev/null left out", []string{"printf", "-o", "/dev/null", "%s", "abcd"}, 4},
		{"another -o kept", []string{"printf", "%s%s", "-o", "x"}, 3},
		{"a command that fails", []string{"false"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := answerSize(c.argv); got != c.want {
				t.Errorf("answerSize(%q) = %d, want %d", c.argv, got, c.want)
			}
		})
	}
}

func TestFailed(t *testing.T) {
	err := errors.New("promtool: exit status 1: line 3 | bad\n  value")
	if got, want := failed(err), `failed: promtool: exit status 1: line 3 \| bad value`; got != want {
		t.Errorf("failed() = %q, want %q", got, want)
	}
}

func TestSumLines(t *testing.T) {
	text := `# HELP vm_rows
vm_rows{type="indexdb/file"} 700
vm_rows{type="storage/inmemory"} 5
vm_rows{type="storage/small"} 1000
vm_rows{type="storage/big"} 1e+06
vm_rows_added_to_storage_total 99
`
	got, err := sumLines(strings.NewReader(text), `vm_rows{type="storage/`)
	if err != nil || got != 1001005 {
		t.Errorf("sumLines = %v, %v; want 1001005", got, err)
	}
	if _, err := sumLines(strings.NewReader(`vm_rows{type="storage/big"} x`+"\n"), `vm_rows{type="storage/`); err == nil {
		t.Error("a value that is not a number gave no error")
	}
}

func TestBlockSamples(t *testing.T) {
	dir := t.TempDir()
	for i, n := range []string{"100", "23"} {
		block := filepath.Join(dir, "01BLOCK"+string(rune('A'+i)))
		os.MkdirAll(block, 0o755)
		os.WriteFile(filepath.Join(block, "meta.json"), []byte(`{"ulid":"x","stats":{"numSamples":`+n+`,"numSeries":35}}`), 0o644)
	}
	if got, err := blockSamples(dir); err != nil || got != 123 {
		t.Errorf("blockSamples = %d, %v; want 123", got, err)
	}
	if _, err := blockSamples(t.TempDir()); err == nil {
		t.Error("no blocks gave no error")
	}
	os.WriteFile(filepath.Join(dir, "01BLOCKA", "meta.json"), []byte("{"), 0o644)
	if _, err := blockSamples(dir); err == nil {
		t.Error("a damaged meta.json gave no error")
	}
}
