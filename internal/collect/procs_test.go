package collect

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/procfs"

	"sm/internal/record"
)

// A fakeProc is one process of a generated /proc.
type fakeProc struct {
	pid          int
	comm         string
	state        byte
	utime, stime uint64
	start        uint64 // ticks since boot
	rss          uint64 // pages of 4 KiB
	uid          int
	kthread      bool // PF_KTHREAD in its flags
}

// writeProcTree writes a /proc under root/proc with procs and the
// uptime, and root/etc/passwd. Files of earlier calls are replaced: the
// pid folders are removed first, as processes exit.
func writeProcTree(t *testing.T, root string, uptime float64, blocked int, procs []fakeProc) {
	t.Helper()
	proc := filepath.Join(root, "proc")
	if ents, err := os.ReadDir(proc); err == nil {
		for _, e := range ents {
			if _, err := strconv.Atoi(e.Name()); err == nil {
				os.RemoveAll(filepath.Join(proc, e.Name()))
			}
		}
	}
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("proc/uptime", fmt.Sprintf("%.2f 100.00\n", uptime))
	write("proc/sys/kernel/random/boot_id", "5a8e3f3c-1b2d-4e5f-8a9b-0c1d2e3f4a5b\n")
	write("proc/stat", fmt.Sprintf("cpu  1 2 3 4 5 6 7 8 0 0\nctxt 1\nprocs_running 2\nprocs_blocked %d\n", blocked))
	write("proc/cpuinfo", "processor\t: 0\n") // not a pid
	write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nbroken line\npostgres:x:104:110::/var/lib/postgresql:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/bash\nalias:x:1000:1000::/:/bin/sh\n")
	for _, p := range procs {
		state := p.state
		if state == 0 {
			state = 'S'
		}
		flags := 4194560 // PF_RANDOMIZE|PF_FORKNOEXEC
		if p.kthread {
			flags = 2097216 // PF_KTHREAD|PF_FORKNOEXEC
		}
		write(fmt.Sprintf("proc/%d/stat", p.pid), fmt.Sprintf(
			"%d (%s) %c 1 %d %d 0 -1 %d 100 0 0 0 %d %d 0 0 20 0 1 0 %d 10000000 %d 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
			p.pid, p.comm, state, p.pid, p.pid, flags, p.utime, p.stime, p.start, p.rss))
		vmRSS := "" // a kernel thread has none
		if p.rss > 0 {
			vmRSS = fmt.Sprintf("VmPeak:\t99999 kB\nVmRSS:\t%8d kB\nRssAnon:\t1 kB\n", p.rss*4)
		}
		write(fmt.Sprintf("proc/%d/status", p.pid), fmt.Sprintf(
			"Name:\tx\nUmask:\t0022\nState:\t%c (x)\nTgid:\t%d\nPid:\t%d\nPPid:\t1\nUid:\t%d\t%d\t%d\t%d\nGid:\t0\t0\t0\t0\n%s",
			state, p.pid, p.pid, p.uid+1, p.uid, p.uid, p.uid, vmRSS))
	}
}

// runProcs runs the procs family once against root and returns its lines.
func runProcs(t *testing.T, root string, st *State, top int) []string {
	t.Helper()
	clock := &fakeClock{now: time.Unix(1764045000, 0)}
	s := sampler(t, root, clock, 0)
	s.Top = top
	res := s.Run([]*Family{family(t, "procs")}, st)
	if len(res.Warnings) != 0 {
		t.Fatal(res.Warnings)
	}
	return lines(res.Samples)
}

