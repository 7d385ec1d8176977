package smsample

import (
	"bytes"
	"strings"
	"testing"
)

// TestRepeatedFlags: a repeatable flag keeps each value whole, commas
// and all, adds up over its repetitions, refuses an empty value, and
// shows no default in the help.
func TestRepeatedFlags(t *testing.T) {
	got := sample(t, "--collect", "load", "--collect", "memory", "--tag", "a=b,c", "--tag", "d=e")
	families := map[string]bool{}
	for series := range got {
		if !strings.HasSuffix(series, ";a=b,c;d=e;host=h") {
			t.Errorf("series %q lacks the tags", series)
		}
		name, _, _ := strings.Cut(series, ".")
		families[name] = true
	}
	// Only the two families asked for: no disk, cpu or net.
	if !families["load"] || !families["mem"] || families["disk"] || families["cpu"] || families["net"] {
		t.Errorf("metrics of %v, want load and memory's", families)
	}
	for _, flag := range []string{"--tag", "--collect", "--mount", "--exec", "--munin-env"} {
		var stdout, stderr bytes.Buffer
		if code := Main([]string{flag, "x", flag, ""}, nil, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), flag+": empty value") {
			t.Errorf("%s '': exit %d, %q", flag, code, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"--help"}, nil, &stdout, &stderr); code != 0 || strings.Contains(stdout.String(), "(default [") {
		t.Errorf("--help: exit %d, %q", code, stdout.String())
	}
}
