package record

import "strings"

// UnitOf returns the unit of a metric, from the end of its name, as
// sm(7)'s convention puts it: % for _pct, B for _bytes, B/s for
// _bytes_per_s, b/s for _bits_per_s, /s for _per_s, s for _s and
// _seconds, ms for _ms, Hz for _hz, °C for _celsius; "" for a name
// without one (a count, a load, a Munin field).
func UnitOf(name string) string {
	for _, u := range units {
		if strings.HasSuffix(name, u.suffix) {
			return u.unit
		}
	}
	return ""
}

// units are the suffixes UnitOf knows, the longer of two that end
// alike first.
var units = []struct{ suffix, unit string }{
	{"_pct", "%"},
	{"_bytes", "B"},
	{"_bytes_per_s", "B/s"},
	{"_bits_per_s", "b/s"},
	{"_per_s", "/s"},
	{"_seconds", "s"},
	{"_ms", "ms"},
	{"_s", "s"},
	{"_hz", "Hz"},
	{"_celsius", "°C"},
}
