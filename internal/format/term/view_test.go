package term

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"sm/internal/format"
	"sm/internal/record"
)

func TestShortenEnds(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		mid  string
		end  string
		strt string
	}{
		{"abcdefghij", 10, "abcdefghij", "abcdefghij", "abcdefghij"},
		{"abcdefghij", 5, "ab…ij", "abcd…", "…ghij"},
		{"abcdefghij", 1, "…", "…", "…"},
		{"abcdefghij", 0, "", "", ""},
		// Wide characters count twice.
		{"日本語のラベル", 6, "日…ル", "日本…", "…ベル"},
	} {
		t.Run(fmt.Sprintf("%s/%d", tc.in, tc.n), func(t *testing.T) {
			for _, got := range []struct{ name, got, want string }{
				{"middle", Shorten(tc.in, tc.n), tc.mid},
				{"end", shortenEnd(tc.in, tc.n), tc.end},
				{"start", shortenStart(tc.in, tc.n), tc.strt},
			} {
				if got.got != got.want || textWidth(got.got) > tc.n {
					t.Errorf("%s: %q, want %q", got.name, got.got, got.want)
				}
			}
		})
	}
}

// TestFitLabels: shortened labels still differ, and fit.
func TestFitLabels(t *testing.T) {
	for _, tc := range []struct {
		name   string
		labels []string
		n      int
		want   []string
	}{
		{"fit already", []string{"mount=/", "mount=/boot"}, 20, []string{"mount=/", "mount=/boot"}},
		{"shared ends cut", []string{"mount=/srv/volume1/data/long", "mount=/srv/volume2/data/long"}, 12,
			[]string{"…rv/volume1…", "…rv/volume2…"}},
		{"shared start only", []string{"device=nvme0n1p1", "device=nvme0n1p2"}, 10, []string{"…nvme0n1p1", "…nvme0n1p2"}},
		{"too little room", []string{"aaaaaaaa1bbbbbbbbbbbbbbbbbbbbbbb", "aaaaaaaa2bbbbbbbbbbbbbbbbbbbbbbb"}, 4,
			[]string{"a…bb", "a…bb"}},
		{"lone label", []string{"disk.used_pct;host=web1;mount=/boot/efi"}, 16, []string{"disk.us…boot/efi"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			widths := make([]int, len(tc.labels))
			for i := range widths {
				widths[i] = tc.n
			}
			got := fitLabels(tc.labels, widths)
			if !slices.Equal(got, tc.want) {
				t.Errorf("fitLabels = %q, want %q", got, tc.want)
			}
			for _, l := range got {
				if textWidth(l) > tc.n {
					t.Errorf("%q is wider than %d", l, tc.n)
				}
			}
		})
	}
}

func TestViewLabels(t *testing.T) {
	vs := func(lines ...string) []viewSeries {
		var out []viewSeries
		for _, l := range lines {
			name, tags, err := record.ParseSeries(l)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, viewSeries{name, tags})
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		series []viewSeries
		labels []string
		title  string
	}{
		{"one", vs("load.5m;host=web1"), []string{"load.5m;host=web1"}, ""},
		{"same name and host", vs("disk.used_pct;host=web1;mount=/", "disk.used_pct;host=web1;mount=/boot"),
			[]string{"mount=/", "mount=/boot"}, "disk.used_pct;host=web1"},
		{"same host", vs("load.1m;host=web1", "load.5m;host=web1"), []string{"load.1m", "load.5m"}, "host=web1"},
		{"nothing shared", vs("a;host=x", "b;host=y"), []string{"a;host=x", "b;host=y"}, ""},
		// A tag value is escaped as in a record, then for the terminal.
		{"escaped", vs("a;host=x;v=\\033[2J", "a;host=x;v=b\u202e"), []string{"v=\\033[2J", "v=b\\u202e"}, "a;host=x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			labels, title := viewLabels(tc.series)
			if !slices.Equal(labels, tc.labels) || title != tc.title {
				t.Errorf("viewLabels = %q, %q; want %q, %q", labels, title, tc.labels, tc.title)
			}
		})
	}
}

