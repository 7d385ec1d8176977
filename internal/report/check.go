package report

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"sm/internal/esc"
	"sm/internal/query"
	"sm/internal/record"
	"sm/internal/store"
)

// CheckOptions say what to check.
type CheckOptions struct {
	query.Selector
	Now   time.Time
	Rules Rules
	// For, when set, asks that every sample of that long before now
	// breach a threshold, not only the latest.
	For time.Duration
	// Stale is how old a host's latest sample may be.
	Stale time.Duration
	// ForgetAfter, when set, is how long a silent host is UNKNOWN:
	// a host silent longer is left out, as gone.
	ForgetAfter time.Duration
	// State, when set, is the state of the last run with Track: a breach
	// it holds stays on until the value is back past its margin (see
	// Thresholds.Hold).
	State *State
	// Track asks for the changes since State, and the state to keep for
	// the next run, in Check.Changes and Check.State.
	Track bool
}

// A Check is the outcome of checking the latest values: the state and
// what made it so, in the way of a Nagios plugin.
type Check struct {
	Status   Level
	Problems []Problem // worst first, at most MaxProblems
	More     int       // the problems left out, less bad than those kept
	Perf     []string  // performance data, one item a series with a threshold, at most MaxPerf
	Series   int       // the series checked
	Hosts    int
	// With CheckOptions.Track: the changes since the last run, worst
	// first, and the state to keep.
	Changes []Transition
	State   *State
}

// A check holds at most MaxProblems problems, the worst, and the
// performance data of at most MaxPerf series, the first by name,
// however many series breach a threshold.
const (
	MaxProblems = 50
	MaxPerf     = 100
)

// A Problem is a series past a threshold, or a host without recent data.
type Problem struct {
	Level Level
	Text  string
}

