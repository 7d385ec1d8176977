package collect

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStateForeign: a --state naming some other file, a mistyped path,
// neither loads nor is overwritten; nor is a file reached by a link.
func TestStateForeign(t *testing.T) {
	dir := t.TempDir()
	st := NewState()
	st.put("net", 1, Counters{"eth0": {1, 2}})
	for _, content := range []string{"{", "\x00\x01garbage", "sm-", "root:x:0:0:root:/root:/bin/bash\n"} {
		t.Run(content, func(t *testing.T) {
			path := filepath.Join(dir, "passwd")
			os.WriteFile(path, []byte(content), 0o644)
			got, err := LoadState(path)
			if !errors.Is(err, ErrForeign) || len(got.Families) != 0 {
				t.Errorf("load: %+v, %v; want ErrForeign", got, err)
			}
			if err := st.Save(path); !errors.Is(err, ErrForeign) {
				t.Errorf("save: %v; want ErrForeign", err)
			}
			if b, _ := os.ReadFile(path); string(b) != content {
				t.Errorf("the file now holds %q", b)
			}
		})
	}
	t.Run("symlink", func(t *testing.T) {
		target := filepath.Join(dir, "target")
		os.WriteFile(target, []byte("keep\n"), 0o644)
		link := filepath.Join(dir, "link")
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		want := link + ": is a symbolic link; refusing to write through it"
		if _, err := LoadState(link); err == nil || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("load: %v, want %s", err, want)
		}
		if err := st.Save(link); err == nil || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("save: %v, want %s", err, want)
		}
		if b, _ := os.ReadFile(target); string(b) != "keep\n" {
			t.Errorf("the link's target now holds %q", b)
		}
	})
	t.Run("owned by another as root", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("needs root")
		}
		path := filepath.Join(dir, "nobody.state")
		if err := st.Save(path); err != nil {
			t.Fatal(err)
		}
		before, _ := os.ReadFile(path)
		if err := os.Chown(path, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		want := path + ": owned by uid 65534, not by root that runs this; refusing to write it"
		if err := st.Save(path); err == nil || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("save: %v, want %s", err, want)
		}
		if b, _ := os.ReadFile(path); string(b) != string(before) {
			t.Errorf("the file changed")
		}
	})
	t.Run("mode", func(t *testing.T) {
		path := filepath.Join(dir, "new.state")
		if err := st.Save(path); err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(path)
		if fi.Mode().Perm()&0o037 != 0 {
			t.Errorf("mode %v: group may write, or others read", fi.Mode().Perm())
		}
	})
}