// writeView writes recs in the named format with o, and returns the
// output and the first error.
func writeView(name string, o format.Options, recs []record.Record) (string, error) {
	var b bytes.Buffer
	w, err := format.New(name, &b, o)
	if err != nil {
		return "", err
	}
	for i := range recs {
		if err := w.Write(&recs[i]); err != nil {
			w.Close()
			return b.String(), err
		}
	}
	err = w.Close()
	return b.String(), err
}

func rec(t *testing.T, series string, v float64, ts int64) record.Record {
	t.Helper()
	name, tags, err := record.ParseSeries(series)
	if err != nil {
		t.Fatal(err)
	}
	return record.Record{Name: name, Tags: tags, Value: v, Time: ts}
}

// TestWideCSVReadsBack: a spreadsheet, or a script, gets every series
// and value back from wide-csv, hostile tags and all.
func TestWideCSVReadsBack(t *testing.T) {
	series := []string{
		"load.5m;host=web1",
		"evil;host=web1;x==HYPERLINK(\"http://x\")",
		"evil;host=web1;x=-1+2",
		"evil;host=web1;x=a\\054b\\012c",
	}
	var recs []record.Record
	for i, s := range series {
		for k := range 3 {
			if i == 1 && k == 1 {
				continue // a hole
			}
			recs = append(recs, rec(t, s, float64(i*10+k), 1764044400+int64(k)*60+int64(i)))
		}
	}
	out, err := writeView("wide-csv", format.Options{}, recs)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(rows) != 4 || rows[0][0] != "time" {
		t.Fatalf("rows:\n%s", out)
	}
	for j, h := range rows[0][1:] {
		if strings.HasPrefix(h, "=") || strings.HasPrefix(h, "-") {
			t.Errorf("header %q would run as a formula", h)
		}
		name, tags, err := record.ParseSeries(format.RestoreCell(h))
		want := rec(t, series[j], 0, 0)
		if err != nil || name != want.Name || !slices.Equal(tags, want.Tags) {
			t.Errorf("header %q reads back as %q %q, %v; want %q", h, name, tags, err, series[j])
		}
	}
	for k, row := range rows[1:] {
		if want := time.Unix(1764044400+int64(k)*60, 0).UTC().Format(time.RFC3339); row[0] != want {
			t.Errorf("row %d: time %q, want %q", k, row[0], want)
		}
		for i := range series {
			want := fmt.Sprint(i*10 + k)
			if i == 1 && k == 1 {
				want = ""
			}
			if row[i+1] != want {
				t.Errorf("row %d, series %d: %q, want %q", k, i, row[i+1], want)
			}
		}
	}
}

// TestWideRows: rows line up samples taken at nearly the same time.
func TestWideRows(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    format.Options
		recs []record.Record
		want string
	}{
		{"rounded to the interval", format.Options{}, []record.Record{
			rec(t, "a", 1, 1764044402), rec(t, "a", 2, 1764044461), rec(t, "a", 3, 1764044523),
			rec(t, "b", 4, 1764044398), rec(t, "b", 5, 1764044519),
		}, "time,a,b\n2025-11-25T04:20:00Z,1,4\n2025-11-25T04:21:00Z,2,\n2025-11-25T04:22:00Z,3,5\n"},
		{"the later of two in a row", format.Options{}, []record.Record{
			rec(t, "a", 1, 1764044400), rec(t, "a", 2, 1764044460), rec(t, "a", 3, 1764044520), rec(t, "a", 4, 1764044525),
		}, "time,a\n2025-11-25T04:20:00Z,1\n2025-11-25T04:21:00Z,2\n2025-11-25T04:22:00Z,4\n"},
		// Daily samples are moved at most an hour: 03:10 stays at 03:00.
		{"at most an hour", format.Options{}, []record.Record{
			rec(t, "a", 1, 1764040200), rec(t, "a", 2, 1764040200+86400),
		}, "time,a\n2025-11-25T03:00:00Z,1\n2025-11-26T03:00:00Z,2\n"},
		// With a step, times are bucket starts: local midnights stay.
		{"step", format.Options{Step: 24 * time.Hour, Location: time.FixedZone("X", 5*3600+1800)}, []record.Record{
			rec(t, "a", 1, 1764009000), rec(t, "a", 2, 1764009000+86400),
		}, "time,a\n2025-11-25T00:00:00+05:30,1\n2025-11-26T00:00:00+05:30,2\n"},
		{"no samples", format.Options{}, nil, "time\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := writeView("wide-csv", tc.o, tc.recs)
			if err != nil || got != tc.want {
				t.Errorf("got %v\n%s\nwant\n%s", err, got, tc.want)
			}
		})
	}
}

