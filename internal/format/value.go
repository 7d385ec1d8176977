package format

import (
	"math"
	"strconv"
	"strings"

	"sm/internal/record"
)

// Significant digits that Round keeps of a computed value.
const (
	// RecordDigits is for the formats a program reads: float64 holds
	// 15 decimal digits exactly, but an average or a sum of thousands of
	// samples carries rounding noise in the last three or four, as in
	// 40.097000000000016; twelve digits drop the noise and keep every
	// digit the samples had.
	RecordDigits = 12
	// TableDigits is for a person at a table: %g's six digits.
	TableDigits = 6
)

// Round returns v rounded to digits significant digits, but never
// rounded into its integer part: 40.097000000000016 is 40.097 and
// 412345678912.4 is 412345678912 at six digits. What Round leaves
// prints shortest with record.AppendValue. Infinities and NaN are
// returned as they are.
func Round(v float64, digits int) float64 {
	if v == 0 || math.IsInf(v, 0) || math.IsNaN(v) || digits <= 0 {
		return v
	}
	s := strconv.FormatFloat(v, 'e', digits-1, 64)
	if i := strings.LastIndexByte(s, 'e'); i >= 0 {
		if exp, err := strconv.Atoi(s[i+1:]); err == nil && exp >= digits {
			s = strconv.FormatFloat(v, 'f', 0, 64)
		}
	}
	r, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return v
	}
	return r
}

// Computed says whether the aggregate function named agg (the agg tag of
// an aggregate) computes its value, as avg, sum, stddev, rate and the
// percentiles do, rather than picking one of the stored samples, as
// min, max, first and last do: only a computed value has rounding noise
// to drop, and a stored one prints as it was stored.
func Computed(agg string) bool {
	switch agg {
	case "min", "max", "first", "last":
		return false
	}
	return true
}

// Units of a metric, from the end of its name (see record.UnitOf).
const (
	UnitPercent     = "%"
	UnitBytes       = "B"
	UnitBytesPerSec = "B/s"
	UnitPerSec      = "/s"
	UnitSeconds     = "s"
)

// ValueOptions say how Value writes a number.
type ValueOptions struct {
	// Digits, when positive, rounds the value to that many significant
	// digits with Round: for computed values only, since a stored one
	// prints as it was stored.
	Digits int
	// Unit, when "B", "B/s" or "/s" (see record.UnitOf), writes the value for
	// a person, scaled and with its unit: IEC prefixes for bytes (384.0
	// GiB), SI for rates (1.2 MB/s, 3.4 k/s). Other units, percentages
	// among them, print as plain numbers.
	Unit string
}

var (
	iec = []string{"Ki", "Mi", "Gi", "Ti", "Pi", "Ei"}
	si  = []string{"k", "M", "G", "T", "P", "E"}
)

// Value returns v as the table, and the other views for people, print
// it. Without options it is v as a record holds it (record.AppendValue).
func Value(v float64, o ValueOptions) string {
	if o.Digits > 0 {
		v = Round(v, o.Digits)
	}
	a := math.Abs(v)
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return string(record.AppendValue(nil, v))
	}
	var base float64
	var prefixes []string
	var unit string
	switch o.Unit {
	case UnitBytes:
		base, prefixes, unit = 1024, iec, "B"
	case UnitBytesPerSec:
		base, prefixes, unit = 1000, si, "B/s"
	case UnitPerSec:
		base, prefixes, unit = 1000, si, "/s"
	default:
		return string(record.AppendValue(nil, v))
	}
	if a < base {
		return string(record.AppendValue(nil, Round(v, TableDigits))) + " " + unit
	}
	i := -1
	for a >= base && i < len(prefixes)-1 {
		a /= base
		v /= base
		i++
	}
	// 1023.96 KiB would round to 1024.0 KiB: show it as 1.0 MiB.
	if math.Abs(math.Round(v*10)/10) >= base && i < len(prefixes)-1 {
		v /= base
		i++
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + prefixes[i] + unit
}
