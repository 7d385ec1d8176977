package collect

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sm/internal/record"
)

// conformanceDir returns the conformance data folder: SM_CONFORMANCE,
// else ../shared/conformance beside the repository, or "" when there is
// none.
func conformanceDir() string {
	dir := os.Getenv("SM_CONFORMANCE")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "conformance")
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return ""
	}
	return dir
}

// A fixtureCheck is one value that sm's collectors give and that the
// fixture tree's own project also gives: node_exporter's expected output,
// or the values procfs's tests expect.
type fixtureCheck struct {
	tree   string
	series string  // sm's, as in a record
	want   float64 // ignored when absent
	absent bool    // sm must not report it
	from   string  // where the reference has it
}

// knownFixtureDifferences are the values where sm deliberately reads
// another source than the reference, tree and series → why.
var knownFixtureDifferences = map[string]string{
	// The kernel prints nr_running() both as the first half of
	// /proc/loadavg's fourth field and as /proc/stat's procs_running;
	// node_exporter and procfs read /proc/stat. sm reads /proc/loadavg,
	// with the load averages and the thread total in the same read, as
	// sar -q does (sm-store --from sadf maps runq-sz to it). On a live
	// system the two differ only by the instant they are read; the
	// fixture's two files were captured apart (1/719 against 2).
	"node_exporter procs.running": "sm reads /proc/loadavg's runnable count (1), node_exporter /proc/stat's procs_running (2): one kernel counter, read at two moments in the fixture",
}

// Rates need two samples, and the fixture trees have no /proc/uptime and
// no boot id to tie a saved state to. So each counter family is read
// twice in a two-sample setup: the first reading is the tree with every
// counter zero, as at boot, the second the tree itself, dt seconds
// later. A rate is then the counter's total over dt, which the
// reference's cumulative figure gives too. Rates of bytes are checked
// over 1 s, where they equal the counters; shares of time (CPU, disk
// busy, pressure) over shareDT, long enough that none passes 100% (the
// busiest disk of node_exporter's tree was busy 41,615 s), but for
// procfs, whose expected.json gives them over 1 s.
var shareDT = map[string]float64{"procfs": 1, "node_exporter": 100000}

// twoSamples runs every family of sm-sample but disk and sys on a tree:
// the gauges once, the counters in the two-sample setup above, over 1 s
// and over shareDT, keeping percentages from the latter. It returns each
// series' value.
func twoSamples(t *testing.T, proc string, shareDT float64) map[string]float64 {
	t.Helper()
	src := &Source{Proc: proc}
	got := map[string]float64{}
	add := func(ss []Sample, pct bool) {
		for _, s := range ss {
			if strings.HasSuffix(s.Name, "_pct") == pct {
				got[string(record.AppendSeries(nil, s.Name, s.Tags))] = s.Value
			}
		}
	}
	for _, f := range Families {
		switch {
		case f.Name == "disk" || f.Name == "sys" || f.OptIn:
			// disk statfs()s the mounts of the machine the test runs
			// on; sys reads /proc/uptime, which the trees lack; the
			// families read only on request read trees they lack too
			// (services: the cgroup tree).
		case f.gauge != nil:
			ss, err := f.gauge(src)
			if errors.Is(err, errAbsent) {
				continue // the trees have no sysfs
			}
			if err != nil {
				t.Errorf("%s: %s: %v", proc, f.Name, err)
			}
			add(ss, false)
			add(ss, true)
		default:
			cur, err := f.counters(src)
			if os.IsNotExist(err) || errors.Is(err, errAbsent) {
				continue // node_exporter's tree has no /proc/net/dev, procfs's no vmstat nor /proc/net/snmp
			}
			if err != nil {
				t.Errorf("%s: %s: %v", proc, f.Name, err)
				continue
			}
			zero := Counters{}
			for k, v := range cur {
				zero[k] = make([]float64, len(v))
			}
			add(f.rates(zero, cur, 1), false)
			add(f.rates(zero, cur, shareDT), true)
		}
	}
	return got
}

