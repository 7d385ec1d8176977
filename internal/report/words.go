package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// numWidth is the most runes Num writes: a text table's columns are
// sized for it.
const numWidth = 6

// Num writes a value for a table: at most three significant digits
// and a multiplier, binary for bytes (23.1G), decimal otherwise (12.3k).
// Beyond the multipliers (a thousand E), it writes a power of ten
// (1.2e21, -2e308): never more than numWidth runes.
func Num(v float64, unit string) string {
	base, prefixes := 1000.0, "kMGTPE"
	if strings.HasPrefix(unit, "B") {
		base, prefixes = 1024, "KMGTPE"
	}
	suffix := ""
	limit := 10000.0 // plain up to 9999
	if base == 1024 {
		limit = 1024
	}
	orig := v
	for i := 0; math.Abs(v) >= limit && i < len(prefixes); i++ {
		v /= base
		suffix = prefixes[i : i+1]
		limit = base
	}
	if !(math.Abs(v) < limit) {
		return exponent(orig)
	}
	dec := 0
	switch a := math.Abs(v); {
	case a < 10:
		dec = 2
	case a < 100:
		dec = 1
	}
	s := strconv.FormatFloat(v, 'f', dec, 64)
	if dec > 0 {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s + suffix
}

// exponent writes v as a power of ten, with as many significant
// digits, up to three, as numWidth runes allow.
func exponent(v float64) string {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return strconv.FormatFloat(v, 'g', -1, 64) // +Inf, -Inf, NaN: none should reach here
	}
	var s string
	for digits := 3; digits >= 1; digits-- {
		s = strconv.FormatFloat(v, 'e', digits-1, 64)
		mant, exp, _ := strings.Cut(s, "e")
		if strings.Contains(mant, ".") {
			mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
		}
		s = mant + "e" + strings.TrimLeft(strings.TrimPrefix(exp, "+"), "0")
		if len(s) <= numWidth {
			break
		}
	}
	return s
}

// NumUnit is Num with the unit after it, for sentences: "97.2 %",
// "23.1 GB", "3.21".
func NumUnit(v float64, unit string) string {
	s := Num(v, unit)
	switch {
	case unit == "":
		return s
	case strings.HasPrefix(unit, "B"):
		// 23.1G and B: 23.1 GB; 512 and B/s: 512 B/s.
		n := strings.TrimRight(s, "KMGTPE")
		return n + " " + s[len(n):] + unit
	}
	return s + " " + unit
}

// Span writes a duration the short way, to the minute from an hour up:
// 45s, 25m, 3h20m, 1d 4h.
func Span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		h, m := int(d.Hours()), int(d.Minutes())%60
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%dm", h, m)
	}
	days, h := int(d.Hours())/24, int(d.Hours())%24
	if h == 0 {
		return fmt.Sprintf("%dd", days)
	}
	return fmt.Sprintf("%dd %dh", days, h)
}

// Change writes a relative change as a signed percentage, "" for none.
func Change(c *float64) string {
	switch {
	case c == nil:
		return "–"
	case *c >= 10:
		return ">+999%"
	case *c <= -10:
		return "<-999%"
	}
	s := fmt.Sprintf("%+.0f%%", *c*100)
	if s == "-0%" || s == "+0%" {
		return "0%"
	}
	return s
}

// Coverage writes a coverage as a percentage, rounded down so that a
// missed sample never shows as 100 %.
func Coverage(c *float64) string {
	if c == nil {
		return "–"
	}
	return fmt.Sprintf("%d%%", int(math.Floor(*c*100+1e-9)))
}

// Spark draws buckets as a sparkline, ▁ for the lowest average and █
// for the highest, a space for a bucket without samples.
func Spark(bs []Bucket) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, b := range bs {
		if b.N > 0 {
			lo, hi = math.Min(lo, b.Avg), math.Max(hi, b.Avg)
		}
	}
	const bars = "▁▂▃▄▅▆▇█"
	var s strings.Builder
	for _, b := range bs {
		switch {
		case b.N == 0:
			s.WriteByte(' ')
		case hi == lo:
			s.WriteString("▁")
		default:
			i := min(max(int(fraction(b.Avg, lo, hi)*7.999), 0), 7)
			s.WriteString(bars[i*3 : i*3+3])
		}
	}
	return s.String()
}

// The layouts of times in reports.
const (
	stampLayout = "2006-01-02 15:04"
	dayLayout   = "Mon 2 Jan 15:04"
)

// Text says what a highlight is about, in a sentence without its level
// and host.
func (h Highlight) Text(loc *time.Location) string {
	switch h.Kind {
	case KindThreshold:
		s := fmt.Sprintf("%s %s %s %s", h.Label, Num(h.Value, h.Unit), h.Op, Num(h.Threshold, h.Unit))
		if h.Ongoing {
			return fmt.Sprintf("%s since %s (%s)", s, h.Since.In(loc).Format(dayLayout), Span(time.Duration(h.For)))
		}
		s = fmt.Sprintf("%s was %s %s for %s", h.Label, opWords[h.Op], Num(h.Threshold, h.Unit), Span(time.Duration(h.For)))
		if h.Spells > 1 {
			s += fmt.Sprintf(" in %d spells", h.Spells)
		}
		return fmt.Sprintf("%s from %s, peak %s", s, h.Since.In(loc).Format(dayLayout), Num(h.Value, h.Unit))
	case KindSilent:
		if h.LastSeen.IsZero() {
			return "stopped reporting: no samples this period, after some in the one before"
		}
		return "stopped reporting: last sample " + h.LastSeen.In(loc).Format(dayLayout)
	case KindForecast:
		what := strings.TrimSpace(strings.TrimPrefix(h.Label, "disk.used_pct"))
		if what == "" {
			what = h.Label
		}
		return fmt.Sprintf("%s full in %s (%s now, +%s a day)", what, inTime(time.Duration(h.For)),
			NumUnit(h.Value, h.Unit), NumUnit(h.PerDay, h.Unit))
	case KindOOM:
		return oomText(h, loc)
	}
	return h.Kind
}

var opWords = map[string]string{">": "above", ">=": "at or above", "<": "below", "<=": "at or below"}

// inTime says roughly how long until something: ~12 days, ~30 hours.
func inTime(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("~%d days", int(math.Round(d.Hours()/24)))
	case d >= time.Hour:
		return fmt.Sprintf("~%d hours", int(math.Round(d.Hours())))
	}
	return "under an hour"
}
