package tests

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"sm/internal/peakrss"
	"sm/internal/record"
)

// TestFaultHostileMeta sends sm-store meta lines as large as they may
// be, each with as many labels as it may have: it stores them all, and
// holds only a few at a time, whatever their number.
func TestFaultHostileMeta(t *testing.T) {
	const maxRSS = 64 << 20
	bin := built(t, "sm-store")
	meter, err := peakrss.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// One line: 500 labels of 120 bytes, near 64 KiB.
	var b strings.Builder
	b.WriteString("#meta munin.big host=web1")
	for i := range record.MaxMetaFields {
		fmt.Fprintf(&b, " label.f%03d=%s", i, strings.Repeat("x", 115))
	}
	line := b.String() + "\n"
	if len(line) > record.MaxMetaLine {
		t.Fatalf("test line of %d bytes", len(line))
	}
	const n = 2048 // 128 MiB
	cmd := exec.Command(bin, "--db", t.TempDir()+"/m.db")
	var stdout, stderr bytes.Buffer
	w, peak := startMetered(t, meter, cmd, &stdout, &stderr)
	bw := bufio.NewWriterSize(w, 1<<16)
	for range n {
		bw.WriteString(line)
	}
	bw.WriteString("x;host=web1 1\n")
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if err := cmd.Wait(); err != nil || stderr.Len() > 0 {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	rss, err := peak()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d meta lines of %d bytes, peak RSS %.1f MB", n, len(line), float64(rss)/1e6)
	if rss > maxRSS {
		t.Errorf("peak RSS %d bytes, more than %d", rss, maxRSS)
	}
}
