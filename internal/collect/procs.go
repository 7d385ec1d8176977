package collect

import (
	"bytes"
	"cmp"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"sm/internal/record"
)

// The procs family answers "what was using the machine": each run lists
// every process under /proc, and records the commands that used the most
// CPU since the previous run and those holding the most memory, summed by
// command name and user, as top and ps would show them if someone had
// been watching. A process that started and ended between two runs is
// never seen; process accounting (acct(5), as atop uses) would see it,
// and is left out.
var procsFamily = &Family{
	Name:     "procs",
	Tag:      "comm,user",
	Metrics:  []string{"proc.cpu_pct", "proc.rss_bytes", "proc.count", "procs.blocked", "procs.zombie"},
	counters: readProcs,
	rates:    procRates,
	keep:     keepProcs,
	// Two files a process: a sample of a few hundred costs several
	// times what the other families do together.
	OptIn: true,
}

// DefaultTop is how many commands the procs family records by CPU and
// by memory when Source.Top is 0.
const DefaultTop = 10

// MaxProcState bounds the pids whose CPU time the state file keeps, so
// that a fork bomb cannot grow it without end. Beyond it the state keeps
// the pids that have used the most CPU; a process left out, and running
// since before the previous run, has no CPU % at the next one.
const MaxProcState = 10000

// userHZ is the unit of the times in /proc/PID/stat: USER_HZ, 100 on
// every Linux architecture, whatever the kernel's own tick.
const userHZ = 100

// The meta instance of the procs counters, keyed "", holds what the
// reading as a whole found; only its uptime goes to the state.
const (
	metaUptime  = iota // seconds since boot when the pids were read
	metaTop            // how many commands to record
	metaZombie         // processes in state Z
	metaBlocked        // /proc/stat's procs_blocked, or −1 when absent
)

// Each pid's counters; the pid's instance name is "PID\x00USER\x00COMM",
// PID alone in the state.
const (
	pidStart = iota // starttime, in ticks since boot: tells a reused pid
	pidTicks        // utime+stime
	pidRSS          // resident bytes
)

// A procStat is what sm takes from /proc/PID/stat.
type procStat struct {
	comm    string
	state   byte
	kthread bool    // a kernel thread: PF_KTHREAD in its flags
	ticks   float64 // utime+stime
	start   float64 // starttime
}

// pfKthread is the flag of a kernel thread in /proc/PID/stat's flags.
const pfKthread = 0x00200000

// parseProcStat reads /proc/PID/stat: "PID (COMM) S PPID ...". COMM is
// whatever the process named itself, spaces and parentheses included, so
// it ends at the last ')'. It splits the fields itself, without
// bytes.Fields: a slice of some fifty fields for each of hundreds of
// pids is most of what a run allocates.
func parseProcStat(b []byte) (procStat, error) {
	var p procStat
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return p, errors.New("stat: no (comm)")
	}
	p.comm = string(b[open+1 : end])
	// After the comm: state is field 0, flags 6, utime 11, stime 12,
	// starttime 19, rss 21, which sm reads from status instead; at least
	// 22 fields.
	var v [3]float64
	n, rest := 0, b[end+1:]
	for ; n < 22; n++ {
		var f []byte
		if f, rest = nextField(rest); f == nil {
			return p, errors.New("stat: too few fields")
		}
		i := -1
		switch n {
		case 0:
			if len(f) != 1 {
				return p, errors.New("stat: too few fields")
			}
			p.state = f[0]
		case 6:
			// Flags that do not parse are none: sm had no use for
			// them before.
			flags, err := strconv.ParseUint(string(f), 10, 64)
			p.kthread = err == nil && flags&pfKthread != 0
		case 11:
			i = 0
		case 12:
			i = 1
		case 19:
			i = 2
		}
		if i >= 0 {
			x, err := strconv.ParseUint(string(f), 10, 64)
			if err != nil {
				return p, errors.New("stat: bad number " + strconv.Quote(string(f)))
			}
			v[i] = float64(x)
		}
	}
	p.ticks, p.start = v[0]+v[1], v[2]
	return p, nil
}

// nextField returns the first field of b, as bytes.Fields splits fields
// (at ASCII white space), and what follows it; nil when there is none.
func nextField(b []byte) (field, rest []byte) {
	i := 0
	for i < len(b) && asciiSpace(b[i]) {
		i++
	}
	j := i
	for j < len(b) && !asciiSpace(b[j]) {
		j++
	}
	if i == j {
		return nil, nil
	}
	return b[i:j], b[j:]
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// parseStatus returns the effective uid, the user ps shows, from
// /proc/PID/status's "Uid:\treal\teffective\tsaved\tfs" line, and the
// resident memory in bytes from its VmRSS line. VmRSS is the figure ps
// shows, and the kernel sums it exactly where /proc/PID/stat's rss may
// lag by a few pages per CPU. A kernel thread, which has no memory of
// its own, has no VmRSS line: 0. The uid is a slice of b, so that a
// uid the password file names costs no allocation.
func parseStatus(b []byte) (uid []byte, rss float64, err error) {
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if rest, ok := bytes.CutPrefix(line, []byte("Uid:")); ok {
			_, rest = nextField(rest) // the real uid
			f, _ := nextField(rest)
			if f == nil {
				return nil, 0, errors.New("status: bad Uid line")
			}
			if _, err := strconv.ParseUint(string(f), 10, 32); err != nil {
				return nil, 0, errors.New("status: bad Uid line")
			}
			uid = f
		} else if rest, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			n, rest := nextField(rest)
			unit, rest := nextField(rest)
			if extra, _ := nextField(rest); n == nil || string(unit) != "kB" || extra != nil {
				return nil, 0, errors.New("status: bad VmRSS line")
			}
			kb, err := strconv.ParseUint(string(n), 10, 64)
			if err != nil {
				return nil, 0, errors.New("status: bad VmRSS line")
			}
			rss = float64(kb) * 1024
		}
	}
	if uid == nil {
		return nil, 0, errors.New("status: no Uid line")
	}
	return uid, rss, nil
}

