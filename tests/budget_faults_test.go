package tests

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"sm/internal/store"
)

// TestFaultSeriesBomb sends one run of scale.series made-up series of
// one host, a million at full size: sm-store stores those within its
// default budget, refuses the rest into --reject in one message, stays
// under 30 MB, and the database keeps nothing of what it refused, so
// the next cron run finds it as before.
func TestFaultSeriesBomb(t *testing.T) {
	const maxNew = 15000 // sm-store's default --max-new-series
	n := scale.series
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	bin := built(t, "sm-store")
	names := sampleShaped()
	now := time.Now().Unix() / 60 * 60
	cron := func(ts int64) []byte {
		var b bytes.Buffer
		for _, name := range names {
			fmt.Fprintf(&b, "%s 1 %d\n", name, ts)
		}
		return b.Bytes()
	}
	store1 := func(input []byte) string {
		cmd := exec.Command(bin, "--db", db, "-v")
		cmd.Stdin = bytes.NewReader(input)
		out, code := run(t, cmd)
		if code != 0 {
			t.Fatalf("cron run: exit %d: %s", code, out)
		}
		return out
	}
	store1(cron(now - 120))

	rejected := filepath.Join(dir, "rejected")
	cmd := exec.Command(bin, "--db", db, "-v", "--reject", rejected)
	var stdout, stderr bytes.Buffer
	w, peak := startMetered(t, nil, cmd, &stdout, &stderr)
	go func() {
		bw := bufio.NewWriterSize(w, 1<<16)
		for i := range n {
			fmt.Fprintf(bw, "bomb.m%d;host=evil;x=%d 1 %d\n", i, i, now-60)
		}
		bw.Flush()
		w.Close()
	}()
	if err := cmd.Wait(); cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("the bomb's run: %v, want exit 1: %s", err, stderr.String())
	}
	refused := n - maxNew
	if want := fmt.Sprintf("stored %d records, %d rejected, %d series new\n", maxNew, refused, maxNew); stdout.String() != want {
		t.Errorf("got %q, want %q", stdout.String(), want)
	}
	if want := fmt.Sprintf("sm-store: %d records of host \"evil\" refused: more than %d new series in one run (--max-new-series)\n", refused, maxNew); stderr.String() != want {
		t.Errorf("got %q, want %q", stderr.String(), want)
	}
	rss, err := peak()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d series, peak RSS %.1f MB", n, float64(rss)/1e6)
	if rss >= 30<<20 {
		t.Errorf("peak RSS %.1f MB, want under 30 MB", float64(rss)/(1<<20))
	}
	data, err := os.ReadFile(rejected)
	if err != nil {
		t.Fatal(err)
	}
	if got := bytes.Count(data, []byte("\n")); got != refused {
		t.Errorf("%d lines in --reject, want %d", got, refused)
	}
	if want := fmt.Sprintf("bomb.m%d;host=evil;x=%d 1 %d\n", maxNew, maxNew, now-60); !bytes.HasPrefix(data, []byte(want)) {
		t.Errorf("--reject starts %.80q, want %q", data, want)
	}

	// Nothing of the refused series stayed: the database has the cron
	// run's series and those within the budget, and the next cron run
	// stores its records of series that exist, creating none.
	sdb, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	all, err := sdb.FindSeries(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	evil, err := sdb.FindSeries(nil, []string{"host=evil"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sdb.Close()
	if len(all) != len(names)+maxNew || len(evil) != maxNew {
		t.Errorf("%d series, %d of host evil; want %d and %d", len(all), len(evil), len(names)+maxNew, maxNew)
	}
	for _, s := range evil {
		var i int
		if _, err := fmt.Sscanf(s.Name, "bomb.m%d", &i); err != nil || i >= maxNew {
			t.Errorf("refused series %s in the database", s.Key())
			break
		}
	}
	if out, want := store1(cron(now)), fmt.Sprintf("stored %d records, 0 rejected, 0 series new\n", len(names)); out != want {
		t.Errorf("the next cron run: %q, want %q", out, want)
	}
}
