package plugin

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestRootRefusesUnsafePlugins: as root, a plugin that someone else
// could change, or in a folder someone else could write, is refused by
// name and not run; safe ones beside it run. As StrictModes, the check
// goes up to /, through links.
func TestRootRefusesUnsafePlugins(t *testing.T) {
	now := t0
	root := t.TempDir() // 0700, in a sticky /tmp
	mk := func(t *testing.T, name string, mode os.FileMode) string {
		t.Helper()
		dir := filepath.Join(root, name)
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T) string // returns the --exec folder
		want  []string                  // errors, with DIR for the folder
		ran   []string
	}{
		{"safe", func(t *testing.T) string {
			dir := mk(t, "safe", 0o755)
			writeScript(t, dir, "good", "echo good 1\n")
			return dir
		}, nil, []string{"good"}},
		{"world-writable plugin", func(t *testing.T) string {
			dir := mk(t, "ww", 0o755)
			writeScript(t, dir, "good", "echo good 1\n")
			p := writeScript(t, dir, "bad", "echo bad 1\n")
			os.Chmod(p, 0o757)
			return dir
		}, []string{"plugins: refusing to run as root: plugin bad: DIR/bad is writable by others"}, []string{"good"}},
		{"group-writable plugin", func(t *testing.T) string {
			dir := mk(t, "gw", 0o755)
			p := writeScript(t, dir, "bad", "echo bad 1\n")
			os.Chmod(p, 0o775)
			return dir
		}, []string{"plugins: refusing to run as root: plugin bad: DIR/bad is writable by its group"}, nil},
		{"world-writable folder", func(t *testing.T) string {
			dir := mk(t, "wwdir", 0o777)
			writeScript(t, dir, "good", "echo good 1\n")
			return dir
		}, []string{"plugins: refusing to run as root: DIR is writable by its group and others"}, nil},
		{"world-writable folder above", func(t *testing.T) string {
			top := mk(t, "top", 0o757)
			dir := filepath.Join(top, "plugins")
			os.Mkdir(dir, 0o755)
			writeScript(t, dir, "good", "echo good 1\n")
			return dir
		}, []string{"plugins: refusing to run as root: ROOT/top is writable by others"}, nil},
		{"link to a world-writable plugin", func(t *testing.T) string {
			dir := mk(t, "link", 0o755)
			other := mk(t, "other", 0o755)
			p := writeScript(t, other, "target", "echo bad 1\n")
			os.Chmod(p, 0o777)
			os.Symlink(p, filepath.Join(dir, "bad"))
			return dir
		}, []string{"plugins: refusing to run as root: plugin bad: ROOT/other/target is writable by its group and others"}, nil},
		{"owned by another", func(t *testing.T) string {
			if os.Geteuid() != 0 {
				t.Skip("needs root to give a file away")
			}
			dir := mk(t, "nobody", 0o755)
			p := writeScript(t, dir, "bad", "echo bad 1\n")
			if err := os.Chown(p, 65534, 65534); err != nil {
				t.Fatal(err)
			}
			return dir
		}, []string{"plugins: refusing to run as root: plugin bad: DIR/bad is owned by uid 65534, not root"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.setup(t)
			run := newRunner(t, &now)
			run.Root = func() bool { return true }
			rep := run.Run([]string{dir}, "", nil)
			var errs []string
			for _, e := range errorTexts(rep.Errors) {
				errs = append(errs, strings.NewReplacer(dir, "DIR", root, "ROOT").Replace(e))
			}
			if !slices.Equal(errs, tc.want) {
				t.Errorf("errors %q, want %q", errs, tc.want)
			}
			var ran []string
			for _, r := range rep.Results {
				ran = append(ran, r.Name)
			}
			if !slices.Equal(ran, tc.ran) {
				t.Errorf("ran %q, want %q", ran, tc.ran)
			}
			// Not as root: no check, every plugin runs.
			run.Root = func() bool { return false }
			if rep := run.Run([]string{dir}, "", nil); len(rep.Errors) != 0 {
				t.Errorf("not as root: %q", errorTexts(rep.Errors))
			}
		})
	}
}

// TestRootRefusesUnsafeMunin: the same for --munin's folder.
func TestRootRefusesUnsafeMunin(t *testing.T) {
	now := t0
	dir := filepath.Join(t.TempDir(), "munin")
	os.Mkdir(dir, 0o755)
	p := writeScript(t, dir, "temp", "echo value.value 1\n")
	os.Chmod(p, 0o777)
	run := newRunner(t, &now)
	run.Root = func() bool { return true }
	rep := run.Run(nil, dir, nil)
	want := []string{"munin plugins: refusing to run as root: plugin temp: " + p + " is writable by its group and others"}
	if got := errorTexts(rep.Errors); !slices.Equal(got, want) || len(rep.Results) != 0 {
		t.Errorf("errors %q, %d results; want %q and none", got, len(rep.Results), want)
	}
}