func TestWideBounds(t *testing.T) {
	var recs []record.Record
	for i := range MaxWideSeries + 1 {
		recs = append(recs, rec(t, fmt.Sprintf("m;i=%d", i), 1, 1764044400))
	}
	if _, err := writeView("wide", format.Options{}, recs); err == nil || !strings.Contains(err.Error(), "more than 1000 series") {
		t.Errorf("%d series: %v", len(recs), err)
	}
	w, _ := format.New("wide", &bytes.Buffer{}, format.Options{})
	r := rec(t, "m", 1, 0)
	var err error
	for i := range MaxWideSamples + 1 {
		r.Time = int64(i)
		if err = w.Write(&r); err != nil {
			break
		}
	}
	if err == nil || !strings.Contains(err.Error(), "more than 262144 samples") {
		t.Errorf("samples: %v", err)
	}
}

// TestWideFits: at any width the table's lines fit, but for the time
// and one column, which it always shows.
func TestWideFits(t *testing.T) {
	var recs []record.Record
	for i := range 20 {
		for k := range 3 {
			recs = append(recs, rec(t, fmt.Sprintf("disk.used_pct;host=web1;mount=/srv/volume%d/data/with/a/long/path", i),
				float64(i)+0.123, 1764044400+int64(k)*60))
		}
	}
	for _, width := range []int{30, 40, 80, 120, 200} {
		out, err := writeView("wide", format.Options{Width: width, Location: time.UTC}, recs)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(out) {
			if w := textWidth(strings.TrimSuffix(line, "\n")); w > width {
				t.Errorf("width %d: line %q is %d wide", width, line, w)
			}
		}
	}
}

// TestChartFits: whatever the values, a chart fits its width and
// height, and never panics.
func TestChartFits(t *testing.T) {
	series := func(vals ...float64) []record.Record {
		var recs []record.Record
		for i, v := range vals {
			recs = append(recs, rec(t, "a;host=x", v, 1764044400+int64(i)*60))
		}
		for i, v := range vals {
			recs = append(recs, rec(t, "b;host=x", -v/3, 1764044400+int64(i)*90))
		}
		return recs
	}
	for _, tc := range []struct {
		name string
		recs []record.Record
	}{
		{"ordinary", series(1, 2, 3, 2, 1, 0.5, 4)},
		{"constant", series(5, 5, 5)},
		{"one sample", series(7)},
		{"huge", series(1.7e308, -1.7e308, 1e308, 1.7e308)},
		{"tiny", series(1e-300, 2e-300, 3e-300)},
		{"large", series(412345678912, 412345678999, 512345678912)},
		{"eight", func() []record.Record {
			var recs []record.Record
			for i := range MaxChartSeries {
				for k := range 50 {
					recs = append(recs, rec(t, fmt.Sprintf("m;i=%d;a=very/long/label/that/goes/on/and/on", i), float64(i*k), 1764044400+int64(k)*60))
				}
			}
			return recs
		}()},
	} {
		for _, width := range []int{40, 80, 120} {
			for _, terminal := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%d/%v", tc.name, width, terminal), func(t *testing.T) {
					out, err := writeView("chart", format.Options{Width: width, Height: 24, Terminal: terminal, Location: time.UTC}, tc.recs)
					if err != nil {
						t.Fatal(err)
					}
					if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
						t.Errorf("a value that is no number:\n%s", out)
					}
					lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
					if len(lines) > 24 {
						t.Errorf("%d lines, taller than 24", len(lines))
					}
					for _, l := range lines {
						if w := textWidth(stripANSI(l)); w > width {
							t.Errorf("line %q is %d wide", l, w)
						}
						if !terminal && strings.Contains(l, "\x1b") {
							t.Errorf("an escape sequence outside a terminal: %q", l)
						}
					}
				})
			}
		}
	}
}

