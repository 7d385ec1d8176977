package decode

// The sadf format reads sysstat's reports, as sadf writes them from the
// binary files sadc keeps: sadf -d (semicolons, one header line an
// activity) or sadf -j (one JSON document), told apart by the first
// byte. Every record gets host=<the row's hostname>; a row's device,
// interface, CPU or filesystem becomes a tag. Timestamps must be UTC,
// as sadf writes them by default, or Unix seconds (sadf -U): the local
// times of sadf -t and -T carry no zone, and are an error.
//
// Fields that the catalogue of sm-sample also has become the
// catalogue's metric, in its unit; a few catalogue metrics are computed
// from several fields, which are then kept under their own names too.
//
//	sysstat (sadf -d)                   sm
//	ldavg-1, ldavg-5, ldavg-15          load.1m, load.5m, load.15m
//	runq-sz                             procs.running, plus 1: sadc leaves itself out
//	plist-sz, blocked                   procs.total, procs.blocked
//	CPU all (-1): %iowait, %steal       cpu.iowait_pct, cpu.steal_pct
//	  100 - %idle - %iowait             cpu.busy_pct
//	  %user + %nice                     cpu.user_pct (-u)
//	  %usr + %nice + %guest + %gnice    cpu.user_pct (-u ALL)
//	  %system                           cpu.system_pct (-u)
//	  %sys + %irq + %soft               cpu.system_pct (-u ALL)
//	  %nice, %irq, %soft (-u ALL)       cpu.nice_pct, cpu.irq_pct, cpu.softirq_pct
//	  %guest + %gnice (-u ALL)          cpu.guest_pct
//	CPU N: 100 - %idle - %iowait        cpu.percpu_busy_pct;cpu=N, none for a row of zeros
//	proc/s, cswch/s                     procs.forks_per_s, cpu.context_switches_per_s
//	INTR sum, CPU all: intr/s           cpu.interrupts_per_s
//	pswpin/s, pswpout/s                 swap.in_pages_per_s, swap.out_pages_per_s
//	pgpgin/s, pgpgout/s (KiB/s)         mem.page_in_bytes_per_s, mem.page_out_bytes_per_s, times 1024
//	majflt/s                            mem.major_faults_per_s
//	kbavail (MemAvailable)              mem.available_bytes, times 1024
//	  without it, as the catalogue: kbmemfree + kbbuffers + kbcached
//	MemTotal, see below                 mem.total_bytes, times 1024
//	  (total - available) / total       mem.used_pct
//	kbcached, kbbuffers, kbdirty        mem.cached_bytes, mem.buffers_bytes, mem.dirty_bytes, times 1024
//	kbhugused                           mem.hugepages_used_bytes, times 1024
//	kbswpfree + kbswpused (SwapTotal)   swap.total_bytes, times 1024
//	  kbswpused / that; %swpused        swap.used_pct
//	file-nr                             sys.open_files
//	IFACE: rxkB/s, txkB/s (KiB/s)       net.rx_bytes_per_s, net.tx_bytes_per_s;iface=, times 1024
//	  rxpck/s, txpck/s                  net.rx_packets_per_s, net.tx_packets_per_s;iface=
//	  rxdrop/s, txdrop/s                net.rx_drops_per_s, net.tx_drops_per_s;iface=
//	  rxerr/s, txerr/s                  net.rx_errors_per_s, net.tx_errors_per_s;iface=
//	  rxerr/s + txerr/s                 net.errors_per_s;iface=
//	tcp-tw (-n SOCK)                    net.tcp_timewait
//	retrans/s (-n ETCP)                 net.tcp_retrans_per_s
//	idgmerr/s (-n UDP)                  net.udp_errors_per_s
//	DEV: rkB/s, wkB/s (KiB/s)           diskio.read_bytes_per_s, diskio.write_bytes_per_s;device=, times 1024
//	  rd_sec/s, wr_sec/s (older sysstat; 512-byte sectors)  the same, times 512
//	  %util                             diskio.util_pct;device=
//	  aqu-sz (avgqu-sz before 12.0)     diskio.queue_size;device=
//	MOUNTPOINT (-F MOUNT): MBfsfree + MBfsused (MiB)  disk.size_bytes;mount=
//	  (MBfsfree + MBfsused) * (100 - %ufsused) / 100  disk.avail_bytes;mount=, to 0.005 % of the size
//	  MBfsused / (MBfsused + avail)     disk.used_pct;mount= (df's Use%)
//	  Iused / (Ifree + Iused); %Iused   disk.inodes_used_pct;mount=
//	FILESYSTEM (-F): as MOUNTPOINT      the same with filesystem=<device> for mount=
//	%scpu, %sio, %fio, %smem, %fmem     pressure.cpu_some_pct, .io_some_pct, .io_full_pct,
//	                                    .memory_some_pct, .memory_full_pct
//
// Each is what sadc reads where sm-sample reads it, over the same
// interval: Cached, Buffers, Dirty and HugePages_Total - HugePages_Free
// of /proc/meminfo; ctxt, processes, procs_blocked and the intr line's
// first number of /proc/stat; pswpin, pswpout, pgpgin, pgpgout and
// pgmajfault of /proc/vmstat; file-nr's allocated less free handles;
// /proc/net/dev's packets, drop and errs; sockstat's TCP tw; Tcp
// RetransSegs and Udp InErrors of /proc/net/snmp; diskstats' weighted
// milliseconds over the interval. What sar has and the catalogue
// measures otherwise is left as sysstat.<field>: -u's %nice, which
// counts niced guests (the catalogue's, like -u ALL's, does not);
// kbslab, which the catalogue splits in two; sar -d's await, of reads
// and writes together (iostat -x's r_await and w_await have no column
// in sar -d), and tps; sar -b, the sum over devices; -m TEMP's degC,
// named by libsensors' chip (coretemp-isa-0000) where the catalogue has
// hwmon's name and the sensor's label.
//
// sadc reads /proc/meminfo: kbmemfree is MemFree, kbavail MemAvailable,
// kbbuffers Buffers, kbcached Cached, kbslab Slab, kbcommit
// Committed_AS, kbactive Active, kbinact Inactive, kbdirty Dirty,
// kbanonpg AnonPages, kbkstack KernelStack, kbpgtbl PageTables,
// kbvmused VmallocUsed, kbswpcad SwapCached, kbswpfree SwapFree and
// kbswpused SwapTotal - SwapFree. MemTotal is not shown, but kbmemused
// is MemTotal - MemFree - Buffers - Cached - Slab (sysstat 11.4.10,
// 11.6.4, 11.7.4 and later; MemTotal - MemFree before), so MemTotal is
// the sum, taken when %memused (kbmemused over MemTotal) agrees with it
// to its printed precision: that tells the two rules apart. Without
// kbslab (sar -r, not -r ALL) the sum cannot be made, and there is no
// mem.total_bytes nor mem.used_pct. sysstat's own %memused counts
// buffers, page cache and slab as unused, the catalogue's mem.used_pct
// all but MemAvailable as used: they differ, and %memused is
// sysstat.memused_pct.
//
// Every other field becomes sysstat.<field>, with the row's tags: a
// leading '%' becomes a trailing _pct, a trailing "/s" _per_s, and any
// other byte but letters, digits and '_' becomes '_' (%steal →
// sysstat.steal_pct, rxcmp/s → sysstat.rxcmp_per_s, ldavg-1 would be
// sysstat.ldavg_1). Case is kept: rxkB is KiB, not kb. NFS's retrans/s
// is sysstat.nfs_retrans_per_s, apart from TCP's. Tags are named after
// sysstat's column, lowercased, but as the catalogue names them where
// it has them: CPU → cpu (all for -1; the catalogue's cpu.* are of
// all CPUs only, a CPU's own row is sysstat.*;cpu=N beside its
// cpu.percpu_busy_pct), IFACE → iface, DEV → device, MOUNTPOINT →
// mount, FILESYSTEM → filesystem, INTR → intr, TTY → tty; interrupts
// but the sum over all CPUs are sysstat.intr_per_s;intr=...;cpu=all|N.
// USB devices (-m USB) are descriptions, not figures, and are skipped.
// Unlike sm-sample, which leaves them out, lo and disk partitions are
// read like any interface or device: sysstat was told to collect them.
//
// sadf -j names fields its own way (kbmemfree is memfree, %util is
// util-percent); they are renamed to sadf -d's first, so that both give
// the same records. Lines with interval -1 (LINUX-RESTART, comments)
// are skipped. sadf -dh, every activity on one line, is read when the
// header has at most one repeated group ("[...]").
//
// An empty input is an error, as is a JSON document without "sysstat"
// and its "hosts": neither is what sadf writes. sadf -j is read within
// the bounds of bound.go and of maxSadfElement.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"sm/internal/record"
)