func TestProcs(t *testing.T) {
	root := t.TempDir()
	pg := func(pid int, utime uint64) fakeProc {
		return fakeProc{pid: pid, comm: "postgres", utime: utime, start: 5000, rss: 1000, uid: 104}
	}
	first := []fakeProc{
		pg(100, 1000), pg(101, 500),
		{pid: 200, comm: "nginx", utime: 300, stime: 100, start: 6000, rss: 500, uid: 33},
		{pid: 300, comm: "old", utime: 900, start: 7000, rss: 10, uid: 1000},       // pid reused later
		{pid: 400, comm: "backwards", utime: 900, start: 7000, rss: 10, uid: 1000}, // ticks go down
		{pid: 500, comm: "gone", utime: 10, start: 7000, rss: 10, uid: 0},          // exits
		{pid: 600, comm: "empty", utime: 10, start: 7000, rss: 10, uid: 0},         // its stat comes back empty
		{pid: 700, comm: "a b) (c", utime: 10, start: 7000, rss: 20, uid: 0},
		{pid: 800, comm: "x=y;z\x01", utime: 10, start: 7000, rss: 20, uid: 0},
		{pid: 900, comm: "", utime: 10, start: 7000, rss: 20, uid: 0},
		{pid: 1000, comm: "zombie", state: 'Z', start: 7000, uid: 0},
	}
	writeProcTree(t, root, 1000, 0, first)
	st := NewState()
	if got := runProcs(t, root, st, 10); len(got) != 0 {
		t.Fatalf("first run, no state and no window: %q", got)
	}
	// The state keeps each pid's start and CPU time, and the uptime:
	// not the names, nor the memory.
	if c := st.Families["procs"].Counters; len(c) != len(first)+1 || !reflect.DeepEqual(c["100"], []float64{5000, 1000}) || !reflect.DeepEqual(c[""], []float64{1000}) {
		t.Fatalf("state after the first run: %v", c)
	}

	second := []fakeProc{
		pg(100, 1000+1200), pg(101, 500+600), // 18 s in 60 s: 30 %
		{pid: 200, comm: "nginx", utime: 300 + 60, stime: 100 + 60, start: 6000, rss: 600, uid: 33}, // 2 %
		{pid: 300, comm: "new", utime: 30, start: 1020 * 100, rss: 10, uid: 1000},                   // since 1020 s: its 30 ticks
		{pid: 400, comm: "backwards", utime: 100, start: 7000, rss: 10, uid: 1000},
		{pid: 600, comm: "empty", utime: 10, start: 7000, rss: 10, uid: 0},
		{pid: 700, comm: "a b) (c", utime: 10, start: 7000, rss: 20, uid: 0},
		{pid: 800, comm: "x=y;z\x01", utime: 16, start: 7000, rss: 20, uid: 0},
		{pid: 900, comm: "", utime: 10, start: 7000, rss: 20, uid: 0},
		{pid: 1000, comm: "zombie", state: 'Z', start: 7000, uid: 0},
		{pid: 1001, comm: "zombie", state: 'Z', start: 7000, uid: 0},
		{pid: 1100, comm: "later", utime: 60, start: 1030 * 100, rss: 5, uid: 5000}, // no such user
		{pid: 1200, comm: "nostatus", utime: 60, start: 1030 * 100, rss: 5, uid: 0},
	}
	writeProcTree(t, root, 1060, 3, second)
	os.WriteFile(filepath.Join(root, "proc/600/stat"), nil, 0o644)
	os.Remove(filepath.Join(root, "proc/1200/status"))
	os.Mkdir(filepath.Join(root, "proc/1300"), 0o755)                                          // exited after the listing
	os.MkdirAll(filepath.Join(root, "proc/1400/stat"), 0o755)                                  // unreadable
	os.MkdirAll(filepath.Join(root, "proc/1500/status"), 0o755)                                // unreadable
	os.WriteFile(filepath.Join(root, "proc/1500/stat"), []byte("1500 (odd) S 1 2 3\n"), 0o644) // cut short

	const page = 4096
	// grp is a command's lines; cpu "" when it has no CPU figure.
	grp := func(series, cpu string, pages, n float64) []string {
		var out []string
		if cpu != "" {
			out = append(out, "proc.cpu_pct;"+series+" "+cpu)
		}
		return append(out,
			"proc.rss_bytes;"+series+" "+strconv.FormatFloat(pages*page, 'f', -1, 64),
			"proc.count;"+series+" "+strconv.FormatFloat(n, 'f', -1, 64))
	}
	postgres := grp("comm=postgres;user=postgres", "30", 2000, 2) // 18 s in 60 s
	var want []string
	for _, g := range [][]string{
		grp("comm=?;user=root", "0", 20, 1), // an empty comm
		grp(`comm=a\040b)\040(c;user=root`, "0", 20, 1),
		grp("comm=backwards;user=alice", "", 10, 1), // in by memory, no CPU figure
		grp("comm=later;user=5000", "1", 5, 1),      // started since: all its 60 ticks; no such user
		grp("comm=new;user=alice", "0.5", 10, 1),    // the reused pid: its own 30 ticks
		grp("comm=nginx;user=33", "2", 600, 1),
		postgres,
		grp(`comm=x=y\073z\001;user=root`, "0.1", 20, 1),
		{"procs.blocked 3", "procs.zombie 2"},
	} {
		want = append(want, g...)
	}
	// Through the state file, as between two cron runs.
	path := filepath.Join(t.TempDir(), "sample.state")
	if err := st.Save(path); err != nil {
		t.Fatal(err)
	}
	st, err := LoadState(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := runProcs(t, root, st, 10); !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	t.Run("top", func(t *testing.T) {
		// With --top 1: postgres has the most CPU and the most memory,
		// and comes once; the counts come whatever the top.
		st, _ := LoadState(path)
		got := runProcs(t, root, st, 1)
		want := append(postgres, "procs.blocked 3", "procs.zombie 2")
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %q\nwant %q", got, want)
		}
	})
}

