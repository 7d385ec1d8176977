package tests

import (
	"bufio"
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sm/internal/peakrss"
	"sm/internal/record"
	"sm/internal/store"
)

// A faultScale sets the sizes of the fault suite (scale_test.go).
type faultScale struct {
	writers int // sm-store processes at once, a thousand records each
	kills   int // SIGKILLs at random moments of an ingest
	records int // records through one run, under the memory bound
	series  int // new series in one run, refused past the budget
}

// run runs a command and returns its combined output and exit status.
func run(t *testing.T, cmd *exec.Cmd) (string, int) {
	t.Helper()
	out, err := cmd.CombinedOutput()
	if err != nil && cmd.ProcessState == nil {
		t.Fatal(err)
	}
	return string(out), cmd.ProcessState.ExitCode()
}

// spoolLines returns the records a spool holds, failing on a torn one.
func spoolLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		t.Fatalf("the spool ends in a torn line")
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")[:bytes.Count(data, []byte("\n"))]
}

// TestFaultSharedSpool runs several sm-store at once on one spool,
// while the database refuses them: each keeps its own records there, and
// the spool holds every one of them once, whole. The next run with a
// good database stores them all and empties it.
func TestFaultSharedSpool(t *testing.T) {
	const runs, each = 10, 1000
	dir := t.TempDir()
	bad := filepath.Join(dir, "other.db")
	other, err := sql.Open("sqlite3", bad)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Exec("CREATE TABLE t(x)"); err != nil {
		t.Fatal(err)
	}
	other.Close()
	spool := filepath.Join(dir, "spool")
	bin := smStore(t)
	now := time.Now().Unix()
	var want []string
	var wg sync.WaitGroup
	outs := make([]string, runs)
	codes := make([]int, runs)
	for i := range runs {
		in := filepath.Join(dir, fmt.Sprint("in", i))
		var b strings.Builder
		for j := range each {
			l := fmt.Sprintf("shared;run=r%d %d %d", i, j, now-int64(j)*60)
			want = append(want, l)
			b.WriteString(l + "\n")
		}
		os.WriteFile(in, []byte(b.String()), 0o644)
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], codes[i] = run(t, exec.Command(bin, "--db", bad, "--spool", spool, in))
		}()
	}
	wg.Wait()
	for i := range runs {
		msg := fmt.Sprintf("sm-store: %s: not an sm database: another program's SQLite database; left untouched\n"+
			"sm-store: %d records kept in %s, to be stored next time\n", bad, each, spool)
		if codes[i] != 1 || outs[i] != msg {
			t.Errorf("run %d: exit %d, %q", i, codes[i], outs[i])
		}
	}
	got := map[string]int{}
	for _, l := range spoolLines(t, spool) {
		got[l]++
	}
	for _, l := range want {
		if got[l] != 1 {
			t.Errorf("%q is in the spool %d times", l, got[l])
		}
	}
	if len(got) != len(want) {
		t.Errorf("the spool holds %d records, want %d", len(got), len(want))
	}

	db := filepath.Join(dir, "m.db")
	if out, code := run(t, exec.Command(bin, "--db", db, "--spool", spool, "-v")); code != 0 ||
		out != fmt.Sprintf("stored %d records, 0 rejected, %d series new\n", runs*each, runs) {
		t.Errorf("storing the spool: exit %d, %q", code, out)
	}
	holds(t, db, want, true)
	if lines := spoolLines(t, spool); len(lines) != 0 {
		t.Errorf("the spool still holds %d records", len(lines))
	}
}

// TestFaultSpoolHeld: a run that cannot have the spool within --wait,
// because another holds it (forwarding over a hung link), says so, stores
// its own records all the same, and exits 1; the spool's records wait.
func TestFaultSpoolHeld(t *testing.T) {
	dir := t.TempDir()
	spool := filepath.Join(dir, "spool")
	os.WriteFile(spool, []byte("kept 1 1764043200\n"), 0o644)
	f, err := os.Open(spool)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "in")
	lines := input(t, in, 100, 5, time.Now().Unix())
	db := filepath.Join(dir, "m.db")
	out, code := run(t, exec.Command(smStore(t), "--db", db, "--spool", spool, "--wait", "100ms", in))
	if want := fmt.Sprintf("sm-store: spool %s: still locked by another sm-store after 100ms; going on without it\n", spool); code != 1 || out != want {
		t.Errorf("exit %d, %q; want exit 1, %q", code, out, want)
	}
	holds(t, db, lines, true)
	if l := spoolLines(t, spool); len(l) != 1 || l[0] != "kept 1 1764043200" {
		t.Errorf("the held spool now holds %q", l)
	}
}

