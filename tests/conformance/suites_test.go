package conformance

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"sm/internal/record"
)

// now is the time the readers give a sample without one, and the time
// the references' "now" stands for.
const now = 1_800_000_000

// A kase is one input of a suite, with what its reference reads.
type kase struct {
	id        string
	format    string // of sm-store --from
	input     []byte
	precision time.Duration
	now       int64 // Unix seconds of a sample without a time
	accept    bool  // the reference reads the input
	refErr    string
	// samples are the reference's samples that sm can hold, as sm
	// names them; dropped the rules under which it cannot hold others.
	samples []sample
	dropped []*rule
	// families, for expfmt's cases, which give the metric families the
	// reference reads instead of its samples.
	families []string
	// errorRule, for expfmt's cases, tells sm's error messages that
	// come from a documented rule.
	errorRule func(msg string) *rule
	// familiesUnknown says that the reference reads the input but the
	// suite names none of its families.
	familiesUnknown bool
}

// A sample is what sm stores: a series, a value, a time in seconds.
type sample struct {
	name  string
	tags  []record.Tag // sorted
	value float64
	time  int64
}

func (s sample) series() string { return string(record.AppendSeries(nil, s.name, s.tags)) }

func (s sample) String() string {
	return fmt.Sprintf("%s %s %d", s.series(), strconv.FormatFloat(s.value, 'g', -1, 64), s.time)
}

// add maps one sample of the reference by sm's rules: it is kept as a
// sample, or counted under the rule that keeps sm from holding it.
func (c *kase) add(name string, tags []record.Tag, v float64, str bool, t float64) {
	record.SortTags(tags)
	if r := holdRule(name, tags, v, str, t); r != nil {
		c.dropped = append(c.dropped, r)
		return
	}
	c.samples = append(c.samples, sample{name, tags, v, int64(t)})
}

// A suite is one folder of the conformance data.
type suite struct {
	name, dir string
	load      func(dir string) ([]kase, error)
}

