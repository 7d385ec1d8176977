// Package query selects stored series and samples, and aggregates them
// into buckets of time. sm-query prints what it finds; sm-report sums
// it up; both go through here.
package query

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"sm/internal/record"
	"sm/internal/store"
)

// A TagFilter is one condition on a tag: KEY=VALUE, KEY!=VALUE or
// KEY=~REGEX, the last matched against the whole value. A series
// without the tag has the empty value.
type TagFilter struct {
	Key, Op, Value string
	re             *regexp.Regexp
}

// ParseTagFilter parses a --tag argument.
func ParseTagFilter(s string) (TagFilter, error) {
	i := strings.IndexAny(s, "=!")
	if i <= 0 {
		return TagFilter{}, fmt.Errorf("--tag %q: want KEY=VALUE, KEY!=VALUE or KEY=~REGEX", s)
	}
	f := TagFilter{Key: s[:i]}
	switch rest := s[i:]; {
	case strings.HasPrefix(rest, "=~"):
		f.Op, f.Value = "=~", rest[2:]
	case strings.HasPrefix(rest, "!="):
		f.Op, f.Value = "!=", rest[2:]
	case strings.HasPrefix(rest, "="):
		f.Op, f.Value = "=", rest[1:]
	default:
		return TagFilter{}, fmt.Errorf("--tag %q: want KEY=VALUE, KEY!=VALUE or KEY=~REGEX", s)
	}
	if err := record.CheckTagKey(f.Key); err != nil {
		return TagFilter{}, fmt.Errorf("--tag %q: %v", s, err)
	}
	if f.Op == "=~" {
		re, err := regexp.Compile("^(?:" + f.Value + ")$")
		if err != nil {
			return TagFilter{}, fmt.Errorf("--tag %q: %v", s, err)
		}
		f.re = re
	} else if f.Value == "" {
		return TagFilter{}, fmt.Errorf("--tag %q: empty value (a regular expression, =~^$, matches series without the tag)", s)
	}
	return f, nil
}

func (f TagFilter) String() string { return f.Key + f.Op + f.Value }

// canonical returns KEY=VALUE as stored: the value escaped as in records.
func (f TagFilter) canonical() string {
	return string(record.AppendTagValue([]byte(f.Key+"="), f.Value))
}

// A Selector picks series: by name, with shell globs, any of which may
// match; and by tags, all of which must hold.
type Selector struct {
	Metrics []string
	Tags    []TagFilter
}

// A Series is a selected series, its tags parsed.
type Series struct {
	store.Series
	Tags []record.Tag
}

// Batch is how many series Each gives at a time.
const Batch = 500

// Find returns the series of db that the selector picks, ordered by name
// and tags.
func (sel Selector) Find(db *store.DB) ([]Series, error) {
	var out []Series
	err := sel.Each(db, func(ss []Series) error {
		out = append(out, ss...)
		return nil
	})
	return out, err
}

// Each calls fn with the series that Find returns, in the same order,
// at most Batch at a time: memory holds a batch, however many series
// the database and the selector have. fn may use db; the batch's slice
// is reused after fn returns.
func (sel Selector) Each(db *store.DB, fn func([]Series) error) error {
	var with, without []string
	for _, f := range sel.Tags {
		switch f.Op {
		case "=":
			with = append(with, f.canonical())
		case "!=":
			without = append(without, f.canonical())
		}
	}
	var out []Series
	return db.EachSeries(sel.Metrics, with, without, Batch, func(found []store.Series) error {
		out = out[:0]
		for _, s := range found {
			_, tags, err := record.ParseSeries(s.Key())
			if err != nil {
				return fmt.Errorf("%s: stored series %q: %v", db.Path(), s.Key(), err)
			}
			if sel.matchRegexps(tags) {
				out = append(out, Series{s, tags})
			}
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}

// EachOrdered is Each with the series in another order: their names in
// the order of byName, and the series of one name in the order of
// bySeries, by tags, or on a tie in the database's. It holds the names,
// and the series of one name at a time, which it gives Batch at a
// time: the order of series, not of samples, so that what reads their
// samples can stream, whatever the range.
func (sel Selector) EachOrdered(db *store.DB, byName func(a, b string) int, bySeries func(a, b []record.Tag) int, fn func([]Series) error) error {
	var names []string
	err := sel.Each(db, func(ss []Series) error {
		for _, s := range ss {
			// In the database's order, a name's series come together.
			if len(names) == 0 || names[len(names)-1] != s.Name {
				names = append(names, s.Name)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(names, byName)
	for _, n := range names {
		one := Selector{Metrics: []string{GlobQuote(n)}, Tags: sel.Tags}
		series, err := one.Find(db)
		if err != nil {
			return err
		}
		slices.SortStableFunc(series, func(a, b Series) int { return bySeries(a.Tags, b.Tags) })
		for len(series) > 0 {
			batch := series[:min(len(series), Batch)]
			series = series[len(batch):]
			if err := fn(batch); err != nil {
				return err
			}
		}
	}
	return nil
}

// GlobQuote returns a glob that matches s alone: the characters a glob
// gives a meaning to, as classes of themselves.
func GlobQuote(s string) string {
	return globChars.ReplaceAllString(s, "[$0]")
}

var globChars = regexp.MustCompile(`[*?\[]`)

func (sel Selector) matchRegexps(tags []record.Tag) bool {
	for _, f := range sel.Tags {
		if f.re == nil {
			continue
		}
		if !f.re.MatchString(record.TagValue(tags, f.Key)) {
			return false
		}
	}
	return true
}
