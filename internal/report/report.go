// Package report sums up a period of stored series for people, as
// sm-report writes it: highlights (thresholds breached, disks filling,
// hosts gone silent, busiest hours), then per host a table of each
// family of series with a sparkline; and it checks the latest values
// against thresholds, as sm-report --check does. It selects and
// aggregates through package query, as sm-query does.
package report

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"sm/internal/query"
	"sm/internal/record"
	"sm/internal/store"
)

// Chart and spark resolution: a chart has ChartBuckets points, a
// sparkline one for each SparkGroup of them.
const (
	ChartBuckets = 96
	SparkGroup   = 4
	SparkBuckets = ChartBuckets / SparkGroup
)

// Forecasts look this far ahead: a disk that a linear fit of its
// period fills within it is a highlight, and a critical one within
// forecastCritical.
const (
	forecastHorizon  = 30 * 24 * time.Hour
	forecastCritical = 7 * 24 * time.Hour
)

// What a report holds is bounded, whatever the database holds: at most
// MaxRows series in the table of each group of each host, the first in
// record.NaturalCompare order, then a count of the rest and the sm-query
// command that lists them; at most MaxHighlights highlights, the worst,
// of every series; at most MaxBusiest busiest hours; the tables of at
// most MaxHosts hosts, the first by name.
const (
	MaxRows       = 20
	MaxHighlights = 50
	MaxBusiest    = 20
	MaxHosts      = 100
)

// silentIntervals is how many of its usual intervals a host may miss
// before it counts as having stopped reporting.
const silentIntervals = 3

// Options say what to report on.
type Options struct {
	// Query selects the series and the period, From and To included.
	query.Query
	Now   time.Time
	Rules Rules
	// Meta says what the source of a group of a host's series says of
	// it (see GroupMeta); ok is false when it says nothing, and the
	// group keeps its defaults. Nil means what the database keeps.
	Meta func(host, group string) (m GroupMeta, ok bool)
}

// A Report is the summary of one period.
type Report struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// End is where the period's data ends: To, or now when To is later.
	// Coverage and silence are measured up to it.
	End time.Time `json:"end"`
	// Complete is false while the period is in progress: To is after
	// now, and the report covers it only up to End.
	Complete   bool        `json:"complete"`
	Highlights []Highlight `json:"highlights"`
	// HighlightsMore counts the highlights past MaxHighlights, left
	// out: less bad than those given.
	HighlightsMore int       `json:"highlights_more,omitempty"`
	Busiest        []Busiest `json:"busiest"`
	// BusiestMore counts the busiest hours past MaxBusiest, left out.
	BusiestMore int    `json:"busiest_more,omitempty"`
	Hosts       []Host `json:"hosts"`
	// HostsMore counts the hosts with samples past MaxHosts, whose
	// tables are left out.
	HostsMore int `json:"hosts_more,omitempty"`
	// NoData, when no series has a sample in the period, says so: of
	// what was asked, and when. The report is then about nothing.
	NoData string `json:"no_data,omitempty"`
	// Warnings say what the report could not cover.
	Warnings []string `json:"warnings,omitempty"`
}

// Kinds of highlight.
const (
	KindThreshold = "threshold"
	KindSilent    = "silent"
	KindForecast  = "forecast"
	KindOOM       = "oom"
)

// A Highlight is one thing that needs attention.
type Highlight struct {
	Level Level  `json:"level"`
	Kind  string `json:"kind"`
	Host  string `json:"host"`
	// Series is the series' text, for thresholds and forecasts.
	Series string `json:"series,omitempty"`
	// Label is the series: its name and tag values but host (see Label).
	Label string `json:"label,omitempty"`
	Unit  string `json:"unit,omitempty"`

	// Thresholds: the rule breached; the value now, or the peak of a
	// breach that is over; when the breach began (the current spell,
	// or the first); how long it lasted, in all; in how many spells.
	Rule      string    `json:"rule,omitempty"`
	Op        string    `json:"op,omitempty"`
	Threshold float64   `json:"threshold,omitempty"`
	Value     float64   `json:"value"`
	Ongoing   bool      `json:"ongoing,omitempty"`
	Since     time.Time `json:"since,omitzero"`
	For       Duration  `json:"for,omitempty"`
	Spells    int       `json:"spells,omitempty"`

	// Silent hosts: the last sample, zero when there was none in the
	// period.
	LastSeen time.Time `json:"last_seen,omitzero"`

	// Forecasts: the growth a day and when the disk is full.
	PerDay float64   `json:"per_day,omitempty"`
	Full   time.Time `json:"full,omitzero"`

	// OOM kills: Value counts them; Service is the unit or cgroup they
	// were in, empty for a host's own count (mem.oom_kills) when no
	// service's says more; At is the sample that saw the last one.
	Service string    `json:"service,omitempty"`
	At      time.Time `json:"at,omitzero"`
}

