package collect

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
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
