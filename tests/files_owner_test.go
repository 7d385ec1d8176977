package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFilesOwnedByAnother: root, running from cron, writes only files
// that root owns, as sshd's StrictModes reads only those the user owns:
// a spool, reject file, state file or report that another user made
// (or linked to a file of root's) is refused, named, and left as it was.
func TestFilesOwnedByAnother(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("root checks the owner; other users cannot write others' files anyway")
	}
	dir := t.TempDir()
	owned := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o666); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(path, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		return path
	}
	in := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(in, []byte("a 1 1764044940\nbad\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "m.db")
	for _, tc := range []struct {
		name, file, content, want string
		args                      func(file string) (string, []string)
	}{
		{"spool", "spool", "b 2 1764044940\n", "sm-store: %s: owned by uid 65534, not by root that runs this; refusing to write it; going on without it\n",
			func(f string) (string, []string) { return "sm-store", []string{"--db", db, "--spool", f, in} }},
		{"reject", "reject", "", "sm-store: %s: owned by uid 65534, not by root that runs this; refusing to write it\n",
			func(f string) (string, []string) { return "sm-store", []string{"--db", db, "--reject", f, in} }},
		{"state", "state", "sm-sample state 1\n", "sm-sample: reading state file: %[1]s: owned by uid 65534, not by root that runs this; refusing to write it\n",
			func(f string) (string, []string) {
				return "sm-sample", []string{"--proc", "../internal/collect/testdata/proc", "--collect", "load", "--host", "h", "--state", f, "--window", "0"}
			}},
		{"report", "report.txt", "old report\n", "sm-report: %s: owned by uid 65534, not by root that runs this; refusing to write it\n",
			func(f string) (string, []string) { return "sm-report", []string{"--db", db, "-o", f} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := owned(tc.file, tc.content)
			name, args := tc.args(path)
			var stdout, stderr bytes.Buffer
			code := commands[name](args, strings.NewReader(""), &stdout, &stderr)
			if want := strings.ReplaceAll(tc.want, "%[1]s", path); !strings.Contains(stderr.String(), strings.Replace(want, "%s", path, 1)) || code != 1 {
				t.Errorf("exit %d, stderr %q\nwant exit 1 and %q", code, stderr.String(), strings.Replace(want, "%s", path, 1))
			}
			if b, _ := os.ReadFile(path); string(b) != tc.content {
				t.Errorf("%s now holds %q", path, b)
			}
		})
	}
}
