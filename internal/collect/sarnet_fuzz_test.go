package collect

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzNetstatFiles feeds one text to the parsers of /proc/net/snmp,
// netstat and sockstat: none may panic, and a figure they accept is a
// number not below zero.
func FuzzNetstatFiles(f *testing.F) {
	for _, name := range []string{"net/snmp", "net/netstat", "net/sockstat"} {
		if b, err := os.ReadFile(filepath.Join("testdata/current/proc", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("Tcp: A B\nTcp: -1 18446744073709551616\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for what, parse := range map[string]func([]byte) (map[string]float64, error){"snmp": func(b []byte) (map[string]float64, error) { return parseSNMP(b, nil) }, "sockstat": parseSockstat} {
			if m, err := parse(b); err == nil {
				for k, v := range m {
					if math.IsNaN(v) || v < 0 {
						t.Fatalf("%s accepted %s=%v from %q", what, k, v, b)
					}
				}
			}
		}
	})
}

// FuzzDiskioRates reads two diskstats texts and turns them into rates:
// whatever the texts, every figure is a number, not below zero, and no
// share above 100.
func FuzzDiskioRates(f *testing.F) {
	a, _ := os.ReadFile("testdata/current/proc/diskstats")
	b, _ := os.ReadFile("testdata/current-later/proc/diskstats")
	f.Add(a, b, 60.0)
	f.Add([]byte("8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n"), []byte("8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n"), 1.0)
	f.Fuzz(func(t *testing.T, a, b []byte, dt float64) {
		prev, err1 := parseDiskstats(a)
		cur, err2 := parseDiskstats(b)
		if err1 != nil || err2 != nil || !(dt > 0) || math.IsInf(dt, 0) {
			return
		}
		for _, s := range diskioRates(prev, cur, dt) {
			if math.IsNaN(s.Value) || s.Value < 0 || s.Name == "diskio.util_pct" && s.Value > 100 {
				t.Fatalf("%s = %v from %q then %q over %v s", s.Name, s.Value, a, b, dt)
			}
		}
	})
}

// FuzzTempText feeds one sysfs attribute to the hw family's parsers: a
// temperature it accepts is in range, and a tag it makes is one a record
// carries as it is, bounded.
func FuzzTempText(f *testing.F) {
	f.Add([]byte("45000\n"))
	f.Add([]byte("Package id 0\n"))
	f.Add([]byte("-128000"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if v, ok := parseTemp(b); ok && !(v >= -40 && v <= 150) {
			t.Fatalf("parseTemp(%q) accepted %v", b, v)
		}
		s := tagText(b)
		if len(s) > 64 || strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != "" {
			t.Fatalf("tagText(%q) = %q", b, s)
		}
	})
}
