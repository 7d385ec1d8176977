package report

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"sm/internal/query"
)

// A Transition is a check that changed state since the last run: a new
// problem (Was is OK), a worse or a better one, or a resolved one
// (Level is OK).
type Transition struct {
	Level, Was Level
	Text       string        // the problem, or the series and its value
	For        time.Duration // how long it was at Was; resolved: how long the problem lasted
}

// Selection writes a selection as the state file keeps it: what a check
// with another selection must not take for its own.
func Selection(sel query.Selector) string {
	var parts []string
	for _, m := range sel.Metrics {
		parts = append(parts, "--metric "+m)
	}
	for _, t := range sel.Tags {
		parts = append(parts, "--tag "+t.String())
	}
	slices.Sort(parts)
	return strings.Join(slices.Compact(parts), " ")
}

// get returns the entry of a check, nil when there is none or no state.
func (st *State) get(kind byte, key string) *Entry {
	if st == nil {
		return nil
	}
	return st.Entries[string(kind)+key]
}

// overKey is the entry that says problems went untracked past MaxState.
var overKey = fmt.Sprintf("more problems than the state keeps (%d); the rest are not tracked", MaxState)

// A tracker follows each check from the last run's state to this one's,
// noting the changes.
type tracker struct {
	on      bool
	now     int64
	prev    *State
	next    *State
	seen    map[string]bool // entries of prev checked this run
	added   int             // entries of next not in prev
	over    bool
	changes []Transition
}

func newTracker(o CheckOptions, now int64) *tracker {
	t := &tracker{on: o.Track, now: now, prev: o.State}
	if t.prev == nil {
		t.prev = NewState()
	}
	if t.on {
		t.next = NewState()
		t.next.Select = Selection(o.Selector)
		t.seen = map[string]bool{}
	}
	return t
}

// observe moves one check to level lvl. A worse level is reported once
// hits checks in a row have had it; a better one at once, as Hold has
// already kept it until it is back past the margin. text is called
// only for a change.
func (t *tracker) observe(e Entry, lvl Level, hits int, text func() string) {
	if !t.on {
		return
	}
	id := e.id()
	old := t.prev.Entries[id]
	if old != nil {
		t.seen[id] = true
		e = *old
	}
	var tr *Transition
	switch {
	case lvl.rank() > e.Level.rank():
		e.Hits++
		if e.Hits < hits {
			break
		}
		tr = &Transition{Level: lvl, Was: e.Level, Text: text()}
		if e.Level == OK {
			e.Start = t.now
		} else {
			tr.For = t.since(e.Since)
		}
		e.Level, e.Since, e.Hits = lvl, t.now, 0
	case lvl.rank() < e.Level.rank():
		tr = &Transition{Level: lvl, Was: e.Level, Text: text(), For: t.since(e.Since)}
		if lvl == OK {
			tr.For = t.since(e.Start)
		}
		e.Level, e.Since, e.Hits = lvl, t.now, 0
	default:
		e.Hits = 0
	}
	if e.Level != OK || e.Hits > 0 {
		if old == nil && e.Kind != '-' {
			if len(t.prev.Entries)+t.added >= maxState {
				t.over = true
				return // neither kept nor said
			}
			t.added++
		}
		t.next.Entries[id] = &e
	}
	if tr != nil {
		t.changes = append(t.changes, *tr)
	}
}

func (t *tracker) since(ts int64) time.Duration {
	return time.Duration(max(0, t.now-ts)) * time.Second
}

// whole ends the run: the checks of the last run not checked in this
// one are resolved, unless their host is only silent (its own UNKNOWN
// stands for them); global is a problem of the whole check, if any.
// A host retired (sm-store --retire-host) or forgotten
// (--forget-after) is no longer among hosts: its problems are resolved
// once, and leave the state.
func (t *tracker) whole(c *Check, hosts map[string]bool, global string) {
	if !t.on {
		return
	}
	if global != "" {
		t.observe(Entry{Kind: '-', Key: global}, Unknown, 1, func() string { return global })
	}
	if t.over {
		t.observe(Entry{Kind: '-', Key: overKey}, Unknown, 1, func() string { return overKey })
	}
	for _, id := range slices.Sorted(maps.Keys(t.prev.Entries)) {
		e := t.prev.Entries[id]
		if t.seen[id] {
			continue
		}
		fresh, known := hosts[e.Host]
		if e.Kind == 's' && known && !fresh {
			t.next.Entries[id] = e
			continue
		}
		if e.Level == OK {
			continue // on its way to a problem, never reported
		}
		text := e.Key
		switch {
		case e.Kind == 's' && known:
			text += " no longer checked" // gone stale, or its rule removed
		case e.Kind == 's':
			text += " gone with its host"
		case e.Kind == 'h':
			text = "host " + e.Key + " gone: retired, or silent for longer than --forget-after"
		}
		t.changes = append(t.changes, Transition{Level: OK, Was: e.Level, Text: text, For: t.since(e.Start)})
	}
	slices.SortStableFunc(t.changes, func(a, b Transition) int { return cmp.Compare(b.Level.rank(), a.Level.rank()) })
	c.Changes, c.State = t.changes, t.next
}

// WriteChanges writes each change on a line of its own, in the way of
// the check's lines: the state now, the problem, and what changed. At
// most MaxProblems are listed, the worst; nothing is written when
// nothing changed.
func (c *Check) WriteChanges(w io.Writer) error {
	var b strings.Builder
	for i, t := range c.Changes {
		if i == MaxProblems {
			fmt.Fprintf(&b, "and %d more changes (at most %d are listed)\n", len(c.Changes)-i, MaxProblems)
			break
		}
		fmt.Fprintf(&b, "%s - %s ", t.Level, statusText(t.Text))
		switch {
		case t.Was == OK:
			b.WriteString("(new)\n")
		case t.Level == OK:
			fmt.Fprintf(&b, "(resolved after %s; was %s)\n", Span(t.For), t.Was)
		default:
			fmt.Fprintf(&b, "(was %s for %s)\n", t.Was, Span(t.For))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