func init() {
	Register("sadf", "sysstat's sadf -d or sadf -j: sysstat's fields as the catalogue's metrics or sysstat.FIELD;host=...", false, newSadf)
}

type sadf struct {
	o     Options
	br    *bufio.Reader
	begun bool
	done  bool
	queue []sadfOut
	head  int
	raw   []byte

	// sadf -d
	rd      *record.Reader
	line    []byte
	layout  sadfLayout
	hdrLine int  // 0: no header yet
	some    bool // a line was read

	// sadf -j
	js *sadfJSON
}

type sadfOut struct {
	rec record.Record
	err error
}

func newSadf(r io.Reader, o Options) Decoder {
	return &sadf{o: o, br: bufio.NewReaderSize(r, 64<<10)}
}

func (s *sadf) Raw() []byte { return s.raw }

func (s *sadf) Next() (record.Record, error) {
	for s.head == len(s.queue) {
		if s.done {
			s.raw = nil
			return record.Record{}, io.EOF
		}
		s.queue, s.head = s.queue[:0], 0
		if err := s.fill(); err != nil {
			s.done = true
			if err != io.EOF {
				return record.Record{}, err
			}
		}
	}
	out := s.queue[s.head]
	s.queue[s.head] = sadfOut{}
	s.head++
	return out.rec, out.err
}

// fill reads on until it has something for the queue, or an error that
// ends the input.
func (s *sadf) fill() error {
	if !s.begun {
		s.begun = true
		if s.isJSON() {
			if b, _ := s.br.Peek(3); string(b) == "\xef\xbb\xbf" {
				s.br.Discard(3) // a BOM, which encoding/json does not take
			}
			s.js = newSadfJSON(s.br, s.o.File)
		} else {
			s.rd = record.NewReader(s.br, s.o.File)
			s.rd.Reject, s.rd.Comments = s.o.Reject, true
		}
	}
	if s.js != nil {
		s.raw = nil
		return s.js.next(s)
	}
	line, err := s.rd.NextLine()
	s.line = append(s.line[:0], s.rd.Raw()...)
	s.raw = s.line
	if err == io.EOF && !s.some {
		// Nothing at all is what a sadf that failed writes: better
		// told than stored as no rows.
		s.raw = nil
		s.fail(max(1, s.rd.Line()), errors.New("empty input: no sadf -d header nor sadf -j document"))
		return io.EOF
	}
	s.some = true
	if err != nil {
		var le *record.LineError
		if errors.As(err, &le) {
			if isLong(err) {
				s.raw = nil // Reject has it whole
			}
			s.queue = append(s.queue, sadfOut{err: err})
			return nil
		}
		return err
	}
	s.dLine(line)
	return nil
}

