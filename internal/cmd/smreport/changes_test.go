package smreport

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sm/internal/cli"
)

type brokenPipe struct{}

func (brokenPipe) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// TestChangesNotLost: a change that could not be written (the mail
// command gone) is not kept as said: the next run says it.
func TestChangesNotLost(t *testing.T) {
	defer func(now func() time.Time) { cli.Now = now }(cli.Now)
	cli.Now = func() time.Time { return time.Unix(1795590000, 0) }
	in := "disk.used_pct;host=web1;mount=/ 97 1795589940\n"
	args := []string{"--check", "--changes", "--state", filepath.Join(t.TempDir(), "check.state"), "-"}
	var stderr bytes.Buffer
	if code := Main(args, strings.NewReader(in), brokenPipe{}, &stderr); code != 3 {
		t.Fatalf("exit %d, want 3; stderr %q", code, stderr.String())
	}
	var stdout bytes.Buffer
	if code := Main(args, strings.NewReader(in), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, want 0; stderr %q", code, stderr.String())
	}
	if want := "CRITICAL - disk.used_pct;host=web1;mount=/ 97 > 95 (new)\n"; stdout.String() != want {
		t.Errorf("the next run said %q, want %q", stdout.String(), want)
	}
	stdout.Reset()
	if code := Main(args, strings.NewReader(in), &stdout, &stderr); code != 0 || stdout.Len() != 0 {
		t.Errorf("the run after: exit %d, %q; want 0 and nothing", code, stdout.String())
	}
}
