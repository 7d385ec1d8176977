//go:build browser

package report

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// layoutScript measures a page as the browser laid it out, and writes
// what it found in the body's data-layout attribute, which --dump-dom
// shows: "ok", or what is wrong. The pages have no script of their own;
// the test adds this one to a copy.
const layoutScript = `<script>
(function(){
var d=document.documentElement, bad=[];
if(d.scrollWidth>d.clientWidth) bad.push("the page is "+d.scrollWidth+" wide in a window of "+d.clientWidth);
document.querySelectorAll("svg.chart").forEach(function(s,i){
	var ys=s.querySelectorAll("g[text-anchor=end] text").length, xs=s.querySelectorAll("g[text-anchor=middle] text").length;
	if(ys<2||xs<2) bad.push("chart "+i+" has "+ys+" value and "+xs+" time labels");
	var r=s.getBoundingClientRect();
	if(r.width<100||r.right>d.clientWidth+0.5) bad.push("chart "+i+" spans "+r.left+" to "+r.right);
	s.querySelectorAll("text").forEach(function(t){
		var b=t.getBoundingClientRect();
		if(b.left<r.left-0.5||b.right>r.right+0.5) bad.push("chart "+i+": label "+t.textContent+" sticks out");
	});
});
document.body.setAttribute("data-layout", bad.length? bad.join("; "): "ok");
})();
</script>`

var layoutRE = regexp.MustCompile(`data-layout="([^"]*)"`)

// The screenshots of the site that -update keeps, for the README.
var siteShots = map[string]string{
	"index": filepath.Join("..", "..", "docs", "site-index.png"),
	"host":  filepath.Join("..", "..", "docs", "site-host.png"),
	"group": filepath.Join("..", "..", "docs", "site-group.png"),
}

func TestBrowserSite(t *testing.T) {
	bin := ""
	for _, name := range browsers {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skipf("no browser to render the site in: none of %s is on PATH", strings.Join(browsers, ", "))
	}
	// The layout script must see what is wrong, or this test could
	// not fail.
	t.Run("overflow shows", func(t *testing.T) {
		page := writePage(t, `<!DOCTYPE html><title>x</title><body><div style="width:3000px">x</div>`+layoutScript+`</body>`)
		dom, _ := chromium(t, bin, page, "--window-size=1280,900", "--dump-dom")
		if m := layoutRE.FindStringSubmatch(dom); m == nil || m[1] == "ok" {
			t.Fatalf("a page 3000 pixels wide passed: %v", m)
		}
	})

	dir := t.TempDir()
	if _, err := WriteSite(fixtureDB(t), dir, siteOptions()); err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{"index": "index.html"}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		switch {
		case strings.HasPrefix(e.Name(), "host-web1-"):
			pages["host"] = e.Name()
		case strings.HasPrefix(e.Name(), "group-disk-"):
			pages["group"] = e.Name()
		}
	}
	if len(pages) != 3 {
		t.Fatalf("want the index, web1's page and disk's, got %v", pages)
	}

	for kind, name := range pages {
		t.Run(kind, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			charts := strings.Count(string(src), `<svg class="chart"`)
			if kind != "index" && charts == 0 {
				t.Fatalf("%s has no chart", name)
			}
			// The layout, on a wide screen and on a phone's.
			measured := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(measured, bytes.Replace(src, []byte("</body>"), []byte(layoutScript+"</body>"), 1), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, width := range []int{1280, 390} {
				dom, stderr := chromium(t, bin, measured, fmt.Sprintf("--window-size=%d,900", width), "--dump-dom")
				m := layoutRE.FindStringSubmatch(dom)
				if m == nil {
					t.Fatalf("at %d pixels: the layout script did not run:\n%s", width, stderr)
				}
				if m[1] != "ok" {
					t.Errorf("at %d pixels: %s", width, m[1])
				}
			}

			// The page itself, as it is served.
			page := filepath.Join(dir, name)
			height := 900 + 420*charts
			shot := filepath.Join(t.TempDir(), kind+".png")
			_, stderr := chromium(t, bin, page, fmt.Sprintf("--window-size=1280,%d", height), "--screenshot="+shot)
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
			end := contentEnd(img)
			if end > height-40 {
				t.Fatalf("the page ran past the window's %d pixels: make the window taller", height)
			}
			if *update {
				// The top of a long page is enough to show it.
				end = min(end+24, 2400)
				cropped := img.(interface {
					SubImage(image.Rectangle) image.Image
				}).SubImage(image.Rect(0, 0, 1280, end))
				var out bytes.Buffer
				enc := png.Encoder{CompressionLevel: png.BestCompression}
				if err := enc.Encode(&out, cropped); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(siteShots[kind], out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
