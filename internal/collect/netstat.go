package collect

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// netstatMetrics are the netstat family's: the kernel's protocol
// counters that netstat -s, ss -s and sar -n TCP,ETCP,UDP,SOCK show.
var netstatMetrics = []string{
	"net.tcp_established", "net.tcp_timewait",
	"net.tcp_retrans_per_s", "net.tcp_listen_drops_per_s",
	"net.udp_errors_per_s", "net.udp_rcvbuf_errors_per_s",
}

// netstatSources says where each of netstatMetrics comes from: the
// file, the line's prefix and the column's name, and whether it is a
// gauge (the first two) or a counter.
var netstatSources = []struct {
	file, prefix, field string
	gauge               bool
}{
	{"net/snmp", "Tcp", "CurrEstab", true},
	{"net/sockstat", "TCP", "tw", true},
	{"net/snmp", "Tcp", "RetransSegs", false},
	{"net/netstat", "TcpExt", "ListenDrops", false},
	{"net/snmp", "Udp", "InErrors", false},
	{"net/snmp", "Udp", "RcvbufErrors", false},
}

// The netstat family keeps each figure as an instance of its own, named
// by its metric, so that one the kernel does not have (no
// /proc/net/netstat, no RcvbufErrors before Linux 2.6.18) is absent
// rather than zero. Its gauges can go down, so the family is not
// monotonic: each counter that went down is left out on its own.
var netstatFamily = &Family{
	Name:     "netstat",
	Metrics:  netstatMetrics,
	counters: readNetstat,
	rates:    netstatRates,
}

// netstatWanted reports the "Prefix.Name" keys of netstatSources. (A
// function rather than a map: a map is built at start-up, on every run.)
func netstatWanted(key []byte) bool {
	for _, src := range netstatSources {
		p, f := src.prefix, src.field
		if len(key) == len(p)+1+len(f) && string(key[:len(p)]) == p && key[len(p)] == '.' && string(key[len(p)+1:]) == f {
			return true
		}
	}
	return false
}

func readNetstat(s *Source) (Counters, error) {
	c := Counters{}
	for _, file := range []string{"net/snmp", "net/netstat", "net/sockstat"} {
		b, err := s.readShown(s.proc(file), true)
		if errors.Is(err, errAbsent) && file != "net/snmp" {
			continue
		}
		if err != nil {
			// Without /proc/net/snmp (a kernel without IPv4) there is
			// nothing to say.
			return nil, err
		}
		var m map[string]float64
		if file == "net/sockstat" {
			m, err = parseSockstat(b)
		} else {
			m, err = parseSNMP(b, netstatWanted)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %v", file, err)
		}
		for i, src := range netstatSources {
			if src.file != file {
				continue
			}
			if v, ok := m[src.prefix+"."+src.field]; ok {
				c[netstatMetrics[i]] = []float64{v}
			}
		}
	}
	return c, nil
}

// netstatRates gives the gauges as they are now and the counters per
// second, each one only when it did not go down.
func netstatRates(prev, cur Counters, dt float64) []Sample {
	if dt <= 0 {
		return nil
	}
	out := make([]Sample, 0, len(netstatMetrics))
	for i, name := range netstatMetrics {
		c := cur[name]
		if len(c) != 1 {
			continue
		}
		if netstatSources[i].gauge {
			out = append(out, Sample{Name: name, Value: c[0]})
			continue
		}
		p := prev[name]
		if len(p) != 1 {
			continue
		}
		if d, ok := delta(p[0], c[0]); ok {
			out = append(out, Sample{Name: name, Value: round2(d / dt)})
		}
	}
	return out
}

// parseSNMP reads /proc/net/snmp or /proc/net/netstat, where each
// protocol has a line of names and then a line of values:
//
//	Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens ...
//	Tcp: 1 200 120000 -1 3556 ...
//
// and returns the values by "Prefix.Name", only those in want unless it
// is nil: /proc/net/netstat has hundreds. Some are signed (MaxConn is
// -1): a value that is not a whole number at least 0 is left out, which
// is what sm does with it anyway.
func parseSNMP(b []byte, want func(key []byte) bool) (map[string]float64, error) {
	m := map[string]float64{}
	// The line of names is walked beside the line of values, field by
	// field: /proc/net/netstat's lines have a hundred fields or more.
	var names, prefix, key []byte
	err := eachLine(b, func(n int, line []byte) error {
		p, rest, ok := bytes.Cut(line, []byte(": "))
		if len(bytes.TrimSpace(line)) == 0 {
			return nil
		}
		if !ok {
			return fmt.Errorf("line %d: no \"Protocol: \"", n)
		}
		if names == nil {
			names, prefix = rest, p
			if countFields(names) == 0 {
				names = []byte{} // a line of no names is still one
			}
			return nil
		}
		if !bytes.Equal(p, prefix) || countFields(rest) != countFields(names) {
			return fmt.Errorf("line %d: values do not match the names on line %d", n, n-1)
		}
		for vals := rest; ; {
			var name, v []byte
			if v, vals = nextField(vals); v == nil {
				break
			}
			name, names = nextField(names)
			key = append(append(append(key[:0], prefix...), '.'), name...)
			if want != nil && !want(key) {
				continue
			}
			if x, err := strconv.ParseUint(string(v), 10, 64); err == nil {
				m[string(key)] = float64(x)
			}
		}
		names = nil
		return nil
	})
	if err == nil && names != nil {
		err = fmt.Errorf("no values for %q", prefix)
	}
	return m, err
}

// parseSockstat reads /proc/net/sockstat, a line of name-value pairs per
// protocol:
//
//	TCP: inuse 4 orphan 0 tw 4 alloc 17 mem 1
//
// and returns them by "PROTOCOL.name".
func parseSockstat(b []byte) (map[string]float64, error) {
	m := map[string]float64{}
	err := eachLine(b, func(n int, line []byte) error {
		p, rest, ok := bytes.Cut(line, []byte(": "))
		if len(bytes.TrimSpace(line)) == 0 {
			return nil
		}
		var room [24][]byte
		f := fields(room[:0], rest)
		if !ok || len(f)%2 != 0 {
			return fmt.Errorf("line %d: want \"PROTOCOL: name value ...\"", n)
		}
		for i := 0; i < len(f); i += 2 {
			v, err := parseUint(f[i+1])
			if err != nil {
				return fmt.Errorf("line %d: %v", n, err)
			}
			m[string(p)+"."+string(f[i])] = v
		}
		return nil
	})
	return m, err
}