// TestFaultDatabaseFile: files in the database's place that are not a
// usable sm database. Each is refused in one line naming it and left as
// it was, the run exits 1, and its records wait in the spool; a missing
// folder or an empty file is simply a new database.
func TestFaultDatabaseFile(t *testing.T) {
	bin := smStore(t)
	now := time.Now().Unix()
	// A real database of a few hundred records, for damaging.
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	storeFirst(t, bin, good, 600, 20, now)
	// Closed, its journal is empty: the file is the whole database.
	whole, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		make func(path string) // puts the file in place
		msg  string            // the first line of the message after the path; empty for success
	}{
		{"missing folder", func(path string) {}, ""},
		{"empty file", func(path string) { os.WriteFile(path, nil, 0o640) }, ""},
		{"text file", func(path string) { os.WriteFile(path, []byte("my notes\n"), 0o640) },
			"not an sm database: not a SQLite file; left untouched"},
		{"garbage", func(path string) { os.WriteFile(path, bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef, 0}, 4000), 0o640) },
			"not an sm database: not a SQLite file; left untouched"},
		{"SQLite header, garbage after", func(path string) {
			os.WriteFile(path, append([]byte("SQLite format 3\x00"), bytes.Repeat([]byte{0xff}, 8000)...), 0o640)
		}, "not an sm database: not a SQLite file; left untouched"},
		{"another program's database", func(path string) {
			db, _ := sql.Open("sqlite3", path)
			db.Exec("CREATE TABLE notes(text)")
			db.Close()
		}, "not an sm database: another program's SQLite database; left untouched"},
		{"another program's, with its application id", func(path string) {
			db, _ := sql.Open("sqlite3", path)
			db.Exec("PRAGMA application_id=1234; CREATE TABLE notes(text)")
			db.Close()
		}, "not an sm database: another program's SQLite database (application id 0x4d2); left untouched"},
		{"truncated to a page", func(path string) { os.WriteFile(path, whole[:4096], 0o640) },
			"the file is damaged (database disk image is malformed); move it aside and restore a backup"},
		{"truncated in the middle", func(path string) { os.WriteFile(path, whole[:len(whole)/2+100], 0o640) },
			"the file is damaged (database disk image is malformed); move it aside and restore a backup"},
		{"a page overwritten", func(path string) {
			b := bytes.Clone(whole)
			copy(b[len(b)-4096:], bytes.Repeat([]byte{0x5a}, 4096))
			copy(b[4096:8192], bytes.Repeat([]byte{0x5a}, 4096))
			os.WriteFile(path, b, 0o640)
		}, "the file is damaged (database disk image is malformed); move it aside and restore a backup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "sub", "m.db")
			if tt.name != "missing folder" {
				os.Mkdir(filepath.Dir(db), 0o755)
				tt.make(db)
			}
			before, _ := os.ReadFile(db)
			in := filepath.Join(dir, "in")
			lines := input(t, in, 50, 5, now)
			spool := filepath.Join(dir, "spool")
			out, code := run(t, exec.Command(bin, "--db", db, "--spool", spool, in))
			if tt.msg == "" {
				if code != 0 || out != "" {
					t.Fatalf("exit %d, %q", code, out)
				}
				if got := stored(t, db); len(got) != len(lines) {
					t.Errorf("%d records stored, want %d", len(got), len(lines))
				}
				return
			}
			want := fmt.Sprintf("sm-store: %s: %s\nsm-store: %d records kept in %s, to be stored next time\n", db, tt.msg, len(lines), spool)
			if code != 1 || out != want {
				t.Errorf("exit %d, %q\nwant exit 1, %q", code, out, want)
			}
			if after, _ := os.ReadFile(db); !bytes.Equal(after, before) {
				t.Error("the file was changed")
			}
			// Another program's file gets no journal of sm's beside it.
			for _, suffix := range []string{"-wal", "-shm"} {
				if _, err := os.Stat(db + suffix); err == nil && strings.HasPrefix(tt.msg, "not an sm database") {
					t.Errorf("left %s beside it", filepath.Base(db+suffix))
				}
			}
			if got := spoolLines(t, spool); strings.Join(got, "\n") != strings.Join(lines, "\n") {
				t.Errorf("the spool holds %d records, want the %d of the input", len(got), len(lines))
			}
		})
	}
}