func TestConformanceFixtures(t *testing.T) {
	dir := conformanceDir()
	if dir == "" {
		t.Skip("no conformance data: set SM_CONFORMANCE to its folder, or put it at ../shared/conformance beside the repository")
	}
	var checks []fixtureCheck
	got := map[string]map[string]float64{}
	t.Run("node_exporter", func(t *testing.T) {
		dt := shareDT["node_exporter"]
		got["node_exporter"] = twoSamples(t, filepath.Join(dir, "node_exporter", "proc"), dt)
		cs, err := nodeExporterChecks(filepath.Join(dir, "node_exporter", "e2e-output.txt"), dt, got["node_exporter"])
		if err != nil {
			t.Fatal(err)
		}
		checks = append(checks, cs...)
	})
	t.Run("procfs", func(t *testing.T) {
		dt := shareDT["procfs"]
		got["procfs"] = twoSamples(t, filepath.Join(dir, "procfs", "trees", "procfs", "proc"), dt)
		cs, err := procfsChecks(filepath.Join(dir, "procfs", "expected.json"), dt)
		if err != nil {
			t.Fatal(err)
		}
		checks = append(checks, cs...)
	})
	if len(checks) == 0 {
		t.Fatal("no values compared")
	}

	var b strings.Builder
	fmt.Fprintf(&b, "\n%-14s %-44s %16s %16s  %s\n", "tree", "series", "sm", "reference", "reference's source")
	type count struct{ n, agree, known int }
	counts := map[string]*count{}
	for _, c := range checks {
		if counts[c.tree] == nil {
			counts[c.tree] = &count{}
		}
		n := counts[c.tree]
		n.n++
		v, ok := got[c.tree][c.series]
		smText, refText := "absent", "absent"
		if ok {
			smText = strconv.FormatFloat(v, 'f', -1, 64)
		}
		if !c.absent {
			refText = strconv.FormatFloat(c.want, 'f', -1, 64)
		}
		agrees := ok != c.absent && (c.absent || v == c.want)
		key := c.tree + " " + c.series
		why, known := knownFixtureDifferences[key]
		mark := ""
		switch {
		case agrees && known:
			t.Errorf("%s: agrees now (%s = %s): remove it from knownFixtureDifferences", key, smText, refText)
		case agrees:
			n.agree++
		case known:
			n.known++
			mark = "  DIFFERS: " + why
		default:
			t.Errorf("%s: sm gives %s, the reference %s (%s)", key, smText, refText, c.from)
			mark = "  DIFFERS"
		}
		fmt.Fprintf(&b, "%-14s %-44s %16s %16s  %s%s\n", c.tree, c.series, smText, refText, c.from, mark)
	}
	fmt.Fprintf(&b, "\n%-14s %9s %7s %18s\n", "tree", "compared", "agree", "known difference")
	for _, tree := range slices.Sorted(maps.Keys(counts)) {
		n := counts[tree]
		fmt.Fprintf(&b, "%-14s %9d %7d %18d\n", tree, n.n, n.agree, n.known)
	}
	t.Log(b.String())
}

// readExposition reads node_exporter's expected output: each sample line
// as its series text, name{labels}, and its value.
func readExposition(path string) (map[string]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string]float64{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			return nil, fmt.Errorf("%s:%d: no value", path, n)
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, n, err)
		}
		m[line[:i]] = v
	}
	return m, sc.Err()
}