// parsePasswd maps uids to user names from an /etc/passwd file. A line
// it cannot read is skipped: the uid then shows as a number. The first
// name of a uid wins, as getpwuid(3) finds it.
func parsePasswd(b []byte) map[string]string {
	users := map[string]string{}
	eachLine(b, func(_ int, line []byte) error {
		f := strings.SplitN(string(line), ":", 4)
		if len(f) < 4 || f[0] == "" || strings.ContainsAny(f[0], "\x00") {
			return nil
		}
		if _, err := strconv.ParseUint(f[2], 10, 32); err != nil {
			return nil
		}
		if _, ok := users[f[2]]; !ok {
			users[f[2]] = f[0]
		}
		return nil
	})
	return users
}

// procsBlocked returns /proc/stat's procs_blocked: the tasks waiting in
// D state for I/O, as sar -q's blocked and vmstat's b count them.
func procsBlocked(b []byte) (float64, bool) {
	i := bytes.Index(b, []byte("\nprocs_blocked "))
	if i < 0 {
		return 0, false
	}
	f := bytes.Fields(b[i+len("\nprocs_blocked "):])
	if len(f) == 0 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(f[0]), 10, 64)
	return float64(v), err == nil
}

// readProcs reads every pid's stat and status (but kernel threads'). A pid whose files cannot
// be read or parsed is left out, quietly: a process that exits between
// the listing and the reading answers ENOENT or ESRCH, or an empty file,
// and one pid's odd file must not cost the others.
func readProcs(s *Source) (Counters, error) {
	up, err := s.uptime()
	if err != nil {
		return nil, err
	}
	d, err := os.Open(s.Proc)
	if err != nil {
		return nil, err
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return nil, err
	}
	// By pid, as procfs lists them, whatever the order of a fixture
	// tree's folder: the first kernel thread is the one whose status is
	// read (see kthreadUID).
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
	})
	top := s.Top
	if top <= 0 {
		top = DefaultTop
	}
	meta := []float64{up, float64(top), 0, -1}
	if b, err := s.readShown(s.proc("stat"), false); err == nil {
		if v, ok := procsBlocked(b); ok {
			meta[metaBlocked] = v
		}
	}
	// The password file beside procfs: /etc/passwd for /proc, and the
	// host's own for a host's procfs mounted at /host/proc.
	var users map[string]string
	if b, err := os.ReadFile(filepath.Join(s.Proc, "..", "etc", "passwd")); err == nil {
		users = parsePasswd(b)
	}
	c := make(Counters, len(names))
	c[""] = meta
	// Every pid's counters in one allocation, not one each.
	vals := make([]float64, 0, 3*len(names))
	// Every kernel thread has kthreadd's credentials and no memory of
	// its own (status has no VmRSS line for one, even while it borrows
	// a process's): the first one's status says the uid of all, as
	// this reader sees it, and the others' are not read, a tenth or
	// more of a machine's processes.
	var kthreadUID []byte
	for _, pid := range names {
		if pid == "" || pid[0] < '1' || pid[0] > '9' {
			continue // not a pid: cpuinfo, self, sys...
		}
		if _, err := strconv.ParseUint(pid, 10, 32); err != nil {
			continue
		}
		b, err := s.readPath(true, s.Proc, pid, "stat")
		if err != nil {
			continue
		}
		p, err := parseProcStat(b)
		if err != nil {
			continue
		}
		if p.state == 'Z' {
			meta[metaZombie]++
		}
		var uid []byte
		var rss float64
		if p.kthread && kthreadUID != nil {
			uid = kthreadUID
		} else {
			b, err = s.readPath(true, s.Proc, pid, "status")
			if err != nil {
				continue
			}
			if uid, rss, err = parseStatus(b); err != nil {
				continue
			}
			if p.kthread {
				kthreadUID = append([]byte(nil), uid...)
			}
		}
		user, ok := users[string(uid)]
		if !ok {
			user = string(uid)
		}
		vals = append(vals, p.start, p.ticks, rss)
		c[pid+"\x00"+user+"\x00"+p.comm] = vals[len(vals)-3 : len(vals) : len(vals)]
	}
	return c, nil
}

