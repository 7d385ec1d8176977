package format

import (
	"fmt"
	"time"
)

// Precision is the unit of timestamps in the formats that let the
// reader choose it (influx), as a flag value: s, ms, us or ns.
type Precision time.Duration

var precisions = []struct {
	name string
	unit time.Duration
}{{"s", time.Second}, {"ms", time.Millisecond}, {"us", time.Microsecond}, {"ns", time.Nanosecond}}

// Set parses s, ms, us or ns.
func (p *Precision) Set(s string) error {
	for _, u := range precisions {
		if s == u.name {
			*p = Precision(u.unit)
			return nil
		}
	}
	return fmt.Errorf("%q is not a unit: want s, ms, us or ns", s)
}

func (p Precision) String() string {
	for _, u := range precisions {
		if time.Duration(p) == u.unit {
			return u.name
		}
	}
	return "ns"
}

// Type names the flag's argument in help text.
func (p Precision) Type() string { return "UNIT" }
