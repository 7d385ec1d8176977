// Package when parses the durations and times users type: 90s, 15m,
// 36h, 7d, 2w, 1y, and combinations such as 1d12h.
package when

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Units a duration may use. A year is 365 days: sm counts retention in
// days, and a calendar is not needed to keep samples for 1y.
var units = []struct {
	name string
	d    time.Duration
}{
	{"ms", time.Millisecond},
	{"s", time.Second},
	{"m", time.Minute},
	{"h", time.Hour},
	{"d", 24 * time.Hour},
	{"w", 7 * 24 * time.Hour},
	{"y", 365 * 24 * time.Hour},
}

// maxDuration is a hundred years: longer means a typo (and a
// time.Duration ends at 292).
const maxDuration = 100 * 365 * 24 * time.Hour

// ParseDuration parses a duration: one or more numbers, each with a unit
// (ms s m h d w y), such as 90s, 7d or 1h30m. A bare 0 is zero.
func ParseDuration(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	if s == "" {
		return 0, errors.New("empty duration")
	}
	var total time.Duration
	rest := s
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 0 || i > 9 {
			return 0, badDuration(s)
		}
		n, _ := strconv.Atoi(rest[:i])
		rest = rest[i:]
		j := 0
		for j < len(rest) && (rest[j] < '0' || rest[j] > '9') {
			j++
		}
		unit := rest[:j]
		rest = rest[j:]
		found := false
		for _, u := range units {
			if u.name == unit && time.Duration(n) <= maxDuration/u.d {
				total += time.Duration(n) * u.d
				found = true
			}
		}
		if !found || total > maxDuration {
			return 0, badDuration(s)
		}
	}
	return total, nil
}

func badDuration(s string) error {
	return fmt.Errorf("bad duration %q: want a number and a unit (s m h d w y), as in 90s, 15m, 36h, 7d, 2w, 1y", s)
}

// FormatDuration writes d in the largest whole units: 400d, 5y, 90s.
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0"
	}
	var b strings.Builder
	for i := len(units) - 1; i >= 0 && d > 0; i-- {
		if n := d / units[i].d; n > 0 && (d%units[i].d == 0 || i < 4) {
			fmt.Fprintf(&b, "%d%s", n, units[i].name)
			d -= n * units[i].d
		}
	}
	return b.String()
}

// layouts are the absolute times ParseTime accepts without a zone; they
// are read in the given location.
var layouts = []string{
	"2006-01-02",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
}

// ParseTime parses a point in time as users type it: "now"; a duration,
// meaning that long before now (90s, 7d); a date or date and time in loc
// (2026-11-01, 2026-11-01T14:30, 2026-11-01 14:30:00); RFC 3339 with Z
// or an offset; or @ and Unix seconds. As sar's -s and -e, it also takes
// a time of day in loc (03:00, 03:00:15), which is today's even when it
// is still to come: "03:00" means the same at 02:00 as at 04:00, and
// "yesterday 03:00" is there for the other; "today" and "yesterday" are
// their midnights, and either may come before a time of day. Of a local
// time that a daylight saving change skips or repeats, Go's rules pick
// one.
func ParseTime(s string, now time.Time, loc *time.Location) (time.Time, error) {
	t, err := parseTime(s, now, loc)
	if err == nil && (t.Unix() < 0 || t.Unix() > 253402300799) {
		return time.Time{}, fmt.Errorf("time %q is outside 1970 to 9999", s)
	}
	return t, err
}

func parseTime(s string, now time.Time, loc *time.Location) (time.Time, error) {
	switch {
	case s == "now":
		return now, nil
	case s == "":
		return time.Time{}, badTime(s)
	case s[0] == '@':
		n, err := strconv.ParseInt(s[1:], 10, 64)
		if err != nil || n < 0 || n > 253402300799 || s[1] == '+' {
			return time.Time{}, badTime(s)
		}
		return time.Unix(n, 0).In(loc), nil
	case s[0] >= '0' && s[0] <= '9' && !strings.ContainsAny(s, "-:"):
		d, err := ParseDuration(s)
		if err != nil {
			return time.Time{}, badTime(s)
		}
		return now.Add(-d), nil
	}
	if t, ok := parseDay(s, now, loc); ok {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc), nil
	}
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, badTime(s)
}

// parseDay parses the forms relative to today: "today", "yesterday", a
// time of day (15:04 or 15:04:05), and either day followed by a space
// and a time of day.
func parseDay(s string, now time.Time, loc *time.Location) (time.Time, bool) {
	now = now.In(loc)
	day, clock, _ := strings.Cut(s, " ")
	back := 0
	switch day {
	case "today":
	case "yesterday":
		back = 1
	default:
		day, clock = "", s
	}
	if day != "" && clock == "" && !strings.HasSuffix(s, " ") {
		return time.Date(now.Year(), now.Month(), now.Day()-back, 0, 0, 0, 0, loc), true
	}
	for _, l := range []string{"15:04", "15:04:05"} {
		if t, err := time.Parse(l, clock); err == nil && len(clock) == len(l) {
			return time.Date(now.Year(), now.Month(), now.Day()-back, t.Hour(), t.Minute(), t.Second(), 0, loc), true
		}
	}
	return time.Time{}, false
}

func badTime(s string) error {
	return fmt.Errorf("bad time %q: want a duration before now (90s, 15m, 36h, 7d, 2w, 1y), a date (2026-11-01), "+
		"a date and time (2026-11-01T14:30, 2026-11-01 14:30:00), RFC 3339 (2026-11-01T14:30:00Z), @UNIXSECONDS, "+
		"or a time of day (03:00, yesterday 03:00, today, yesterday)", s)
}

// Bounds of the times sm takes: Unix time 0, and the last second of
// 9999, the last a four-digit year writes.
var (
	minTime = time.Unix(0, 0)
	maxTime = time.Unix(253402300799, 0)
)

// CheckRange checks a range of time a user asked for: within 1970 to
// 9999, and from before to.
func CheckRange(from, to time.Time) error {
	for _, t := range []time.Time{from, to} {
		if t.Before(minTime) || t.After(maxTime) {
			return fmt.Errorf("%s is outside 1970 to 9999", t.Format(rangeLayout))
		}
	}
	if !from.Before(to) {
		return fmt.Errorf("the range %s to %s is empty: its start must come before its end", from.Format(rangeLayout), to.Format(rangeLayout))
	}
	return nil
}

// CheckSpan checks that a range is at most a hundred years long, the
// longest duration sm writes: a report of a longer one would print its
// length as nothing, and compare it with the range before, which starts
// before 1970. A query has no such bound: --until @9999999999 is how a
// script says "to the end".
func CheckSpan(from, to time.Time) error {
	if to.Sub(from) > maxDuration {
		return fmt.Errorf("the range %s to %s is longer than %s", from.Format(rangeLayout), to.Format(rangeLayout), FormatDuration(maxDuration))
	}
	return nil
}

const rangeLayout = "2006-01-02 15:04:05 MST"
