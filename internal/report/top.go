package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"sm/internal/esc"
	"sm/internal/query"
	"sm/internal/record"
	"sm/internal/store"
)

// What a busiest hour names of what used the CPU in it: of the services
// (svc.cpu_pct) and of the processes (proc.cpu_pct, by command) of its
// host, at most MaxTop of each, the highest first, whose average over
// the hour is at least minTopPct % of one CPU. Services come first:
// the unit is what to look at or restart; the commands after them say
// what ran inside. Merged in one list they would name the same CPU
// twice and crowd out the third consumer.
const (
	MaxTop    = 3
	minTopPct = 1.0
	// maxTopScan bounds the series of a host an hour's consumers are
	// chosen from, whatever a host sends: past it, the rest are left
	// out of the choice.
	maxTopScan = 5000
	// topNameWidth is the most runes of a consumer's name that the
	// text, Markdown and HTML reports show, cut in its middle.
	topNameWidth = 32
)

// Kinds of consumer.
const (
	KindService = "service"
	KindProcess = "process"
)

// A Consumer is a service or a process that used the CPU in a busiest
// hour: its average over the hour, in percent of one CPU as top shows
// it, counting the samples of the hour it was absent from (too small
// to be recorded) as 0.
type Consumer struct {
	Kind string `json:"kind"`
	// Name is the unit (nginx.service), the cgroup (/docker/ID), "other
	// in SLICE" for the rest of a slice, or the command (postgres).
	Name string  `json:"name"`
	Avg  float64 `json:"avg"`
	Unit string  `json:"unit,omitempty"`
}

// A cgroupKey is what the tags of a service's series say of its cgroup.
type cgroupKey struct{ unit, cgroup, slice, uid string }

func cgroupOf(tags []record.Tag) cgroupKey {
	return cgroupKey{unit: record.TagValue(tags, "unit"), cgroup: record.TagValue(tags, "cgroup"),
		slice: record.TagValue(tags, "slice"), uid: record.TagValue(tags, "uid")}
}

// name names the cgroup for people.
func (k cgroupKey) name() string {
	switch {
	case k.unit == "other" && k.slice != "":
		return "other in " + k.slice
	case k.unit != "":
		return k.unit
	case k.cgroup != "":
		return k.cgroup
	}
	return "?"

}

// holds reports whether k is a cgroup that holds others, among keys:
// a slice while there is anything but slices, a folder of containers
// while one of them (or their rest) is there, a user's service manager
// while one of the user's own units is. What sm-sample records of
// these is the sum of what they hold: named beside their members, the
// same CPU or OOM kill would count twice.
func (k cgroupKey) holds(keys []cgroupKey) bool {
	switch {
	case strings.HasSuffix(k.unit, ".slice"):
		return slices.ContainsFunc(keys, func(o cgroupKey) bool { return !strings.HasSuffix(o.unit, ".slice") })
	case k.cgroup != "":
		return slices.ContainsFunc(keys, func(o cgroupKey) bool {
			return strings.HasPrefix(o.cgroup, k.cgroup+"/") || o.slice == k.cgroup
		})
	case strings.HasPrefix(k.unit, "user@") && strings.HasSuffix(k.unit, ".service"):
		uid := strings.TrimSuffix(strings.TrimPrefix(k.unit, "user@"), ".service")
		return slices.ContainsFunc(keys, func(o cgroupKey) bool { return o.uid == uid })
	}
	return false
}

// addTop names the consumers of each busiest hour: one query a host
// and hour, over that host's svc.cpu_pct and proc.cpu_pct in it.
func (rep *Report) addTop(db *store.DB, now time.Time) error {
	type hourKey struct {
		host string
		hour int64
	}
	done := map[hourKey][]Consumer{}
	for i := range rep.Busiest {
		b := &rep.Busiest[i]
		k := hourKey{b.Host, b.Hour.Unix()}
		top, ok := done[k]
		if !ok {
			var err error
			if top, err = hourTop(db, b.Host, b.Hour, now); err != nil {
				return err
			}
			done[k] = top
		}
		b.Top = top
	}
	return nil
}

