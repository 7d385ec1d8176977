package format

import (
	"errors"
	"strings"
	"testing"
	"time"

	"sm/internal/record"
)

// influxOutput writes recs in the influx format and returns the output
// and the first error.
func influxOutput(prec time.Duration, recs ...record.Record) (string, error) {
	var sb strings.Builder
	w, err := New("influx", &sb, Options{Precision: prec})
	if err != nil {
		return "", err
	}
	for i := range recs {
		if err := w.Write(&recs[i]); err != nil {
			return sb.String(), err
		}
	}
	err = w.Close()
	return sb.String(), err
}

func TestInflux(t *testing.T) {
	const ts = 1764045000
	tags := func(kv ...string) []record.Tag {
		var tt []record.Tag
		for i := 0; i < len(kv); i += 2 {
			tt = append(tt, record.Tag{Key: kv[i], Value: kv[i+1]})
		}
		return tt
	}
	tests := []struct {
		name string
		rec  record.Record
		want string
	}{
		{"split", record.Record{Name: "disk.used_pct", Tags: tags("host", "web1", "mount", "/"), Value: 18.62, Time: ts},
			"disk,host=web1,mount=/ used_pct=18.62 1764045000000000000\n"},
		{"last dot", record.Record{Name: "net.rx.bytes", Value: 3, Time: ts}, "net.rx bytes=3 1764045000000000000\n"},
		{"no dot", record.Record{Name: "uptime", Value: 1, Time: ts}, "uptime value=1 1764045000000000000\n"},
		{"field value", record.Record{Name: "disk.value", Value: 1, Time: ts}, "disk.value value=1 1764045000000000000\n"},
		{"leading dot", record.Record{Name: ".x", Value: 1, Time: ts}, ".x value=1 1764045000000000000\n"},
		{"trailing dot", record.Record{Name: "x.", Value: 1, Time: ts}, "x. value=1 1764045000000000000\n"},
		{"measurement ends in backslash", record.Record{Name: `a\.b`, Value: 1, Time: ts}, `a\.b value=1 1764045000000000000` + "\n"},
		{"escapes", record.Record{Name: "my,m=x.f=1,2", Tags: tags("mount", "/mnt/my disk,a=b"), Value: 1, Time: ts},
			`my\,m=x,mount=/mnt/my\ disk\,a\=b f\=1\,2=1 1764045000000000000` + "\n"},
		{"backslashes", record.Record{Name: "x", Tags: tags("path", `C:\dir`, "q", `a\,b`), Value: 1, Time: ts},
			`x,path=C:\dir,q=a\\,b value=1 1764045000000000000` + "\n"},
		{"not UTF-8", record.Record{Name: "x", Tags: tags("v", "a\xffé"), Value: 1, Time: ts}, "x,v=a\uFFFDé value=1 1764045000000000000\n"},
		{"values", record.Record{Name: "x", Value: 1e21, Time: 0}, "x value=1e+21 0\n"},
		{"negative", record.Record{Name: "x", Value: -0.5, Time: 1}, "x value=-0.5 1000000000\n"},
		{"tiny", record.Record{Name: "x", Value: 1e-5, Time: 1}, "x value=1e-05 1000000000\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := influxOutput(0, tt.rec)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestInfluxPrecision(t *testing.T) {
	rec := record.Record{Name: "load.1m", Value: 0.5, Time: 1764045000}
	tests := []struct {
		prec time.Duration
		want string
	}{
		{0, "1764045000000000000"},
		{time.Nanosecond, "1764045000000000000"},
		{time.Microsecond, "1764045000000000"},
		{time.Millisecond, "1764045000000"},
		{time.Second, "1764045000"},
		{time.Minute, "29400750"},
		{time.Hour, "490012"},
		{7 * time.Millisecond, "252006428571"},
	}
	for _, tt := range tests {
		got, err := influxOutput(tt.prec, rec)
		if want := "load 1m=0.5 " + tt.want + "\n"; err != nil || got != want {
			t.Errorf("precision %v: got %q, %v; want %q", tt.prec, got, err, want)
		}
	}
}

func TestInfluxErrors(t *testing.T) {
	tests := []struct {
		rec  record.Record
		prec time.Duration
		want string
	}{
		{record.Record{Name: "x", Tags: []record.Tag{{Key: "v", Value: "a\tb"}}}, 0,
			`influx: left out x;v=a\011b: tag "v": "a\tb" has control character 0x09, which line protocol cannot hold`},
		{record.Record{Name: "x", Tags: []record.Tag{{Key: "v", Value: "a\nb"}}}, 0,
			`influx: left out x;v=a\012b: tag "v": "a\nb" has control character 0x0a, which line protocol cannot hold`},
		{record.Record{Name: "x", Tags: []record.Tag{{Key: "v", Value: `C:\`}}}, 0,
			`influx: left out x;v=C:\134: tag "v": "C:\\" ends in a backslash, which line protocol cannot hold`},
		{record.Record{Name: `x.y\`}, 0, `influx: left out x.y\: metric name "x.y\\": "y\\" ends in a backslash, which line protocol cannot hold`},
		{record.Record{Name: `x\`}, 0, `influx: left out x\: metric name "x\\": "x\\" ends in a backslash, which line protocol cannot hold`},
		{record.Record{Name: "#x.y"}, 0, `influx: left out #x.y: metric name "#x.y" starts with "#", which would make the line a comment`},
		{record.Record{Name: "x", Time: record.MaxTime}, 0, `influx: left out x: time 253402300799 does not fit in units of 1ns (--precision)`},
	}
	for _, tt := range tests {
		got, err := influxOutput(tt.prec, record.Record{Name: "ok", Value: 1, Time: 1}, tt.rec)
		var skip *SkipError
		if !errors.As(err, &skip) || err.Error() != tt.want {
			t.Errorf("%v: got error %v, want %s", tt.rec, err, tt.want)
		}
		if got != "" {
			t.Errorf("%v: wrote %q before Close", tt.rec, got)
		}
	}
	// A record that could not be written leaves the stream as it was,
	// and the writer goes on: a SkipError for the first record left out
	// of a series, nil for the others.
	var sb strings.Builder
	w, _ := New("influx", &sb, Options{})
	bad := record.Record{Name: "x", Tags: []record.Tag{{Key: "v", Value: "a\rb"}}}
	late := record.Record{Name: "z", Value: 1, Time: record.MaxTime}
	var skips int
	for i := range 4000 {
		recs := []record.Record{{Name: "y", Value: float64(i), Time: 3}, bad, late, {Name: "z", Value: 2, Time: 4}}
		for _, r := range recs {
			err := w.Write(&r)
			var skip *SkipError
			switch {
			case errors.As(err, &skip):
				skips++
			case err != nil:
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if skips != 2 {
		t.Errorf("%d SkipErrors, want 2, one a series", skips)
	}
	if n := strings.Count(sb.String(), "\n"); n != 8000 || !strings.HasSuffix(sb.String(), "y value=3999 3000000000\nz value=2 4000000000\n") {
		t.Errorf("wrote %d lines, want 8000, ending %q", n, sb.String()[max(0, sb.Len()-60):])
	}
}

func TestInfluxSplit(t *testing.T) {
	for name, want := range map[string][2]string{
		"disk.used_pct": {"disk", "used_pct"},
		"a.b.c":         {"a.b", "c"},
		"load":          {"load", "value"},
		"x.value":       {"x.value", "value"},
		"x.values":      {"x", "values"},
		".x":            {".x", "value"},
		"x.":            {"x.", "value"},
		"..":            {"..", "value"},
		`a\.b`:          {`a\.b`, "value"},
	} {
		if m, f := InfluxSplit(name); m != want[0] || f != want[1] {
			t.Errorf("InfluxSplit(%q) = %q, %q; want %q, %q", name, m, f, want[0], want[1])
		}
	}
}