var suites = []suite{
	{"openmetrics", "openmetrics", loadOpenMetrics},
	{"prom", "prom", loadProm},
	{"influx", "influx", loadInflux},
	{"graphite", "graphite", loadGraphite},
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber() // integers stay exact
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// number reads a JSON number, or the strings nan, inf, -inf and +Inf
// by which the references write what JSON cannot.
func number(v any) (float64, error) {
	switch v := v.(type) {
	case json.Number:
		return strconv.ParseFloat(string(v), 64)
	case string:
		switch strings.ToLower(v) {
		case "nan":
			return math.NaN(), nil
		case "inf", "+inf":
			return math.Inf(1), nil
		case "-inf":
			return math.Inf(-1), nil
		}
	}
	return 0, fmt.Errorf("value %v is not a number", v)
}

// labelTags makes tags of Prometheus labels: an empty value is no label,
// in Prometheus as in sm.
func labelTags(labels map[string]string) []record.Tag {
	var tags []record.Tag
	for k, v := range labels {
		if v != "" {
			tags = append(tags, record.Tag{Key: k, Value: v})
		}
	}
	return tags
}

// loadOpenMetrics reads the OpenMetrics parser suite, with the samples
// prometheus_client's parser reads from each case that parses.
func loadOpenMetrics(dir string) ([]kase, error) {
	var exp struct {
		Cases map[string]struct {
			Reference   string
			ShouldParse bool
			Samples     []struct {
				Name      string
				Labels    map[string]string
				Value     any
				Timestamp *json.Number
			}
		}
	}
	if err := readJSON(filepath.Join(dir, "expected_samples.json"), &exp); err != nil {
		return nil, err
	}
	names, err := os.ReadDir(filepath.Join(dir, "parsers"))
	if err != nil {
		return nil, err
	}
	var cases []kase
	for _, e := range names {
		id := e.Name()
		var tj struct {
			Type        string
			File        string
			ShouldParse bool
		}
		if err := readJSON(filepath.Join(dir, "parsers", id, "test.json"), &tj); err != nil {
			return nil, err
		}
		in, err := os.ReadFile(filepath.Join(dir, "parsers", id, tj.File))
		if err != nil {
			return nil, err
		}
		ref, ok := exp.Cases[id]
		if !ok {
			return nil, fmt.Errorf("case %s: not in expected_samples.json", id)
		}
		if ref.ShouldParse != tj.ShouldParse {
			return nil, fmt.Errorf("case %s: test.json and expected_samples.json disagree", id)
		}
		c := kase{id: id, format: "openmetrics", input: in, now: now, accept: tj.ShouldParse, refErr: strings.TrimPrefix(ref.Reference, "error: ")}
		for _, s := range ref.Samples {
			v, err := number(s.Value)
			if err != nil {
				return nil, fmt.Errorf("case %s: %w", id, err)
			}
			t := float64(now)
			if s.Timestamp != nil {
				f, err := s.Timestamp.Float64()
				if err != nil {
					return nil, fmt.Errorf("case %s: %w", id, err)
				}
				t = math.Floor(f)
			}
			c.add(s.Name, labelTags(s.Labels), v, false, t)
		}
		cases = append(cases, c)
	}
	return cases, nil
}

// loadProm reads the cases of expfmt's text_parse_test.go. They give the
// metric families a case parses into, not its samples: a case agrees
// when sm reads exactly those families (a histogram's x_bucket, x_sum and
// x_count are family x).
func loadProm(dir string) ([]kase, error) {
	var f struct {
		Cases []struct {
			ID          string
			In          string
			ShouldParse bool
			Families    []string
			ErrUTF8     string
		}
	}
	if err := readJSON(filepath.Join(dir, "cases.json"), &f); err != nil {
		return nil, err
	}
	var cases []kase
	for _, pc := range f.Cases {
		// A case of expfmt's error tests that the UTF-8 parser reads
		// names no families.
		fams := pc.Families
		unknown := fams == nil && pc.ShouldParse
		if fams == nil {
			fams = []string{}
		}
		cases = append(cases, kase{
			id: pc.ID, format: "prom", input: []byte(pc.In), now: now,
			accept: pc.ShouldParse, refErr: pc.ErrUTF8, families: fams, familiesUnknown: unknown,
			errorRule: promErrorRule,
		})
	}
	return cases, nil
}

// promErrorRule tells the errors of sm's prom reader that come from a
// documented rule, by their words: expfmt's tests give no samples to
// find them by.
func promErrorRule(msg string) *rule {
	switch {
	case strings.Contains(msg, "sm stores only finite numbers"):
		return &ruleFinite
	case strings.Contains(msg, "is before 1970"):
		return &ruleBefore
	case strings.Contains(msg, "after the year 9999"):
		return &ruleAfter
	case strings.Contains(msg, "tag name") && strings.Contains(msg, "has byte"):
		return &ruleTagKey
	case strings.Contains(msg, "names are printable ASCII"):
		return &ruleName
	}
	return nil
}

// loadInflux reads the decode half of the line protocol corpus: each
// input with the points the v2 decoder reads, or its error.
func loadInflux(dir string) ([]kase, error) {
	type tf struct {
		Key   string
		Value json.RawMessage
	}
	var f struct {
		Decode map[string]struct {
			Input struct {
				Text        json.RawMessage
				DefaultTime json.Number
				Precision   string
			}
			Output struct {
				Error  *string
				Result []struct {
					Time   json.Number
					Name   string
					Tags   []tf
					Fields []tf
				}
			}
		}
	}
	if err := readJSON(filepath.Join(dir, "corpus_decode.json"), &f); err != nil {
		return nil, err
	}
	precisions := map[string]time.Duration{"1ns": time.Nanosecond, "1µs": time.Microsecond, "1ms": time.Millisecond, "1s": time.Second}
	var cases []kase
	for id, ic := range f.Decode {
		var in []byte
		var text string
		var bin struct{ Binary string }
		if err := json.Unmarshal(ic.Input.Text, &text); err == nil {
			in = []byte(text)
		} else if err := json.Unmarshal(ic.Input.Text, &bin); err == nil {
			if in, err = base64.StdEncoding.DecodeString(bin.Binary); err != nil {
				return nil, fmt.Errorf("case %s: %w", id, err)
			}
		} else {
			return nil, fmt.Errorf("case %s: input is neither text nor binary", id)
		}
		prec, ok := precisions[ic.Input.Precision]
		if !ok {
			return nil, fmt.Errorf("case %s: unknown precision %q", id, ic.Input.Precision)
		}
		dt, err := ic.Input.DefaultTime.Int64()
		if err != nil {
			return nil, fmt.Errorf("case %s: %w", id, err)
		}
		c := kase{id: id, format: "influx", input: in, precision: prec, now: floorDiv(dt, 1e9), accept: ic.Output.Error == nil}
		if !c.accept {
			c.refErr = *ic.Output.Error
		}
		for _, p := range ic.Output.Result {
			ns, err := p.Time.Int64()
			if err != nil {
				return nil, fmt.Errorf("case %s: %w", id, err)
			}
			var tags []record.Tag
			for _, tg := range p.Tags {
				var v string
				if err := json.Unmarshal(tg.Value, &v); err != nil {
					return nil, fmt.Errorf("case %s: tag %s: %w", id, tg.Key, err)
				}
				tags = append(tags, record.Tag{Key: tg.Key, Value: v})
			}
			for _, fd := range p.Fields {
				v, str, err := influxField(fd.Value)
				if err != nil {
					return nil, fmt.Errorf("case %s: field %s: %w", id, fd.Key, err)
				}
				name := p.Name
				if fd.Key != "value" {
					name += "." + fd.Key
				}
				c.add(name, slices.Clone(tags), v, str, float64(floorDiv(ns, 1e9)))
			}
		}
		cases = append(cases, c)
	}
	slices.SortFunc(cases, func(a, b kase) int { return strings.Compare(a.id, b.id) })
	return cases, nil
}

// influxField reads a typed field value of the corpus, {"float": 1.5},
// {"int": 2}, {"uint": 3}, {"bool": true} or {"string": "x"}: a number,
// with booleans as 1 and 0, or a string.
func influxField(raw json.RawMessage) (v float64, str bool, err error) {
	var m map[string]any
	d := json.NewDecoder(strings.NewReader(string(raw)))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return 0, false, err
	}
	for typ, x := range m {
		switch typ {
		case "string":
			return 0, true, nil
		case "bool":
			if x == true {
				return 1, false, nil
			}
			return 0, false, nil
		default:
			v, err := number(x)
			return v, false, err
		}
	}
	return 0, false, fmt.Errorf("no value in %s", raw)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// loadGraphite reads the plaintext lines of carbon's and graphite-web's
// tests, with what carbon does with each: graphite_accepts when carbon
// stores the line and graphite-web's tag database takes its name.
func loadGraphite(dir string) ([]kase, error) {
	var f struct {
		Cases []struct {
			ID              string
			Line            string
			GraphiteAccepts bool `json:"graphite_accepts"`
			Carbon          struct {
				Verdict string
				Why     string
				TagDB   string
				Name    *string
				Tags    map[string]string
				Value   any
				TS      any
			}
		}
	}
	if err := readJSON(filepath.Join(dir, "cases.json"), &f); err != nil {
		return nil, err
	}
	var cases []kase
	for _, gc := range f.Cases {
		c := kase{id: gc.ID, format: "graphite", input: []byte(gc.Line + "\n"), now: now, accept: gc.GraphiteAccepts}
		if !c.accept {
			c.refErr = cmp.Or(gc.Carbon.Why, gc.Carbon.TagDB)
		}
		if c.accept {
			v, err := number(gc.Carbon.Value)
			if err != nil {
				return nil, fmt.Errorf("case %s: %w", gc.ID, err)
			}
			t := float64(now)
			if ts, ok := gc.Carbon.TS.(json.Number); ok {
				if t, err = ts.Float64(); err != nil {
					return nil, fmt.Errorf("case %s: %w", gc.ID, err)
				}
			}
			var tags []record.Tag
			for k, v := range gc.Carbon.Tags {
				tags = append(tags, record.Tag{Key: k, Value: v})
			}
			c.add(*gc.Carbon.Name, tags, v, false, t)
		}
		cases = append(cases, c)
	}
	return cases, nil
}
