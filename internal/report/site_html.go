package report

import (
	"bytes"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"sm/internal/esc"
	"sm/internal/query"
	"sm/internal/store"
)

// A site gathers what its pages show, host after host: each host's page
// is written as soon as it is made, and only the charts that the group
// pages need are kept until the end.
type site struct {
	dir       string
	now       time.Time
	hosts     []string
	more      int
	hostFiles map[string]string
	index     []siteHostRow
	groups    []*siteGroup // in the order first met
	taken     map[string]bool
	periods   []sitePeriod
}

// A sitePeriod is one period of the charts, the same for every host.
type sitePeriod struct {
	Name, Range string
	From, To    time.Time
}

// A siteHostRow is a host's line in the index.
type siteHostRow struct {
	Name, File, State, Class, LastSeen string
	Problems                           []string
	More                               string
}

// A siteGroup is a group's charts, period by period, host by host.
type siteGroup struct {
	Name, File string
	Periods    []siteGroupPeriod
}

type siteGroupPeriod struct {
	Name, Range string
	Hosts       []siteGroupHost
}

type siteGroupHost struct {
	Name, File string
	Charts     []template.HTML
}

// siteHostPage is a host's page: its state, then each group with its
// charts for each period.
type siteHostPage struct {
	Head     siteHead
	Row      siteHostRow
	Groups   []siteHostGroup
	NoCharts string
}

type siteHostGroup struct {
	Name, File, ID string
	Periods        []siteHostPeriod
}

type siteHostPeriod struct {
	Name, Range string
	Charts      []template.HTML
}

// siteHead is what every page's top shows: its title and the way back
// to the index.
type siteHead struct {
	Title string
	Index bool // a link back to the index
}

type siteIndexPage struct {
	Head   siteHead
	Hosts  []siteHostRow
	More   string
	Groups []*siteGroup
}

type siteGroupPage struct {
	Head  siteHead
	Group *siteGroup
}

func newSite(dir string, now time.Time, hosts []string, more int) *site {
	s := &site{dir: dir, now: now, hosts: hosts, more: more, hostFiles: fileNames("host", hosts), taken: map[string]bool{}}
	for _, p := range SitePeriods {
		from, to := periodRange(now, p.Span)
		s.periods = append(s.periods, sitePeriod{Name: p.Name, Range: rangeText(from, to, now), From: from, To: to})
	}
	return s
}

// periodRange returns a period that ends at the end of the chart bucket
// holding now: while now stays in that bucket the period is the same,
// and so are the pages of data that did not change.
func periodRange(now time.Time, span time.Duration) (from, to time.Time) {
	step := int64(span/time.Second) / ChartBuckets
	end := (now.Unix()/step + 1) * step // floor: now is after 1970
	return time.Unix(end-int64(span/time.Second), 0).In(now.Location()), time.Unix(end-1, 0).In(now.Location())
}

// rangeText says what a period's charts cover.
func rangeText(from, to, now time.Time) string {
	const layout = "Mon 2 Jan 2006 15:04"
	if to.After(now) {
		return from.Format(layout) + " to now"
	}
	return from.Format(layout) + " to " + to.Format(layout)
}

// hostState checks the host's latest values, as sm-report --check does
// for it alone, and returns its line in the index.
func hostState(db *store.DB, host string, o SiteOptions) (siteHostRow, error) {
	sel := o.Selector
	sel.Tags = append(sel.Tags[:len(sel.Tags):len(sel.Tags)], query.TagFilter{Key: "host", Op: "=", Value: host})
	c, err := RunCheck(db, CheckOptions{Selector: sel, Now: o.Now, Rules: o.Rules, For: o.For, Stale: o.Stale})
	if err != nil {
		return siteHostRow{}, err
	}
	row := siteHostRow{Name: esc.Text(host), State: c.Status.String(), Class: levelClass(c.Status)}
	if row.Class == "" {
		row.Class = "ok"
	}
	const shown = 3
	for i, p := range c.Problems {
		if i == shown {
			break
		}
		row.Problems = append(row.Problems, esc.Text(p.Text))
	}
	if n := len(c.Problems) + c.More - len(row.Problems); n > 0 {
		row.More = "and " + plural(n, "more problem")
	}
	return row, nil
}