// isJSON looks at the first byte that is not white space.
func (s *sadf) isJSON() bool {
	b, _ := s.br.Peek(512)
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{'
}

func (s *sadf) fail(line int, err error) {
	s.queue = append(s.queue, sadfOut{err: &record.LineError{File: s.o.File, Line: line, Err: err}})
}

// A sadfCol is a column of a sadf -d header.
type sadfCol struct {
	name string // as sadf -d writes it: %idle, rxkB/s
	tag  string // the tag key, for a column that names an instance
	star bool   // CPU*: a value for all CPUs, then one for each
}

// A sadfLayout is a header: columns before a repeated group, the group
// (sadf -dh), and columns after it.
type sadfLayout struct {
	pre, group, post []sadfCol
	skip             bool
	err              error
}

func (s *sadf) dLine(line []byte) {
	n := s.rd.Line()
	text := strings.TrimLeft(string(line), " \t")
	if strings.HasPrefix(text, "#") {
		s.layout, s.hdrLine = parseSadfHeader(text), n
		if s.layout.err != nil {
			s.fail(n, s.layout.err)
		}
		return
	}
	cells := strings.Split(text, ";")
	if len(cells) < 3 {
		s.fail(n, fmt.Errorf("want hostname;interval;timestamp;..., found %d fields", len(cells)))
		return
	}
	iv, err := strconv.Atoi(cells[1])
	if err != nil {
		s.fail(n, fmt.Errorf("interval %s is not a whole number", quoteInput(cells[1])))
		return
	}
	if iv < 0 {
		return // LINUX-RESTART or a comment
	}
	switch {
	case s.hdrLine == 0:
		s.fail(n, errors.New(`row before any header ("# hostname;interval;timestamp;...")`))
		return
	case s.layout.err != nil:
		s.fail(n, fmt.Errorf("row under the bad header of line %d", s.hdrLine))
		return
	case s.layout.skip:
		return
	}
	t, err := sadfTime(cells[2])
	if err != nil {
		s.fail(n, err)
		return
	}
	host, vals := cells[0], cells[3:]
	l := &s.layout
	if len(l.group) == 0 {
		if nstar := len(vals) - len(l.pre) + 1; len(l.pre) > 0 && l.pre[len(l.pre)-1].star && nstar >= 1 {
			s.dStar(n, host, t, l.pre, vals)
			return
		}
		if len(vals) != len(l.pre) {
			s.fail(n, fmt.Errorf("row has %d fields, the header %d", len(vals)+3, len(l.pre)+3))
			return
		}
		s.dSegment(n, host, t, l.pre, vals)
		return
	}
	reps := len(vals) - len(l.pre) - len(l.post)
	if reps < 0 || reps%len(l.group) != 0 {
		s.fail(n, fmt.Errorf("row has %d fields, which the header's %d, %d repeated, do not add up to",
			len(vals)+3, len(l.pre)+len(l.group)+len(l.post)+3, len(l.group)))
		return
	}
	s.dSegment(n, host, t, l.pre, vals[:len(l.pre)])
	vals = vals[len(l.pre):]
	for ; len(vals) > len(l.post); vals = vals[len(l.group):] {
		s.dSegment(n, host, t, l.group, vals[:len(l.group)])
	}
	s.dSegment(n, host, t, l.post, vals)
}

// dSegment maps the cells of one instance (or of none).
func (s *sadf) dSegment(n int, host string, t int64, cols []sadfCol, cells []string) {
	if len(cols) == 0 {
		return
	}
	r := sadfRow{host: host, time: t, line: n}
	var bad error
	for i, c := range cols {
		if c.tag != "" {
			r.addTag(c.tag, cells[i])
			continue
		}
		v, err := parseNumber(cells[i])
		if err != nil {
			if bad == nil {
				bad = fmt.Errorf("%s: %w", c.name, err)
			}
			continue
		}
		r.fields = append(r.fields, sadfField{name: c.name, v: v, text: cells[i]})
	}
	if bad != nil {
		s.fail(n, bad)
	}
	s.emitRow(&r)
}

// dStar maps INTR;CPU*: the interrupt, then its rate over all CPUs and
// on each CPU.
func (s *sadf) dStar(n int, host string, t int64, cols []sadfCol, cells []string) {
	fixed := len(cols) - 1
	for j, cell := range cells[fixed:] {
		r := sadfRow{host: host, time: t, line: n}
		for i, c := range cols[:fixed] {
			r.addTag(c.tag, cells[i])
		}
		cpu := "all"
		if j > 0 {
			cpu = strconv.Itoa(j - 1)
		}
		r.addTag("cpu", cpu)
		v, err := parseNumber(cell)
		if err != nil {
			s.fail(n, fmt.Errorf("intr/s: %w", err))
			continue
		}
		r.fields = append(r.fields, sadfField{name: "intr/s", v: v, text: cell})
		s.emitRow(&r)
	}
}

func parseSadfHeader(text string) sadfLayout {
	var l sadfLayout
	text = strings.TrimSpace(strings.TrimPrefix(text, "#"))
	names := strings.Split(text, ";")
	if len(names) < 3 || names[0] != "hostname" || names[1] != "interval" || names[2] != "timestamp" {
		l.err = fmt.Errorf(`bad header: want "# hostname;interval;timestamp;...", found %s`, quoteInput(text))
		return l
	}
	var cols []sadfCol
	end := -1
	for i, name := range names[3:] {
		name, rep := strings.CutSuffix(name, "[...]")
		if rep {
			if end >= 0 {
				l.err = errors.New(`header has more than one repeated group ("[...]"): use sadf -d without -h`)
				return l
			}
			end = i
		}
		c := sadfCol{name: name}
		switch {
		case name == "":
			l.err = fmt.Errorf("bad header: column %d has no name", i+4)
			return l
		case name == "CPU*":
			c.star = true
		case isSadfInstance(name):
			c.tag = sadfTagKey(name)
		case name == "retrans/s" && i > 0 && cols[i-1].name == "call/s":
			c.name = "nfs_retrans/s" // apart from TCP's retrans/s
		case name == "idvendor":
			l.skip = true // USB devices: no figures
		}
		cols = append(cols, c)
	}
	for i, c := range cols {
		if c.star && (end >= 0 || i != len(cols)-1 || i == 0 || cols[i-1].name != "INTR") {
			l.err = errors.New("bad header: CPU* only follows INTR, at the end of a header without [...]: use sadf -d without -h")
			return l
		}
	}
	if end < 0 {
		l.pre = cols
		return l
	}
	start := end
	for start >= 0 && cols[start].tag == "" {
		start--
	}
	if start < 0 {
		l.err = errors.New("bad header: the repeated group has no instance column (CPU, IFACE, DEV...)")
		return l
	}
	for start > 0 && cols[start-1].tag != "" {
		start--
	}
	l.pre, l.group, l.post = cols[:start], cols[start:end+1], cols[end+1:]
	return l
}

// isSadfInstance reports the columns naming an instance rather than
// holding a figure: CPU, IFACE, DEV, FILESYSTEM... in capitals.
func isSadfInstance(name string) bool {
	if name[0] < 'A' || name[0] > 'Z' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// sadfTagKey names a tag after a sadf -d column, as the catalogue does.
func sadfTagKey(col string) string {
	switch col {
	case "DEV":
		return "device"
	case "MOUNTPOINT":
		return "mount"
	}
	return strings.ToLower(col)
}

// sadfTime reads "2026-11-24 10:10:00 UTC", sadf's default, or the Unix
// seconds of sadf -U.
func sadfTime(s string) (int64, error) {
	if s != "" && strings.Trim(s, "0123456789") == "" {
		return parseUnix(s)
	}
	if d, ok := strings.CutSuffix(s, " UTC"); ok {
		t, err := time.ParseInLocation(time.DateTime, d, time.UTC)
		if err == nil {
			return timeInRange(s, float64(t.Unix()))
		}
	}
	if _, err := time.Parse(time.DateTime, s); err == nil {
		return 0, fmt.Errorf("timestamp %s is local time, of no known zone (sadf -t or -T): run sadf without them, or with -U", quoteInput(s))
	}
	return 0, fmt.Errorf(`timestamp %s is neither "2006-01-02 15:04:05 UTC" nor Unix seconds`, quoteInput(s))
}

// A sadfRow is one instance's fields at one time, from a line of sadf -d
// or an object of sadf -j, with sadf -d's names.
type sadfRow struct {
	host   string
	time   int64
	tags   []record.Tag // the instance's
	fields []sadfField
	line   int
}

type sadfField struct {
	name string
	v    float64
	text string // as written, for its precision
	used bool   // mapped to a catalogue metric
}

func (r *sadfRow) addTag(key, value string) {
	if key == "cpu" && value == "-1" {
		value = "all"
	}
	r.tags = append(r.tags, record.Tag{Key: key, Value: value})
}

func (r *sadfRow) find(name string) *sadfField {
	for i := range r.fields {
		if r.fields[i].name == name {
			return &r.fields[i]
		}
	}
	return nil
}

func (r *sadfRow) has(name string) bool { return r.find(name) != nil }

// get returns a field that goes on to be kept under its own name.
func (r *sadfRow) get(name string) (float64, bool) {
	if f := r.find(name); f != nil {
		return f.v, true
	}
	return 0, false
}

// use returns a field that a catalogue metric replaces.
func (r *sadfRow) use(name string) (float64, bool) {
	if f := r.find(name); f != nil {
		f.used = true
		return f.v, true
	}
	return 0, false
}

func (r *sadfRow) tag(key string) (string, bool) {
	for _, t := range r.tags {
		if t.Key == key {
			return t.Value, true
		}
	}
	return "", false
}

// emitRow queues the records of a row: the catalogue's metrics first,
// then every field they did not replace.
func (s *sadf) emitRow(r *sadfRow) {
	own := append([]record.Tag{{Key: "host", Value: r.host}}, r.tags...)
	if err := record.CheckTags(own); err != nil {
		s.fail(r.line, err)
		return
	}
	host := []record.Tag{{Key: "host", Value: r.host}}
	emit := func(name string, tags []record.Tag, v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			s.fail(r.line, fmt.Errorf("%s comes out as %v", name, v))
			return
		}
		if v == 0 {
			v = 0 // no negative zero
		}
		s.queue = append(s.queue, sadfOut{rec: record.Record{Name: name, Tags: tags, Value: v, Time: r.time}})
	}
	mapCatalogue(r, host, own, emit)
	for _, f := range r.fields {
		if !f.used {
			emit(sysstatName(f.name), own, f.v)
		}
	}
}

type emitFunc func(name string, tags []record.Tag, v float64)

// mapCatalogue emits what the catalogue has, as the table at the top of
// this file says, and marks the fields it replaces.
func mapCatalogue(r *sadfRow, host, own []record.Tag, emit emitFunc) {
	if cpu, ok := r.tag("cpu"); ok && r.has("%idle") {
		if cpu == "all" {
			sadfCPUAll(r, host, emit)
		} else {
			sadfCPUOne(r, own, emit)
		}
	}
	if intr, ok := r.tag("intr"); ok && intr == "sum" {
		if cpu, ok := r.tag("cpu"); ok && cpu == "all" {
			if v, ok := r.use("intr/s"); ok {
				emit("cpu.interrupts_per_s", host, v)
			}
		}
	}
	if len(r.tags) == 0 {
		sadfMachine(r, host, emit)
	}
	if r.has("kbmemfree") {
		sadfMemory(r, host, emit)
	}
	if free, ok := r.get("kbswpfree"); ok {
		if used, ok := r.get("kbswpused"); ok {
			r.use("%swpused")
			if st := free + used; st > 0 {
				emit("swap.used_pct", host, sadfPct(used, st))
			}
			emit("swap.total_bytes", host, (free+used)*1024)
		}
	}
	if _, ok := r.tag("iface"); ok {
		sadfNetwork(r, own, emit)
	}
	if _, ok := r.tag("device"); ok {
		sadfDiskIO(r, own, emit)
	}
	_, mount := r.tag("mount")
	_, fs := r.tag("filesystem")
	if mount || fs {
		sadfFilesystem(r, own, emit)
	}
	for _, m := range [...]struct{ field, metric string }{
		{"%scpu", "pressure.cpu_some_pct"},
		{"%sio", "pressure.io_some_pct"}, {"%fio", "pressure.io_full_pct"},
		{"%smem", "pressure.memory_some_pct"}, {"%fmem", "pressure.memory_full_pct"},
	} {
		if v, ok := r.use(m.field); ok {
			emit(m.metric, host, sadfPct(v, 100))
		}
	}
}

// sadfMachine maps the fields of the machine as a whole, in rows of no
// instance: load, processes, paging, files, TCP and UDP.
func sadfMachine(r *sadfRow, host []record.Tag, emit emitFunc) {
	for _, m := range [...]struct {
		field, metric string
		scale         float64
	}{
		{"ldavg-1", "load.1m", 1}, {"ldavg-5", "load.5m", 1}, {"ldavg-15", "load.15m", 1},
		{"runq-sz", "procs.running", 1}, // plus 1, below
		{"plist-sz", "procs.total", 1},
		{"blocked", "procs.blocked", 1},
		{"proc/s", "procs.forks_per_s", 1},
		{"cswch/s", "cpu.context_switches_per_s", 1},
		{"pswpin/s", "swap.in_pages_per_s", 1}, {"pswpout/s", "swap.out_pages_per_s", 1},
		{"pgpgin/s", "mem.page_in_bytes_per_s", 1024}, {"pgpgout/s", "mem.page_out_bytes_per_s", 1024},
		{"majflt/s", "mem.major_faults_per_s", 1},
		{"kbhugused", "mem.hugepages_used_bytes", 1024},
		{"file-nr", "sys.open_files", 1},
		{"tcp-tw", "net.tcp_timewait", 1},
		{"retrans/s", "net.tcp_retrans_per_s", 1},
		{"idgmerr/s", "net.udp_errors_per_s", 1},
	} {
		if v, ok := r.use(m.field); ok {
			if m.field == "runq-sz" {
				v++ // sadc leaves itself out
			}
			emit(m.metric, host, sadfRound2(v*m.scale))
		}
	}
}

// sadfCPUAll maps CPU "all". sysstat's shares are of the same total as the
// catalogue's: all states but guest and guest_nice, which user and nice
// already count; -u's %user and %nice include them, -u ALL's %usr and
// %nice do not.
func sadfCPUAll(r *sadfRow, host []record.Tag, emit emitFunc) {
	idle, okIdle := r.get("%idle")
	iowait, okIowait := r.use("%iowait")
	if okIdle && okIowait {
		emit("cpu.busy_pct", host, sadfPct(100-idle-iowait, 100))
	}
	if user, ok := r.get("%user"); ok {
		nice, _ := r.get("%nice")
		emit("cpu.user_pct", host, sadfPct(user+nice, 100))
	} else if usr, ok := r.get("%usr"); ok {
		nice, _ := r.get("%nice")
		guest, _ := r.get("%guest")
		gnice, _ := r.get("%gnice")
		emit("cpu.user_pct", host, sadfPct(usr+nice+guest+gnice, 100))
	}
	if sys, ok := r.use("%system"); ok {
		emit("cpu.system_pct", host, sadfPct(sys, 100))
	} else if sys, ok := r.get("%sys"); ok {
		irq, _ := r.get("%irq")
		soft, _ := r.get("%soft")
		emit("cpu.system_pct", host, sadfPct(sys+irq+soft, 100))
	}
	if okIowait {
		emit("cpu.iowait_pct", host, sadfPct(iowait, 100))
	}
	if steal, ok := r.use("%steal"); ok {
		emit("cpu.steal_pct", host, sadfPct(steal, 100))
	}
	if !r.has("%usr") {
		return // -u's %nice counts niced guests, the catalogue's does not
	}
	for _, m := range [...]struct{ field, metric string }{
		{"%nice", "cpu.nice_pct"}, {"%irq", "cpu.irq_pct"}, {"%soft", "cpu.softirq_pct"},
	} {
		if v, ok := r.use(m.field); ok {
			emit(m.metric, host, sadfPct(v, 100))
		}
	}
	if guest, ok := r.get("%guest"); ok {
		if gnice, ok := r.get("%gnice"); ok {
			emit("cpu.guest_pct", host, sadfPct(guest+gnice, 100))
		}
	}
}

// sadfCPUOne maps a CPU's own row of sar -P: its busy share, as the
// catalogue's percpu family has it. A row of all zeros is a CPU that was
// offline, which has no share.
func sadfCPUOne(r *sadfRow, own []record.Tag, emit emitFunc) {
	idle, _ := r.get("%idle")
	iowait, ok := r.get("%iowait")
	if !ok {
		return
	}
	sum := 0.0
	for _, f := range r.fields {
		sum += f.v
	}
	if sum > 0 {
		emit("cpu.percpu_busy_pct", own, sadfPct(100-idle-iowait, 100))
	}
}

// sadfMemory maps sar -r, computing as the catalogue does from MemTotal and
// MemAvailable; see the top of this file for MemTotal.
func sadfMemory(r *sadfRow, host []record.Tag, emit emitFunc) {
	free, _ := r.get("kbmemfree")
	buffers, okB := r.get("kbbuffers")
	cached, okC := r.get("kbcached")
	slab, okS := r.get("kbslab")
	total, okTotal := 0.0, false
	if used, ok := r.get("kbmemused"); ok && used > 0 {
		if f := r.find("%memused"); f != nil {
			tol := 0.5*math.Pow10(-sadfDecimals(f.text)) + 1e-9
			agrees := func(t float64) bool { return t > 0 && math.Abs(100*used/t-f.v) <= tol }
			if t := free + buffers + cached + slab + used; okB && okC && okS && agrees(t) {
				total, okTotal = t, true
			} else if t := free + used; agrees(t) {
				total, okTotal = t, true
			}
		}
	}
	avail, okAvail := r.use("kbavail")
	if !okAvail && okB && okC {
		avail, okAvail = free+buffers+cached, true
	}
	if okAvail && okTotal {
		avail = min(avail, total)
		emit("mem.used_pct", host, sadfPct(total-avail, total))
	}
	if okAvail {
		emit("mem.available_bytes", host, avail*1024)
	}
	if okTotal {
		emit("mem.total_bytes", host, total*1024)
	}
	for _, m := range [...]struct{ field, metric string }{
		{"kbcached", "mem.cached_bytes"}, {"kbbuffers", "mem.buffers_bytes"}, {"kbdirty", "mem.dirty_bytes"},
	} {
		if v, ok := r.use(m.field); ok {
			emit(m.metric, host, v*1024)
		}
	}
}

// sadfDecimals counts the digits after the point.
func sadfDecimals(s string) int {
	if _, frac, ok := strings.Cut(s, "."); ok {
		return len(frac)
	}
	return 0
}

// sadfNetwork maps sar -n DEV and EDEV. sysstat's kB are KiB.
func sadfNetwork(r *sadfRow, own []record.Tag, emit emitFunc) {
	for _, m := range [...]struct{ kib, bytes, metric string }{
		{"rxkB/s", "rxbyt/s", "net.rx_bytes_per_s"},
		{"txkB/s", "txbyt/s", "net.tx_bytes_per_s"},
	} {
		if v, ok := r.use(m.kib); ok {
			emit(m.metric, own, sadfRound2(v*1024))
		} else if v, ok := r.use(m.bytes); ok {
			emit(m.metric, own, sadfRound2(v))
		}
	}
	if rx, ok := r.get("rxerr/s"); ok {
		if tx, ok := r.get("txerr/s"); ok {
			emit("net.errors_per_s", own, sadfRound2(rx+tx))
		}
	}
	for _, m := range [...]struct{ field, metric string }{
		{"rxpck/s", "net.rx_packets_per_s"}, {"txpck/s", "net.tx_packets_per_s"},
		{"rxdrop/s", "net.rx_drops_per_s"}, {"txdrop/s", "net.tx_drops_per_s"},
		{"rxerr/s", "net.rx_errors_per_s"}, {"txerr/s", "net.tx_errors_per_s"},
	} {
		if v, ok := r.use(m.field); ok {
			emit(m.metric, own, sadfRound2(v))
		}
	}
}

// sadfDiskIO maps sar -d: kB/s are KiB/s, and older sysstat's sectors are
// 512 bytes whatever the device's own.
func sadfDiskIO(r *sadfRow, own []record.Tag, emit emitFunc) {
	for _, m := range [...]struct{ kib, sectors, metric string }{
		{"rkB/s", "rd_sec/s", "diskio.read_bytes_per_s"},
		{"wkB/s", "wr_sec/s", "diskio.write_bytes_per_s"},
	} {
		if v, ok := r.use(m.kib); ok {
			emit(m.metric, own, sadfRound2(v*1024))
		} else if v, ok := r.use(m.sectors); ok {
			emit(m.metric, own, sadfRound2(v*512))
		}
	}
	if v, ok := r.use("%util"); ok {
		emit("diskio.util_pct", own, sadfPct(v, 100))
	}
	for _, f := range [...]string{"aqu-sz", "avgqu-sz"} {
		if v, ok := r.use(f); ok {
			emit("diskio.queue_size", own, sadfRound2(v))
			break
		}
	}
}

// sadfFilesystem maps sar -F. sysstat's MB are MiB, and %ufsused is
// (blocks - bavail) / blocks: what unprivileged users cannot write.
func sadfFilesystem(r *sadfRow, own []record.Tag, emit emitFunc) {
	const mib = 1 << 20
	if free, ok := r.get("MBfsfree"); ok {
		if used, ok := r.get("MBfsused"); ok {
			size := free + used
			if u, ok := r.get("%ufsused"); ok {
				avail := max(0, size*(100-u)/100)
				if used+avail > 0 {
					emit("disk.used_pct", own, sadfPct(used, used+avail))
				}
				emit("disk.avail_bytes", own, math.Round(avail*mib))
			}
			emit("disk.size_bytes", own, size*mib)
		}
	}
	if free, ok := r.get("Ifree"); ok {
		if used, ok := r.get("Iused"); ok && free+used > 0 {
			r.use("%Iused")
			emit("disk.inodes_used_pct", own, sadfPct(used, free+used))
		}
	}
}

// sadfPct and sadfRound2 are the catalogue's pct and round2: to two
// decimals, and sadfPct capped to [0, 100].
func sadfPct(part, whole float64) float64 {
	return sadfRound2(math.Min(100, math.Max(0, 100*part/whole)))
}

func sadfRound2(v float64) float64 { return math.Round(v*100) / 100 }

// sysstatName makes a sysstat field a metric name: %steal is
// sysstat.steal_pct, rxpck/s sysstat.rxpck_per_s, file-nr
// sysstat.file_nr.
func sysstatName(field string) string {
	b := make([]byte, 0, len("sysstat.")+len(field)+6)
	b = append(b, "sysstat."...)
	name, isPct := strings.CutPrefix(field, "%")
	name, perS := strings.CutSuffix(name, "/s")
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' {
			b = append(b, c)
		} else {
			b = append(b, '_')
		}
	}
	if isPct {
		b = append(b, "_pct"...)
	}
	if perS {
		b = append(b, "_per_s"...)
	}
	return string(b)
}

