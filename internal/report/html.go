package report

import (
	"html/template"
	"io"
	"strings"
	"time"

	"sm/internal/esc"
)

// WriteHTML writes the report as one self-contained HTML file: the
// text report's tables, and the charts of each group of each host. The
// CSS and the SVG charts are inline and there is no script and nothing
// to fetch, so the file reads the same offline, in any browser and in
// most mail clients; html/template escapes what the series bring in.
func WriteHTML(w io.Writer, rep *Report) error {
	return htmlTemplate.Execute(w, newHTMLPage(rep))
}

// An htmlPage is the report as the template shows it: every value
// already written as text.
type htmlPage struct {
	Title          string
	NoData         string
	Warnings       []string
	Highlights     []htmlHighlight
	HighlightsMore string
	Busiest        []Busiest
	HasTop         bool
	BusiestMore    string
	Hosts          []htmlHost
	HostsMore      string
}

type htmlHighlight struct {
	Level string
	Class string
	Host  string
	Text  string
}

type htmlHost struct {
	Heading string
	Tables  []htmlTable
}

type htmlTable struct {
	Heading string
	Rows    []htmlRow
	More    string
	Charts  []chart
}

// An htmlRow is a row of a group's table: the label, classed by the
// worst level the series reached, and the cells after it.
type htmlRow struct {
	Label string
	Class string
	Cells []string
	Spark string
}

func newHTMLPage(rep *Report) htmlPage {
	loc := rep.From.Location()
	p := htmlPage{
		Title:          esc.Text(rep.Title()),
		NoData:         esc.Text(rep.NoData),
		HighlightsMore: rep.highlightsMore(),
		BusiestMore:    rep.busiestMore(),
		HasTop:         rep.hasTop(),
		HostsMore:      rep.hostsMore(),
	}
	for _, w := range rep.Warnings {
		p.Warnings = append(p.Warnings, esc.Text(w))
	}
	for _, h := range rep.Highlights {
		p.Highlights = append(p.Highlights, htmlHighlight{Level: h.Level.String(), Class: levelClass(h.Level),
			Host: esc.Text(hostName(h.Host)), Text: esc.Text(h.Text(loc))})
	}
	for _, b := range rep.Busiest {
		b.Host = esc.Text(hostName(b.Host))
		b.Series = esc.Text(b.Series)
		p.Busiest = append(p.Busiest, b)
	}
	for _, h := range rep.Hosts {
		hh := htmlHost{Heading: esc.Text(h.Heading())}
		for _, g := range h.Groups {
			// A group's charts follow its table: with many groups, a
			// chart is still beside its numbers.
			t := htmlTable{Heading: esc.Text(g.Heading()), More: g.moreText(), Charts: groupCharts(h.Name, g, rep.From, rep.To)}
			if t.More != "" {
				t.More += " " + esc.Text(g.List)
			}
			for _, r := range htmlLabels(g.Rows, maxHTMLLabel) {
				t.Rows = append(t.Rows, htmlRow{Label: esc.Text(r.Label), Class: levelClass(r.Level),
					Cells: []string{Num(r.Min, r.Unit), Num(r.Avg, r.Unit), P95Cell(r), Num(r.Max, r.Unit),
						Num(r.Last, r.Unit), Change(r.Change), Coverage(r.Coverage)},
					Spark: Spark(r.Spark)})
			}
			hh.Tables = append(hh.Tables, t)
		}
		p.Hosts = append(p.Hosts, hh)
	}
	return p
}

// levelClass is the CSS class that colours a level: none for OK.
func levelClass(l Level) string {
	if l == OK {
		return ""
	}
	return strings.ToLower(l.String())
}

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"dayLayout": func(t time.Time) string { return t.Format(dayLayout) },
	"numUnit":   NumUnit,
	"topText":   func(top []Consumer) string { return topText(top, topNameWidth) },
}).Parse(htmlSource))

