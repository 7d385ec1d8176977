package xdg

import "testing"

func TestPath(t *testing.T) {
	if p, err := Data.path("metrics.db", 0); err != nil || p != "/var/lib/sm/metrics.db" {
		t.Errorf("root: %q, %v", p, err)
	}
	const user = 1000
	t.Setenv("HOME", "/home/u")
	t.Setenv("XDG_STATE_HOME", "")
	if p, _ := State.path("sample.state", user); p != "/home/u/.local/state/sm/sample.state" {
		t.Errorf("state: %q", p)
	}
	t.Setenv("XDG_DATA_HOME", "/data")
	if p, _ := Data.path("metrics.db", user); p != "/data/sm/metrics.db" {
		t.Errorf("data: %q", p)
	}
	t.Setenv("XDG_DATA_HOME", "relative")
	if p, _ := Data.path("metrics.db", user); p != "/home/u/.local/share/sm/metrics.db" {
		t.Errorf("a relative XDG_DATA_HOME is ignored, as the spec says: %q", p)
	}
	t.Setenv("HOME", "")
	if _, err := Data.path("metrics.db", user); err == nil {
		t.Error("no HOME and no usable XDG_DATA_HOME: want an error")
	}
}
