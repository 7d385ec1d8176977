// Package term holds the outputs drawn for a person at a terminal
// across time: the chart, the wide table and its CSV, and Shorten, which
// fits text to a terminal's columns. They register with format as the
// others do, from sm-query only: their libraries (asciigraph, runewidth)
// cost every process that links them start-up time, and sm-sample, run
// every minute, does not need them.
package term

import (
	"slices"
	"strings"

	"github.com/mattn/go-runewidth"

	"sm/internal/esc"
	"sm/internal/record"
)

// This file holds what the terminal views (chart, wide) share: they
// gather whole series before they print, and label each by what tells
// it apart from the others.

// A viewSeries is one series of a terminal view: its name and tags,
// copied, since a Writer must not keep a record's.
type viewSeries struct {
	name string
	tags []record.Tag
}

// same reports whether r belongs to s: records come series by series.
func (s *viewSeries) same(r *record.Record) bool {
	return s.name == r.Name && slices.Equal(s.tags, r.Tags)
}

func newViewSeries(r *record.Record) viewSeries {
	return viewSeries{r.Name, slices.Clone(r.Tags)}
}

// full is the series as a record line writes it: NAME;KEY=VALUE...
func (s viewSeries) full() string {
	return string(record.AppendSeries(nil, s.name, s.tags))
}

// orderViews sorts series by cmp of their full text, if cmp is set.
func orderViews[S interface{ full() string }](series []S, cmp func(a, b string) int) {
	if cmp != nil {
		slices.SortStableFunc(series, func(a, b S) int { return cmp(a.full(), b.full()) })
	}
}

// viewLabels returns a short label for each series, and the title that
// they all share. A tag every series has with the same value, and the
// name when all have it, go to the title, once; each label keeps the
// rest, so that labels differ where the series do: of disk.used_pct of
// host web1 at / and at /boot, the labels are mount=/ and mount=/boot
// and the title disk.used_pct;host=web1. A lone series is its own label.
// Both are escaped for a terminal (package esc): series text comes from
// any host.
func viewLabels(series []viewSeries) (labels []string, title string) {
	if len(series) == 1 {
		return []string{esc.Text(series[0].full())}, ""
	}
	sameName := true
	var common []record.Tag
	for _, t := range series[0].tags {
		all := true
		for _, s := range series[1:] {
			if !slices.Contains(s.tags, t) {
				all = false
				break
			}
		}
		if all {
			common = append(common, t)
		}
	}
	for _, s := range series[1:] {
		sameName = sameName && s.name == series[0].name
	}
	for _, s := range series {
		var b []byte
		if !sameName {
			b = append(b, s.name...)
		}
		for _, t := range s.tags {
			if slices.Contains(common, t) {
				continue
			}
			if len(b) > 0 {
				b = append(b, ';')
			}
			b = append(b, t.Key...)
			b = append(b, '=')
			b = record.AppendTagValue(b, t.Value)
		}
		if len(b) == 0 {
			b = append(b, s.full()...)
		}
		labels = append(labels, esc.Text(string(b)))
	}
	var name string
	if sameName {
		name = series[0].name
	}
	title = string(record.AppendSeries(nil, name, common))
	title = strings.TrimPrefix(title, ";")
	return labels, esc.Text(title)
}

// textWidth is how many columns s takes on a terminal.
func textWidth(s string) int { return runewidth.StringWidth(s) }

// fitLabels shortens each label to at most widths[i] columns, keeping
// what tells it apart from the others: the start and the end that all
// labels share are cut first (…srv/volume0/data… and …srv/volume1/data…
// rather than two mount=/srv/v…/long/path).
func fitLabels(labels []string, widths []int) []string {
	out := make([]string, len(labels))
	pre, suf := commonEnds(labels)
	for i, l := range labels {
		n := widths[i]
		if textWidth(l) <= n {
			out[i] = l
			continue
		}
		r := []rune(l)
		p, d, s := string(r[:pre]), string(r[pre:len(r)-suf]), string(r[len(r)-suf:])
		room := n - textWidth(d)
		if len(labels) == 1 || room < 4 {
			out[i] = Shorten(l, n)
			continue
		}
		// The shared start keeps its end, next to what differs, and the
		// shared end its start: an "…" for what is cut of either.
		right := min(textWidth(s), 1)
		left := min(textWidth(p), room-right)
		right = room - left
		out[i] = shortenStart(p, left) + d + shortenEnd(s, right)
	}
	return out
}

// commonEnds returns how many runes all labels share at their start and
// at their end, not overlapping in any of them.
func commonEnds(labels []string) (pre, suf int) {
	if len(labels) < 2 {
		return 0, 0
	}
	first := []rune(labels[0])
	pre, suf = len(first), len(first)
	for _, l := range labels[1:] {
		r := []rune(l)
		p := 0
		for p < min(pre, len(r)) && r[p] == first[p] {
			p++
		}
		pre = p
		s := 0
		for s < min(suf, len(r)) && r[len(r)-1-s] == first[len(first)-1-s] {
			s++
		}
		suf = s
	}
	shortest := len(first)
	for _, l := range labels {
		shortest = min(shortest, len([]rune(l)))
	}
	if pre+suf > shortest {
		suf = shortest - pre
	}
	return pre, suf
}

// shortenEnd cuts s to at most n columns, its end replaced by an "…".
func shortenEnd(s string, n int) string {
	if textWidth(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	var b strings.Builder
	w := 0
	for _, r := range s {
		if w+runewidth.RuneWidth(r) > n-1 {
			break
		}
		w += runewidth.RuneWidth(r)
		b.WriteRune(r)
	}
	return b.String() + "…"
}

// shortenStart cuts s to at most n columns, its start replaced by an "…".
func shortenStart(s string, n int) string {
	if textWidth(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	i, w := len(r), 0
	for i > 0 && w+runewidth.RuneWidth(r[i-1]) <= n-1 {
		i--
		w += runewidth.RuneWidth(r[i])
	}
	return "…" + string(r[i:])
}