func TestKeepProcsBound(t *testing.T) {
	c := Counters{"": {100, 10, 0, 0}}
	for i := range MaxProcState + 50 {
		c[fmt.Sprintf("%d\x00root\x00c", i+1)] = []float64{5, float64(i), 4096}
	}
	kept := keepProcs(c)
	if len(kept) != MaxProcState+1 || !reflect.DeepEqual(kept[""], []float64{100}) {
		t.Fatalf("kept %d entries, meta %v", len(kept), kept[""])
	}
	// The 50 that used the least CPU are left out.
	if kept["50"] != nil || !reflect.DeepEqual(kept["51"], []float64{5, 50}) || kept["10050"] == nil {
		t.Errorf("kept 50: %v, 51: %v, 10050: %v", kept["50"], kept["51"], kept["10050"])
	}
	// A pid left out of the state, running before it, has no CPU %: it
	// is not taken for a new process.
	prev := Counters{"": {100}, "1": {5, 0}}
	cur := Counters{"": {160, 10, 0, -1}, "1\x00root\x00a": {5, 600, 1}, "2\x00root\x00b": {5, 600, 1}}
	got := lines(procRates(prev, cur, 60))
	want := []string{"proc.cpu_pct;comm=a;user=root 10", "proc.rss_bytes;comm=a;user=root 1", "proc.count;comm=a;user=root 1",
		"proc.rss_bytes;comm=b;user=root 1", "proc.count;comm=b;user=root 1", "procs.zombie 0"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestParseProcStat(t *testing.T) {
	tail := " 1 1 1 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 1234 100 55 0"
	for _, tt := range []struct {
		in   string
		want procStat
		err  bool
	}{
		{in: "1 (init) S" + tail, want: procStat{comm: "init", state: 'S', ticks: 10, start: 1234}},
		{in: "1 (a) (b)) R" + tail, want: procStat{comm: "a) (b)", state: 'R', ticks: 10, start: 1234}},
		{in: "1 () Z" + tail, want: procStat{comm: "", state: 'Z', ticks: 10, start: 1234}},
		{in: "", err: true},
		{in: "1 (x S" + tail, err: true},
		{in: "1 (x) S 1 2 3", err: true},
		{in: "1 (x) S" + strings.Replace(tail, " 7 ", " -7 ", 1), err: true},
		{in: "1 (x) SS" + tail, err: true},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseProcStat([]byte(tt.in))
			if (err != nil) != tt.err || (!tt.err && got != tt.want) {
				t.Errorf("got %+v, %v; want %+v, error %v", got, err, tt.want, tt.err)
			}
		})
	}
}

