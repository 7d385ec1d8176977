package collect

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
)

// FuzzProcFiles feeds one text to every /proc parser: none may panic,
// and a figure a parser accepts is a number, not below zero.
func FuzzProcFiles(f *testing.F) {
	for _, name := range []string{"loadavg", "meminfo", "stat", "net/dev", "diskstats", "pressure/cpu", "uptime", "self/mountinfo", "sys/fs/file-nr"} {
		if b, err := os.ReadFile(filepath.Join("testdata/current/proc", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("some avg10=0.00 total=12\nfull total=-1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		check := func(what string, vs ...float64) {
			for _, v := range vs {
				if math.IsNaN(v) || v < 0 {
					t.Fatalf("%s accepted %v from %q", what, v, b)
				}
			}
		}
		if ss, err := parseLoadavg(string(b)); err == nil {
			for _, s := range ss {
				check("loadavg", s.Value)
			}
		}
		if m, err := parseMeminfo(b); err == nil {
			for _, v := range m {
				check("meminfo", v)
			}
		}
		if vs, err := parseCPU(b); err == nil {
			check("stat", vs...)
		}
		for what, parse := range map[string]func([]byte) (Counters, error){"net/dev": parseNetDev, "diskstats": parseDiskstats, "stat totals": parseStatTotals, "percpu": parsePerCPU} {
			if c, err := parse(b); err == nil {
				for _, vs := range c {
					check(what, vs...)
				}
			}
		}
		if some, full, _, err := parsePSI(b); err == nil {
			check("pressure", some, full)
		}
		if used, limit, err := parseFileNr(b); err == nil {
			check("file-nr", used, limit)
		}
		if up, err := parseUptime(string(b)); err == nil {
			check("uptime", up)
		}
		parseMountinfo(string(b))
	})
}

// FuzzState: a state file whose checksum holds (a whole write) is read,
// or refused with an error, and what is read writes back to the same.
func FuzzState(f *testing.F) {
	st := NewState()
	st.BootID = "5a8e3f3c"
	st.Families["net"] = &Entry{Uptime: 86400.5, Counters: Counters{"eth0": {9014451000, 1134900000, 3}, "wlan 0": {1, 2, 0}}}
	st.Families["cpu"] = &Entry{Uptime: 12, Counters: Counters{"": {1, 2, 3, 4, 5, 6, 7, 8}}}
	b := st.marshal()
	f.Add(b[:bytes.LastIndex(b, []byte("end "))]) // the body: the checksum is the harness's
	f.Fuzz(func(t *testing.T, body []byte) {
		b := append(body[:len(body):len(body)], "end "...)
		b = strconv.AppendUint(b, checksum(body), 16)
		b = append(b, '\n')
		st, err := unmarshalState(b)
		if err != nil {
			return
		}
		again, err := unmarshalState(st.marshal())
		if err != nil {
			t.Fatalf("the state read from %q writes back unreadable: %v", b, err)
		}
		if !reflect.DeepEqual(st, again) {
			t.Fatalf("read %+v from %q, wrote it, read %+v", st, b, again)
		}
	})
}