// addHost builds the host's report for each period, writes its page
// into pages, and keeps its charts for the group pages.
func (s *site) addHost(db *store.DB, host string, o SiteOptions, write func(name string, page []byte) error) error {
	row, err := hostState(db, host, o)
	if err != nil {
		return err
	}
	row.File = s.hostFiles[host]
	page := siteHostPage{Head: siteHead{Title: esc.Text(host), Index: true}}
	sel := o.Selector
	sel.Tags = append(sel.Tags[:len(sel.Tags):len(sel.Tags)], query.TagFilter{Key: "host", Op: "=", Value: host})
	var ids []int64
	err = sel.Each(db, func(series []query.Series) error {
		for _, s := range series {
			ids = append(ids, s.ID)
		}
		return nil
	})
	if err != nil {
		return err
	}
	now := o.Now.Unix()
	cache := loadCache(s.dir, row.File)
	key := cacheKey(o.Selector)
	usable, err := cache.usable(db, key, ids, now)
	if err != nil {
		return err
	}
	next := &hostCache{Key: key, Horizon: now, Series: len(ids)}
	var last time.Time
	for p, period := range s.periods {
		from, to := period.From.Unix(), period.To.Unix()
		var hosts []Host
		if usable && cache.Periods[p].From == from && cache.Periods[p].To == to {
			hosts = cache.Periods[p].Hosts
		} else {
			rep, err := buildReport(db, Options{Query: query.Query{Selector: sel, From: period.From, To: period.To}, Now: o.Now, Rules: o.Rules})
			if err != nil {
				return err
			}
			// rep.Warnings are left out: they name the second the run
			// began, and a page would change at every run.
			hosts = rep.Hosts
		}
		next.Periods = append(next.Periods, cachedPeriod{From: from, To: to, Hosts: hosts})
		for _, h := range hosts {
			if h.LastSeen.After(last) {
				last = h.LastSeen
			}
			for _, f := range h.Groups {
				g := s.group(f.Name)
				hg := page.group(g, s.periods)
				// Names and tags show as the index shows them: a
				// control or a bidirectional override as an escape.
				f.Rows = slices.Clone(f.Rows)
				for i := range f.Rows {
					f.Rows[i].Label = esc.Text(f.Rows[i].Label)
				}
				// Each chart is drawn once, for the host's page and the
				// group's: html/template escapes as it draws.
				var charts []template.HTML
				for _, c := range groupCharts(esc.Text(h.Name), f, period.From, period.To) {
					var b strings.Builder
					if err := siteTemplate.ExecuteTemplate(&b, "chart", c); err != nil {
						return err
					}
					charts = append(charts, template.HTML(b.String()))
				}
				hg.Periods[p].Charts = charts
				gp := &g.Periods[p]
				gp.Hosts = append(gp.Hosts, siteGroupHost{Name: esc.Text(host), File: row.File, Charts: charts})
			}
		}
	}
	if !usable || cache.Horizon != now {
		if err := saveCache(s.dir, row.File, next); err != nil {
			return err
		}
	}
	if last.IsZero() {
		row.LastSeen = "none in a year"
		page.NoCharts = "No samples in the last year."
	} else {
		row.LastSeen = last.Format("2006-01-02 15:04")
	}
	page.Row = row
	s.index = append(s.index, row)
	var b bytes.Buffer
	if err := siteTemplate.ExecuteTemplate(&b, "host", page); err != nil {
		return err
	}
	return write(row.File, b.Bytes())
}

// buildReport is Build; tests count its calls.
var buildReport = Build