func TestParseStatus(t *testing.T) {
	for _, tt := range []struct {
		in, uid string
		rss     float64
	}{
		{"Name:\tx\nUid:\t1000\t104\t104\t104\nGid:\t0\nVmRSS:\t    1234 kB\n", "104", 1234 * 1024},
		{"Uid:\t0\t0\t0\t0", "0", 0}, // a kernel thread
		{"Name:\tx\n", "", 0},
		{"Uid:\t1000\n", "", 0},
		{"Uid:\t1\t-1\t1\t1\n", "", 0},
		{"Uid:\t1\t1\t1\t1\nVmRSS:\t-5 kB\n", "", 0},
		{"Uid:\t1\t1\t1\t1\nVmRSS:\t5 MB\n", "", 0},
		{"", "", 0},
	} {
		uid, rss, err := parseStatus([]byte(tt.in))
		if string(uid) != tt.uid || rss != tt.rss || (err != nil) != (tt.uid == "") {
			t.Errorf("%q: got %q %v, %v; want %q %v", tt.in, uid, rss, err, tt.uid, tt.rss)
		}
	}
}

func TestParsePasswd(t *testing.T) {
	got := parsePasswd([]byte("root:x:0:0::/root:/bin/sh\n\nbad\nnobody:x:-1:1::/:/x\na:x:5:5::/:/x\nb:x:5:5::/:/x\n:x:6:6::/:/x\n"))
	if want := map[string]string{"0": "root", "5": "a"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestProcsAgainstProcfs reads a generated /proc of 400 processes twice,
// with procfs beside: each command's CPU %, memory and count are what
// procfs's figures give.
func TestProcsAgainstProcfs(t *testing.T) {
	root := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	comms := []string{"postgres", "nginx", "sshd", "bash", "kworker/0:1", "systemd", "a b", "python3"}
	uids := []int{0, 104, 1000, 33}
	var first, second []fakeProc
	for i := range 400 {
		p := fakeProc{
			pid: 100 + i, comm: comms[rng.IntN(len(comms))], uid: uids[rng.IntN(len(uids))],
			utime: rng.Uint64N(100000), stime: rng.Uint64N(10000), start: rng.Uint64N(99000), rss: rng.Uint64N(100000),
		}
		first = append(first, p)
		if i%10 == 9 {
			continue // exits
		}
		p.utime += rng.Uint64N(3000)
		p.stime += rng.Uint64N(300)
		p.rss = rng.Uint64N(100000)
		if i%10 == 8 {
			p.start = 100500 + rng.Uint64N(5000) // pid reused since
		}
		second = append(second, p)
	}
	writeProcTree(t, root, 1000, 0, first)
	before := procfsReading(t, root)
	st := NewState()
	runProcs(t, root, st, 1000)
	writeProcTree(t, root, 1060, 0, second)
	got := runProcs(t, root, st, 1000)

	after := procfsReading(t, root)
	type sums struct {
		cpu, rss, n float64
		timed       bool
	}
	groups := map[string]*sums{}
	for pid, p := range after {
		k := p.key
		if groups[k] == nil {
			groups[k] = &sums{}
		}
		g := groups[k]
		g.n++
		g.rss += float64(p.rss)
		if q, ok := before[pid]; ok && q.start == p.start {
			g.cpu += p.cpu - q.cpu
			g.timed = true
		} else if float64(p.start)/100 >= 1000 {
			g.cpu += p.cpu
			g.timed = true
		}
	}
	var n int
	for _, line := range got {
		name, tags, v := splitLine(t, line)
		if !strings.HasPrefix(name, "proc.") {
			continue
		}
		g := groups[tags]
		if g == nil {
			t.Errorf("%s: no such group in procfs", line)
			continue
		}
		var want float64
		switch name {
		case "proc.cpu_pct":
			want = math.Round(g.cpu/60*100*100) / 100
		case "proc.rss_bytes":
			want = g.rss
		case "proc.count":
			want = g.n
			n++
		}
		if v != want {
			t.Errorf("%s: procfs gives %v", line, want)
		}
	}
	if n != len(groups) {
		t.Errorf("%d groups out, procfs has %d", n, len(groups))
	}
}

type procfsProc struct {
	key   string // ;comm=…;user=…
	start uint64
	cpu   float64 // seconds
	rss   int
}

// procfsReading reads root/proc with procfs, users by the fixture's
// passwd.
func procfsReading(t *testing.T, root string) map[int]procfsProc {
	t.Helper()
	fs, err := procfs.NewFS(filepath.Join(root, "proc"))
	if err != nil {
		t.Fatal(err)
	}
	procs, err := fs.AllProcs()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(root, "etc/passwd"))
	users := map[uint64]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Split(line, ":"); len(f) > 3 {
			id, _ := strconv.ParseUint(f[2], 10, 32)
			if _, ok := users[id]; !ok {
				users[id] = f[0]
			}
		}
	}
	out := map[int]procfsProc{}
	for _, p := range procs {
		s, err := p.Stat()
		if err != nil {
			t.Fatal(err)
		}
		status, err := p.NewStatus()
		if err != nil {
			t.Fatal(err)
		}
		user, ok := users[status.UIDs[1]]
		if !ok {
			user = strconv.FormatUint(status.UIDs[1], 10)
		}
		comm := string(record.AppendTagValue(nil, s.Comm))
		out[p.PID] = procfsProc{key: ";comm=" + comm + ";user=" + user, start: s.Starttime, cpu: s.CPUTime(), rss: int(status.VmRSS)}
	}
	return out
}