// sadfJSON reads sadf -j's one document, {"sysstat": {"hosts": [{...,
// "statistics": [...]}]}}, an element of statistics at a time: a day of
// sar -A is tens of megabytes.
type sadfJSON struct {
	dec   *json.Decoder
	lc    *lineCounter
	file  string
	state int
	host  string
	// Whether the keys that make a document sadf -j's were seen.
	sysstat, hosts bool
	// The value being read whole: where it started, how many values
	// it holds so far.
	start int64
	nodes int
}

// The bounds of a value of sadf -j read whole, as an element of
// "statistics" is: a day of sar -A on a machine of 256 CPUs has elements
// of a few hundred kilobytes and tens of thousands of values.
const (
	maxSadfElement = 8 << 20
	maxSadfValues  = 1 << 18
)

const (
	jsTop = iota
	jsTopKeys
	jsSysstatKeys
	jsHosts
	jsHostKeys
	jsStatistics
	jsEnd
)

func newSadfJSON(r io.Reader, file string) *sadfJSON {
	lc := &lineCounter{r: newGuard(r, file, &jsonScan{})}
	dec := json.NewDecoder(lc)
	dec.UseNumber()
	return &sadfJSON{dec: dec, lc: lc, file: file}
}

func (j *sadfJSON) line() int { return j.lc.line(j.dec.InputOffset()) }

