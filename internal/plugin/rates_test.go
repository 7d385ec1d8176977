package plugin

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestRatesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rates.state")
	st, err := loadRates(path)
	if err != nil || len(st.m) != 0 {
		t.Fatalf("missing file: %v, %v", st.m, err)
	}
	st.m[rateKey{"if_eth0", "down"}] = rateEntry{18446744073709551615, 1764045000.25}
	st.m[rateKey{`odd "graph"`, "f"}] = rateEntry{-0.5, 1764045000}
	if err := st.save(path); err != nil {
		t.Fatal(err)
	}
	back, err := loadRates(path)
	if err != nil || !reflect.DeepEqual(back.m, st.m) {
		t.Fatalf("read back %v, %v; want %v", back.m, err, st.m)
	}
	whole, _ := os.ReadFile(path)
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("a temporary file is left: %v", entries)
	}

	for name, b := range map[string]string{
		"cut short":   string(whole[:len(whole)-10]),
		"no end":      string(whole[:len(whole)-1]),
		"garbled":     strings.Replace(string(whole), "down", "dawn", 1),
		"garbage":     "\x00\x01{json",
		"bad line ok": "sm-sample munin rates 1\nnonsense\nend " + "0\n",
	} {
		os.WriteFile(path, []byte(b), 0o644)
		st, err := loadRates(path)
		if err == nil || !strings.Contains(err.Error(), "is damaged, starting afresh") || len(st.m) != 0 {
			t.Errorf("%s: %v, %v", name, st.m, err)
		}
	}
	for name, b := range map[string]string{"empty": "", "another version": "sm-sample munin rates 2\nwhatever\n"} {
		os.WriteFile(path, []byte(b), 0o644)
		if st, err := loadRates(path); err != nil || len(st.m) != 0 {
			t.Errorf("%s: %v, %v", name, st.m, err)
		}
	}
}

func TestRatePrune(t *testing.T) {
	st := &rateState{m: map[rateKey]rateEntry{
		{"a", "old"}:   {1, float64(t0.Add(-2 * time.Hour).Unix())},
		{"a", "fresh"}: {1, float64(t0.Add(-time.Minute).Unix())},
	}}
	st.prune(t0, time.Hour)
	if _, ok := st.m[rateKey{"a", "old"}]; ok || len(st.m) != 1 {
		t.Errorf("after prune: %v", st.m)
	}
}

func TestRate(t *testing.T) {
	k := rateKey{"g", "f"}
	tests := []struct {
		typ        string
		prev, v    float64
		dt         time.Duration
		want       float64
		wantOK     bool
		firstRunOK bool
	}{
		{"DERIVE", 100, 160, time.Minute, 1, true, false},
		{"DERIVE", 160, 100, time.Minute, 0, false, false},
		{"COUNTER", 4294967290, 4, time.Second, 10, true, false},
		{"COUNTER", 1 << 40, 4, time.Second, 0, false, false},
		{"ABSOLUTE", 0, 30, time.Minute, 0.5, true, false},
		{"DERIVE", 1, 2, 0, 0, false, false},
		{"DERIVE", 1, 2, -time.Minute, 0, false, false},
		{"DERIVE", 1, 2, 2 * time.Hour, 0, false, false},
	}
	for _, tt := range tests {
		st := &rateState{m: map[rateKey]rateEntry{}}
		if _, ok := st.rate(k, tt.typ, tt.prev, t0, time.Hour); ok {
			t.Errorf("%s: a rate on the first run", tt.typ)
		}
		got, ok := st.rate(k, tt.typ, tt.v, t0.Add(tt.dt), time.Hour)
		if ok != tt.wantOK || got != tt.want {
			t.Errorf("%s %v -> %v in %v: %v, %v; want %v, %v", tt.typ, tt.prev, tt.v, tt.dt, got, ok, tt.want, tt.wantOK)
		}
	}
	var none *rateState
	if _, ok := none.rate(k, "DERIVE", 1, t0, time.Hour); ok {
		t.Error("a rate without state")
	}
}