// nodeExporterChecks lists the values node_exporter's expected output
// gives for its fixture tree, as sm names and computes them; dt is the
// interval of shares of time.
func nodeExporterChecks(path string, dt float64, got map[string]float64) ([]fixtureCheck, error) {
	ne, err := readExposition(path)
	if err != nil {
		return nil, err
	}
	var out []fixtureCheck
	var missing []string
	val := func(series string) float64 {
		v, ok := ne[series]
		if !ok {
			missing = append(missing, series)
		}
		return v
	}
	add := func(series string, want float64, from string) {
		out = append(out, fixtureCheck{tree: "node_exporter", series: series, want: want, from: from})
	}
	for _, l := range []string{"1", "5", "15"} {
		add("load."+l+"m", val("node_load"+l), "node_load"+l)
	}
	add("procs.running", val("node_procs_running"), "node_procs_running")

	total, swap := val("node_memory_MemTotal_bytes"), val("node_memory_SwapTotal_bytes")
	// The fixture's meminfo has no MemAvailable: sm(7) takes free,
	// buffers and page cache as available, as free(1) did.
	avail := val("node_memory_MemFree_bytes") + val("node_memory_Buffers_bytes") + val("node_memory_Cached_bytes")
	add("mem.total_bytes", total, "node_memory_MemTotal_bytes")
	add("mem.available_bytes", avail, "node_memory_{MemFree,Buffers,Cached}_bytes")
	add("mem.used_pct", round2(100*(total-avail)/total), "100·(MemTotal−available)/MemTotal")
	add("swap.total_bytes", swap, "node_memory_SwapTotal_bytes")
	add("swap.used_pct", round2(100*(swap-val("node_memory_SwapFree_bytes"))/swap), "100·(SwapTotal−SwapFree)/SwapTotal")

	// CPU: node_exporter gives each CPU's seconds by mode; sm reads the
	// sum over CPUs, and shares do not depend on the unit.
	mode := map[string]float64{}
	for k, v := range ne {
		if rest, ok := strings.CutPrefix(k, "node_cpu_seconds_total{"); ok {
			_, m, _ := strings.Cut(rest, `mode="`)
			m, _, _ = strings.Cut(m, `"`)
			mode[m] += v
		}
	}
	var all float64
	for _, m := range []string{"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"} {
		if _, ok := mode[m]; !ok {
			missing = append(missing, "node_cpu_seconds_total mode "+m)
		}
		all += mode[m]
	}
	share := func(part float64) float64 { return round2(100 * part / all) }
	const cpuFrom = "node_cpu_seconds_total, summed over CPUs"
	add("cpu.busy_pct", share(all-mode["idle"]-mode["iowait"]), cpuFrom)
	add("cpu.user_pct", share(mode["user"]+mode["nice"]), cpuFrom)
	add("cpu.system_pct", share(mode["system"]+mode["irq"]+mode["softirq"]), cpuFrom)
	add("cpu.iowait_pct", share(mode["iowait"]), cpuFrom)
	add("cpu.steal_pct", share(mode["steal"]), cpuFrom)
	var guest float64
	for k, v := range ne {
		if strings.HasPrefix(k, "node_cpu_guest_seconds_total{") {
			guest += v
		}
	}
	add("cpu.nice_pct", share(mode["nice"]-sumLabelled(ne, "node_cpu_guest_seconds_total{", `mode="nice"`)), cpuFrom+", niced guests left out")
	add("cpu.irq_pct", share(mode["irq"]), cpuFrom)
	add("cpu.softirq_pct", share(mode["softirq"]), cpuFrom)
	add("cpu.guest_pct", share(guest), "node_cpu_guest_seconds_total, summed")
	// Event totals: over 1 s from zero, a rate is the total.
	add("cpu.context_switches_per_s", val("node_context_switches_total"), "node_context_switches_total")
	add("cpu.interrupts_per_s", val("node_intr_total"), "node_intr_total")
	add("procs.forks_per_s", val("node_forks_total"), "node_forks_total")
	for _, p := range []struct{ sm, ne string }{
		{"cached", "Cached"}, {"buffers", "Buffers"}, {"dirty", "Dirty"}, {"writeback", "Writeback"},
		{"slab_reclaimable", "SReclaimable"}, {"slab_unreclaimable", "SUnreclaim"}, {"shmem", "Shmem"},
	} {
		add("mem."+p.sm+"_bytes", val("node_memory_"+p.ne+"_bytes"), "node_memory_"+p.ne+"_bytes")
	}
	add("mem.hugepages_used_bytes", (val("node_memory_HugePages_Total")-val("node_memory_HugePages_Free"))*val("node_memory_Hugepagesize_bytes"), "node_memory_HugePages_{Total,Free}, Hugepagesize_bytes")
	add("mem.page_in_bytes_per_s", 1024*val("node_vmstat_pgpgin"), "node_vmstat_pgpgin, KiB")
	add("mem.page_out_bytes_per_s", 1024*val("node_vmstat_pgpgout"), "node_vmstat_pgpgout, KiB")
	add("swap.in_pages_per_s", val("node_vmstat_pswpin"), "node_vmstat_pswpin")
	add("swap.out_pages_per_s", val("node_vmstat_pswpout"), "node_vmstat_pswpout")
	add("mem.major_faults_per_s", val("node_vmstat_pgmajfault"), "node_vmstat_pgmajfault")
	add("mem.oom_kills", val("node_vmstat_oom_kill"), "node_vmstat_oom_kill")

	for _, p := range []struct{ sm, ne string }{
		{"cpu_some", "cpu_waiting"},
		{"io_some", "io_waiting"},
		{"io_full", "io_stalled"},
		{"memory_some", "memory_waiting"},
		{"memory_full", "memory_stalled"},
	} {
		s := "node_pressure_" + p.ne + "_seconds_total"
		add("pressure."+p.sm+"_pct", round2(100*val(s)/dt), s)
	}

	// Disks: the devices sm reports (whole disks: node_exporter also
	// reports partitions), each of which node_exporter must give.
	for _, series := range slices.Sorted(maps.Keys(got)) {
		dev, ok := strings.CutPrefix(series, "diskio.read_bytes_per_s;device=")
		if !ok {
			continue
		}
		l := `{device="` + dev + `"}`
		if _, ok := ne["node_disk_read_bytes_total"+l]; !ok {
			// node_exporter leaves out floppies (fd0), ram and loop
			// devices by default; sm, ram and loop devices.
			continue
		}
		add("diskio.read_bytes_per_s;device="+dev, val("node_disk_read_bytes_total"+l), "node_disk_read_bytes_total"+l)
		add("diskio.write_bytes_per_s;device="+dev, val("node_disk_written_bytes_total"+l), "node_disk_written_bytes_total"+l)
		add("diskio.util_pct;device="+dev, round2(100*val("node_disk_io_time_seconds_total"+l)/dt), "node_disk_io_time_seconds_total"+l)
		reads, writes := val("node_disk_reads_completed_total"+l), val("node_disk_writes_completed_total"+l)
		add("diskio.reads_per_s;device="+dev, reads, "node_disk_reads_completed_total"+l)
		add("diskio.writes_per_s;device="+dev, writes, "node_disk_writes_completed_total"+l)
		if reads > 0 {
			add("diskio.read_await_s;device="+dev, math.Round(100*1000*val("node_disk_read_time_seconds_total"+l)/reads)/100_000, "node_disk_read_time_seconds_total/reads_completed"+l)
		}
		if writes > 0 {
			add("diskio.write_await_s;device="+dev, math.Round(100*1000*val("node_disk_write_time_seconds_total"+l)/writes)/100_000, "node_disk_write_time_seconds_total/writes_completed"+l)
		}
		add("diskio.queue_size;device="+dev, round2(val("node_disk_io_time_weighted_seconds_total"+l)), "node_disk_io_time_weighted_seconds_total"+l)
		if v, ok := ne["node_disk_discards_completed_total"+l]; ok {
			add("diskio.discards_per_s;device="+dev, v, "node_disk_discards_completed_total"+l)
		}
	}

	// TCP and UDP: counters over 1 s equal their totals.
	netstat := map[string]string{
		"net.tcp_established":         "node_netstat_Tcp_CurrEstab",
		"net.tcp_timewait":            "node_sockstat_TCP_tw",
		"net.tcp_retrans_per_s":       "node_netstat_Tcp_RetransSegs",
		"net.tcp_listen_drops_per_s":  "node_netstat_TcpExt_ListenDrops",
		"net.udp_errors_per_s":        "node_netstat_Udp_InErrors",
		"net.udp_rcvbuf_errors_per_s": "node_netstat_Udp_RcvbufErrors",
	}
	for _, sm := range slices.Sorted(maps.Keys(netstat)) {
		add(sm, val(netstat[sm]), netstat[sm])
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: no %s", path, strings.Join(missing, ", "))
	}
	return out, nil
}

