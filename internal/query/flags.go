package query

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"sm/internal/when"
)

// Flags are the selection flags that sm-query and sm-report share:
// --since, --until, --utc, --metric, --tag and --host.
type Flags struct {
	since, until  *string
	utc           *bool
	metrics, tags *[]string
	host          *string
	f             *pflag.FlagSet
}

// AddFlags defines the selection flags on f, --since defaulting to since.
func AddFlags(f *pflag.FlagSet, since string) *Flags {
	return &Flags{
		f:       f,
		since:   f.String("since", since, "from `TIME`: a duration before now (90s 15m 36h 7d 2w 1y), a date, a date and time, RFC 3339, @UNIXSECONDS, or a time of day (03:00, yesterday 03:00, today)"),
		until:   f.String("until", "now", "up to `TIME`, included, written as for --since"),
		utc:     f.Bool("utc", false, "read and print times in UTC instead of the local time zone"),
		metrics: f.StringArray("metric", nil, "select metrics whose name matches `GLOB`, as disk.* or *.used_pct (repeatable: any)"),
		tags:    f.StringArray("tag", nil, "select series by tag: `KEY=VALUE`, KEY!=VALUE or KEY=~REGEX (repeatable: all)"),
		host:    f.String("host", "", "select series of host `NAME`: --tag host=NAME"),
	}
}

// Location is where times are read and printed: UTC with --utc, else
// the local time zone.
func (fl *Flags) Location() *time.Location {
	if *fl.utc {
		return time.UTC
	}
	return time.Local
}

// RangeSet reports whether --since or --until was given.
func (fl *Flags) RangeSet() bool {
	return fl.f.Changed("since") || fl.f.Changed("until")
}

// Query returns the query the flags ask for, its range read in now's
// location. Its errors are usage errors.
func (fl *Flags) Query(now time.Time) (Query, error) {
	var q Query
	loc := now.Location()
	var err error
	if q.From, err = when.ParseTime(*fl.since, now, loc); err != nil {
		return q, fmt.Errorf("--since: %v", err)
	}
	if q.To, err = when.ParseTime(*fl.until, now, loc); err != nil {
		return q, fmt.Errorf("--until: %v", err)
	}
	if err := when.CheckRange(q.From, q.To); err != nil {
		return q, fmt.Errorf("--since %s --until %s: %v", *fl.since, *fl.until, err)
	}
	for _, m := range *fl.metrics {
		if err := CheckGlob(m); err != nil {
			return q, fmt.Errorf("--metric %q: %v", m, err)
		}
	}
	q.Metrics = *fl.metrics
	tags := *fl.tags
	if *fl.host != "" {
		tags = append(tags[:len(tags):len(tags)], "host="+*fl.host)
	}
	for _, t := range tags {
		tf, err := ParseTagFilter(t)
		if err != nil {
			return q, err
		}
		q.Tags = append(q.Tags, tf)
	}
	q.Buckets.Loc = loc
	return q, nil
}

// CheckGlob checks the syntax of a metric glob as SQLite's GLOB reads
// it: * and ? and character classes [...], [^...], in which a ] right
// after the [ or [^ is a member. A class left open, as in "disk.[", is
// an error: GLOB matches nothing with it, and the user would see an
// empty answer for a typo.
func CheckGlob(g string) error {
	if g == "" {
		return errors.New("empty pattern")
	}
	for i := 0; i < len(g); i++ {
		if g[i] != '[' {
			continue
		}
		j := i + 1
		if j < len(g) && g[j] == '^' {
			j++
		}
		if j < len(g) && g[j] == ']' {
			j++
		}
		k := strings.IndexByte(g[j:], ']')
		if k < 0 {
			return fmt.Errorf("the [ at byte %d is never closed with ]", i+1)
		}
		i = j + k
	}
	return nil
}
