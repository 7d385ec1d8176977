package record

import "testing"

func TestUnitOf(t *testing.T) {
	for name, want := range map[string]string{
		"disk.used_pct": "%", "mem.total_bytes": "B", "net.rx_bytes_per_s": "B/s", "x.link_bits_per_s": "b/s",
		"net.errors_per_s": "/s", "sys.uptime_s": "s", "x.wait_seconds": "s", "x.latency_ms": "ms",
		"cpu.freq_hz": "Hz", "x.temp_celsius": "°C", "load.1m": "", "munin.memory.apps": "", "munin.if_eth0.down_bytes": "B", "pressure.cpu_some_s": "s", "net.rx_packets_per_s": "/s", "x.items": "",
	} {
		if got := UnitOf(name); got != want {
			t.Errorf("UnitOf(%q) = %q, want %q", name, got, want)
		}
	}
}