// procfsChecks lists the values procfs's tests expect of its fixture
// tree, as expected.json transcribes them under sm's names; dt is the
// interval of shares of time.
func procfsChecks(path string, dt float64) ([]fixtureCheck, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	type entry struct {
		Value   *float64
		ValueUS *float64 `json:"value_us"`
		Round2  bool
		Absent  bool
		From    string
	}
	var f struct {
		Gauges   map[string]entry
		Counters map[string]json.RawMessage
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	var out []fixtureCheck
	for _, series := range slices.Sorted(maps.Keys(f.Gauges)) {
		e := f.Gauges[series]
		c := fixtureCheck{tree: "procfs", series: series, absent: e.Absent, from: e.From}
		switch {
		case e.Absent:
		case e.Value == nil:
			return nil, fmt.Errorf("%s: %s has no value", path, series)
		case e.Round2:
			c.want = round2(*e.Value)
		default:
			c.want = *e.Value
		}
		out = append(out, c)
	}
	for _, series := range slices.Sorted(maps.Keys(f.Counters)) {
		if strings.HasPrefix(series, "_") {
			continue // a note
		}
		var e entry
		if err := json.Unmarshal(f.Counters[series], &e); err != nil {
			return nil, fmt.Errorf("%s: %s: %v", path, series, err)
		}
		c := fixtureCheck{tree: "procfs", series: series, from: e.From}
		switch {
		case e.ValueUS != nil: // stall microseconds: a share of dt
			c.want = round2(100 * *e.ValueUS / 1e6 / dt)
		case e.Value != nil: // a count: a rate over 1 s
			c.want = *e.Value
		default:
			return nil, fmt.Errorf("%s: %s has no value", path, series)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no values", path)
	}
	return out, nil
}

// sumLabelled sums the samples of a family whose series start with
// prefix and carry label.
func sumLabelled(ne map[string]float64, prefix, label string) float64 {
	var sum float64
	for k, v := range ne {
		if strings.HasPrefix(k, prefix) && strings.Contains(k, label) {
			sum += v
		}
	}
	return sum
}
