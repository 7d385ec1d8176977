package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"sm/internal/decode"
	"sm/internal/record"
)

// A read is what sm's reader makes of one input.
type read struct {
	recs   []sample
	raws   [][]byte // the input line of each record
	errs   []string
	warns  []string // what the reader read past, and said so
	broken bool     // the reading ended on an error, not at the end of the input
}

// readCase reads a case with the decoder sm-store --from runs, found in
// the same registry, rather than through a database per case: the
// readers are the whole of the difference between formats, and so the
// 6,615 inputs of the line protocol corpus take seconds, not minutes.
func readCase(c kase) read {
	var out read
	dec, err := decode.New(c.format, bytes.NewReader(c.input), decode.Options{
		File:      c.id,
		Precision: c.precision,
		Now:       func() time.Time { return time.Unix(c.now, 0) },
		Warn:      func(err error) { out.warns = append(out.warns, err.Error()) },
	})
	if err != nil {
		out.errs, out.broken = []string{err.Error()}, true
		return out
	}
	for {
		rec, err := dec.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			out.errs = append(out.errs, err.Error())
			var le *record.LineError
			if !errors.As(err, &le) {
				out.broken = true
				return out
			}
			continue
		}
		out.recs = append(out.recs, sample{rec.Name, slices.Clone(rec.Tags), rec.Value, rec.Time})
		out.raws = append(out.raws, bytes.Clone(dec.Raw()))
	}
}

// stored returns the samples a database keeps of ss: one per series and
// time, the later one, in a stable order.
func stored(ss []sample) []sample {
	idx := map[string]int{}
	var out []sample
	for _, s := range ss {
		k := s.series() + " " + strconv.FormatInt(s.time, 10)
		if i, ok := idx[k]; ok {
			out[i] = s
			continue
		}
		idx[k] = len(out)
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b sample) int { return strings.Compare(a.String(), b.String()) })
	return out
}

func same(a, b sample) bool {
	return a.series() == b.series() && a.time == b.time && (a.value == b.value || math.IsNaN(a.value) && math.IsNaN(b.value))
}

// run reads a case and compares what sm stores with what its reference
// reads.
func run(c kase) result {
	r := result{id: c.id}
	got := readCase(c)
	if c.families != nil {
		compareFamilies(c, got, &r)
	} else {
		compareSamples(c, got, &r)
	}
	if r.outcome == disagree {
		if cr, ok := caseRules[c.format][c.id]; ok && r.severity == "" {
			r.outcome, r.rules, r.note = documented, []string{cr.name}, ""
		}
	}
	return r
}