// A Busiest is the hour of the period with the highest average of a
// host's load.1m or cpu.busy_pct, and what used the CPU in it (see
// MaxTop), where the host records its services or processes.
type Busiest struct {
	Host   string     `json:"host"`
	Series string     `json:"series"`
	Hour   time.Time  `json:"hour"`
	Avg    float64    `json:"avg"`
	Unit   string     `json:"unit,omitempty"`
	Top    []Consumer `json:"top,omitempty"`
}

// A Host is the series of one host, by group (see GroupOf).
type Host struct {
	Name     string    `json:"name"`
	LastSeen time.Time `json:"last_seen,omitzero"`
	Groups   []Group   `json:"groups"`
}

// A Row sums up one series over the period.
type Row struct {
	Series string `json:"series"`
	Name   string `json:"name"`
	// Label names the series in its group's table and chart: what
	// tells it from the group's other rows (see Group.setLabels).
	Label string            `json:"label"`
	Tags  map[string]string `json:"tags,omitempty"`
	Unit  string            `json:"unit,omitempty"`

	Min float64 `json:"min"`
	Avg float64 `json:"avg"`
	P95 float64 `json:"p95"`
	// P95From, when set, is where the samples that P95 covers start:
	// before it the period has only hourly rollups. NoP95 says it has
	// nothing but rollups, and P95 is none.
	P95From  time.Time `json:"p95_from,omitzero"`
	NoP95    bool      `json:"no_p95,omitempty"`
	Max      float64   `json:"max"`
	Last     float64   `json:"last"`
	LastTime time.Time `json:"last_time"`
	// Change is the relative change of Avg against the previous period
	// of equal length (0.12 is 12 % up); nil without one.
	Change *float64 `json:"change"`
	// Coverage is Samples over Expected, at most 1; nil when the usual
	// interval is unknown (a single sample).
	Coverage *float64 `json:"coverage"`
	Samples  int64    `json:"samples"`
	Expected int64    `json:"expected,omitempty"`
	Interval Duration `json:"interval,omitempty"`
	// Level is the worst threshold level the series reached.
	Level Level `json:"level"`
	// Spark is the sparkline's buckets, over the period. Chart is the
	// chart's, finer, over [Chart[0].Start, ChartEnd): the period, or
	// from the series' first sample on when that came later than the
	// first of the period's ChartBuckets.
	Spark    []Bucket  `json:"spark"`
	Chart    []Bucket  `json:"-"`
	ChartEnd time.Time `json:"-"`
}

// A Bucket is one stretch of a period: its start and, when it has
// samples, their min, average and max.
type Bucket struct {
	Start time.Time `json:"start"`
	N     int64     `json:"-"`
	Min   float64   `json:"min"`
	Avg   float64   `json:"avg"`
	Max   float64   `json:"max"`
	sum   query.Total
}

// MarshalJSON writes a bucket without samples as null.
func (b Bucket) MarshalJSON() ([]byte, error) {
	if b.N == 0 {
		return []byte("null"), nil
	}
	type plain Bucket
	return marshal(plain(b))
}

// GobEncode writes the bucket whole, its sum too, for the site's cache:
// buckets read back merge as they did before.
func (b Bucket) GobEncode() ([]byte, error) {
	out, err := b.Start.MarshalBinary()
	if err != nil {
		return nil, err
	}
	out = append([]byte{byte(len(out))}, out...)
	out = binary.LittleEndian.AppendUint64(out, uint64(b.N))
	for _, v := range []float64{b.Min, b.Avg, b.Max} {
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(v))
	}
	sum, _ := b.sum.MarshalBinary()
	return append(out, sum...), nil
}

// GobDecode reads a bucket that GobEncode wrote.
func (b *Bucket) GobDecode(in []byte) error {
	bad := errors.New("a chart bucket cut short")
	if len(in) < 1 || len(in) != 1+int(in[0])+8*4+16 {
		return bad
	}
	n := int(in[0])
	if err := b.Start.UnmarshalBinary(in[1 : 1+n]); err != nil {
		return err
	}
	in = in[1+n:]
	b.N = int64(binary.LittleEndian.Uint64(in))
	b.Min = math.Float64frombits(binary.LittleEndian.Uint64(in[8:]))
	b.Avg = math.Float64frombits(binary.LittleEndian.Uint64(in[16:]))
	b.Max = math.Float64frombits(binary.LittleEndian.Uint64(in[24:]))
	return b.sum.UnmarshalBinary(in[32:])
}

