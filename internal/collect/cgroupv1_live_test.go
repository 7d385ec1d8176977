package collect

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// liveChild is the environment variable that turns the test binary into
// TestServicesV1Live's busy process.
const liveChild = "SM_CGROUP_V1_CHILD"

// TestServicesV1LiveChild is the busy process of TestServicesV1Live:
// it holds 32 MiB of its own memory, uses 300 ms of CPU, says so, and
// spins until killed.
func TestServicesV1LiveChild(t *testing.T) {
	if os.Getenv(liveChild) == "" {
		t.Skip("run by TestServicesV1Live")
	}
	buf := make([]byte, 32<<20)
	for i := range buf {
		buf[i] = byte(i)
	}
	said := false
	for n := 0; ; n++ {
		if !said && n%1_000_000 == 0 {
			var ru syscall.Rusage
			if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
				panic(err)
			}
			if ru.Utime.Nano()+ru.Stime.Nano() >= 300e6 {
				fmt.Println("ready")
				said = true
			}
		}
		buf[n%len(buf)]++
	}
}

// TestServicesV1Live makes a cgroup in the cpuacct, memory and pids
// hierarchies of a v1 host, starts a busy process in it, and compares
// what the family reads with the process's own figures from /proc. It
// needs root on a v1 or hybrid host, and skips elsewhere; the cgroup is
// removed at the end.
func TestServicesV1Live(t *testing.T) {
	if os.Getenv(liveChild) != "" {
		t.Skip("the child")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to make a cgroup")
	}
	if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err == nil {
		t.Skip("a cgroup v2 host")
	}
	h, ok := findV1("/sys/fs/cgroup")
	if !ok || h.dir[hCPU] == "" || h.dir[hMem] == "" || h.dir[hPids] == "" {
		t.Skip("no cpuacct, memory and pids hierarchies")
	}
	p := fmt.Sprintf("/sm-live-%d.scope", os.Getpid())
	var procs []string
	for _, i := range []int{hCPU, hMem, hPids} {
		d := filepath.Join(h.dir[i], p)
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Skipf("cannot make a cgroup: %v", err)
		}
		t.Cleanup(func() {
			if err := os.Remove(d); err != nil {
				t.Errorf("cgroup left behind: %v", err)
			}
		})
		procs = append(procs, filepath.Join(d, "cgroup.procs"))
	}

	// The shell joins the cgroup, then becomes the child: every page and
	// every tick of the child is the cgroup's.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", "-c", `for f; do echo $$ > "$f" || exit 1; done; exec "$SM_SELF" -test.run='^TestServicesV1LiveChild$'`, "sh")
	cmd.Args = append(cmd.Args, procs...)
	cmd.Env = append(os.Environ(), liveChild+"=1", "SM_SELF="+self, "GOMAXPROCS=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Registered after the removals, so run before them.
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("child said %q, %v", line, err)
	}
	pid := cmd.Process.Pid

	ticks1, threads1 := liveStat(t, pid)
	c, err := readCgroups(&Source{Proc: "/proc"})
	if err != nil {
		t.Fatal(err)
	}
	ticks2, threads2 := liveStat(t, pid)
	anon := liveStatus(t, pid, "RssAnon")
	runtime.KeepAlive(cmd)

	v := c[p]
	if v == nil {
		t.Fatalf("%s not read; read %d cgroups", p, len(c))
	}
	t.Logf("cgroup: %.0f µs, anon %.0f, file %.0f, %.0f tasks; process: %d to %d ticks, RssAnon %.0f, %d threads",
		v[cgUsage], v[cgAnon], v[cgFile], v[cgTasks], ticks1, ticks2, anon, threads1)
	mask := uint(v[cgMask])
	for _, i := range []int{cgUsage, cgMem, cgAnon, cgFile, cgTasks, cgOOM} {
		if mask&(1<<i) == 0 {
			t.Errorf("field %d missing: %v", i, v)
		}
	}
	// cpuacct.usage counts in ns what /proc/PID/stat rounds down to
	// ticks of 10 ms, user and system apart; the shell's few hundred µs
	// before it joined are the process's only.
	const slack = 30e3 // µs
	if lo, hi := float64(ticks1)*1e4-slack, float64(ticks2)*1e4+slack; v[cgUsage] < lo || v[cgUsage] > hi {
		t.Errorf("CPU %v µs, /proc/%d/stat says %v to %v", v[cgUsage], pid, lo, hi)
	}
	// total_rss is the anonymous memory charged to the cgroup; RssAnon
	// the process's. The kernel batches its memory counts per CPU.
	if d := v[cgAnon] - anon; d < -4<<20 || d > 4<<20 {
		t.Errorf("anon %v bytes, RssAnon %v", v[cgAnon], anon)
	}
	if v[cgMem] != v[cgAnon]+v[cgFile] {
		t.Errorf("memory %v is not anon %v + file %v", v[cgMem], v[cgAnon], v[cgFile])
	}
	if threads1 == threads2 && v[cgTasks] != float64(threads1) {
		t.Errorf("tasks %v, /proc/%d/stat says %d threads", v[cgTasks], pid, threads1)
	}
	if v[cgOOM] != 0 {
		t.Errorf("OOM kills %v", v[cgOOM])
	}
}

// liveStat returns utime+stime in ticks and the thread count of pid.
func liveStat(t *testing.T, pid int) (ticks, threads int) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// After the command's closing parenthesis: state is field 3, utime 14,
	// stime 15, num_threads 20.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	num := func(field int) int {
		n, err := strconv.Atoi(f[field-3])
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	return num(14) + num(15), num(20)
}

// liveStatus returns a "kB" field of /proc/PID/status in bytes.
func liveStatus(t *testing.T, pid int, key string) float64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(l, key+":"); ok {
			f := strings.Fields(rest)
			n, err := strconv.Atoi(f[0])
			if err != nil {
				t.Fatal(err)
			}
			return float64(n) * 1024
		}
	}
	t.Fatalf("no %s in /proc/%d/status", key, pid)
	return 0
}