// compareSamples compares sm's samples with the reference's.
func compareSamples(c kase, got read, r *result) {
	if !c.accept {
		refuses(c, got, r)
		return
	}
	want, have := stored(c.samples), stored(got.recs)
	var missing, extra []sample
	for _, w := range want {
		if !slices.ContainsFunc(have, func(h sample) bool { return same(h, w) }) {
			missing = append(missing, w)
		}
	}
	for _, h := range have {
		if !slices.ContainsFunc(want, func(w sample) bool { return same(h, w) }) {
			extra = append(extra, h)
		}
	}
	switch {
	case len(got.warns) > 0:
		// Fall through to a disagreement: a warning on an input the
		// reference reads whole is a false alarm.
	case len(missing) == 0 && len(extra) == 0 && len(got.errs) == 0 && len(c.dropped) == 0:
		r.outcome = agree
		return
	case len(missing) == 0 && len(extra) == 0 && len(got.errs) > 0 && len(c.dropped) > 0:
		r.outcome = documented
		for _, d := range c.dropped {
			if !slices.Contains(r.rules, d.name) {
				r.rules = append(r.rules, d.name)
			}
		}
		return
	}
	if keptLater(missing, extra, got.recs) && (len(got.errs) > 0) == (len(c.dropped) > 0) {
		r.outcome, r.rules = documented, []string{ruleTwice.name}
		for _, d := range c.dropped {
			if !slices.Contains(r.rules, d.name) {
				r.rules = append(r.rules, d.name)
			}
		}
		return
	}
	r.outcome = disagree
	// A sample of a series the reference also has, at another value
	// or time, is a wrong value.
	for _, h := range extra {
		for _, w := range missing {
			if h.series() == w.series() {
				r.severity = wrongValue
				r.note = fmt.Sprintf("%s: stores %s where the reference reads %s", wrongValue, h, w)
				return
			}
		}
	}
	// A sample the reference reads, that sm could hold, lost without an
	// error of its own: no error at all, the reading cut short, more
	// samples missing than lines refused (a line holds one sample), or
	// in influx any field, which sm reads whatever its neighbours hold.
	if len(missing) > len(extra) && (c.format == "influx" || len(got.errs) == 0 || got.broken || len(missing) > len(got.errs)) {
		r.severity = lostRecord
		r.note = fmt.Sprintf("%s: loses %s%s", lostRecord, missing[0], errNote(got))
		return
	}
	var parts []string
	if len(got.warns) > 0 {
		parts = append(parts, "warns on an input the reference reads: "+got.warns[0])
	}
	if len(missing) == 1 && len(extra) == 1 && len(got.errs) == 0 {
		r.note = fmt.Sprintf("stores %s where the reference reads %s", extra[0], missing[0])
		return
	}
	if len(missing) > 0 {
		parts = append(parts, fmt.Sprintf("refuses %s", missing[0]))
		if len(missing) > 1 {
			parts[0] += fmt.Sprintf(" (and %d more)", len(missing)-1)
		}
	}
	if len(extra) > 0 {
		p := fmt.Sprintf("stores %s, which the reference does not read", extra[0])
		if len(extra) > 1 {
			p += fmt.Sprintf(" (and %d more)", len(extra)-1)
		}
		parts = append(parts, p)
	}
	if len(missing) == 0 && len(extra) == 0 && len(got.warns) == 0 {
		if len(c.dropped) > 0 {
			parts = append(parts, fmt.Sprintf("reports no error where the reference reads a sample sm cannot hold (%s)", c.dropped[0].name))
		} else {
			parts = append(parts, "reports an error on an input the reference reads whole")
		}
	}
	r.note = strings.Join(parts, "; ") + errNote(got)
}

// keptLater reports whether sm and the reference differ only in which
// of the samples given for one series and time they keep: every sample
// the reference keeps is among those sm read, and sm keeps another of
// the same series and time in its place.
func keptLater(missing, extra, read []sample) bool {
	if len(missing) == 0 || len(missing) != len(extra) {
		return false
	}
	for _, m := range missing {
		if !slices.ContainsFunc(read, func(s sample) bool { return same(s, m) }) {
			return false
		}
		if !slices.ContainsFunc(extra, func(e sample) bool { return e.series() == m.series() && e.time == m.time }) {
			return false
		}
	}
	return true
}

// refuses handles a case the reference refuses: sm agrees when it
// reports an error, keeping the good lines around it as it does.
func refuses(c kase, got read, r *result) {
	for i, s := range got.recs {
		if !valueInLine(s.value, got.raws[i]) || s.time != c.now && !timeInLine(s.time, got.raws[i], timeUnit(c)) {
			r.outcome, r.severity = disagree, wrongValue
			r.note = fmt.Sprintf("%s: stores %s from %q, which the reference refuses: %s", wrongValue, s, shorten(got.raws[i]), c.refErr)
			return
		}
	}
	if len(got.errs) > 0 {
		r.outcome = agree
		return
	}
	// A rule sm reads past on purpose counts only where sm said so.
	for _, w := range got.warns {
		if rl := warnRule(w); rl != nil {
			r.outcome, r.rules = documented, []string{rl.name}
			return
		}
	}
	r.outcome = disagree
	r.note = fmt.Sprintf("accepts what the reference refuses: %s", c.refErr)
}