// RunCheck checks the latest value of each selected series against its
// thresholds. A host whose latest sample, of any series, is older than
// Stale is UNKNOWN; a series that has no sample that recent while its
// host has is left out, as gone (a disk unmounted). A host silent for
// longer than ForgetAfter is left out too, as gone; when that leaves no
// host, the check is UNKNOWN.
//
// It reads the series a batch at a time, and keeps only those that a
// rule matches: memory does not grow with the series that none does.
func RunCheck(db *store.DB, o CheckOptions) (*Check, error) {
	if o.Track && o.State != nil && len(o.State.Entries) > 0 && o.State.Select != Selection(o.Selector) {
		return nil, fmt.Errorf("the state file is of the check of %s, not of %s: give each its own --state", selected(o.State.Select), selected(Selection(o.Selector)))
	}
	c := &Check{}
	now := o.Now.Unix()
	tr := newTracker(o, now)
	fresh := now - int64(o.Stale/time.Second)
	since := now - int64(o.For/time.Second)
	type latest struct {
		s      query.Series
		th     Thresholds
		ts     int64
		v      float64
		level  Level // the least bad level of the samples since
		sample bool  // a sample since
	}
	hosts := map[string]bool{} // host: has fresh data
	matched, freshSeries := 0, 0
	ids := make([]int64, 0, query.Batch)
	err := o.Each(db, func(series []query.Series) error {
		matched += len(series)
		ids = ids[:0]
		for _, s := range series {
			ids = append(ids, s.ID)
		}
		rng, err := db.RangeOf(min(fresh, since), now+1, ids)
		if err != nil {
			return err
		}
		for _, s := range series {
			l := latest{s: s, th: o.Rules.For(s.Name, s.Tags), level: Critical}
			err := rng.Scan(s.ID, func(ts int64, v float64) error {
				l.ts, l.v = ts, v
				if o.For > 0 && ts >= since {
					l.level = min(l.level, l.th.Level(v))
					l.sample = true
				}
				return nil
			})
			if err != nil {
				return err
			}
			host := record.TagValue(s.Tags, "host")
			hosts[host] = hosts[host] || l.ts >= fresh
			if l.ts >= fresh {
				freshSeries++
				if !l.th.Any() {
					continue // within thresholds, none being set
				}
				if o.For == 0 || !l.sample {
					l.level = l.th.Level(l.v)
				}
				raw := l.level
				if o.State != nil {
					if e := o.State.get('s', l.s.Key()); e != nil {
						l.level = l.th.Hold(e.Level, l.level, l.v)
					}
				}
				if len(c.Perf) < MaxPerf {
					c.Perf = append(c.Perf, perfData(l.s, l.v, l.th))
				}
				text := func() string {
					v := strconv.FormatFloat(l.v, 'f', -1, 64)
					r := l.th.rule(l.level)
					if r == nil {
						return l.s.Key() + " " + v
					}
					t := fmt.Sprintf("%s %s %s %s", l.s.Key(), v, r.Op, strconv.FormatFloat(r.Value, 'f', -1, 64))
					if raw != l.level {
						// Held by the margin: say so, and where it clears.
						word := "less"
						if r.Op[0] == '<' {
							word = "plus"
						}
						t = fmt.Sprintf("%s %s %s %s (%s %s margin %s)", l.s.Key(), v, r.Op, strconv.FormatFloat(r.clearsAt(), 'f', -1, 64),
							strconv.FormatFloat(r.Value, 'f', -1, 64), word, strconv.FormatFloat(r.margin(), 'f', -1, 64))
					}
					if o.For > 0 && l.sample {
						t += " for " + Span(o.For)
					}
					return t
				}
				if o.Track {
					tr.observe(Entry{Kind: 's', Key: l.s.Key(), Host: host}, l.level, l.th.rule(l.level).hits(), text)
				}
				if l.level == OK {
					continue
				}
				c.add(Problem{l.level, text()})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if matched == 0 {
		c.Status = Unknown
		c.Problems = []Problem{{Unknown, "no series match"}}
		tr.whole(c, hosts, c.Problems[0].Text)
		return c, nil
	}
	if o.ForgetAfter > 0 {
		n := len(hosts)
		var one string
		for h := range hosts {
			one = h
		}
		if err := forget(db, hosts, now-int64(o.ForgetAfter/time.Second), fresh); err != nil {
			return nil, err
		}
		if len(hosts) == 0 {
			what := "no data"
			if n == 1 && one != "" {
				what = "no data from host " + one
			}
			c.Status = Unknown
			c.Problems = []Problem{{Unknown, fmt.Sprintf("%s in the last %s (--forget-after)", what, Span(o.ForgetAfter))}}
			tr.whole(c, hosts, c.Problems[0].Text)
			return c, nil
		}
	}
	// A host's problems go before its series' of the same level: none
	// are UNKNOWN, so they go first as they are.
	var series []Problem
	series, c.Problems = c.Problems, nil
	for _, h := range slices.Sorted(maps.Keys(hosts)) {
		what := "no data"
		if h != "" {
			what = "no data from host " + h
		}
		text := fmt.Sprintf("%s in the last %s (--stale)", what, Span(o.Stale))
		if !hosts[h] {
			c.add(Problem{Unknown, text})
			tr.observe(Entry{Kind: 'h', Key: h, Host: h}, Unknown, 1, func() string { return text })
			continue
		}
		tr.observe(Entry{Kind: 'h', Key: h, Host: h}, OK, 1, func() string {
			if h == "" {
				return "data again"
			}
			return "data from host " + h + " again"
		})
	}
	c.Problems = append(c.Problems, series...)
	c.cut()
	tr.whole(c, hosts, "")
	c.Hosts = len(hosts)
	c.Series = freshSeries
	return c, nil
}

// selected names a selection for people.
func selected(sel string) string {
	if sel == "" {
		return "every series"
	}
	return strconv.Quote(sel)
}

// errHeard stops a scan at the first sample.
var errHeard = errors.New("heard")

// forget drops from hosts, the hosts checked and whether they have
// fresh data, those with no sample since cut: a host taken out of
// service, or a stray record of a made-up host, would otherwise keep
// the check UNKNOWN for as long as samples are kept. Only the series of
// silent hosts are read, found through the host index, each up to its
// first sample. Series without a host are not forgotten.
func forget(db *store.DB, hosts map[string]bool, cut, fresh int64) error {
	for h, isFresh := range hosts {
		if isFresh || h == "" {
			continue
		}
		heard := false
		with := []string{"host=" + string(record.AppendTagValue(nil, h))}
		err := db.EachSeries(nil, with, nil, query.Batch, func(ss []store.Series) error {
			for _, s := range ss {
				err := db.Scan(s.ID, cut, fresh, func(int64, float64) error {
					heard = true
					return errHeard
				})
				if err != nil && err != errHeard {
					return err
				}
				if heard {
					return errHeard
				}
			}
			return nil
		})
		if err != nil && err != errHeard {
			return err
		}
		if !heard {
			delete(hosts, h)
		}
	}
	return nil
}

// add adds a problem, keeping the worst MaxProblems when there are many.
func (c *Check) add(p Problem) {
	c.Status = c.Status.Worse(p.Level)
	c.Problems = append(c.Problems, p)
	if len(c.Problems) >= 2*MaxProblems {
		c.cut()
	}
}

// cut sorts the problems, worst first and otherwise in the order they
// came, and keeps MaxProblems of them, counting the rest.
func (c *Check) cut() {
	slices.SortStableFunc(c.Problems, func(a, b Problem) int { return cmp.Compare(b.Level.rank(), a.Level.rank()) })
	if n := len(c.Problems); n > MaxProblems {
		c.More += n - MaxProblems
		c.Problems = c.Problems[:MaxProblems:MaxProblems]
	}
}

// perfData writes a series' latest value as Nagios performance data:
// 'label'=value[unit];warn;crit[;min;max]. A label may not hold "=",
// so the tags are written KEY:VALUE; nor "'", which would end it; nor a
// line break, which would end the output's first line (see perfLabel).
func perfData(s query.Series, v float64, th Thresholds) string {
	var label strings.Builder
	label.WriteString(s.Name)
	for _, t := range s.Tags {
		fmt.Fprintf(&label, " %s:%s", t.Key, t.Value)
	}
	name := perfLabel(label.String())
	unit := ""
	switch u := record.UnitOf(s.Name); u {
	case "%", "B", "s":
		unit = u
	}
	out := fmt.Sprintf("'%s'=%s%s;%s;%s", name, strconv.FormatFloat(v, 'f', -1, 64), unit, perfRange(th.Warn), perfRange(th.Crit))
	if unit == "%" {
		out += ";0;100"
	}
	return out
}

// perfLabel makes a label of performance data out of names and tags, as
// the Nagios plugin guidelines allow: the label is quoted, so it may
// hold spaces, and "=", "'" and "|" (which would start performance data
// a parser may take for its own) become "_"; control characters and
// bidirectional controls show as escapes (package esc), so that no tag
// can end the line and forge one of its own.
func perfLabel(s string) string {
	return strings.NewReplacer("'", "_", "=", "_", "|", "_").Replace(esc.Text(s))
}

// statusText makes a problem's text fit the output's lines: no tag can
// break the line, and a "|", which would start performance data, is a
// broken bar.
func statusText(s string) string {
	return strings.ReplaceAll(esc.Text(s), "|", "¦")
}

// perfRange writes a rule as a Nagios range: 90 alerts above 90, 5e8:
// below 5e8.
func perfRange(r *Rule) string {
	if r == nil {
		return ""
	}
	v := strconv.FormatFloat(r.Value, 'f', -1, 64)
	if r.Op[0] == '<' {
		return v + ":"
	}
	return v
}

// Write writes the check as a Nagios plugin does: the state and the
// worst problem on the first line, with performance data; then, when
// there is more than one problem, each on a line of its own.
func (c *Check) Write(w io.Writer) error {
	var b strings.Builder
	b.WriteString(c.Status.String() + " - ")
	switch {
	case len(c.Problems) == 0:
		fmt.Fprintf(&b, "%s of %s within thresholds", plural(c.Series, "series"), plural(c.Hosts, "host"))
	case len(c.Problems) == 1 && c.More == 0:
		b.WriteString(statusText(c.Problems[0].Text))
	default:
		fmt.Fprintf(&b, "%s, and %d more", statusText(c.Problems[0].Text), len(c.Problems)-1+c.More)
	}
	if len(c.Perf) > 0 {
		b.WriteString(" | " + strings.Join(c.Perf, " "))
	}
	b.WriteByte('\n')
	if len(c.Problems)+c.More > 1 {
		for _, p := range c.Problems {
			fmt.Fprintf(&b, "%s - %s\n", p.Level, statusText(p.Text))
		}
	}
	if c.More > 0 {
		fmt.Fprintf(&b, "and %d more, less bad (at most %d are listed)\n", c.More, MaxProblems)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
