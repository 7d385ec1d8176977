package format

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"sm/internal/record"
)

// orderedOutput writes recs, in the order they are given, to a writer
// told they come in order (Options.Ordered), and returns the output and
// the errors of Write and Close, joined.
func orderedOutput(name string, recs []record.Record) (string, error) {
	var sb strings.Builder
	w, err := New(name, &sb, Options{Ordered: true})
	if err != nil {
		return "", err
	}
	var errs []error
	for i := range recs {
		if err := w.Write(&recs[i]); err != nil {
			errs = append(errs, err)
		}
	}
	err = w.Close()
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = append(errs, j.Unwrap()...)
	} else {
		errs = append(errs, err)
	}
	return sb.String(), errors.Join(errs...)
}

// inPromOrder returns recs as sm-query gives them to the Prometheus
// formats: names by ComparePromNames, a name's series by
// PromSeriesOrder, a series' records in time order, keeping the order
// written for a tie.
func inPromOrder(recs []record.Record) []record.Record {
	recs = slices.Clone(recs)
	bySeries := PromSeriesOrder(false)
	slices.SortStableFunc(recs, func(a, b record.Record) int {
		return cmp.Or(ComparePromNames(a.Name, b.Name), bySeries(a.Tags, b.Tags), cmp.Compare(a.Time, b.Time))
	})
	return recs
}

// skipTexts returns the messages of the SkipErrors in err, sorted, and
// fails on any other error.
func skipTexts(t *testing.T, err error) []string {
	t.Helper()
	skips, rest := Split(err)
	if rest != nil {
		t.Fatalf("error %v", rest)
	}
	var out []string
	for _, s := range skips {
		out = append(out, s.Error())
	}
	slices.Sort(out)
	return out
}