// asNobody runs cmd as the unprivileged user nobody when the test runs
// as root, whom no permission stops; the binary is copied where nobody
// may run it.
func asNobody(t *testing.T, cmd *exec.Cmd) *exec.Cmd {
	t.Helper()
	if os.Geteuid() != 0 {
		return cmd
	}
	dir, err := os.MkdirTemp("", "sm-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	data, err := os.ReadFile(cmd.Path)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, filepath.Base(cmd.Path))
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd.Path = bin
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	return cmd
}

// TestFaultReadOnlyFolder: a database the user may write, in a folder
// they may not, cannot take the journal SQLite keeps beside it; sm-store
// says so, and the records wait in the spool. A user who may only read
// the database and its folder can still query it.
func TestFaultReadOnlyFolder(t *testing.T) {
	top := t.TempDir()
	os.Chmod(top, 0o777)
	os.Chmod(filepath.Dir(top), 0o755)
	dir := filepath.Join(top, "db")
	os.Mkdir(dir, 0o755)
	db := filepath.Join(dir, "m.db")
	bin := smStore(t)
	now := time.Now().Unix()
	storeFirst(t, bin, db, 30, 3, now)
	chmodDB(db, 0o666)
	os.Chmod(dir, 0o555)
	t.Cleanup(func() { os.Chmod(dir, 0o755) })

	query, err := exec.LookPath("sm-query")
	if err != nil {
		t.Fatal(err)
	}
	out, code := run(t, asNobody(t, exec.Command(query, "--db", db, "--since", "1d", "--format", "graphite")))
	if code != 0 || strings.Count(out, "\n") != 30 {
		t.Errorf("querying: exit %d, %q", code, out)
	}

	// Rid the folder of the journal, as a database from before sm kept
	// it is: now nobody can make it.
	os.Chmod(dir, 0o755)
	os.Remove(db + "-wal")
	os.Remove(db + "-shm")
	os.Chmod(dir, 0o555)
	in := filepath.Join(top, "in")
	lines := input(t, in, 40, 4, now)
	spool := filepath.Join(top, "spool")
	out, code = run(t, asNobody(t, exec.Command(bin, "--db", db, "--spool", spool, in)))
	if os.Geteuid() != 0 && code == 0 {
		t.Skip("this user writes in a read-only folder")
	}
	want := fmt.Sprintf("sm-store: %s: attempt to write a readonly database: the folder %s is not writable, and SQLite needs m.db-wal and m.db-shm beside the database\n"+
		"sm-store: %d records kept in %s, to be stored next time\n", db, dir, len(lines), spool)
	if code != 1 || out != want {
		t.Errorf("exit %d, %q\nwant exit 1, %q", code, out, want)
	}
	if got := spoolLines(t, spool); len(got) != len(lines) {
		t.Errorf("the spool holds %d records, want %d", len(got), len(lines))
	}
	out, code = run(t, asNobody(t, exec.Command(query, "--db", db, "--since", "1d")))
	if want := fmt.Sprintf("sm-query: %s: attempt to write a readonly database: the folder %s is not writable, and SQLite needs m.db-wal and m.db-shm beside the database\n", db, dir); code != 1 || out != want {
		t.Errorf("querying without the journal: exit %d, %q\nwant exit 1, %q", code, out, want)
	}
}

// TestFaultManyRecords streams records shaped as sm-sample's, a cron
// run's 46 series a minute, through one sm-store: every one is
// stored, and its peak memory stays under 30 MB however long the input.
func TestFaultManyRecords(t *testing.T) {
	n := scale.records
	names := sampleShaped()
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	// The real binary: the test binary standing in for the commands
	// carries every test and all four commands.
	cmd := exec.Command(built(t, "sm-store"), "--db", db, "-v")
	var out bytes.Buffer
	w, peak := startMetered(t, nil, cmd, &out, &out)
	minutes := (n + len(names) - 1) / len(names)
	start := time.Now().Unix()/60*60 - int64(minutes)*60
	go func() {
		bw := bufio.NewWriterSize(w, 1<<16)
		var b []byte
		for i := range n {
			ts := start + int64(i/len(names))*60
			b = append(b[:0], names[i%len(names)]...)
			b = append(b, ' ')
			b = record.AppendValue(b, float64(i%997)/8)
			b = append(b, ' ')
			b = fmt.Appendf(b, "%d\n", ts)
			bw.Write(b)
		}
		bw.Flush()
		w.Close()
	}()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if want := fmt.Sprintf("stored %d records, 0 rejected, %d series new\n", n, len(names)); out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
	rss, err := peak()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d records, peak RSS %.1f MB", n, float64(rss)/1e6)
	if rss >= 30<<20 {
		t.Errorf("peak RSS %.1f MB, want under 30 MB", float64(rss)/(1<<20))
	}
	// Count what is in the database, without holding it.
	sdb, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	ss, err := sdb.FindSeries(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for _, s := range ss {
		if err := sdb.Scan(s.ID, 0, record.MaxTime+1, func(int64, float64) error { count++; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if count != n {
		t.Errorf("%d samples in the database, want %d", count, n)
	}
}

// built returns the command built as make builds it.
func built(t *testing.T, name string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	if out, err := exec.Command("go", "build", "-trimpath", "-o", bin, "../cmd/"+name).CombinedOutput(); err != nil {
		t.Fatalf("go build: %v: %s", err, out)
	}
	return bin
}

// sampleShaped returns the 46 series a cron run of sm-sample prints on
// a small server.
func sampleShaped() []string {
	var s []string
	for _, n := range []string{"load.1m", "load.5m", "load.15m", "procs.running", "procs.total",
		"mem.used_pct", "mem.avail_bytes", "mem.cached_bytes", "swap.used_pct", "sys.uptime_s",
		"cpu.user_pct", "cpu.system_pct", "cpu.iowait_pct", "cpu.idle_pct", "cpu.steal_pct",
		"pressure.cpu_some_pct", "pressure.io_some_pct", "pressure.io_full_pct", "pressure.mem_some_pct", "pressure.mem_full_pct"} {
		s = append(s, n+";host=web1")
	}
	for _, m := range []string{"/", "/boot", "/home", "/var"} {
		for _, n := range []string{"disk.used_pct", "disk.avail_bytes", "disk.size_bytes", "disk.inodes_used_pct"} {
			s = append(s, n+";host=web1;mount="+m)
		}
	}
	for _, i := range []string{"eth0", "eth1"} {
		for _, n := range []string{"net.rx_bytes_per_s", "net.tx_bytes_per_s", "net.rx_packets_per_s"} {
			s = append(s, n+";host=web1;iface="+i)
		}
	}
	for _, d := range []string{"sda", "sdb"} {
		for _, n := range []string{"diskio.read_bytes_per_s", "diskio.write_bytes_per_s"} {
			s = append(s, n+";host=web1;disk="+d)
		}
	}
	return s
}

// startMetered starts cmd under a peak-memory meter, m or a new one when
// nil, its output to stdout and stderr and its standard input a pipe,
// which the caller writes and closes; peak reads the meter once cmd has
// been waited for.
func startMetered(t *testing.T, m *peakrss.Meter, cmd *exec.Cmd, stdout, stderr io.Writer) (stdin io.WriteCloser, peak func() (int64, error)) {
	t.Helper()
	if m == nil {
		var err error
		if m, err = peakrss.New(t.TempDir()); err != nil {
			t.Fatal(err)
		}
	}
	peak, err := m.Wrap(cmd)
	if err != nil {
		t.Fatal(err)
	}
	if stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return stdin, peak
}