// A Duration is a time.Duration that JSON writes in seconds.
type Duration time.Duration

// MarshalJSON writes the duration in seconds.
func (d Duration) MarshalJSON() ([]byte, error) {
	return marshal(time.Duration(d).Seconds())
}

// Build sums up the period of o on db. It reads the series a batch at
// a time and keeps what the report shows, bounded: memory does not grow
// with the number of series.
func Build(db *store.DB, o Options) (*Report, error) {
	from, to := o.From.Unix(), o.To.Unix()+1 // [from, to)
	end := min(to, o.Now.Unix()+1)
	rep := &Report{From: o.From, To: o.To, End: time.Unix(end, 0).In(o.From.Location()), Complete: !o.To.After(o.Now)}
	rolls := newRollupReader(db, from, to, o.Now)
	p95From := false
	prev := query.Query{From: o.From.Add(-o.To.Sub(o.From) - time.Second), To: o.From.Add(-time.Second), Funcs: []query.Func{query.Avg}}
	if o.Meta == nil {
		o.Meta = rep.storedMeta(db)
	}
	hosts := map[string]*hostScan{}
	var shown []*hostScan // at most MaxHosts, the first by name
	ids := make([]int64, 0, query.Batch)
	var bufs scanBuffers
	err := o.Each(db, func(series []query.Series) error {
		prevAvg, err := averages(db, prev, series, o.Now)
		if err != nil {
			return err
		}
		ids = ids[:0]
		for _, s := range series {
			ids = append(ids, s.ID)
		}
		rng, err := db.RangeOf(from, to, ids)
		if err != nil {
			return err
		}
		rolls.batch(series)
		for i, s := range series {
			host := record.TagValue(s.Tags, "host")
			h := hosts[host]
			if h == nil {
				h = &hostScan{Host: Host{Name: host}, meta: o.Meta}
				hosts[host] = h
			}
			sc := newSeriesScan(s, o.Rules.For(s.Name, s.Tags), from, to, end, o.From.Location(), &bufs)
			sc.old = prevAvg[i] != nil
			if err := rolls.scan(rng, i, sc); err != nil {
				return err
			}
			h.prevData = h.prevData || prevAvg[i] != nil
			if sc.n == 0 {
				continue
			}
			sc.interval = sc.usualInterval()
			row := sc.row(prevAvg[i])
			bufs.gaps, bufs.values = sc.gaps[:0], sc.values[:0]
			p95From = p95From || sc.rolled
			if !h.hasData {
				h.hasData = true
				shown = show(shown, h)
			}
			h.add(row)
			rep.addHighlights(sc.highlights(row, host)...)
			if hl, ok := sc.oom(row, host); ok {
				h.addOOM(hl)
			}
			if sc.interval > 0 && (h.interval == 0 || sc.interval < h.interval) {
				h.interval = sc.interval
			}
			if b, ok := sc.busiest(host); ok {
				if len(rep.Busiest) < MaxBusiest {
					rep.Busiest = append(rep.Busiest, b)
				} else {
					rep.BusiestMore++
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, name := range slices.Sorted(maps.Keys(hosts)) {
		h := hosts[name]
		if h.hasData && !h.shown {
			rep.HostsMore++
		}
		if h.shown {
			h.finish(o.From, o.To)
			rep.Hosts = append(rep.Hosts, h.Host)
		}
		if hl, ok := h.silent(end); ok {
			rep.addHighlights(hl)
		}
		rep.addHighlights(h.ooms()...)
		rep.HighlightsMore += h.oomMore
	}
	if err := rep.addTop(db, o.Now); err != nil {
		return nil, err
	}
	if p95From {
		rep.Warnings = append(rep.Warnings, rollupWarning(db, o.Now))
	}
	if len(rep.Hosts)+rep.HostsMore == 0 {
		rep.NoData = noData(o.Selector, rep.period())
	}
	rep.cutHighlights()
	if rep.Highlights == nil {
		rep.Highlights = []Highlight{}
	}
	if rep.Busiest == nil {
		rep.Busiest = []Busiest{}
	}
	if rep.Hosts == nil {
		rep.Hosts = []Host{}
	}
	return rep, nil
}

// noData says that no series of sel has a sample in the period: "No
// samples of host=web9, metric disk.*, from … to … (1w)."
func noData(sel query.Selector, period string) string {
	var what []string
	for _, t := range sel.Tags {
		what = append(what, t.String())
	}
	if len(sel.Metrics) > 0 {
		what = append(what, "metric "+strings.Join(sel.Metrics, " or "))
	}
	if len(what) == 0 {
		return "No samples from " + period + "."
	}
	return "No samples of " + strings.Join(what, ", ") + ", from " + period + "."
}

// addHighlights adds highlights, keeping the worst when there are many.
func (rep *Report) addHighlights(hs ...Highlight) {
	rep.Highlights = append(rep.Highlights, hs...)
	if len(rep.Highlights) >= 2*MaxHighlights {
		rep.cutHighlights()
	}
}

// cutHighlights sorts the highlights, worst first, and keeps
// MaxHighlights of them, counting the rest.
func (rep *Report) cutHighlights() {
	slices.SortStableFunc(rep.Highlights, func(a, b Highlight) int {
		return cmp.Or(
			cmp.Compare(b.Level.rank(), a.Level.rank()),
			cmp.Compare(urgency(a), urgency(b)),
			cmp.Compare(a.Host, b.Host),
			cmp.Compare(a.Series, b.Series))
	})
	if n := len(rep.Highlights); n > MaxHighlights {
		rep.HighlightsMore += n - MaxHighlights
		clear(rep.Highlights[MaxHighlights:])
		rep.Highlights = rep.Highlights[:MaxHighlights]
	}
}

// listCommand is the sm-query command that lists the series of a
// host that globs select over a period.
func listCommand(host string, globs []string, from, to time.Time) string {
	var b strings.Builder
	b.WriteString("sm-query")
	switch {
	case host == "":
		b.WriteString(" --tag 'host=~^$'")
	case printable(host):
		b.WriteString(" --host " + shellQuote(host))
	default:
		// What a terminal must not be sent: as a regular expression
		// of the value, its odd characters written \x{…}.
		var re strings.Builder
		for _, r := range host {
			if unicode.IsPrint(r) {
				re.WriteString(regexp.QuoteMeta(string(r)))
			} else {
				fmt.Fprintf(&re, `\x{%x}`, r)
			}
		}
		b.WriteString(" --tag " + shellQuote("host=~"+re.String()))
	}
	for _, g := range globs {
		b.WriteString(" --metric " + shellQuote(g))
	}
	fmt.Fprintf(&b, " --since @%d --until @%d --list", from.Unix(), to.Unix())
	return b.String()
}

func printable(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return utf8.ValidString(s)
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	plain := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-:/@%+=,", r)) {
			plain = false
		}
	}
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// averages returns the average of each series over q's range, nil for
// a series without samples there, in one run of q.
func averages(db *store.DB, q query.Query, series []query.Series, now time.Time) ([]*float64, error) {
	index := make(map[string]int, len(series))
	for i, s := range series {
		index[s.Key()] = i
	}
	out := make([]*float64, len(series))
	var key []byte
	var tags []record.Tag
	_, err := query.RunSeries(db, q, series, now, func(r *record.Record) error {
		// The record is the series with an agg tag: the series' key is
		// the record's without it.
		tags = tags[:0]
		for _, t := range r.Tags {
			if t.Key != "agg" {
				tags = append(tags, t)
			}
		}
		key = record.AppendSeries(key[:0], r.Name, tags)
		if i, ok := index[string(key)]; ok {
			v := r.Value
			out[i] = &v
		}
		return nil
	})
	return out, err
}

// urgency orders highlights of one level: what is wrong now, then what
// will be, then what was.
func urgency(h Highlight) int {
	switch {
	case h.Kind == KindThreshold && h.Ongoing:
		return 0
	case h.Kind == KindSilent:
		return 1
	case h.Kind == KindForecast:
		return 2
	case h.Kind == KindOOM:
		return 3
	}
	return 4
}

// A hostScan gathers a host's rows as its series are scanned.
type hostScan struct {
	Host
	interval time.Duration // the shortest usual interval of its series
	prevData bool          // it had samples in the previous period
	hasData  bool          // it has samples in the period
	shown    bool          // its tables are kept
	meta     func(host, group string) (GroupMeta, bool)
	oom      []Highlight // its OOM kills, some to be left out (see ooms)
	oomMore  int         // those past MaxHighlights
}

// show keeps the tables of h if it is among the first MaxHosts hosts
// by name of those in shown, dropping the last one's when it takes its
// place; it returns shown with h in it, or not.
func show(shown []*hostScan, h *hostScan) []*hostScan {
	if len(shown) < MaxHosts {
		h.shown = true
		return append(shown, h)
	}
	last := 0
	for i, s := range shown {
		if s.Name > shown[last].Name {
			last = i
		}
	}
	if h.Name < shown[last].Name {
		shown[last].shown, shown[last].Groups = false, nil
		h.shown, shown[last] = true, h
	}
	return shown
}

func (h *hostScan) add(r Row) {
	if r.LastTime.After(h.LastSeen) {
		h.LastSeen = r.LastTime
	}
	if !h.shown {
		return
	}
	name, title := GroupOf(r.Name, r.Tags)
	i := slices.IndexFunc(h.Groups, func(g Group) bool { return g.Name == name })
	if i < 0 {
		g := Group{Name: name, Title: title}
		if h.meta != nil {
			if m, ok := h.meta(h.Name, name); ok {
				g.setMeta(m)
			}
		}
		h.Groups = append(h.Groups, g)
		i = len(h.Groups) - 1
	}
	g := &h.Groups[i]
	g.addStack(r)
	if len(g.Rows) < MaxRows {
		g.Rows = append(g.Rows, r)
		return
	}
	// Keep the first MaxRows in the group's order, whatever the order
	// the series arrive in.
	g.More++
	last := 0
	for i, q := range g.Rows {
		if g.compare(q, g.Rows[last]) > 0 {
			last = i
		}
	}
	if g.compare(r, g.Rows[last]) < 0 {
		g.Rows[last] = r
	}
}

// finish puts the host's groups and their rows in order, names the
// rows, and gives a group cut short the command that lists it whole.
func (h *hostScan) finish(from, to time.Time) {
	slices.SortStableFunc(h.Groups, compareGroups)
	for i := range h.Groups {
		g := &h.Groups[i]
		slices.SortFunc(g.Rows, g.compare)
		g.setLabels()
		g.finishStacks()
		if g.More > 0 {
			g.List = listCommand(h.Name, g.globs(), from, to)
		}
	}
}

// silent reports a host that stopped reporting: no sample in the last
// silentIntervals of its usual interval before end, or none in the
// period after some in the one before.
func (h *hostScan) silent(end int64) (Highlight, bool) {
	hl := Highlight{Level: Critical, Kind: KindSilent, Host: h.Name, LastSeen: h.LastSeen}
	if !h.hasData {
		return hl, h.prevData
	}
	if h.interval == 0 {
		return hl, false
	}
	return hl, end-h.LastSeen.Unix() > silentIntervals*int64(h.interval/time.Second)
}

// Label names a series among all of a host's: its name and the values
// of its tags other than host, as highlights name it.
func Label(name string, tags []record.Tag) string {
	var b []byte
	b = append(b, name...)
	for _, t := range tags {
		if t.Key != "host" {
			b = append(b, ' ')
			b = record.AppendTagValue(b, t.Value)
		}
	}
	return string(b)
}

// A seriesScan sums up one series' samples as they are read.
type seriesScan struct {
	s             query.Series
	th            Thresholds
	from, to, end int64
	acc           *query.Acc
	values        []float64 // of the samples, for p95
	n             int64
	first, last   int64
	lastV         float64
	gaps          []int64
	chart         []Bucket // over [g0, end)
	g0            int64
	old           bool     // it had samples in the previous period
	spark         []Bucket // over [from, to)
	charted       bool     // chart's start g0 is set

	// The linear fit of a filling disk: sums of t (from from), v, t², tv.
	fit              bool
	st, sv, stt, stv float64
	hourly           []Bucket // for the busiest hour
	warn, crit       spell
	worst            Level
	interval         time.Duration
	periodLength     int64
	loc              *time.Location

	// OOM kills, of svc.oom_kills (a count since the cgroup was made)
	// or mem.oom_kills (a count for each interval): how many, and the
	// time of the sample that saw the last.
	oomKind    int
	kills      float64
	killAt     int64
	oomPrev    float64
	oomHasPrev bool

	// Of the hours that have only rollups, and of the samples.
	rolled   bool
	rollStep int64 // the shortest spacing of a rollup's samples
	raw      int64 // samples
	rawFirst int64
}

// t returns ts as a time in the report's location.
func (sc *seriesScan) t(ts int64) time.Time { return time.Unix(ts, 0).In(sc.loc) }

// A spell tracks breaches of one level.
type spell struct {
	in           bool
	start, first int64
	total        int64
	count        int
	peak         float64
	rule         *Rule
}

// scanBuffers hold what a series' scan keeps of every sample, its gaps
// and values, only until its row is made: the scans of a report take
// turns with them, and grow them to the longest series, not each its
// own.
type scanBuffers struct {
	gaps   []int64
	values []float64
}

func newSeriesScan(s query.Series, th Thresholds, from, to, end int64, loc *time.Location, bufs *scanBuffers) *seriesScan {
	sc := &seriesScan{s: s, th: th, from: from, to: to, end: end, loc: loc,
		acc:    query.NewAcc(query.Min, query.Avg, query.Max, query.Last),
		gaps:   bufs.gaps[:0],
		values: bufs.values[:0],
		chart:  make([]Bucket, ChartBuckets),
		spark:  make([]Bucket, SparkBuckets),
		fit:    s.Name == "disk.used_pct",
	}
	sc.warn.rule, sc.crit.rule = th.Warn, th.Crit
	sc.periodLength = to - from
	for i := range sc.spark {
		sc.spark[i].Start = sc.t(from + int64(i)*sc.periodLength/SparkBuckets)
	}
	if s.Name == "load.1m" || s.Name == "cpu.busy_pct" {
		sc.hourly = make([]Bucket, 0, (to-from)/3600+2)
	}
	switch s.Name {
	case "svc.oom_kills":
		sc.oomKind = oomSince
	case "mem.oom_kills":
		sc.oomKind = oomInterval
	}
	return sc
}

func (sc *seriesScan) add(ts int64, v float64) error {
	if sc.n == 0 {
		sc.first = ts
	}
	if sc.n > 0 {
		sc.gaps = append(sc.gaps, ts-sc.last)
	}
	if sc.raw == 0 {
		sc.rawFirst = ts
	}
	sc.n++
	sc.raw++
	sc.values = append(sc.values, v)
	sc.last, sc.lastV = ts, v
	sc.acc.Add(ts, v)
	sc.addChart(ts, v)
	if sc.fit {
		t := float64(ts - sc.from)
		sc.st += t
		sc.sv += v
		sc.stt += t * t
		sc.stv += t * v
	}
	if sc.hourly != nil {
		h := time.Unix(ts, 0).Truncate(time.Hour) // Unix hours: local hours in whole-hour zones
		if n := len(sc.hourly); n == 0 || !sc.hourly[n-1].Start.Equal(h) {
			sc.hourly = append(sc.hourly, Bucket{Start: h})
		}
		sc.hourly[len(sc.hourly)-1].add(v)
	}
	if sc.th.Any() {
		l := sc.th.Level(v)
		sc.worst = sc.worst.Worse(l)
		sc.warn.add(ts, v, l >= Warning)
		sc.crit.add(ts, v, l == Critical)
	}
	sc.addOOM(ts, v)
	return nil
}

// Kinds of OOM kill counter.
const (
	oomNone     = iota
	oomSince    // kills since the cgroup was made: svc.oom_kills
	oomInterval // kills in the interval before the sample: mem.oom_kills
)

// addOOM counts the OOM kills a sample says there were: of a count
// since the cgroup was made, its rise since the sample before (a count
// that fell is a new cgroup, from 0); of a count for the interval, the
// count. The rise before the period's first sample is not counted.
func (sc *seriesScan) addOOM(ts int64, v float64) {
	var k float64
	switch sc.oomKind {
	case oomNone:
		return
	case oomSince:
		switch {
		case !sc.oomHasPrev:
		case v > sc.oomPrev:
			k = v - sc.oomPrev
		case v < sc.oomPrev:
			k = v
		}
		sc.oomPrev, sc.oomHasPrev = v, true
	case oomInterval:
		k = v
	}
	if k > 0 && !math.IsInf(k, 0) {
		sc.kills, sc.killAt = min(sc.kills+k, math.MaxFloat64), ts
	}
}

// addChart adds a sample to the chart's buckets and the sparkline's.
// The chart's split the time from the series' first sample to the end
// of the data, for a series new in the period whose first sample came
// later than the first bucket: a series of an hour is drawn in
// ChartBuckets buckets, not in one.
func (sc *seriesScan) addChart(ts int64, v float64) {
	c := Bucket{N: 1, Min: v, Max: v}
	c.sum.Add(v)
	sc.chartBucket(ts, c)
}

// chartBucket adds c, samples taken at ts, to the spark and the chart.
func (sc *seriesScan) chartBucket(ts int64, c Bucket) {
	i := (ts - sc.from) * SparkBuckets / sc.periodLength
	sc.spark[min(max(i, 0), SparkBuckets-1)].merge(c)
	if !sc.charted {
		sc.charted = true
		// A series new in the period starts its chart at its first
		// sample; one that was there before, whose first sample of the
		// period is late only because it is sparse (a daily backup's
		// duration), at the start of the period.
		sc.g0 = sc.from
		if !sc.old && (ts-sc.from)*ChartBuckets >= sc.end-sc.from {
			sc.g0 = ts
		}
		for i := range sc.chart {
			sc.chart[i].Start = sc.t(sc.g0 + int64(i)*(sc.end-sc.g0)/ChartBuckets)
		}
	}
	i = (ts - sc.g0) * ChartBuckets / max(1, sc.end-sc.g0)
	sc.chart[min(max(i, 0), ChartBuckets-1)].merge(c)
}

func (b *Bucket) add(v float64) {
	c := Bucket{N: 1, Min: v, Max: v}
	c.sum.Add(v)
	b.merge(c)
}

// merge adds bucket c to b.
func (b *Bucket) merge(c Bucket) {
	if c.N == 0 {
		return
	}
	if b.N == 0 || c.Min < b.Min {
		b.Min = c.Min
	}
	if b.N == 0 || c.Max > b.Max {
		b.Max = c.Max
	}
	b.N += c.N
	b.sum.Merge(c.sum)
	b.Avg, _ = b.sum.Div(float64(b.N)) // an average of finite values is finite
}

func (s *spell) add(ts int64, v float64, breached bool) {
	switch {
	case breached && !s.in:
		s.in, s.start = true, ts
		if s.count == 0 {
			s.first, s.peak = ts, v
		}
		s.count++
	case !breached && s.in:
		s.in = false
		s.total += ts - s.start
	}
	if breached && s.rule != nil && worseThan(s.rule.Op, v, s.peak) {
		s.peak = v
	}
}

// worseThan reports whether v is further past a threshold than w.
func worseThan(op string, v, w float64) bool {
	if op[0] == '<' {
		return v < w
	}
	return v > w
}

// interval is the usual time between two samples: the median gap.
func (sc *seriesScan) usualInterval() time.Duration {
	if len(sc.gaps) == 0 {
		return 0
	}
	slices.Sort(sc.gaps)
	return time.Duration(sc.gaps[len(sc.gaps)/2]) * time.Second
}

func (sc *seriesScan) row(prevAvg *float64) Row {
	s := sc.s
	r := Row{Series: s.Key(), Name: s.Name, Label: Label(s.Name, s.Tags), Unit: record.UnitOf(s.Name),
		LastTime: sc.t(sc.last), Samples: sc.n, Level: sc.worst}
	for _, t := range s.Tags {
		if r.Tags == nil {
			r.Tags = map[string]string{}
		}
		r.Tags[t.Key] = t.Value
	}
	r.Min, _ = sc.acc.Value(query.Min)
	r.Avg, _ = sc.acc.Value(query.Avg)
	r.Max, _ = sc.acc.Value(query.Max)
	r.Last, _ = sc.acc.Value(query.Last)
	sc.setP95(&r)
	if prevAvg != nil {
		if c, ok := change(*prevAvg, r.Avg); ok {
			r.Change = &c
		}
	}
	r.Interval = Duration(sc.interval)
	if sc.interval > 0 {
		// A series that had samples before the period was due from its
		// start; a new one from its first sample.
		start := sc.first
		if prevAvg != nil {
			start = sc.from
		}
		r.Expected = max(1, slots(start, sc.end, sc.first, int64(sc.interval/time.Second)))
		c := min(1, float64(sc.n)/float64(r.Expected))
		r.Coverage = &c
	}
	r.Chart, r.ChartEnd, r.Spark = sc.chart, sc.t(sc.end), sc.spark
	return r
}

// slots counts the times in [start, end) at which a series sampled
// every step, in phase with its sample at t0, is due.
func slots(start, end, t0, step int64) int64 {
	phase := mod(t0, step)
	return floorDiv(end-1-phase, step) - floorDiv(start-1-phase, step)
}

func mod(a, b int64) int64 {
	r := a % b
	if r < 0 {
		r += b
	}
	return r
}

func floorDiv(a, b int64) int64 { return (a - mod(a, b)) / b }

// change is the relative change from a to b, if there is one: from 0
// to 0 is none, from 0 to anything else is undefined.
func change(a, b float64) (float64, bool) {
	switch {
	case a == b:
		return 0, true
	case a == 0:
		return 0, false
	}
	c := (b - a) / math.Abs(a)
	if math.IsInf(c, 0) {
		// b − a beyond ±MaxFloat64, or a tiny: apart, or none.
		c = b/math.Abs(a) - a/math.Abs(a)
	}
	return c, !math.IsInf(c, 0) && !math.IsNaN(c)
}

// highlights returns the series' highlights: the worst level of
// threshold it breached, and a disk that will fill.
func (sc *seriesScan) highlights(r Row, host string) []Highlight {
	var out []Highlight
	if sc.worst == Warning || sc.worst == Critical {
		sp := &sc.warn
		if sc.worst == Critical {
			sp = &sc.crit
		}
		// A spell still on lasts to the end of the data: one interval
		// past the last sample.
		stop := min(sc.end, sc.last+int64(sc.interval/time.Second))
		hl := Highlight{Level: sc.worst, Kind: KindThreshold, Host: host, Series: r.Series, Label: r.Label, Unit: r.Unit,
			Rule: sp.rule.Text, Op: sp.rule.Op, Threshold: sp.rule.Value, Value: sp.peak, Since: sc.t(sp.first), Spells: sp.count}
		total := sp.total
		if sp.in {
			total += stop - sp.start
			hl.Ongoing, hl.Value, hl.Since = true, sc.lastV, sc.t(sp.start)
		}
		hl.For = Duration(time.Duration(total) * time.Second)
		if hl.Ongoing {
			hl.For = Duration(time.Duration(stop-sp.start) * time.Second)
		}
		out = append(out, hl)
	}
	if sc.fit {
		if hl, ok := sc.forecast(r, host); ok {
			out = append(out, hl)
		}
	}
	return out
}

// Forecast fits a line through points (seconds, value) by least squares
// and returns when it reaches 100, and its slope a second; ok is false
// when it does not rise or there are fewer than 3 points.
func Forecast(n int64, st, sv, stt, stv float64) (at float64, slope float64, ok bool) {
	if n < 3 {
		return 0, 0, false
	}
	fn := float64(n)
	d := fn*stt - st*st
	if d <= 0 {
		return 0, 0, false
	}
	slope = (fn*stv - st*sv) / d
	if !(slope > 0) || math.IsInf(slope, 0) {
		// Falling, flat, or values so large that the sums overflowed
		// (NaN or ±Inf): no forecast.
		return 0, 0, false
	}
	icept := (sv - slope*st) / fn
	at = (100 - icept) / slope
	if math.IsInf(at, 0) || math.IsNaN(at) {
		return 0, 0, false
	}
	return at, slope, true
}

// forecast returns the highlight of a disk that a linear fit of the
// period fills within forecastHorizon of the end of the data. The fit
// needs samples spread over a quarter of the period at least.
func (sc *seriesScan) forecast(r Row, host string) (Highlight, bool) {
	if sc.last-sc.first < sc.periodLength/4 || r.Last >= 100 {
		return Highlight{}, false
	}
	at, slope, ok := Forecast(sc.n, sc.st, sc.sv, sc.stt, sc.stv)
	if !ok {
		return Highlight{}, false
	}
	if at > float64(sc.end-sc.from)+forecastHorizon.Seconds() || at < -1e15 || math.IsInf(slope*86400, 0) {
		return Highlight{}, false // beyond the horizon, or beyond int64 seconds
	}
	full := sc.from + int64(math.Round(at))
	left := time.Duration(max(0, full-sc.end)) * time.Second
	if left > forecastHorizon {
		return Highlight{}, false
	}
	level := Warning
	if left <= forecastCritical {
		level = Critical
	}
	return Highlight{Level: level, Kind: KindForecast, Host: host, Series: r.Series, Label: r.Label, Unit: r.Unit,
		Value: r.Last, PerDay: slope * 86400, Full: sc.t(max(full, sc.end)), For: Duration(left)}, true
}

// busiest returns the hour with the highest average, of load.1m and
// cpu.busy_pct.
func (sc *seriesScan) busiest(host string) (Busiest, bool) {
	var best *Bucket
	for i := range sc.hourly {
		if best == nil || sc.hourly[i].Avg > best.Avg {
			best = &sc.hourly[i]
		}
	}
	if best == nil {
		return Busiest{}, false
	}
	return Busiest{Host: host, Series: sc.s.Name, Hour: best.Start.In(sc.loc), Avg: best.Avg, Unit: record.UnitOf(sc.s.Name)}, true
}

// storedMeta reads what the database keeps of groups. A group whose
// meta cannot be read keeps its defaults, and the report warns once.
func (rep *Report) storedMeta(db *store.DB) func(host, group string) (GroupMeta, bool) {
	warned := false
	return func(host, group string) (GroupMeta, bool) {
		m, ok, err := db.GroupMeta(host, group)
		if err != nil && !warned {
			warned = true
			rep.Warnings = append(rep.Warnings, "the titles and labels that Munin plugins gave could not be read: "+err.Error())
		}
		return m, ok && err == nil
	}
}