// TestPromOrderedSame: records in order, streamed, give what the same
// records in any order give when the writer holds them: the same bytes
// and the same series left out. The records are random, of names and
// tags made to collide: names that become one Prometheus name, tags
// that become one label, values that quote the same, hostile bytes.
func TestPromOrderedSame(t *testing.T) {
	names := []string{"disk.used", "disk-used", "disk_used", "Disk.Used", "disk.used_pct", "a", "b.total", "b.all",
		"sys.uptime_s", "sys.uptime_seconds", `odd"name\`, "z~", "9x", "a.b.c", "a_b.c"}
	tags := []string{"", "host=web1", "host=web2", "host=web1;mount=/", "host=web1;mount=/mnt/my\\040disk",
		"a.b=1;a_b=2", "a_b=1", "a.b=1", `v=\376`, `v=\377`, "1m=x;_y=z", "host=\\042\\012\\134", "a-b=1;c=2", "a=1;a1=2"}
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		var recs []record.Record
		for range 1 + r.IntN(40) {
			s := names[r.IntN(len(names))]
			if tg := tags[r.IntN(len(tags))]; tg != "" {
				s += ";" + tg
			}
			recs = append(recs, promRec(s, float64(r.IntN(5)), int64(r.IntN(4))))
		}
		for _, f := range []string{"prom", "openmetrics"} {
			held, herr := promOutput(t, f, recs...)
			streamed, serr := orderedOutput(f, inPromOrder(recs))
			if held != streamed {
				t.Fatalf("round %d, %s: held\n%s\nstreamed\n%s", round, f, held, streamed)
			}
			if h, s := skipTexts(t, herr), skipTexts(t, serr); !slices.Equal(h, s) {
				t.Fatalf("round %d, %s: held left out\n%s\nstreamed left out\n%s", round, f, strings.Join(h, "\n"), strings.Join(s, "\n"))
			}
		}
	}
}

// TestPromGrouping: however series of one family come among those of
// others, each family is written once, its series together, each
// series' samples together in time order.
func TestPromGrouping(t *testing.T) {
	tests := []struct {
		name string
		recs []record.Record
		want string
	}{
		{"interleaved", []record.Record{
			promRec("b;host=1", 1, 10), promRec("a;host=1", 2, 10), promRec("b;host=2", 3, 10),
			promRec("a;host=2", 4, 10), promRec("b;host=1", 5, 20), promRec("a;host=1", 6, 5)},
			`# HELP sm_a a
# TYPE sm_a gauge
sm_a{host="1"} 6 5
sm_a{host="1"} 2 10
sm_a{host="2"} 4 10
# HELP sm_b b
# TYPE sm_b gauge
sm_b{host="1"} 1 10
sm_b{host="1"} 5 20
sm_b{host="2"} 3 10
# EOF
`},
		{"one series", []record.Record{promRec("x", 1, 1), promRec("x", 2, 2)},
			"# HELP sm_x x\n# TYPE sm_x gauge\nsm_x 1 1\nsm_x 2 2\n# EOF\n"},
		{"same Prometheus name", []record.Record{promRec("x-y", 1, 1), promRec("x.z", 3, 1), promRec("x.y", 2, 1)},
			"# HELP sm_x_y x.y\n# TYPE sm_x_y gauge\nsm_x_y 2 1\n# HELP sm_x_z x.z\n# TYPE sm_x_z gauge\nsm_x_z 3 1\n# EOF\n"},
		{"hostile", []record.Record{promRec(`a"b\c;k=\012\042\134`, 1, 1)},
			`# HELP sm_a_b_c a\"b\\c
# TYPE sm_a_b_c gauge
sm_a_b_c{k="\n\"\\"} 1 1
# EOF
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			held, _ := promOutput(t, "openmetrics", tt.recs...)
			streamed, _ := orderedOutput("openmetrics", inPromOrder(tt.recs))
			if held != tt.want || streamed != tt.want {
				t.Errorf("held\n%s\nstreamed\n%s\nwant\n%s", held, streamed, tt.want)
			}
		})
	}
}

// TestPromOrderedBroken: an ordered writer given records out of order
// says so, rather than write an exposition with a family twice, a
// series split or its samples out of time order.
func TestPromOrderedBroken(t *testing.T) {
	tests := []struct {
		name string
		recs []record.Record
	}{
		{"family back", []record.Record{promRec("a", 1, 1), promRec("b", 1, 1), promRec("a", 1, 2)}},
		{"series back", []record.Record{promRec("a;h=1", 1, 1), promRec("a;h=2", 1, 1), promRec("a;h=1", 1, 2)}},
		{"time back", []record.Record{promRec("a", 1, 2), promRec("a", 1, 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := orderedOutput("openmetrics", tt.recs)
			if !errors.Is(err, errPromOrder) {
				t.Errorf("got %v, want %v", err, errPromOrder)
			}
		})
	}
}

// TestPromOrderedFlat: streaming, the writer holds no sample but the
// last of the current series: its buffer of lines is written at 32 KiB.
func TestPromOrderedFlat(t *testing.T) {
	var sb strings.Builder
	w, _ := New("openmetrics", &sb, Options{Ordered: true})
	p := w.(*promWriter)
	for i := range 100_000 {
		r := promRec(fmt.Sprintf("m%d;host=web1", i/50_000), float64(i), int64(i))
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
		if len(p.cur.points) > 1 || len(p.b) > 32<<10 {
			t.Fatalf("after %d records: %d points, %d bytes held", i+1, len(p.cur.points), len(p.b))
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(sb.String(), "\n"); n != 100_000+2*2+1 {
		t.Errorf("%d lines", n)
	}
}

func TestComparePromNames(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"net.rx_bytes", "net.rx.errs", -1}, // sm_net_rx_bytes < sm_net_rx_errs, though "." < "_"
		{"disk.used", "disk-used", -1},      // the same name: sm's style first
		{"disk-used", "disk.used", 1},
		{"disk_used", "disk.used", 1}, // both sm's style: sort order
		{"Disk.used", "disk-used", -1},
		{"sys.uptime_s", "sys.uptime_sa", 1}, // sm_sys_uptime_seconds > sm_sys_uptime_sa
		{"a", "a", 0},
	}
	for _, tt := range tests {
		if got := ComparePromNames(tt.a, tt.b); got != tt.want {
			t.Errorf("ComparePromNames(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestPromSeriesOrder(t *testing.T) {
	tags := func(s string) []record.Tag { _, tg, _ := record.ParseSeries("x;" + s); return tg }
	tests := []struct {
		a, b string
		term bool
		want int
	}{
		{"a-b=1", "a=1", false, 1},    // labels a_b and a: a first, though "-" < "="
		{"a1=1", "a=1", false, 1},     // the same
		{"a.b=1", "a_b=1", false, -1}, // the same labels: sm's order
		{"h=a", "h=a;x=1", false, -1},
		{`v=\033`, "v=A", false, -1}, // ESC before A as it is,
		{`v=\033`, "v=A", true, 1},   // but \x1b after A when escaped
	}
	for _, tt := range tests {
		if got := PromSeriesOrder(tt.term)(tags(tt.a), tags(tt.b)); got != tt.want {
			t.Errorf("PromSeriesOrder(%v)(%q, %q) = %d, want %d", tt.term, tt.a, tt.b, got, tt.want)
		}
	}
}