// hourTop returns the consumers of host's hour from start.
func hourTop(db *store.DB, host string, start time.Time, now time.Time) ([]Consumer, error) {
	hf := query.TagFilter{Key: "host", Op: "=", Value: host}
	if host == "" {
		var err error
		if hf, err = query.ParseTagFilter("host=~^$"); err != nil {
			return nil, err
		}
	}
	q := query.Query{Selector: query.Selector{Metrics: []string{"svc.cpu_pct", "proc.cpu_pct"}, Tags: []query.TagFilter{hf}},
		From: start, To: start.Add(time.Hour - time.Second), Funcs: []query.Func{query.Sum, query.Count}}
	// A series' sum and count, by what it names: a service's cgroup,
	// or a command (the same command run by two users is one).
	type total struct {
		sum   query.Total
		count float64
	}
	svc := map[cgroupKey]*total{}
	proc := map[string]*total{}
	var svcN, procN float64 // the most samples of a series of each kind
	_, err := query.Run(db, q, now, func(r *record.Record) error {
		var t *total
		if r.Name == "svc.cpu_pct" {
			k := cgroupOf(r.Tags)
			if t = svc[k]; t == nil && len(svc) < maxTopScan {
				t = &total{}
				svc[k] = t
			}
		} else {
			k := record.TagValue(r.Tags, "comm")
			if t = proc[k]; t == nil && len(proc) < maxTopScan {
				t = &total{}
				proc[k] = t
			}
		}
		if t == nil {
			return nil
		}
		switch record.TagValue(r.Tags, "agg") {
		case string(query.Sum):
			t.sum.Add(r.Value)
		case string(query.Count):
			t.count += r.Value
			if r.Name == "svc.cpu_pct" {
				svcN = max(svcN, r.Value)
			} else {
				procN = max(procN, r.Value)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []Consumer
	keys := make([]cgroupKey, 0, len(svc))
	for k := range svc {
		keys = append(keys, k)
	}
	var services []Consumer
	for k, t := range svc {
		if avg, ok := t.sum.Div(svcN); ok && svcN >= 1 && !k.holds(keys) {
			services = append(services, Consumer{Kind: KindService, Name: k.name(), Avg: avg, Unit: "%"})
		}
	}
	out = append(out, pickTop(services)...)
	var procs []Consumer
	for k, t := range proc {
		if avg, ok := t.sum.Div(procN); ok && procN >= 1 {
			if k == "" {
				k = "?"
			}
			procs = append(procs, Consumer{Kind: KindProcess, Name: k, Avg: avg, Unit: "%"})
		}
	}
	return append(out, pickTop(procs)...), nil
}

// pickTop returns the first MaxTop of cs, the highest first, of those
// at minTopPct or more.
func pickTop(cs []Consumer) []Consumer {
	cs = slices.DeleteFunc(cs, func(c Consumer) bool { return !(c.Avg >= minTopPct) })
	slices.SortFunc(cs, func(a, b Consumer) int { return cmp.Or(cmp.Compare(b.Avg, a.Avg), strings.Compare(a.Name, b.Name)) })
	return cs[:min(len(cs), MaxTop)]
}

// topText writes consumers for a table cell, their names made inert on
// a terminal and cut to width runes: "postgresql.service 61 %,
// nginx.service 12 %; postgres 60 %", services, then processes.
func topText(top []Consumer, width int) string {
	var b strings.Builder
	for i, c := range top {
		switch {
		case i == 0:
		case c.Kind != top[i-1].Kind:
			b.WriteString("; ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(shortenMiddle(esc.Text(c.Name), width))
		b.WriteByte(' ')
		b.WriteString(NumUnit(c.Avg, c.Unit))
	}
	return b.String()
}

// fitTop writes consumers as topText does in at most room runes: as
// it takes, the last of the longer list (services or processes) left
// out, down to the first of each, then the names cut shorter, then the
// rest left out. A name cut to a few runes tells nothing; the top
// service and the top command, whole, tell the most.
func fitTop(top []Consumer, room int) string {
	ns := 0
	for ns < len(top) && top[ns].Kind == KindService {
		ns++
	}
	services, procs := top[:ns], top[ns:]
	try := func(w, s, p int) (string, bool) {
		t := topText(slices.Concat(services[:s], procs[:p]), w)
		return t, runeLen(t) <= room
	}
	for w := topNameWidth; w >= 8; w-- {
		s, p := len(services), len(procs)
		for s+p > 0 {
			if t, ok := try(w, s, p); ok {
				return t
			}
			if p >= s && (p > 1 || w == 8) {
				p--
			} else if s > 1 || w == 8 {
				s--
			} else {
				break
			}
		}
	}
	return ""
}

func runeLen(s string) int { return len([]rune(s)) }

// oomText says what an OOM kill highlight is about.
func oomText(h Highlight, loc *time.Location) string {
	what := "OOM kill"
	if h.Value != 1 {
		what = fmt.Sprintf("%s OOM kills", Num(h.Value, ""))
	}
	if h.Service != "" {
		what += " in " + h.Service
	}
	if h.Value != 1 {
		return what + ", the last " + h.At.In(loc).Format(dayLayout)
	}
	return what + ", " + h.At.In(loc).Format(dayLayout)
}

// oom returns the highlight of the OOM kills a series counted, if any.
func (sc *seriesScan) oom(r Row, host string) (Highlight, bool) {
	if sc.kills <= 0 {
		return Highlight{}, false
	}
	hl := Highlight{Level: Warning, Kind: KindOOM, Host: host, Series: r.Series, Label: r.Label,
		Value: sc.kills, At: sc.t(sc.killAt)}
	if sc.oomKind == oomSince {
		hl.Service = cgroupOf(sc.s.Tags).name()
	}
	return hl, true
}

// addOOM keeps an OOM kill highlight of the host, at most MaxHighlights
// of them, counting the rest.
func (h *hostScan) addOOM(hl Highlight) {
	if len(h.oom) >= MaxHighlights {
		h.oomMore++
		return
	}
	h.oom = append(h.oom, hl)
}

// ooms returns the host's OOM kill highlights, naming each kill once:
// that of the service it was in, not those of the slices and folders
// that hold the service, nor the host's own count.
func (h *hostScan) ooms() []Highlight {
	var keys []cgroupKey
	for _, hl := range h.oom {
		if hl.Service != "" {
			keys = append(keys, cgroupOf(seriesTags(hl.Series)))
		}
	}
	var out []Highlight
	for _, hl := range h.oom {
		switch {
		case hl.Service == "" && len(keys) > 0:
		case hl.Service != "" && cgroupOf(seriesTags(hl.Series)).holds(keys):
		default:
			out = append(out, hl)
		}
	}
	return out
}

// seriesTags returns the tags of a series' text, none if it is not one.
func seriesTags(series string) []record.Tag {
	_, tags, _ := record.ParseSeries(series)
	return tags
}