func (j *sadfJSON) lineError(line int, err error) error {
	return &record.LineError{File: j.file, Line: line, Err: err}
}

// token reads the next token, making a syntax error a LineError.
func (j *sadfJSON) token() (json.Token, error) {
	t, err := j.dec.Token()
	if err == nil || err == io.EOF {
		return t, err
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// The decoder's offset, not the error's: for a value that Token
		// decodes whole (true, 1e5) that one counts from no clear place.
		return nil, j.lineError(j.line(), fmt.Errorf("bad JSON: %v", se))
	case err == io.ErrUnexpectedEOF:
		return nil, j.lineError(j.line(), errors.New("JSON document cut short"))
	}
	return nil, err
}

// expect reads a token that opens an object or an array.
func (j *sadfJSON) expect(d json.Delim, what string) error {
	t, err := j.token()
	if err == io.EOF {
		return j.lineError(j.line(), errors.New("JSON document cut short"))
	}
	if err != nil {
		return err
	}
	if t != d {
		return j.lineError(j.line(), fmt.Errorf("%s is not a JSON %s", what, map[json.Delim]string{'{': "object", '[': "array"}[d]))
	}
	return nil
}

// next goes on until an element of statistics is read, or the end. A
// document that does not go on as sadf -j's does ends the input: after
// a LineError, the next call gives io.EOF.
func (j *sadfJSON) next(s *sadf) error {
	err := j.step(s)
	if err != nil && err != io.EOF {
		j.state = jsEnd
		var le *record.LineError
		if errors.As(err, &le) {
			s.queue = append(s.queue, sadfOut{err: err})
			return io.EOF
		}
	}
	return err
}