// group returns the group of that name, new if need be.
func (s *site) group(name string) *siteGroup {
	for _, g := range s.groups {
		if g.Name == name {
			return g
		}
	}
	// Distinct from every other group's, even when two hashes meet:
	// the group met later takes a number.
	base := siteFile("group", name)
	file := base + ".html"
	for i := 2; s.taken[file]; i++ {
		file = fmt.Sprintf("%s-%d.html", base, i)
	}
	s.taken[file] = true
	g := &siteGroup{Name: name, File: file}
	for _, p := range s.periods {
		g.Periods = append(g.Periods, siteGroupPeriod{Name: p.Name, Range: p.Range})
	}
	s.groups = append(s.groups, g)
	return g
}

// group returns the host page's section of group g, new if need be.
func (p *siteHostPage) group(g *siteGroup, periods []sitePeriod) *siteHostGroup {
	for i := range p.Groups {
		if p.Groups[i].Name == g.Name {
			return &p.Groups[i]
		}
	}
	hg := siteHostGroup{Name: g.Name, File: g.File, ID: strings.TrimSuffix(g.File, ".html")}
	for _, sp := range periods {
		hg.Periods = append(hg.Periods, siteHostPeriod{Name: sp.Name, Range: sp.Range})
	}
	p.Groups = append(p.Groups, hg)
	return &p.Groups[len(p.Groups)-1]
}

// pages returns the index and the group pages, by file name.
func (s *site) pages() (map[string][]byte, error) {
	out := map[string][]byte{}
	idx := siteIndexPage{Head: siteHead{Title: "sm · " + plural(len(s.hosts)+s.more, "host")},
		Hosts: s.index, Groups: s.groups}
	if s.more > 0 {
		idx.More = plural(s.more, "more host") + ", after these by name, left out: at most " + plural(MaxSiteHosts, "host") + " are shown"
	}
	var b bytes.Buffer
	if err := siteTemplate.ExecuteTemplate(&b, "index", idx); err != nil {
		return nil, err
	}
	out["index.html"] = bytes.Clone(b.Bytes())
	for _, g := range s.groups {
		b.Reset()
		if err := siteTemplate.ExecuteTemplate(&b, "group", siteGroupPage{Head: siteHead{Title: g.Name, Index: true}, Group: g}); err != nil {
			return nil, err
		}
		out[g.File] = bytes.Clone(b.Bytes())
	}
	return out, nil
}

// reportChart is the report's own markup of a chart, taken from the
// HTML report's template, so that the site draws its charts exactly as
// the report does, whatever the report comes to draw.
func reportChart() string {
	const open, close = `<div class="chart">`, "\n</div>"
	i := strings.Index(htmlSource, open)
	j := strings.Index(htmlSource[i:], close)
	if i < 0 || j < 0 {
		panic("report: the HTML report's template has no chart to share")
	}
	return htmlSource[i : i+j+len(close)]
}

var siteTemplate = template.Must(template.New("site").Parse(
	`{{define "chart"}}{{$c := .}}` + reportChart() + `{{end}}` + siteSource))