// htmlSource lays the page out with tables and blocks only, and sets
// every chart's colours as SVG attributes rather than CSS: mail
// clients drop much of CSS, and some drop the style element whole.
const htmlSource = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>{{.Title}}</title>
<style>
body{margin:0 auto;max-width:960px;padding:16px;background:#fff;color:#1b1b1b;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
h1{font-size:20px;margin:0 0 14px}
h2{font-size:17px;margin:30px 0 10px;padding-bottom:2px;border-bottom:1px solid #ccc}
p{margin:0 0 10px}
table{border-collapse:collapse;margin:0 0 14px}
th,td{padding:2px 12px 2px 0;text-align:left;vertical-align:top}
th{border-bottom:1px solid #999;font-weight:600;white-space:nowrap}
.n{text-align:right;white-space:nowrap}
.spark{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;white-space:pre;color:#444}
.critical{color:#c62828}
.warning{color:#b26a00}
.unknown{color:#6a6a6a}
.level{font-weight:700;white-space:nowrap}
.note{color:#555}
.chart{margin:14px 0 24px;page-break-inside:avoid;break-inside:avoid}
.chart p{margin:0 0 2px}
.chart .title{font-weight:600}
.legend{color:#333;font-size:13px}
svg.chart{display:block;width:100%;height:auto;margin:0}
@media print{
body{max-width:none;padding:0;font-size:11px}
h2{break-after:avoid;page-break-after:avoid}
table{break-inside:avoid;page-break-inside:avoid}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{- range .Warnings}}
<p class="note">{{.}}</p>
{{- end}}
{{- if .NoData}}
<p>{{.NoData}}</p>
{{- end}}
{{- if or .Highlights (not .NoData)}}
<h2>Highlights</h2>
{{- if .Highlights}}
<table>
{{- range .Highlights}}
<tr><td class="level {{.Class}}">{{.Level}}</td><td>{{.Host}}</td><td>{{.Text}}</td></tr>
{{- end}}
</table>
{{- else}}
<p>Nothing needs attention.</p>
{{- end}}
{{- end}}
{{- if .HighlightsMore}}
<p class="note">{{.HighlightsMore}}</p>
{{- end}}
{{- if .Busiest}}
<table>
<tr><th>host</th><th>busiest hour of</th><th>from</th><th class="n">avg</th>{{if .HasTop}}<th>used by</th>{{end}}</tr>
{{- range .Busiest}}
<tr><td>{{.Host}}</td><td>{{.Series}}</td><td>{{dayLayout .Hour}}</td><td class="n">{{numUnit .Avg .Unit}}</td>{{if $.HasTop}}<td>{{topText .Top}}</td>{{end}}</tr>
{{- end}}
</table>
{{- end}}
{{- if .BusiestMore}}
<p class="note">{{.BusiestMore}}</p>
{{- end}}
{{- range .Hosts}}
<h2>{{.Heading}}</h2>
{{- range .Tables}}
<table>
<tr><th>{{.Heading}}</th><th class="n">min</th><th class="n">avg</th><th class="n">p95</th><th class="n">max</th><th class="n">last</th><th class="n">change</th><th class="n">cover</th><th>trend</th></tr>
{{- range .Rows}}
<tr><td{{if .Class}} class="{{.Class}}"{{end}}>{{.Label}}</td>{{range .Cells}}<td class="n">{{.}}</td>{{end}}<td class="spark">{{.Spark}}</td></tr>
{{- end}}
</table>
{{- if .More}}
<p class="note">{{.More}}</p>
{{- end}}
{{- range $c := .Charts}}
<div class="chart">
<p class="title">{{.Title}}</p>
{{- if .Note}}
<p class="note">{{.Note}}</p>
{{- end}}
<p class="legend">{{range $i, $s := .Series}}{{if $i}} &nbsp; {{end}}<span style="white-space:nowrap"><span style="color:{{$s.Colour}}">&#9632;</span>&nbsp;{{$s.Label}}</span>{{end}}</p>
<svg class="chart" viewBox="0 0 {{.W}} {{.H}}" width="100%" role="img" aria-label="{{.Title}}" font-family="system-ui,-apple-system,Segoe UI,Roboto,Helvetica Neue,Arial,sans-serif" font-size="11">
<g stroke="#e4e4e4" stroke-width="1">
{{- range .YTicks}}<line x1="{{$c.L}}" y1="{{.At}}" x2="{{$c.R}}" y2="{{.At}}"/>{{end}}
{{- range .XTicks}}<line x1="{{.At}}" y1="{{$c.T}}" x2="{{.At}}" y2="{{$c.B}}"/>{{end}}
</g>
<line x1="{{.L}}" y1="{{.B}}" x2="{{.R}}" y2="{{.B}}" stroke="#888" stroke-width="1"/>
<g fill="#555" text-anchor="end">
{{- if .YLabel}}<text x="{{if .YLabelStart}}2{{else}}{{.YLabelX}}{{end}}" y="12" font-weight="600"{{if .YLabelStart}} text-anchor="start"{{end}}>{{.YLabel}}</text>{{end}}
{{- range .YTicks}}<text x="{{$c.YLabelX}}" y="{{.LabelAt}}">{{.Label}}</text>{{end}}
</g>
<g fill="#555" text-anchor="middle">
{{- range .XTicks}}<text x="{{.LabelAt}}" y="{{$c.XLabelY}}">{{.Label}}</text>{{end}}
</g>
{{- range .Series}}
{{- if .Band}}
<path d="{{.Band}}" fill="{{.Colour}}" fill-opacity="{{if $c.Stacked}}0.8{{else if .Others}}0.35{{else}}0.2{{end}}"/>
{{- end}}
{{- end}}
{{- range .Series}}
{{- if .Line}}
<path d="{{.Line}}" fill="none" stroke="{{.Colour}}" stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"/>
{{- end}}
{{- if .Dots}}
<path d="{{.Dots}}" fill="{{.Colour}}"/>
{{- end}}
{{- end}}
</svg>
</div>
{{- end}}
{{- end}}
{{- end}}
{{- if .HostsMore}}
<p class="note">{{.HostsMore}}</p>
{{- end}}
</body>
</html>
`