func (j *sadfJSON) step(s *sadf) error {
	for {
		if j.state == jsTop {
			t, err := j.token()
			if err == io.EOF {
				return io.EOF // empty input
			}
			if err != nil {
				return err
			}
			if t != json.Delim('{') {
				return j.lineError(j.line(), errors.New("not sadf -j's JSON: the document is not an object"))
			}
			j.state = jsTopKeys
			continue
		}
		if j.state == jsEnd {
			if _, err := j.token(); err != io.EOF {
				if err == nil {
					err = j.lineError(j.line(), errors.New("more after the end of the JSON document"))
				}
				return err
			}
			return io.EOF
		}
		t, err := j.token()
		if err == io.EOF {
			return j.lineError(j.line(), errors.New("JSON document cut short"))
		}
		if err != nil {
			return err
		}
		switch j.state {
		case jsTopKeys, jsSysstatKeys, jsHostKeys:
			if t == json.Delim('}') {
				switch {
				case j.state == jsTopKeys && !j.sysstat:
					return j.lineError(j.line(), errors.New(`not sadf -j's JSON: no "sysstat" object`))
				case j.state == jsSysstatKeys && !j.hosts:
					return j.lineError(j.line(), errors.New(`not sadf -j's JSON: no "hosts" in "sysstat"`))
				}
				j.state = map[int]int{jsTopKeys: jsEnd, jsSysstatKeys: jsTopKeys, jsHostKeys: jsHosts}[j.state]
				continue
			}
			key := t.(string) // Token gives keys as strings
			if err := j.key(key); err != nil {
				return err
			}
		case jsHosts:
			switch t {
			case json.Delim(']'):
				j.state = jsSysstatKeys
			case json.Delim('{'):
				j.state, j.host = jsHostKeys, ""
			default:
				return j.lineError(j.line(), errors.New(`an element of "hosts" is not an object`))
			}
		case jsStatistics:
			switch t {
			case json.Delim(']'):
				j.state = jsHostKeys
				continue
			case json.Delim('{'):
				n, err := j.whole(t)
				if err != nil {
					return err
				}
				j.statistics(s, &n)
				return nil
			default:
				return j.lineError(j.line(), errors.New(`an element of "statistics" is not an object`))
			}
		}
	}
}

// key handles the value of an object key in the levels above the
// statistics.
func (j *sadfJSON) key(key string) error {
	switch {
	case j.state == jsTopKeys && key == "sysstat":
		if err := j.expect('{', `"sysstat"`); err != nil {
			return err
		}
		j.state, j.sysstat = jsSysstatKeys, true
		return nil
	case j.state == jsSysstatKeys && key == "hosts":
		if err := j.expect('[', `"hosts"`); err != nil {
			return err
		}
		j.state, j.hosts = jsHosts, true
		return nil
	case j.state == jsHostKeys && key == "statistics":
		if err := j.expect('[', `"statistics"`); err != nil {
			return err
		}
		j.state = jsStatistics
		return nil
	}
	t, err := j.token()
	if err == io.EOF {
		return j.lineError(j.line(), errors.New("JSON document cut short"))
	}
	if err != nil {
		return err
	}
	n, err := j.whole(t)
	if err != nil {
		return err
	}
	if j.state == jsHostKeys && key == "nodename" {
		if n.kind != 's' {
			return j.lineError(n.line, errors.New(`"nodename" is not a string`))
		}
		j.host = n.text
	}
	return nil
}

