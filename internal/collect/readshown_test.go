package collect

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadShown reads whole files of every size about the buffer's:
// one read short of the room ends the file, a full one asks for more.
func TestReadShown(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		size int
		buf  int // the Source's buffer before the read
	}{
		{"empty", 0, 0},
		{"small", 300, 0},
		{"small into a used buffer", 300, 64},
		{"exactly the buffer", 64, 64},
		{"one past the buffer", 65, 64},
		{"several buffers", 5000, 64},
		{"past the first allocation", 20000, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			want := bytes.Repeat([]byte("0123456789abcde\n"), tt.size/16+1)[:tt.size]
			name := filepath.Join(dir, tt.name)
			if err := os.WriteFile(name, want, 0o644); err != nil {
				t.Fatal(err)
			}
			s := &Source{buf: make([]byte, 0, tt.buf)}
			got, err := s.readShown(name, false)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("got %d bytes, %v; want %d", len(got), err, len(want))
			}
		})
	}
	s := &Source{}
	if _, err := s.readShown(filepath.Join(dir, "missing"), false); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
	if _, err := s.readShown(dir, false); err == nil {
		t.Error("a folder read without error")
	}
}

// TestReadShownLive reads this machine's own kernel files that sm reads
// with readShown, each made by one show, as read gets them: with a
// buffer too small, to go through the reads that fill it, and with one
// large enough for a single read.
func TestReadShownLive(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	for _, name := range []string{"/proc/self/stat", "/proc/self/status", "/proc/1/stat", "/proc/uptime",
		"/proc/loadavg", "/proc/meminfo", "/proc/stat", "/proc/net/snmp", "/proc/net/netstat", "/proc/net/sockstat",
		"/proc/pressure/cpu", "/proc/sys/fs/file-nr", "/proc/sys/kernel/random/boot_id"} {
		for _, size := range []int{16, 1 << 16} {
			want, err := os.ReadFile(name)
			if err != nil {
				continue // not on this kernel
			}
			s := &Source{buf: make([]byte, 0, size)}
			got, err := s.readShown(name, false)
			if err != nil {
				t.Fatal(err)
			}
			// The figures move between the two reads; the lines do not.
			if bytes.Count(got, []byte("\n")) != bytes.Count(want, []byte("\n")) || len(got) < len(want)/2 {
				t.Errorf("%s, buffer %d: got %q\nwant %q", name, size, got, want)
			}
		}
	}
}

// TestReadPath reads a file by the parts of its path, a relative one
// and one with a doubled '/', and names the whole path when it fails.
func TestReadPath(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a", "b", "f"), []byte("x 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(mustGetwd(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	s := &Source{}
	for _, parts := range [][]string{{dir, "a", "b", "f"}, {dir, "/a/b", "f"}, {rel, "a", "b/f"}} {
		for _, shown := range []bool{false, true} {
			b, err := s.readPath(shown, parts...)
			if err != nil || string(b) != "x 1\n" {
				t.Errorf("%q: got %q, %v", parts, b, err)
			}
		}
	}
	for _, tt := range []struct {
		parts []string
		is    error
	}{
		{[]string{dir, "a", "missing"}, fs.ErrNotExist},
		{[]string{dir, "a\x00b"}, nil},
		{[]string{dir, "a"}, nil}, // a folder: open works, read does not
	} {
		_, err := s.readPath(true, tt.parts...)
		var pe *fs.PathError
		if !errors.As(err, &pe) || pe.Path != strings.Join(tt.parts, "/") || (tt.is != nil && !errors.Is(err, tt.is)) {
			t.Errorf("%q: got %v, want an error naming the path", tt.parts, err)
		}
	}
	// The buffer is still the file's after a failed read.
	if b, err := s.readPath(true, dir, "a", "b", "f"); err != nil || string(b) != "x 1\n" {
		t.Errorf("after failures: got %q, %v", b, err)
	}
}

func mustGetwd(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return wd
}
