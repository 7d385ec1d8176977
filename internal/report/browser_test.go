//go:build browser

// The browser test renders the HTML report in headless Chromium, which
// go test ./... leaves out: make test-browser runs it. With -update it
// keeps the screenshot as docs/report.png.

package report

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// browsers are the names Chromium goes by, as packaged and as Google
// ships it.
var browsers = []string{"chromium", "chromium-browser", "google-chrome"}

// screenshotPath is where -update keeps the screenshot, for the README.
var screenshotPath = filepath.Join("..", "..", "docs", "report.png")

func TestBrowser(t *testing.T) {
	bin := ""
	for _, name := range browsers {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skipf("no browser to render the report in: none of %s is on PATH", strings.Join(browsers, ", "))
	}

	// The filter below must let a page's errors through, or this test
	// could not fail: a page that throws must show in what it keeps.
	t.Run("page errors show", func(t *testing.T) {
		page := writePage(t, `<!DOCTYPE html><title>x</title><p>x</p><script>notDefined()</script>`)
		_, stderr := chromium(t, bin, page, "--dump-dom")
		if errs := pageErrors(stderr, page); len(errs) == 0 {
			t.Fatalf("a page that throws left no error the test sees; the browser wrote:\n%s", stderr)
		}
	})

	rep := fixtureReport(t)
	var b bytes.Buffer
	if err := WriteHTML(&b, rep); err != nil {
		t.Fatal(err)
	}
	page := writePage(t, b.String())
	charts := wantCharts(rep)

	t.Run("dom", func(t *testing.T) {
		dom, stderr := chromium(t, bin, page, "--dump-dom")
		if errs := pageErrors(stderr, page); len(errs) > 0 {
			t.Errorf("the page has errors:\n%s", strings.Join(errs, "\n"))
		}
		checkHTML(t, dom, charts)
	})

	t.Run("screenshot", func(t *testing.T) {
		// Room for every chart and table, and to spare: the test checks
		// below that the page ended inside the window.
		tables := 0
		for _, h := range rep.Hosts {
			tables += len(h.Groups)
		}
		height := 1000 + 400*charts + 100*tables
		shot := filepath.Join(t.TempDir(), "report.png")
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
		if got := img.Bounds().Size(); got != image.Pt(1000, height) {
			t.Fatalf("the screenshot is %v, want 1000×%d", got, height)
		}
		// The charts drew their lines: the first series' colour shows.
		// A legend's key alone is some 100 pixels; a chart's line
		// thousands.
		line := color.RGBA{0x1f, 0x77, 0xb4, 0xff}
		if n := count(img, line); n < 1000*charts {
			t.Errorf("the screenshot has %d pixels of the charts' first colour, want %d at least: the charts did not draw", n, 1000*charts)
		}
		end := contentEnd(img)
		if end > height-40 {
			t.Fatalf("the page ran past the window's %d pixels: make the window taller", height)
		}
		if *update {
			// The window is taller than the page: keep the page and a
			// margin.
			cropped := img.(interface {
				SubImage(image.Rectangle) image.Image
			}).SubImage(image.Rect(0, 0, 1000, end+24))
			if err := os.MkdirAll(filepath.Dir(screenshotPath), 0o755); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			enc := png.Encoder{CompressionLevel: png.BestCompression}
			if err := enc.Encode(&out, cropped); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(screenshotPath, out.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// writePage writes html to a file of its own and returns the file's
// path.
func writePage(t *testing.T, html string) string {
	t.Helper()
	page := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(page, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	return page
}

// chromium opens page in the headless browser bin with the flags args,
// fails t if it does not exit 0, and returns what it wrote on stdout
// and stderr.
func chromium(t *testing.T, bin, page string, args ...string) (stdout, stderr string) {
	t.Helper()
	// A hang guard only: a run takes a second or two.
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	args = append([]string{
		"--headless",
		// The sandbox needs namespaces that containers and root lack.
		"--no-sandbox",
		"--disable-gpu",
		"--hide-scrollbars",
		// A profile of its own, left in the test's temporary folder.
		"--user-data-dir=" + t.TempDir(),
		// Without these the console's messages, a script's uncaught
		// error among them, go nowhere.
		"--enable-logging=stderr", "--v=0",
	}, args...)
	args = append(args, pageURL(page))
	cmd := exec.CommandContext(ctx, bin, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), errOut.String()
}

func pageURL(path string) string {
	return (&url.URL{Scheme: "file", Path: path}).String()
}

// pageErrors returns the lines of the browser's stderr that are about
// the page: its console's messages, an uncaught error, an error that
// names it. Chromium in a container also logs errors of its own, about
// D-Bus, the GPU or the sandbox, that have nothing to do with the page;
// they do not name it.
func pageErrors(stderr, page string) []string {
	var errs []string
	for _, l := range strings.Split(stderr, "\n") {
		switch {
		case strings.Contains(l, "CONSOLE"), strings.Contains(l, "Uncaught"):
		case strings.Contains(l, "ERROR:") && (strings.Contains(l, pageURL(page)) || strings.Contains(l, page)):
		default:
			continue
		}
		errs = append(errs, l)
	}
	return errs
}

// count counts the pixels of img within a few steps of c: the
// browser's anti-aliasing blends the edges of lines.
func count(img image.Image, c color.RGBA) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, c.R) && near(g, c.G) && near(bl, c.B) {
				n++
			}
		}
	}
	return n
}

func near(v uint32, c uint8) bool {
	d := int(v>>8) - int(c)
	return d >= -12 && d <= 12
}

// contentEnd returns the row after the last one that is not all white
// background.
func contentEnd(img image.Image) int {
	b := img.Bounds()
	for y := b.Max.Y - 1; y >= b.Min.Y; y-- {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				return y + 1
			}
		}
	}
	return b.Min.Y
}
