package tests

import (
	"bytes"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"sm/internal/record"
	"sm/internal/store"
)

// smStore returns the sm-store command that testscript put in $PATH.
func smStore(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("sm-store")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// input writes n distinct records, spread over series and several
// periods, some closed and some open at now, and returns them in order.
func input(t *testing.T, path string, n, series int, now int64) []string {
	t.Helper()
	var b bytes.Buffer
	lines := make([]string, 0, n)
	start := now - int64(n/series)*60 + 60
	for i := 0; i < n; i++ {
		v := record.AppendValue(nil, float64(i)+float64(i%100)/100)
		l := fmt.Sprintf("test.value;host=h%d;i=%d %s %d", i%series, i%3, v, start+int64(i/series)*60)
		lines = append(lines, l)
		b.WriteString(l + "\n")
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return lines
}

// stored returns every sample of the database as a record line.
func stored(t *testing.T, path string) map[string]bool {
	t.Helper()
	db, err := store.Open(path, store.Options{ReadOnly: true, Wait: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ss, err := db.FindSeries(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, s := range ss {
		err := db.Scan(s.ID, 0, record.MaxTime+1, func(ts int64, v float64) error {
			l := fmt.Sprintf("%s %s %d", s.Key(), record.AppendValue(nil, v), ts)
			if out[l] {
				t.Errorf("%q stored twice", l)
			}
			out[l] = true
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// holds fails the test unless the database at path has every record of
// want, and, when exactly, nothing else.
func holds(t *testing.T, path string, want []string, exactly bool) {
	t.Helper()
	got := stored(t, path)
	for _, l := range want {
		if !got[l] {
			t.Fatalf("missing %q", l)
		}
	}
	if exactly && len(got) != len(want) {
		t.Errorf("%d records stored, want %d", len(got), len(want))
	}
}

// storeFirst stores n records of input: the database as it is before
// a run that fails.
func storeFirst(t *testing.T, bin, db string, n, series int, now int64) {
	t.Helper()
	first := filepath.Join(t.TempDir(), "first")
	input(t, first, n, series, now)
	if out, err := exec.Command(bin, "--db", db, first).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
}

// integrity checks the database with PRAGMA integrity_check.
func integrity(t *testing.T, path string) {
	t.Helper()
	// Read and write: a run killed while it made the database leaves a
	// rollback journal (WAL starts after the schema), which only a
	// writer rolls back, as the next sm-store does.
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check: %q, %v", res, err)
	}
}

// TestFaultConcurrentWriters starts many sm-store processes at once on
// one new database, as many hosts' cron lines landing on a hub: every
// one must succeed, and every record be stored.
func TestFaultConcurrentWriters(t *testing.T) {
	writers, each := scale.writers, 1000
	dir := t.TempDir()
	db := filepath.Join(dir, "hub.db")
	now := time.Now().Unix()
	var want []string
	for w := range writers {
		var b bytes.Buffer
		for i := range each {
			l := fmt.Sprintf("load.5m;host=h%d %d %d", w, i, now-int64(each-i)*60)
			b.WriteString(l + "\n")
			want = append(want, l)
		}
		os.WriteFile(filepath.Join(dir, fmt.Sprint(w)), b.Bytes(), 0o644)
	}
	bin := smStore(t)
	var wg sync.WaitGroup
	errs := make([]string, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := exec.Command(bin, "--db", db, filepath.Join(dir, fmt.Sprint(w))).CombinedOutput()
			if err != nil || len(out) > 0 {
				errs[w] = fmt.Sprintf("writer %d: %v: %s", w, err, out)
			}
		}()
	}
	wg.Wait()
	for _, e := range errs {
		if e != "" {
			t.Error(e)
		}
	}
	holds(t, db, want, true)
	integrity(t, db)
}

// TestFaultKilled kills sm-store at random moments of a large ingest. After
// each kill the database must pass integrity_check and hold a prefix of
// the input, whole batches only; a last run completes it, with no
// sample twice.
func TestFaultKilled(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	in := filepath.Join(dir, "in")
	now := time.Now().Unix()
	lines := input(t, in, 200000, 40, now)
	bin := smStore(t)

	// How long a whole run takes, to kill within it.
	start := time.Now()
	if out, err := exec.Command(bin, "--db", filepath.Join(dir, "timing.db"), in).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	full := time.Since(start)

	r := rand.New(rand.NewPCG(uint64(now), 7))
	for i := range scale.kills {
		cmd := exec.Command(bin, "--db", db, in)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// A random moment of the run: the randomness is the test.
		time.Sleep(time.Duration(r.Int64N(int64(full))))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if fi, err := os.Stat(db); err != nil || fi.Size() == 0 {
			continue // killed before it made the database
		}
		integrity(t, db)
		got := storedSoFar(t, db)
		prefix := 0
		for prefix < len(lines) && got[lines[prefix]] {
			prefix++
		}
		for _, l := range lines[prefix:] {
			if got[l] {
				t.Fatalf("kill %d: %q stored though %q, before it, is not", i, l, lines[prefix])
			}
		}
	}
	if out, err := exec.Command(bin, "--db", db, in).CombinedOutput(); err != nil {
		t.Fatalf("last run: %v: %s", err, out)
	}
	integrity(t, db)
	holds(t, db, lines, true)
}

// TestFaultDiskFull fills the filesystem under the database: sm-store must
// fail in one line naming the database, exit 1, and keep every record in
// the spool; once there is room, the next run stores the spool.
func TestFaultDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small filesystem needs root")
	}
	dir := t.TempDir()
	mnt := filepath.Join(dir, "small")
	os.Mkdir(mnt, 0o755)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	db := filepath.Join(mnt, "m.db")
	bin := smStore(t)
	now := time.Now().Unix()
	storeFirst(t, bin, db, 100, 10, now)
	// Fill what is left.
	filler := filepath.Join(mnt, "filler")
	exec.Command("dd", "if=/dev/zero", "of="+filler, "bs=4k").Run()

	in := filepath.Join(dir, "in")
	lines := input(t, in, 5000, 50, now-3*86400)
	spool := filepath.Join(dir, "spool")
	out, err := exec.Command(bin, "--db", db, "--spool", spool, in).CombinedOutput()
	if err == nil {
		t.Fatalf("a full disk went unnoticed: %s", out)
	}
	msg := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(msg) != 2 || !strings.HasPrefix(msg[0], "sm-store: "+db+": ") || !strings.Contains(msg[0], "no space left on device") && !strings.Contains(msg[0], "full") ||
		msg[1] != fmt.Sprintf("sm-store: %d records kept in %s, to be stored next time", len(lines), spool) {
		t.Errorf("messages %q", msg)
	}
	sp, _ := os.ReadFile(spool)
	if got := strings.Count(string(sp), "\n"); got != len(lines) {
		t.Errorf("%d records in the spool, want %d", got, len(lines))
	}

	os.Remove(filler)
	integrity(t, db)
	if out, err := exec.Command(bin, "--db", db, "--spool", spool).CombinedOutput(); err != nil {
		t.Fatalf("after making room: %v: %s", err, out)
	}
	holds(t, db, lines, false)
	if fi, _ := os.Stat(spool); fi.Size() != 0 {
		t.Errorf("the spool was not emptied: %d bytes", fi.Size())
	}
}

// TestFaultSpoolFull: with the database and the spool both past a file size
// limit, sm-store exits 1, leaves the database as it was, and the spool
// holds only whole records, as many as it says; the rest it counts as
// not stored. Without the cut, a torn last line would be stored next
// time as another record.
func TestFaultSpoolFull(t *testing.T) {
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		t.Skip("no prlimit to set a file size limit")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	bin := smStore(t)
	now := time.Now().Unix()
	storeFirst(t, bin, db, 100, 10, now)
	before := stored(t, db)

	in := filepath.Join(dir, "in")
	lines := input(t, in, 5000, 50, now-3*86400)
	spool := filepath.Join(dir, "spool")
	cmd := exec.Command(prlimit, "--fsize=32768", "--", bin, "--db", db, "--spool", spool, in)
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("want exit 1: %v: %s", err, out)
	}
	sp, _ := os.ReadFile(spool)
	kept := strings.SplitAfter(string(sp), "\n")
	if kept[len(kept)-1] != "" {
		t.Fatalf("the spool ends in a torn line %q", kept[len(kept)-1])
	}
	kept = kept[:len(kept)-1]
	want := map[string]bool{}
	for _, l := range lines {
		want[l+"\n"] = true
	}
	for _, l := range kept {
		if !want[l] {
			t.Fatalf("the spool holds %q, not an input line", l)
		}
	}
	msg := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(kept) == 0 || len(kept) == len(lines) || len(msg) != 4 ||
		!strings.HasPrefix(msg[0], "sm-store: "+db+": ") ||
		msg[1] != "sm-store: writing the spool "+spool+": file too large" ||
		msg[2] != fmt.Sprintf("sm-store: %d records kept in %s, to be stored next time", len(kept), spool) ||
		msg[3] != fmt.Sprintf("sm-store: %d records not stored", len(lines)-len(kept)) {
		t.Errorf("%d of %d records in the spool; messages %q", len(kept), len(lines), msg)
	}
	integrity(t, db)
	if got := stored(t, db); !reflect.DeepEqual(got, before) {
		t.Errorf("the failed run changed the database: %d records, %d before", len(got), len(before))
	}
	if out, err := exec.Command(bin, "--db", db, "--spool", spool, "-v").CombinedOutput(); err != nil ||
		!strings.HasPrefix(string(out), fmt.Sprintf("stored %d records, 0 rejected, ", len(kept))) {
		t.Errorf("storing the spool: %v: %s", err, out)
	}
}

// TestFaultReadOnly: a database the user may not write to fails the same way.
func TestFaultReadOnly(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	bin := smStore(t)
	now := time.Now().Unix()
	storeFirst(t, bin, db, 10, 2, now)
	in := filepath.Join(dir, "in")
	lines := input(t, in, 300, 3, now)
	spool := filepath.Join(dir, "spool")

	cmd := exec.Command(bin, "--db", db, "--spool", spool, in)
	if os.Geteuid() == 0 {
		// Root writes anywhere: run as nobody, whom the file refuses.
		bin2 := filepath.Join(dir, "sm-store")
		data, _ := os.ReadFile(bin)
		os.WriteFile(bin2, data, 0o755)
		os.Chmod(dir, 0o777)
		os.Chmod(filepath.Dir(dir), 0o755)
		chmodDB(db, 0o644)
		cmd = exec.Command(bin2, "--db", db, "--spool", spool, in)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	} else {
		chmodDB(db, 0o444)
	}
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("a read-only database went unnoticed: %s", out)
	}
	msg := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(msg) != 2 || !strings.HasPrefix(msg[0], "sm-store: "+db+": ") || !strings.Contains(msg[0], "readonly") ||
		msg[1] != fmt.Sprintf("sm-store: %d records kept in %s, to be stored next time", len(lines), spool) {
		t.Errorf("messages %q", msg)
	}
	chmodDB(db, 0o644)
	if os.Geteuid() == 0 {
		// Root writes only a spool of its own: the one nobody made is
		// handed over first, as an administrator would.
		os.Chown(spool, 0, 0)
	}
	if out, err := exec.Command(bin, "--db", db, "--spool", spool).CombinedOutput(); err != nil {
		t.Fatalf("after: %v: %s", err, out)
	}
	holds(t, db, lines, false)
}

// chmodDB sets the mode of a database and of the journal files SQLite
// keeps beside it, as they are when the database is made with that mode.
func chmodDB(path string, mode os.FileMode) {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Chmod(p, mode)
	}
}

// TestFaultLocked: a database locked by another process past --wait fails in
// one line, and the records go to the spool.
func TestFaultLocked(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	bin := smStore(t)
	in := filepath.Join(dir, "in")
	lines := input(t, in, 20, 2, time.Now().Unix())
	if out, err := exec.Command(bin, "--db", db, in).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	holder, err := sql.Open("sqlite3", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	holder.SetMaxOpenConns(1)
	if _, err := holder.Exec("BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	spool := filepath.Join(dir, "spool")
	out, err := exec.Command(bin, "--db", db, "--wait", "200ms", "--spool", spool, in).CombinedOutput()
	if err == nil {
		t.Fatalf("a locked database went unnoticed: %s", out)
	}
	want := fmt.Sprintf("sm-store: %s: database is locked\nsm-store: %d records kept in %s, to be stored next time\n", db, len(lines), spool)
	if string(out) != want {
		t.Errorf("got %q\nwant %q", out, want)
	}
	holder.Exec("ROLLBACK")
	if out, err := exec.Command(bin, "--db", db, "--spool", spool).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if fi, _ := os.Stat(spool); fi.Size() != 0 {
		t.Error("spool not emptied")
	}
}

// TestTrickle: records that come slowly, as from tail -f, are committed
// within about a second, while the input stays open.
func TestTrickle(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	cmd := exec.Command(smStore(t), "--db", db)
	w, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	now := time.Now().Unix()
	for i := range 3 {
		line := fmt.Sprintf("trickle %d %d", i, now-int64(i))
		fmt.Fprintln(w, line)
		// Wait, with a deadline, for the record to be in the database.
		deadline := time.Now().Add(20 * time.Second)
		for !storedSoFar(t, db)[line] {
			if time.Now().After(deadline) {
				t.Fatalf("%q not stored while the input stays open", line)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	w.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
}

// storedSoFar is stored, for a database that may not exist yet.
func storedSoFar(t *testing.T, path string) map[string]bool {
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	db, err := store.Open(path, store.Options{ReadOnly: true, Wait: 10 * time.Second})
	if err != nil {
		return nil // still being created
	}
	db.Close()
	return stored(t, path)
}
