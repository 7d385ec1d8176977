package report

import (
	"slices"
	"strings"
	"unicode/utf8"

	"sm/internal/record"
)

// setLabels names the rows of a group so that each can be told from the
// others in its table and its chart's legend, and no longer than that
// needs: the part of the name after what all the rows' names begin with
// and the group's name says (disk. in the disk group), then the values of the tags that
// differ between rows. Tags with one value for every row are the
// group's Common, said once beside its title. A Munin field's label
// stands for its name where the plugin gives one and it tells the row
// apart.
func (g *Group) setLabels() {
	if len(g.Rows) == 0 {
		return
	}
	// Only what the group's name says goes: the memory group's mem.
	// stays, as swap.* rows may be beside it.
	prefix := commonPrefix(g.Rows)
	for !strings.HasPrefix(g.Name+".", prefix) {
		prefix = prefix[:strings.LastIndexByte(prefix[:len(prefix)-1], '.')+1]
	}
	// keys are the rows' tag keys, true for those whose value differs
	// between rows, or that some rows lack.
	keys := map[string]bool{}
	for _, r := range g.Rows {
		for k := range r.Tags {
			if k != "host" {
				keys[k] = false
			}
		}
	}
	for k := range keys {
		v, ok := g.Rows[0].Tags[k]
		for _, r := range g.Rows {
			if w, has := r.Tags[k]; has != ok || w != v {
				keys[k] = true
				break
			}
		}
	}
	var common []byte
	for _, k := range sortedKeys(keys) {
		if !keys[k] {
			if len(common) > 0 {
				common = append(common, ' ')
			}
			common = record.AppendTagValue(common, g.Rows[0].Tags[k])
		}
	}
	g.Common = string(common)

	plain := make([]string, len(g.Rows)) // name and differing tags
	for i, r := range g.Rows {
		b := []byte(strings.TrimPrefix(r.Name, prefix))
		for _, k := range sortedKeys(keys) {
			if v, ok := r.Tags[k]; ok && keys[k] {
				if len(b) > 0 {
					b = append(b, ' ')
				}
				b = record.AppendTagValue(b, v)
			}
		}
		plain[i] = string(b)
	}
	labels := slices.Clone(plain)
	if g.labels != nil {
		for i, r := range g.Rows {
			if l, ok := g.labels[g.field(r)]; ok {
				labels[i] = l + strings.TrimPrefix(plain[i], g.field(r))
			}
		}
		// A plugin may give two fields one label: those keep their
		// names, which differ.
		seen := map[string]int{}
		for _, l := range labels {
			seen[l]++
		}
		for i, l := range labels {
			if seen[l] > 1 {
				labels[i] = plain[i]
			}
		}
	}
	for i := range g.Rows {
		g.Rows[i].Label = labels[i]
	}
}

// commonPrefix returns what the names of rows all begin with, in whole
// dot-separated components, but for the last component of each: a
// group of load.1m, load.5m and load.15m begins with "load.", a group
// of disk.used_pct alone with "disk.".
func commonPrefix(rows []Row) string {
	if len(rows) == 0 {
		return ""
	}
	first := strings.Split(rows[0].Name, ".")
	n := len(first) - 1
	for _, r := range rows[1:] {
		parts := strings.Split(r.Name, ".")
		n = min(n, len(parts)-1)
		for i := range n {
			if parts[i] != first[i] {
				n = i
				break
			}
		}
	}
	if n == 0 {
		return ""
	}
	return strings.Join(first[:n], ".") + "."
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// shortenMiddle cuts s to n runes at most, keeping its head and its
// tail with "…" between: the ends of a label are what tell it apart
// (the name it starts with, the device or mount point it ends with).
func shortenMiddle(s string, n int) string {
	return shortenAt(s, n, 1, 3)
}

// shortenAt cuts s to n runes at most, keeping num/den of what is kept
// from its head and the rest from its tail.
func shortenAt(s string, n, num, den int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	r := []rune(s)
	keep := n - 1
	head := keep * num / den
	return string(r[:head]) + "…" + string(r[len(r)-(keep-head):])
}

// shortenAll cuts labels to n runes at most, in their middles, keeping
// them apart: where cutting two the same way makes them equal, it
// keeps more of their heads or of their tails, whichever tells them
// apart.
func shortenAll(labels []string, n int) []string {
	var out []string
	for _, split := range [][2]int{{1, 3}, {1, 2}, {2, 3}, {1, 6}, {5, 6}, {0, 1}, {1, 1}} {
		out = make([]string, len(labels))
		seen := map[string]bool{}
		distinct := true
		for i, l := range labels {
			out[i] = shortenAt(l, n, split[0], split[1])
			if seen[out[i]] {
				distinct = false
			}
			seen[out[i]] = true
		}
		if distinct {
			return out
		}
	}
	// No cut keeps them apart: the first one, as they would be.
	for i, l := range labels {
		out[i] = shortenMiddle(l, n)
	}
	return out
}
