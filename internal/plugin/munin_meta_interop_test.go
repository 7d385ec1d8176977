//go:build interop

package plugin

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestDebianPluginsMeta checks the meta lines of Debian's real plugins:
// titled, labelled and ordered as munin-node's graphs are.
func TestDebianPluginsMeta(t *testing.T) {
	if _, err := os.Stat(debianPlugins); err != nil {
		t.Skipf("no Munin plugins here (%v): install munin-node to run this test", err)
	}
	if _, err := os.Stat("/sys/class/net/lo"); err != nil {
		t.Skipf("no lo interface: %v", err)
	}
	dir := t.TempDir()
	for link, target := range map[string]string{"load": "load", "memory": "memory", "cpu": "cpu", "if_lo": "if_"} {
		if err := os.Symlink(filepath.Join(debianPlugins, target), filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().Truncate(time.Second)
	run := newRunner(t, &now)
	run.Env = os.Environ()
	run.Munin(dir, nil) // the rates' first values
	now = now.Add(time.Minute)
	rep := run.Munin(dir, nil)
	type want struct {
		title, vlabel string
		first         []string // the first fields of the order
		label         [2]string
	}
	wants := map[string]want{
		"munin.load":   {"Load average", "load", []string{"load"}, [2]string{"load", "load"}},
		"munin.memory": {"Memory usage", "Bytes", []string{"apps", "page_tables"}, [2]string{"apps", "apps"}},
		"munin.cpu":    {"CPU usage", "%", []string{"system", "user", "nice", "idle"}, [2]string{"iowait", "iowait"}},
		"munin.if_lo":  {"lo traffic", "bits in (-) / out (+) per second", []string{"down", "up"}, [2]string{"down", "received"}},
	}
	for _, r := range rep.Results {
		for _, err := range r.Errors {
			t.Error(err)
		}
		for _, m := range r.Meta {
			w, ok := wants[m.Group]
			if !ok {
				t.Errorf("meta of unexpected group %s", m.Group)
				continue
			}
			delete(wants, m.Group)
			if m.Title != w.title || m.VLabel != w.vlabel || len(m.Order) < len(w.first) || !slices.Equal(m.Order[:len(w.first)], w.first) || m.Labels[w.label[0]] != w.label[1] {
				t.Errorf("%s: %+v", m.Group, m)
			}
		}
	}
	for g := range wants {
		t.Errorf("no meta of %s", g)
	}
}