func TestChartTooManySeries(t *testing.T) {
	var recs []record.Record
	for i := range MaxChartSeries + 1 {
		recs = append(recs, rec(t, fmt.Sprintf("m;i=%d", i), 1, 1764044400))
	}
	out, err := writeView("chart", format.Options{}, recs)
	if !errors.Is(err, ErrTooManySeries) || out != "" {
		t.Errorf("9 series: %q, %v", out, err)
	}
}

// TestChartBounded: a series of any length is held in at most
// maxChartPoints points, which average every sample once.
func TestChartBounded(t *testing.T) {
	c := &chart{o: format.Options{Location: time.UTC}}
	r := rec(t, "m", 0, 0)
	const n = 100_000
	for i := range n {
		r.Time, r.Value = int64(i), 2
		if err := c.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	pts := c.series[0].pts
	var count float64
	for _, p := range pts {
		count += p.n
		if p.v != 2 {
			t.Fatalf("average %v, want 2", p.v)
		}
	}
	if len(pts) > maxChartPoints || count != n {
		t.Errorf("%d points holding %v samples", len(pts), count)
	}
}

func TestResample(t *testing.T) {
	pt := func(t, v float64) chartPoint { return chartPoint{t, v, 1} }
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		pts  []chartPoint
		want []float64
	}{
		{"averages", []chartPoint{pt(0, 1), pt(1, 3), pt(8, 5), pt(9, 7)}, []float64{2, nan, nan, nan, 6}},
		// Sparse samples are joined by a line, a long silence is not.
		{"joined", []chartPoint{pt(0, 0), pt(5, 10), pt(9, 20)}, []float64{0, 5, 10, 15, 20}},
		{"gap", []chartPoint{pt(0, 0), pt(1, 0), pt(2, 0), pt(9, 1)}, []float64{0, 0, nan, nan, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := resample(tc.pts, 5, 0, 9)
			for i := range got {
				if got[i] != tc.want[i] && !(math.IsNaN(got[i]) && math.IsNaN(tc.want[i])) {
					t.Errorf("resample = %v, want %v", got, tc.want)
					break
				}
			}
		})
	}
}

// TestWideCells: the wide table writes values as the table does, a
// computed aggregate rounded and, with Human, with its unit; wide-csv
// writes them as they are.
func TestWideCells(t *testing.T) {
	recs := []record.Record{rec(t, "mem.used_bytes;agg=avg", 412345678912.3333, 1764044400), rec(t, "load.1m;agg=avg", 40.09712345678, 1764044400)}
	o := format.Options{Aggregated: true, Human: true}
	got, err := writeView("wide", o, recs)
	if err != nil || !strings.Contains(got, "384.0 GiB") || !strings.Contains(got, "40.0971") || strings.Contains(got, "40.09712") {
		t.Errorf("wide: %v\n%s", err, got)
	}
	got, err = writeView("wide-csv", o, recs)
	if err != nil || !strings.Contains(got, "412345678912.3333") || !strings.Contains(got, "40.09712345678") {
		t.Errorf("wide-csv: %v\n%s", err, got)
	}
}
