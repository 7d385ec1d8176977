package safefile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestOpenFile(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard")
	if err := os.Link(target, hard); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other")
	if err := os.WriteFile(other, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(other, 65534, 65534); err != nil && os.Geteuid() == 0 {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, want string
		asRoot           bool
	}{
		{"symlink", link, link + ": is a symbolic link; refusing to write through it", false},
		{"fifo", fifo, fifo + ": not a regular file (a FIFO); refusing to write it", false},
		{"folder", dir, dir + ": not a regular file (a folder); refusing to write it", false},
		{"other owner as root", other, other + ": owned by uid 65534, not by root that runs this; refusing to write it", true},
		{"hard link as root", hard, hard + ": has 2 hard links; refusing to write it as root", true},
		{"plain", plain, "", true},
		{"new", filepath.Join(dir, "new"), "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.asRoot && os.Geteuid() != 0 {
				t.Skip("needs root")
			}
			flag := os.O_WRONLY | os.O_APPEND | os.O_CREATE
			if tc.path == dir {
				flag = os.O_RDONLY
			}
			f, err := OpenFile(tc.path, flag, 0o640)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				f.Close()
			} else if err == nil || err.Error() != tc.want {
				f.Close()
				t.Fatalf("got %v, want %s", err, tc.want)
			}
			fd, _, err := Open(tc.path, flag, 0o640)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				syscall.Close(fd)
			} else if err == nil || err.Error() != tc.want {
				syscall.Close(fd)
				t.Fatalf("Open: got %v, want %s", err, tc.want)
			}
			if err := Check(tc.path); tc.want != "" && (err == nil || err.Error() != tc.want) {
				t.Errorf("Check: got %v, want %s", err, tc.want)
			} else if tc.want == "" && err != nil {
				t.Errorf("Check: %v", err)
			}
		})
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me\n" {
		t.Errorf("the link's target changed: %q", b)
	}
}

func TestModes(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	dir := t.TempDir()
	f, err := OpenFile(filepath.Join(dir, "a"), os.O_WRONLY|os.O_CREATE, 0o640)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	fd, _, err := Open(filepath.Join(dir, "c"), os.O_WRONLY|os.O_CREATE, 0o640)
	if err != nil {
		t.Fatal(err)
	}
	syscall.Close(fd)
	g, err := CreateTemp(dir, ".b.", 0o644)
	if err != nil {
		t.Fatal(err)
	}
	g.Close()
	if !strings.HasPrefix(filepath.Base(g.Name()), ".b.") {
		t.Errorf("temporary file %s", g.Name())
	}
	for _, name := range []string{f.Name(), filepath.Join(dir, "c"), g.Name()} {
		fi, err := os.Stat(name)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v under umask 077, want 0600", name, fi.Mode().Perm())
		}
	}
}
