package format

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

// shortenMiddle cuts s to at most n columns by taking out its middle,
// for an "…": labels differ at their ends as often as at their starts
// (mount=/srv/a/data, mount=/srv/b/data).
func shortenMiddle(s string, n int) string {
	if textWidth(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	head := n / 2
	tail := n - 1 - head
	var b strings.Builder
	w := 0
	i := 0
	for ; i < len(r) && w+runewidth.RuneWidth(r[i]) <= head; i++ {
		w += runewidth.RuneWidth(r[i])
		b.WriteRune(r[i])
	}
	b.WriteString("…")
	j, tw := len(r), 0
	for j > i && tw+runewidth.RuneWidth(r[j-1]) <= tail {
		j--
		tw += runewidth.RuneWidth(r[j])
	}
	b.WriteString(string(r[j:]))
	return b.String()
}
