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
