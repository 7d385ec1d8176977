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
			got, err := s.readShown(name)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("got %d bytes, %v; want %d", len(got), err, len(want))
			}
		})
	}
	s := &Source{}
	if _, err := s.readShown(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
	if _, err := s.readShown(dir); err == nil {
		t.Error("a folder read without error")
	}
}

// TestReadShownLive reads this machine's own stat and status, made by one
// show each, as read gets them.
func TestReadShownLive(t *testing.T) {
	for _, name := range []string{"/proc/self/stat", "/proc/self/status", "/proc/1/stat"} {
		if _, err := os.Stat(name); err != nil {
			t.Skip("no /proc here")
		}
		s := &Source{buf: make([]byte, 0, 16)}
		got, err := s.readShown(name)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		// The figures move between the two reads; the lines do not.
		if bytes.Count(got, []byte("\n")) != bytes.Count(want, []byte("\n")) || len(got) < len(want)/2 {
			t.Errorf("%s: got %q\nwant %q", name, got, want)
		}
	}
}
