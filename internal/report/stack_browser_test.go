//go:build browser

package report

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBrowserStack renders the stacks of a host of services, with names
// that would break the page and one too long to fit, in the report and
// on the site's host page: they fit the window, wide and narrow, and the
// layers fill the charts.
func TestBrowserStack(t *testing.T) {
	bin := ""
	for _, name := range browsers {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skipf("no browser to render the stacks in: none of %s is on PATH", strings.Join(browsers, ", "))
	}
	series := servicesFixture()
	for i, h := range []string{`<b>bold</b>.service`, "\u202eevil.service", strings.Repeat("long", 2000) + ".service"} {
		tag := strings.ReplaceAll(string(appendTag(h)), "=", `\075`)
		series = append(series, svcSeries{tags: "unit=" + tag, leaf: true, cpu: always(float64(30 + i)), memMB: 1000})
	}
	records := servicesRecords("db1", series)

	var b bytes.Buffer
	if err := WriteHTML(&b, dayReport(t, records)); err != nil {
		t.Fatal(err)
	}
	pages := map[string][]byte{"report": b.Bytes()}
	dir := t.TempDir()
	if _, err := WriteSite(recordsDB(t, records), dir, siteOptions()); err != nil {
		t.Fatal(err)
	}
	hosts, err := filepath.Glob(filepath.Join(dir, "host-db1-*.html"))
	if err != nil || len(hosts) != 1 {
		t.Fatalf("the host's pages: %v, %v", hosts, err)
	}
	if pages["site"], err = os.ReadFile(hosts[0]); err != nil {
		t.Fatal(err)
	}

	for kind, src := range pages {
		t.Run(kind, func(t *testing.T) {
			stacks := len(stackCharts(string(src)))
			if stacks < 2 {
				t.Fatalf("%d stacked charts, want CPU and memory", stacks)
			}
			measured := filepath.Join(t.TempDir(), "measured.html")
			if err := os.WriteFile(measured, bytes.Replace(src, []byte("</body>"), []byte(layoutScript+"</body>"), 1), 0o644); err != nil {
				t.Fatal(err)
			}
			// The report's tables are wider than a phone: the site's
			// pages, of charts alone, fit one.
			widths := []int{1280, 390}
			if kind == "report" {
				widths = widths[:1]
			}
			for _, width := range widths {
				dom, stderr := chromium(t, bin, measured, fmt.Sprintf("--window-size=%d,900", width), "--dump-dom")
				m := layoutRE.FindStringSubmatch(dom)
				if m == nil {
					t.Fatalf("at %d pixels: the layout script did not run:\n%s", width, stderr)
				}
				if m[1] != "ok" {
					t.Errorf("at %d pixels: %s", width, m[1])
				}
			}

			page := writePage(t, string(src))
			charts := strings.Count(string(src), `<svg class="chart"`)
			height := 1000 + 420*charts
			shot := filepath.Join(t.TempDir(), "stack.png")
			_, stderr := chromium(t, bin, page, fmt.Sprintf("--window-size=1000,%d", height), "--screenshot="+shot)
			if errs := pageErrors(stderr, page); len(errs) > 0 {
				t.Errorf("the page has errors:\n%s", strings.Join(errs, "\n"))
			}
			f, err := os.Open(shot)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			// The first colour at the stacks' opacity, 0.8 on white:
			// the largest layer of each stack fills a good part of it,
			// where a line chart's band, at 0.2, is another colour.
			solid := color.RGBA{0x4c, 0x92, 0xc3, 0xff}
			if n := count(img, solid); n < 10000*stacks {
				t.Errorf("the screenshot has %d pixels of the stacks' first colour, want %d at least: the stacks did not fill", n, 10000*stacks)
			}
		})
	}
}

// appendTag writes a tag value as a record does.
func appendTag(v string) []byte {
	return []byte(strings.NewReplacer(`\`, `\134`, ";", `\073`, " ", `\040`).Replace(v))
}