// siteSource lays the pages out: a grid of the periods' charts, two
// columns on a wide screen and on paper, one on a narrow one.
const siteSource = `
{{- define "head" -}}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>{{.Title}}</title>
<style>
body{margin:0 auto;max-width:1400px;padding:16px;background:#fff;color:#1b1b1b;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
h1{font-size:20px;margin:0 0 10px;overflow-wrap:anywhere}
h2{font-size:17px;margin:28px 0 8px;padding-bottom:2px;border-bottom:1px solid #ccc;overflow-wrap:anywhere}
h3{font-size:15px;margin:6px 0 4px}
p{margin:0 0 8px}
a{color:#1a55a0}
nav{margin:0 0 10px;color:#555}
table{border-collapse:collapse;margin:0 0 14px}
th,td{padding:3px 14px 3px 0;text-align:left;vertical-align:top}
th{border-bottom:1px solid #999;font-weight:600;white-space:nowrap}
td{overflow-wrap:anywhere}
.state{font-weight:700;white-space:nowrap}
.ok{color:#2e7d32}
.critical{color:#c62828}
.warning{color:#b26a00}
.unknown{color:#6a6a6a}
.note{color:#555}
.groups{margin:0 0 10px;padding:0;list-style:none}
.groups li{display:inline-block;margin:0 14px 4px 0}
.periods{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,520px),1fr));gap:4px 24px}
.period{min-width:0}
.period h3 .note{font-weight:400;font-size:13px}
.chart{margin:6px 0 16px;break-inside:avoid;page-break-inside:avoid}
.chart p{margin:0 0 2px;overflow-wrap:anywhere}
.chart .title{font-weight:600}
.legend{color:#333;font-size:13px}
svg.chart{display:block;width:100%;height:auto;margin:0}
@media print{
body{max-width:none;padding:0;font-size:11px}
nav{display:none}
a{color:inherit;text-decoration:none}
h2,h3{break-after:avoid;page-break-after:avoid}
.periods{grid-template-columns:1fr 1fr}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
</style>
</head>
<body>
{{- if .Index}}
<nav><a href="index.html">all hosts</a></nav>
{{- end}}
<h1>{{.Title}}</h1>
{{- end}}

{{- define "foot"}}
<p class="note">Made by sm-report --site.</p>
</body>
</html>
{{end}}

{{- define "state"}}<span class="state {{.Class}}">{{.State}}</span>{{end}}

{{- define "index"}}
{{- template "head" .Head}}
{{- if not .Hosts}}
<p>No hosts: no series selected has a host tag.</p>
{{- else}}
<table>
<tr><th>state</th><th>host</th><th>last sample</th><th>problems</th></tr>
{{- range .Hosts}}
<tr><td>{{template "state" .}}</td><td><a href="{{.File}}">{{.Name}}</a></td><td>{{.LastSeen}}</td><td>{{range $i, $p := .Problems}}{{if $i}}<br>{{end}}{{$p}}{{end}}{{if .More}}<br><span class="note">{{.More}}</span>{{end}}</td></tr>
{{- end}}
</table>
{{- end}}
{{- if .More}}
<p class="note">{{.More}}</p>
{{- end}}
{{- if .Groups}}
<h2>Groups</h2>
<ul class="groups">
{{- range .Groups}}
<li><a href="{{.File}}">{{.Name}}</a></li>
{{- end}}
</ul>
{{- end}}
{{- template "foot" .Head}}
{{- end}}

{{- define "host"}}
{{- template "head" .Head}}
<p>{{template "state" .Row}} last sample {{.Row.LastSeen}}</p>
{{- range .Row.Problems}}
<p>{{.}}</p>
{{- end}}
{{- if .Row.More}}
<p class="note">{{.Row.More}}</p>
{{- end}}
{{- if .NoCharts}}
<p>{{.NoCharts}}</p>
{{- end}}
{{- if .Groups}}
<ul class="groups">
{{- range .Groups}}
<li><a href="#{{.ID}}">{{.Name}}</a></li>
{{- end}}
</ul>
{{- end}}
{{- range .Groups}}
<h2 id="{{.ID}}">{{.Name}} <a class="note" href="{{.File}}">on every host</a></h2>
<div class="periods">
{{- range .Periods}}
<div class="period">
<h3>{{.Name}} <span class="note">{{.Range}}</span></h3>
{{- range .Charts}}
{{.}}
{{- else}}
<p class="note">No samples.</p>
{{- end}}
</div>
{{- end}}
</div>
{{- end}}
{{- template "foot" .Head}}
{{- end}}

{{- define "group"}}
{{- template "head" .Head}}
{{- range .Group.Periods}}
<h2>{{.Name}} <span class="note">{{.Range}}</span></h2>
<div class="periods">
{{- range .Hosts}}
<div class="period">
<h3><a href="{{.File}}">{{.Name}}</a></h3>
{{- range .Charts}}
{{.}}
{{- end}}
</div>
{{- end}}
</div>
{{- end}}
{{- template "foot" .Head}}
{{- end}}
`