// compareFamilies compares the metric families sm reads with those
// expfmt's tests expect.
func compareFamilies(c kase, got read, r *result) {
	if !c.accept {
		refuses(c, got, r)
		return
	}
	if c.familiesUnknown {
		if len(got.errs) == 0 {
			r.outcome = agree
			return
		}
		r.outcome = disagree
		r.note = "reports an error on an input the reference reads whole" + errNote(got)
		return
	}
	wantFam := map[string]bool{}
	for _, f := range c.families {
		wantFam[f] = true
	}
	haveFam := map[string]bool{}
	var extra []string
	for _, s := range got.recs {
		f := family(s.name, wantFam)
		haveFam[f] = true
		if !wantFam[f] {
			extra = append(extra, s.name)
		}
	}
	var rules []string
	documentedOnly := true
	for _, e := range got.errs {
		if rl := c.errorRule(e); rl != nil {
			if !slices.Contains(rules, rl.name) {
				rules = append(rules, rl.name)
			}
		} else {
			documentedOnly = false
		}
	}
	var missing []string
	for _, f := range c.families {
		if !haveFam[f] {
			missing = append(missing, f)
		}
	}
	switch {
	case len(got.errs) == 0 && len(missing) == 0 && len(extra) == 0:
		r.outcome = agree
		return
	case len(got.errs) > 0 && documentedOnly && !got.broken && len(extra) == 0:
		// A family whose every sample is NaN is missing by that rule.
		r.outcome, r.rules = documented, rules
		return
	}
	r.outcome = disagree
	if len(missing) > len(extra) && (len(got.errs) == 0 || got.broken) {
		r.severity = lostRecord
		r.note = fmt.Sprintf("%s: loses family %s%s", lostRecord, missing[0], errNote(got))
		return
	}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "refuses family "+strings.Join(missing, ", "))
	}
	if len(extra) > 0 {
		parts = append(parts, "reads "+extra[0]+", of no family the reference reads")
	}
	if len(parts) == 0 {
		parts = append(parts, "reports an error on an input the reference reads whole")
	}
	r.note = strings.Join(parts, "; ") + errNote(got)
}

// family returns the family of a sample's name: the name itself, or a
// histogram's or summary's family for its _bucket, _sum and _count.
func family(name string, fams map[string]bool) string {
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && fams[base] {
			return base
		}
	}
	return name
}

// errNote quotes sm's first error for a note.
func errNote(got read) string {
	if len(got.errs) == 0 {
		return ""
	}
	e := got.errs[0]
	if _, after, ok := strings.Cut(e, ": "); ok {
		e = after // the case id, which the note already names
	}
	return " (sm: " + e + ")"
}

func shorten(b []byte) string {
	if len(b) > 60 {
		return string(b[:60]) + "..."
	}
	return string(b)
}

// valueInLine reports whether some token of a line reads as v by sm's
// own rules (a decimal number) or as an influx integer or boolean: when
// none does, sm made the value up from text the format refuses, as 1_2
// read as 12.
func valueInLine(v float64, line []byte) bool {
	tokens := strings.FieldsFunc(string(line), func(r rune) bool {
		return r == ' ' || r == '\t' || r == ',' || r == '=' || r == '{' || r == '}'
	})
	for _, tok := range tokens {
		if x, err := record.ParseValue([]byte(tok)); err == nil && x == v {
			return true
		}
		if t, ok := strings.CutSuffix(tok, "i"); ok {
			if x, err := strconv.ParseInt(t, 10, 64); err == nil && float64(x) == v {
				return true
			}
		}
		if t, ok := strings.CutSuffix(tok, "u"); ok {
			if x, err := strconv.ParseUint(t, 10, 64); err == nil && float64(x) == v {
				return true
			}
		}
		switch tok {
		case "t", "T", "true", "True", "TRUE":
			if v == 1 {
				return true
			}
		case "f", "F", "false", "False", "FALSE":
			if v == 0 {
				return true
			}
		}
	}
	return false
}

// timeUnit is how many of a case's time units make a second.
func timeUnit(c kase) float64 {
	switch c.format {
	case "prom":
		return 1e3
	case "influx":
		return float64(time.Second / max(c.precision, time.Nanosecond))
	}
	return 1
}

// timeInLine reports whether some token of a line is a decimal number
// of units (unit to the second) that rounds down to t seconds: when none
// is, sm made the time up from text the format refuses.
func timeInLine(t int64, line []byte, unit float64) bool {
	for _, tok := range strings.Fields(string(line)) {
		if x, err := record.ParseValue([]byte(tok)); err == nil && int64(math.Floor(x/unit)) == t {
			return true
		}
	}
	return false
}
