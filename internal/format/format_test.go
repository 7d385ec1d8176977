package format

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"sm/internal/record"
)

var sample = []record.Record{
	{Name: "load.5m", Tags: []record.Tag{{Key: "host", Value: "web1"}}, Value: 0.27, Time: 1764045000},
	{Name: "disk.used_pct", Tags: []record.Tag{{Key: "host", Value: "web1"}, {Key: "mount", Value: "/mnt/my disk"}}, Value: 18.62, Time: 1764045000},
	{Name: `odd"name\`, Tags: []record.Tag{{Key: "v", Value: "tab\there\x01\xff<&>"}}, Value: 1e21, Time: 0},
}

func write(t *testing.T, name string, o Options) string {
	t.Helper()
	var sb strings.Builder
	w, err := New(name, &sb, o)
	if err != nil {
		t.Fatal(err)
	}
	for i := range sample {
		if err := w.Write(&sample[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return sb.String()
}

func TestGraphite(t *testing.T) {
	got := write(t, "graphite", Options{})
	want := "load.5m;host=web1 0.27 1764045000\n" +
		"disk.used_pct;host=web1;mount=/mnt/my\\040disk 18.62 1764045000\n" +
		"odd\"name\\;v=tab\\011here\\001\\377<&> 1e+21 0\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestJSON(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	got := write(t, "json", Options{Location: berlin})
	want := `{"time":"2025-11-25T05:30:00+01:00","ts":1764045000,"name":"load.5m","tags":{"host":"web1"},"value":0.27}
{"time":"2025-11-25T05:30:00+01:00","ts":1764045000,"name":"disk.used_pct","tags":{"host":"web1","mount":"/mnt/my disk"},"value":18.62}
{"time":"1970-01-01T01:00:00+01:00","ts":0,"name":"odd\"name\\","tags":{"v":"tab\u0009here\u0001\ufffd<&>"},"value":1e+21}
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
		var v struct {
			TS    int64
			Name  string
			Tags  map[string]string
			Value float64
		}
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Errorf("not JSON: %s: %v", line, err)
		}
	}
	if utc := write(t, "json", Options{}); !strings.HasPrefix(utc, `{"time":"2025-11-25T04:30:00Z"`) {
		t.Errorf("default location is not UTC: %s", utc[:40])
	}
}

func TestUnknown(t *testing.T) {
	_, err := New("xml", nil, Options{})
	if err == nil || !strings.HasPrefix(err.Error(), `unknown format "xml" (available: `) || !strings.Contains(err.Error(), "graphite, ") {
		t.Errorf("got %v", err)
	}
}