// splitLine splits "name;tags value" into name, ";tags" and the value.
func splitLine(t *testing.T, line string) (string, string, float64) {
	t.Helper()
	series, val, _ := strings.Cut(line, " ")
	v, err := strconv.ParseFloat(val, 64)
	if err != nil {
		t.Fatal(line)
	}
	name, tags, _ := strings.Cut(series, ";")
	return name, ";" + tags, v
}

// TestProcsLive reads this machine's /proc as ps does, at nearly the
// same moment: each pid's comm and resident memory, and its CPU % over
// its lifetime as ps computes it, agree for nearly all pids (a busy
// process may change between the two readings).
func TestProcsLive(t *testing.T) {
	ps, err := exec.LookPath("ps")
	if err != nil {
		t.Skip("no ps here")
	}
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	// A busy machine's processes grow and go between the two readings:
	// the check must hold in one of three tries, not in each.
	var last string
	for range 3 {
		agree, both, log, err := procsAgree(ps)
		if err != nil {
			t.Skip("ps: ", err)
		}
		if both >= 5 && agree >= both*9/10 {
			return
		}
		last = fmt.Sprintf("%d of %d pids agree with ps:\n%s", agree, both, log)
	}
	t.Error(last)
}

// procsAgree reads every process as the procs family does and as ps
// does, and counts those alive in both readings and those that agree,
// with a line for each that does not.
func procsAgree(ps string) (agree, both int, log string, err error) {
	src := &Source{Proc: "/proc"}
	c, err := readProcs(src)
	if err != nil {
		return 0, 0, "", err
	}
	out, err := exec.Command(ps, "-eo", "pid=,pcpu=,rss=,comm=").Output()
	if err != nil {
		return 0, 0, "", err
	}
	var lb strings.Builder
	up := c[""][metaUptime]
	mine := map[string][]float64{}
	comms := map[string]string{}
	for k, v := range c {
		if pid, rest, ok := strings.Cut(k, "\x00"); ok {
			mine[pid] = v
			_, comms[pid], _ = strings.Cut(rest, "\x00")
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 {
			continue
		}
		v, ok := mine[f[0]]
		if !ok {
			continue
		}
		both++
		pcpu, _ := strconv.ParseFloat(f[1], 64)
		rss, _ := strconv.ParseFloat(f[2], 64)
		// ps truncates to a tenth, and a young busy process's lifetime
		// share moves between the two readings.
		life := 100 * v[pidTicks] / userHZ / (up - v[pidStart]/userHZ)
		if rss*1024 == v[pidRSS] && math.Abs(life-pcpu) <= 0.2+pcpu/20 && strings.Join(f[3:], " ") == comms[f[0]] {
			agree++
		} else {
			fmt.Fprintf(&lb, "pid %s: ps %s %s %q; sm %.1f %v %q\n", f[0], f[1], f[2], strings.Join(f[3:], " "), life, v[pidRSS]/1024, comms[f[0]])
		}
	}
	return agree, both, lb.String(), nil
}

func BenchmarkReadProcs(b *testing.B) {
	src := &Source{Proc: "/proc"}
	for b.Loop() {
		if _, err := readProcs(src); err != nil {
			b.Fatal(err)
		}
	}
}
