package smreport

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckUnknownOneLine: the reason a check cannot run is on one line,
// even when it quotes a path with a line feed in it.
func TestCheckUnknownOneLine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x\nOK - all fine")
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"--check", "--db", db}, strings.NewReader(""), &stdout, &stderr); code != 3 {
		t.Fatalf("exit %d, want 3 (UNKNOWN)", code)
	}
	out := stdout.String()
	if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "UNKNOWN - ") || !strings.Contains(out, `x\x0aOK - all fine`) {
		t.Errorf("stdout %q, want one UNKNOWN line", out)
	}
	if strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("stderr %q, want one line", stderr.String())
	}
}
