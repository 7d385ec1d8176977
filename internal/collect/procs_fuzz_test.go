package collect

import (
	"bytes"
	"math"
	"strconv"
	"testing"
)

// FuzzProcStat: parseProcStat never panics, its comm is what lies
// between the first '(' and the last ')', and its figures are numbers,
// not below zero.
func FuzzProcStat(f *testing.F) {
	tail := " 1 1 1 0 -1 4194560 100 0 0 0 7 3 0 0 20 0 1 0 1234 10000 55 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
	f.Add([]byte("1 (systemd) S" + tail))
	f.Add([]byte("42 (a) (b)) R" + tail))
	f.Add([]byte("7 () Z" + tail))
	f.Add([]byte("7 (x=y;z\x01 \n) D" + tail))
	f.Add([]byte("1 (x) S 1 2 3"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parseProcStat(b)
		if err != nil {
			return
		}
		if want := b[bytes.IndexByte(b, '(')+1 : bytes.LastIndexByte(b, ')')]; p.comm != string(want) {
			t.Errorf("comm %q, want %q", p.comm, want)
		}
		for _, v := range []float64{p.ticks, p.start} {
			if math.IsNaN(v) || v < 0 {
				t.Errorf("%v from %q", v, b)
			}
		}
	})
}

// FuzzProcStatus: parseStatus never panics, and what it accepts is a
// uid and a memory size, not below zero.
func FuzzProcStatus(f *testing.F) {
	f.Add([]byte("Name:\tbash\nState:\tS (sleeping)\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nVmRSS:\t    5120 kB\n"))
	f.Add([]byte("Uid:\t0\t0\t0\t0"))
	f.Add([]byte("Uid:\t1\nVmRSS: x kB\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		uid, rss, err := parseStatus(b)
		if err != nil {
			return
		}
		if _, err := strconv.ParseUint(string(uid), 10, 32); err != nil {
			t.Errorf("uid %q from %q", uid, b)
		}
		if math.IsNaN(rss) || rss < 0 {
			t.Errorf("rss %v from %q", rss, b)
		}
	})
}

// FuzzPasswd: parsePasswd never panics, and maps numeric uids to names
// that a tag can carry once escaped: not empty, no NUL.
func FuzzPasswd(f *testing.F) {
	f.Add([]byte("root:x:0:0:root:/root:/bin/bash\npostgres:x:104:110::/var/lib/postgresql:/bin/sh\n"))
	f.Add([]byte("a:b\n::0:\n\x00:x:1:1::/:/\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for uid, name := range parsePasswd(b) {
			if _, err := strconv.ParseUint(uid, 10, 32); err != nil || name == "" || bytes.IndexByte([]byte(name), 0) >= 0 {
				t.Errorf("%q → %q from %q", uid, name, b)
			}
		}
	})
}
