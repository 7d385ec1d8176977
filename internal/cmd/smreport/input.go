package smreport

import (
	"fmt"
	"time"
)

// An input sums up the records of the files a report is made of: how
// many, their first and last times, and how many lie outside [lo, hi],
// what a period given on the command line reads.
type input struct {
	bad           bool // some lines were bad
	n             int64
	first, last   int64
	lo, hi        int64
	before, after int64
}

func (in *input) add(ts int64) {
	if in.n == 0 || ts < in.first {
		in.first = ts
	}
	if in.n == 0 || ts > in.last {
		in.last = ts
	}
	in.n++
	if in.hi > 0 {
		switch {
		case ts < in.lo:
			in.before++
		case ts > in.hi:
			in.after++
		}
	}
}

// span returns the period that covers the input, from its first record
// to its last, in loc: its length rounded to the minute, or to whole
// days from a day up, so that its word reads as a period (30d, not
// 29d23h55m, which would read 719h55m), never shorter than the records:
// it may start before the first. ok is false without records.
func (in *input) span(loc *time.Location) (from, to time.Time, ok bool) {
	if in.n == 0 {
		return time.Time{}, time.Time{}, false
	}
	d := time.Duration(in.last-in.first) * time.Second
	unit := time.Minute
	if d >= 24*time.Hour {
		unit = 24 * time.Hour
	}
	w := max(unit, d.Round(unit))
	if w < d {
		w += unit
	}
	to = time.Unix(in.last, 0).In(loc)
	return to.Add(-w), to, true
}

// leftOut says what records the period left out, or "".
func (in *input) leftOut(loc *time.Location) []string {
	var out []string
	if in.before > 0 {
		out = append(out, fmt.Sprintf("%d %s before %s left out: older than the period and the one before",
			in.before, records(in.before), stamp(in.lo, loc)))
	}
	if in.after > 0 {
		out = append(out, fmt.Sprintf("%d %s after %s left out: after the period",
			in.after, records(in.after), stamp(in.hi, loc)))
	}
	return out
}

func records(n int64) string {
	if n == 1 {
		return "record"
	}
	return "records"
}

// stamp writes a time to the minute, or to the second when it is not a
// whole minute: a period given ends at 23:59:59, and the one before a
// period starts a second before its length.
func stamp(ts int64, loc *time.Location) string {
	t := time.Unix(ts, 0).In(loc)
	if t.Second() != 0 {
		return t.Format(time.DateTime)
	}
	return t.Format("2006-01-02 15:04")
}
