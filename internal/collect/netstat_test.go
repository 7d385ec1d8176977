package collect

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/prometheus/procfs"
)

// netstatRoots are the fixture trees with a /proc/net/snmp, and
// node_exporter's when the conformance data is there.
func netstatRoots() []string {
	roots := []string{"testdata/current/proc", "testdata/current-later/proc"}
	if dir := conformanceDir(); dir != "" {
		roots = append(roots, filepath.Join(dir, "node_exporter", "proc"))
	}
	return roots
}

func TestNetstatMatchesProcfs(t *testing.T) {
	for _, root := range netstatRoots() {
		t.Run(root, func(t *testing.T) {
			got, err := readNetstat(&Source{Proc: root})
			if err != nil {
				t.Fatal(err)
			}
			// procfs reads snmp and netstat per process: lay the
			// files out as /proc/1/net.
			tmp := t.TempDir()
			for _, f := range []string{"snmp", "netstat", "sockstat"} {
				b, err := os.ReadFile(filepath.Join(root, "net", f))
				if err != nil {
					t.Fatal(err)
				}
				for _, dst := range []string{filepath.Join(tmp, "1", "net", f), filepath.Join(tmp, "net", f)} {
					os.MkdirAll(filepath.Dir(dst), 0o755)
					if err := os.WriteFile(dst, b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			fs, err := procfs.NewFS(tmp)
			if err != nil {
				t.Fatal(err)
			}
			p, err := fs.Proc(1)
			if err != nil {
				t.Fatal(err)
			}
			snmp, err := p.Snmp()
			if err != nil {
				t.Fatal(err)
			}
			ns, err := p.Netstat()
			if err != nil {
				t.Fatal(err)
			}
			ss, err := fs.NetSockstat()
			if err != nil {
				t.Fatal(err)
			}
			var tw *int
			for _, pr := range ss.Protocols {
				if pr.Protocol == "TCP" {
					tw = pr.TW
				}
			}
			if tw == nil {
				t.Fatal("procfs found no TCP tw")
			}
			tws := float64(*tw)
			want := map[string]*float64{
				"net.tcp_established":         snmp.Tcp.CurrEstab,
				"net.tcp_timewait":            &tws,
				"net.tcp_retrans_per_s":       snmp.Tcp.RetransSegs,
				"net.tcp_listen_drops_per_s":  ns.TcpExt.ListenDrops,
				"net.udp_errors_per_s":        snmp.Udp.InErrors,
				"net.udp_rcvbuf_errors_per_s": snmp.Udp.RcvbufErrors,
			}
			for name, w := range want {
				if w == nil {
					t.Errorf("%s: procfs has none", name)
					continue
				}
				if g := got[name]; len(g) != 1 || g[0] != *w {
					t.Errorf("%s: got %v, procfs %v", name, g, *w)
				}
			}
		})
	}
}

func TestNetstatRates(t *testing.T) {
	root := tree(t, "current")
	clock := &fakeClock{now: time.Unix(1764045000, 0)}
	clock.onWake = func() { overlay(t, "testdata/current-later", root) }
	res := sampler(t, root, clock, time.Minute).Run([]*Family{family(t, "netstat")}, NewState())
	if len(res.Warnings) != 0 {
		t.Fatal(res.Warnings)
	}
	want := []string{
		// Gauges as they are at the end of the minute, though lower.
		"net.tcp_established 35",
		"net.tcp_timewait 12",
		// 120 retransmits, 30 listen drops, 3 UDP errors in 60 s.
		"net.tcp_retrans_per_s 2",
		"net.tcp_listen_drops_per_s 0.5",
		"net.udp_errors_per_s 0.05",
		"net.udp_rcvbuf_errors_per_s 0",
	}
	if got := lines(res.Samples); !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// A counter that went down (a network namespace recreated, a wrapped
// 32-bit counter) has no rate; the others keep theirs.
func TestNetstatCounterBackwards(t *testing.T) {
	prev := Counters{"net.tcp_established": {10}, "net.tcp_retrans_per_s": {100}, "net.udp_errors_per_s": {50}}
	cur := Counters{"net.tcp_established": {5}, "net.tcp_retrans_per_s": {90}, "net.udp_errors_per_s": {60}}
	want := []string{"net.tcp_established 5", "net.udp_errors_per_s 1"}
	if got := lines(netstatRates(prev, cur, 10)); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestNetstatMissingFiles(t *testing.T) {
	// No /proc/net/netstat nor sockstat: what snmp has, and nothing
	// made up for the rest.
	root := tree(t, "current")
	os.Remove(filepath.Join(root, "proc/net/netstat"))
	os.Remove(filepath.Join(root, "proc/net/sockstat"))
	c, err := readNetstat(&Source{Proc: filepath.Join(root, "proc")})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"net.tcp_timewait", "net.tcp_listen_drops_per_s"} {
		if _, ok := c[name]; ok {
			t.Errorf("%s from a missing file", name)
		}
	}
	if len(c) != 4 {
		t.Errorf("got %v", c)
	}
	// No /proc/net/snmp: the family has nothing, and it is no failure.
	res := (&Sampler{Source: Source{Proc: "testdata/old/proc"}, Now: time.Now}).Run([]*Family{family(t, "netstat")}, NewState())
	if len(res.Samples) != 0 || len(res.Warnings) != 0 {
		t.Errorf("without snmp: %q, %v", lines(res.Samples), res.Warnings)
	}
}

func TestParseSNMPErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no colon", "Tcp RtoMin\n", `line 1: no "Protocol: "`},
		{"short values", "Tcp: A B\nTcp: 1\n", "line 2: values do not match the names on line 1"},
		{"other prefix", "Tcp: A\nUdp: 1\n", "line 2: values do not match the names on line 1"},
		{"no values", "Tcp: A B\n", `no values for "Tcp"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseSNMP([]byte(tt.in), nil); err == nil || err.Error() != tt.want {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
	for _, bad := range []string{"TCP: inuse\n", "TCP: tw x\n", "TCP inuse 1\n"} {
		if _, err := parseSockstat([]byte(bad)); err == nil {
			t.Errorf("parseSockstat(%q) accepted", bad)
		}
	}
	// A signed figure (MaxConn is -1) is no error, and no value.
	m, err := parseSNMP([]byte("Tcp: MaxConn CurrEstab\nTcp: -1 3\n"), nil)
	if err != nil || !reflect.DeepEqual(m, map[string]float64{"Tcp.CurrEstab": 3}) {
		t.Errorf("got %v, %v", m, err)
	}
}