// keepProcs is what the state keeps of a reading: each pid's start and
// CPU time, and the uptime; at most MaxProcState pids, those with the
// most CPU time.
func keepProcs(c Counters) Counters {
	out := make(Counters, len(c))
	if m := c[""]; len(m) > metaUptime {
		out[""] = []float64{m[metaUptime]}
	}
	pids := make([]string, 0, len(c))
	for k, v := range c {
		if k != "" && len(v) > pidTicks {
			pids = append(pids, k)
		}
	}
	if len(pids) > MaxProcState {
		slices.SortFunc(pids, func(a, b string) int {
			return cmp.Or(cmp.Compare(c[b][pidTicks], c[a][pidTicks]), strings.Compare(a, b))
		})
		pids = pids[:MaxProcState]
	}
	vals := make([]float64, 0, 2*len(pids)) // one allocation for all
	for _, k := range pids {
		pid, _, _ := strings.Cut(k, "\x00")
		vals = append(vals, c[k][pidStart], c[k][pidTicks])
		out[pid] = vals[len(vals)-2 : len(vals) : len(vals)]
	}
	return out
}

// A procGroup is the processes of one command and user.
type procGroup struct {
	comm, user string
	count      float64
	rss        float64
	ticks      float64
	timed      bool // at least one process has a CPU time over the interval
}

// procRates sums each command's CPU time over the interval and memory,
// and keeps the top commands by each. A process's CPU time over the
// interval is its ticks now less those of the previous reading, for the
// same pid with the same start time; a process that started since the
// previous reading counts all its ticks; a process whose ticks went
// down, or that was running before but is not in the previous reading,
// has no CPU figure.
func procRates(prev, cur Counters, dt float64) []Sample {
	meta := cur[""]
	if len(meta) <= metaBlocked || dt <= 0 {
		return nil
	}
	prevUp := -1.0
	if m := prev[""]; len(m) > metaUptime {
		prevUp = m[metaUptime]
	}
	before := make(map[string][]float64, len(prev))
	for k, v := range prev {
		if k == "" || len(v) <= pidTicks {
			continue
		}
		pid, _, _ := strings.Cut(k, "\x00")
		before[pid] = v
	}
	type key struct{ comm, user string }
	groups := map[key]*procGroup{}
	for k, v := range cur {
		if k == "" || len(v) <= pidRSS {
			continue
		}
		pid, rest, _ := strings.Cut(k, "\x00")
		user, comm, _ := strings.Cut(rest, "\x00")
		g := groups[key{comm, user}]
		if g == nil {
			g = &procGroup{comm: comm, user: user}
			groups[key{comm, user}] = g
		}
		g.count++
		g.rss += v[pidRSS]
		if p, ok := before[pid]; ok && p[pidStart] == v[pidStart] {
			if v[pidTicks] >= p[pidTicks] {
				g.ticks += v[pidTicks] - p[pidTicks]
				g.timed = true
			}
		} else if prevUp >= 0 && v[pidStart]/userHZ >= prevUp {
			g.ticks += v[pidTicks]
			g.timed = true
		}
	}
	all := make([]*procGroup, 0, len(groups))
	for _, g := range groups {
		all = append(all, g)
	}
	top := int(meta[metaTop])
	byName := func(a, b *procGroup) int {
		return cmp.Or(strings.Compare(a.comm, b.comm), strings.Compare(a.user, b.user))
	}
	chosen := map[*procGroup]bool{}
	pick := func(val func(*procGroup) float64) {
		slices.SortFunc(all, func(a, b *procGroup) int {
			return cmp.Or(cmp.Compare(val(b), val(a)), byName(a, b))
		})
		for _, g := range all[:min(top, len(all))] {
			if val(g) > 0 {
				chosen[g] = true
			}
		}
	}
	pick(func(g *procGroup) float64 {
		if !g.timed {
			return -1
		}
		return g.ticks
	})
	pick(func(g *procGroup) float64 { return g.rss })
	slices.SortFunc(all, byName)

	var out []Sample
	for _, g := range all {
		if !chosen[g] {
			continue
		}
		tags := procTags(g.comm, g.user)
		if g.timed {
			out = append(out, Sample{Name: "proc.cpu_pct", Tags: tags, Value: round2(100 * g.ticks / userHZ / dt)})
		}
		out = append(out,
			Sample{Name: "proc.rss_bytes", Tags: tags, Value: g.rss},
			Sample{Name: "proc.count", Tags: tags, Value: g.count})
	}
	if meta[metaBlocked] >= 0 {
		out = append(out, Sample{Name: "procs.blocked", Value: meta[metaBlocked]})
	}
	return append(out, Sample{Name: "procs.zombie", Value: meta[metaZombie]})
}

// procTags makes tag values of what processes name themselves: the
// record escapes every other byte, but holds neither an empty value nor
// a NUL.
func procTags(comm, user string) []record.Tag {
	clean := func(v string) string {
		if v == "" {
			return "?"
		}
		return strings.ReplaceAll(v, "\x00", "?")
	}
	return []record.Tag{{Key: "comm", Value: clean(comm)}, {Key: "user", Value: clean(user)}}
}