// A jnode is a JSON value with the line it is on.
type jnode struct {
	key  string // in its object
	kind byte   // '{', '[', 's' string, 'n' number, 'b' true or false, '0' null
	text string // of a string or a number
	kids []jnode
	line int
}

// whole reads a value whole, within the bounds of one.
func (j *sadfJSON) whole(t json.Token) (jnode, error) {
	j.start, j.nodes = j.dec.InputOffset(), 0
	return j.value(t)
}

func (j *sadfJSON) value(t json.Token) (jnode, error) {
	n := jnode{line: j.line()}
	if j.nodes++; j.nodes > maxSadfValues {
		return n, j.lineError(n.line, fmt.Errorf("an element of sadf -j holds more than %d values", maxSadfValues))
	}
	if j.dec.InputOffset()-j.start > maxSadfElement {
		return n, j.lineError(n.line, fmt.Errorf("an element of sadf -j is longer than %d bytes", maxSadfElement))
	}
	switch t := t.(type) {
	case json.Delim:
		n.kind = byte(t)
		end := json.Delim('}')
		if t == '[' {
			end = ']'
		}
		for {
			t, err := j.token()
			if err == io.EOF {
				return n, j.lineError(j.line(), errors.New("JSON document cut short"))
			}
			if err != nil {
				return n, err
			}
			if t == end {
				return n, nil
			}
			var key string
			if n.kind == '{' {
				key = t.(string)
				if t, err = j.token(); err != nil {
					if err == io.EOF {
						err = j.lineError(j.line(), errors.New("JSON document cut short"))
					}
					return n, err
				}
			}
			kid, err := j.value(t)
			if err != nil {
				return n, err
			}
			kid.key = key
			n.kids = append(n.kids, kid)
		}
	case string:
		n.kind, n.text = 's', t
	case json.Number:
		n.kind, n.text = 'n', string(t)
	case bool:
		n.kind = 'b'
	case nil:
		n.kind = '0'
	}
	return n, nil
}

func (n *jnode) kid(key string) *jnode {
	for i := range n.kids {
		if n.kids[i].key == key {
			return &n.kids[i]
		}
	}
	return nil
}

// statistics maps one element: a timestamp and the activities.
func (j *sadfJSON) statistics(s *sadf, n *jnode) {
	if j.host == "" {
		s.fail(n.line, errors.New(`statistics before the host's "nodename"`))
		return
	}
	t, err := jsonSadfTime(n)
	if err != nil {
		s.fail(n.line, err)
		return
	}
	for i := range n.kids {
		a := &n.kids[i]
		if a.key == "timestamp" {
			continue
		}
		j.activity(s, a, t)
	}
}

// jsonSadfTime reads {"date": "2026-11-25", "time": "04:56:36", "utc": 1}.
func jsonSadfTime(n *jnode) (int64, error) {
	ts := n.kid("timestamp")
	if ts == nil || ts.kind != '{' {
		return 0, errors.New(`statistics without a "timestamp" object`)
	}
	date, clock, utc := ts.kid("date"), ts.kid("time"), ts.kid("utc")
	if date == nil || clock == nil || date.kind != 's' || clock.kind != 's' {
		return 0, errors.New(`"timestamp" without a "date" and a "time"`)
	}
	s := date.text + " " + clock.text
	if utc == nil || utc.text != "1" {
		return 0, fmt.Errorf("timestamp %s is local time, of no known zone (sadf -t or -T): run sadf -j without them", quoteInput(s))
	}
	t, err := time.ParseInLocation(time.DateTime, s, time.UTC)
	if err != nil {
		return 0, fmt.Errorf(`timestamp %s is not "2006-01-02 15:04:05"`, quoteInput(s))
	}
	return timeInRange(s, float64(t.Unix()))
}

// A sadfAct says how sadf -j writes an activity, so that its fields can
// be given sadf -d's names.
type sadfAct struct {
	tags  map[string]string // keys naming the instance → sadf -d's column
	names map[string]string // keys sadf -d names otherwise
	rate  bool              // keys are per second: sadf -d adds "/s"...
	keep  []string          // ...but to these
	kb    bool              // keys are KiB: sadf -d adds "kb"
	pct   bool              // keys are percentages: sadf -d adds "%"
	psi   string            // some_avg10 → %scpu-10
	old   map[string]string // an old key → its newer twin, which makes it redundant
	kids  bool              // holds activities (network, power-management, psi)
	skip  bool
	open  bool // unknown: a string names the instance
}

func (a *sadfAct) column(key string) string {
	if n, ok := a.names[key]; ok {
		return n
	}
	if a.psi != "" {
		kind, avg, _ := strings.Cut(key, "_avg")
		if kind == "" {
			return key
		}
		if avg != "" {
			avg = "-" + avg
		}
		return "%" + kind[:1] + a.psi + avg
	}
	if k, ok := strings.CutSuffix(key, "-percent"); ok {
		return "%" + k
	}
	if a.pct {
		return "%" + key
	}
	if a.kb {
		return "kb" + key
	}
	if a.rate {
		for _, k := range a.keep {
			if k == key {
				return key
			}
		}
		return key + "/s"
	}
	return key
}

var (
	sadfCPU   = &sadfAct{tags: map[string]string{"cpu": "CPU"}, pct: true}
	sadfRates = &sadfAct{rate: true}
	sadfPlain = &sadfAct{}
	sadfOther = &sadfAct{open: true}
)

// sadfActs are sadf -j's activities, by key. One missing here is read
// by the general rules: "-percent" is a leading '%', a string names the
// instance.
var sadfActs = map[string]*sadfAct{
	"cpu-load":                   sadfCPU,
	"cpu-load-all":               sadfCPU,
	"process-and-context-switch": sadfRates,
	"swap-pages":                 sadfRates,
	"paging":                     sadfRates,
	"io": {names: map[string]string{
		"bread": "bread/s", "bwrtn": "bwrtn/s", "bdscd": "bdscd/s"}},
	"memory":    {kb: true, names: map[string]string{"inactive": "kbinact"}},
	"hugepages": {kb: true},
	"kernel":    sadfPlain,
	"queue":     sadfPlain,
	"serial":    {tags: map[string]string{"line": "TTY"}, rate: true},
	"disk": {
		tags: map[string]string{"disk-device": "DEV"},
		names: map[string]string{
			"rkB": "rkB/s", "wkB": "wkB/s", "dkB": "dkB/s",
			"rd_sec": "rd_sec/s", "wr_sec": "wr_sec/s", "dc_sec": "dc_sec/s"},
		old: map[string]string{
			"rd_sec": "rkB", "wr_sec": "wkB", "dc_sec": "dkB",
			"avgrq-sz": "areq-sz", "avgqu-sz": "aqu-sz"},
	},
	"network":     {kids: true},
	"net-dev":     {tags: map[string]string{"iface": "IFACE"}, rate: true},
	"net-edev":    {tags: map[string]string{"iface": "IFACE"}, rate: true},
	"net-nfs":     {rate: true, names: map[string]string{"retrans": "nfs_retrans/s"}},
	"net-nfsd":    sadfRates,
	"net-sock":    sadfPlain,
	"net-ip":      sadfRates,
	"net-eip":     sadfRates,
	"net-icmp":    sadfRates,
	"net-eicmp":   sadfRates,
	"net-tcp":     sadfRates,
	"net-etcp":    sadfRates,
	"net-udp":     sadfRates,
	"net-sock6":   sadfPlain,
	"net-ip6":     sadfRates,
	"net-eip6":    sadfRates,
	"net-icmp6":   sadfRates,
	"net-eicmp6":  sadfRates,
	"net-udp6":    sadfRates,
	"softnet":     {tags: map[string]string{"cpu": "CPU"}, rate: true, keep: []string{"blg_len"}},
	"net-fc":      {tags: map[string]string{"fchost": "FCHOST"}, rate: true},
	"filesystems": {tags: map[string]string{"filesystem": "FILESYSTEM", "mountpoint": "MOUNTPOINT"}},

	"power-management": {kids: true},
	"cpu-frequency":    {tags: map[string]string{"number": "CPU"}, names: map[string]string{"frequency": "MHz"}},
	"fan-speed":        {tags: map[string]string{"number": "FAN", "device": "DEVICE"}},
	"temperature":      {tags: map[string]string{"number": "TEMP", "device": "DEVICE"}, names: map[string]string{"percent-temp": "%temp"}},
	"voltage-input":    {tags: map[string]string{"number": "IN", "device": "DEVICE"}, names: map[string]string{"percent-in": "%in"}},
	"usb-devices":      {skip: true},

	"psi":     {kids: true},
	"psi-cpu": {psi: "cpu"},
	"psi-io":  {psi: "io"},
	"psi-mem": {psi: "mem"},
}

func (j *sadfJSON) activity(s *sadf, a *jnode, t int64) {
	act := sadfActs[a.key]
	if act == nil {
		act = sadfOther
	}
	switch {
	case act.skip:
	case act.kids && a.kind == '{':
		for i := range a.kids {
			j.activity(s, &a.kids[i], t)
		}
	case a.key == "interrupts" && a.kind == '[':
		for i := range a.kids {
			j.interrupts(s, &a.kids[i], t)
		}
	case a.kind == '[':
		for i := range a.kids {
			j.element(s, act, &a.kids[i], t)
		}
	case a.kind == '{':
		j.element(s, act, a, t)
	default:
		s.fail(a.line, fmt.Errorf("activity %q is neither an object nor an array", a.key))
	}
}

// element maps an object: one instance, or the figures of an activity
// that has none. Objects inside (io's io-reads) add their fields.
func (j *sadfJSON) element(s *sadf, act *sadfAct, n *jnode, t int64) {
	if n.kind != '{' {
		s.fail(n.line, errors.New("an element of an activity is not an object"))
		return
	}
	r := sadfRow{host: j.host, time: t, line: n.line}
	var bad error
	var walk func(n *jnode)
	walk = func(n *jnode) {
		for i := range n.kids {
			k := &n.kids[i]
			if col, ok := act.tags[k.key]; ok && (k.kind == 's' || k.kind == 'n') {
				r.addTag(sadfTagKey(col), k.text)
				continue
			}
			switch k.kind {
			case '{':
				walk(k)
			case 's':
				if !act.open {
					if bad == nil {
						bad = j.lineError(k.line, fmt.Errorf("%s is a string, not a number", k.key))
					}
					continue
				}
				r.addTag(jsonTagKey(k.key), k.text)
			case 'n':
				if newer, ok := act.old[k.key]; ok && n.kid(newer) != nil {
					continue
				}
				v, err := parseNumber(k.text)
				if err != nil {
					if bad == nil {
						bad = j.lineError(k.line, fmt.Errorf("%s: %w", k.key, err))
					}
					continue
				}
				r.fields = append(r.fields, sadfField{name: act.column(k.key), v: v, text: k.text})
			default:
				if bad == nil {
					bad = j.lineError(k.line, fmt.Errorf("%s is not a number", k.key))
				}
			}
		}
	}
	walk(n)
	if bad != nil {
		s.queue = append(s.queue, sadfOut{err: bad})
	}
	s.emitRow(&r)
}

// interrupts maps {"intr": "sum", "all": 665.00, "CPU0": 376.00, ...},
// or sysstat 11's {"intr": "sum", "value": 665.00}.
func (j *sadfJSON) interrupts(s *sadf, n *jnode, t int64) {
	intr := n.kid("intr")
	if n.kind != '{' || intr == nil || (intr.kind != 's' && intr.kind != 'n') {
		s.fail(n.line, errors.New(`an interrupt without its "intr"`))
		return
	}
	for i := range n.kids {
		k := &n.kids[i]
		if k == intr {
			continue
		}
		cpu, ok := strings.CutPrefix(k.key, "CPU")
		ok = ok && cpu != "" && strings.Trim(cpu, "0123456789") == ""
		if k.key == "all" || k.key == "value" {
			cpu, ok = "all", true
		}
		if !ok || k.kind != 'n' {
			s.fail(k.line, fmt.Errorf("interrupt field %q is not a CPU's number", k.key))
			continue
		}
		v, err := parseNumber(k.text)
		if err != nil {
			s.fail(k.line, fmt.Errorf("%s: %w", k.key, err))
			continue
		}
		r := sadfRow{host: j.host, time: t, line: k.line}
		r.addTag("intr", intr.text)
		r.addTag("cpu", cpu)
		r.fields = append(r.fields, sadfField{name: "intr/s", v: v, text: k.text})
		s.emitRow(&r)
	}
}

// jsonTagKey makes a key of sadf -j a tag key.
func jsonTagKey(k string) string {
	b := []byte(strings.ToLower(k))
	for i, c := range b {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-') {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "_"
	}
	return string(b)
}

// A lineCounter counts the lines of what a json.Decoder reads, so that
// an offset of the decoder can be given as a line. It keeps only the
// newlines past the last offset asked about.
type lineCounter struct {
	r    io.Reader
	off  int64
	nl   []int64 // offsets of newlines not yet counted in base
	base int
}

func (c *lineCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\n' {
			c.nl = append(c.nl, c.off+int64(i))
		}
	}
	c.off += int64(n)
	return n, err
}

// line returns the line of the byte at off, counting from 1. Offsets
// must not go back from one call to the next.
func (c *lineCounter) line(off int64) int {
	i := 0
	for i < len(c.nl) && c.nl[i] < off {
		i++
	}
	c.base += i
	c.nl = append(c.nl[:0], c.nl[i:]...)
	return c.base + 1
}
