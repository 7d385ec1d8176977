package format

import (
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sm/internal/esc"
	"sm/internal/record"
)

func init() {
	Register("influx", "InfluxDB line protocol: MEASUREMENT[,TAG=VALUE]... FIELD=VALUE TIMESTAMP", newInflux)
}

// influx writes InfluxDB's line protocol, a line a record:
//
//	disk,host=web1,mount=/ used_pct=18.62 1764045000000000000
//
// The name splits at its last dot into measurement and field (see
// InfluxSplit); values are floats, timestamps in Options.Precision,
// nanoseconds by default.
//
// Line protocol cannot hold everything a record can: Write leaves out a
// record with a control character (a line feed, a tab...) in its tag
// values, a measurement that starts with "#" (a comment), a
// measurement, tag value or field that ends in a backslash (which would
// escape the separator after it), and a time that does not fit the
// precision (after 2262-04-11 in nanoseconds): line protocol has no way
// to escape the first ones, and its precision is one for a whole
// stream. For the first record it leaves out of each series it returns
// a SkipError, for the others of that series nil, and it goes on: one
// bad series never stops the others. On a terminal (Options.Terminal)
// tag values show what would act on it as escapes (package esc). A byte that is not UTF-8 becomes U+FFFD,
// as in the json format. A backslash elsewhere is written as it is: by the
// line protocol's own grammar, a backslash escapes only a character that
// would otherwise end the part.
type influx struct {
	w       flusher
	prec    time.Duration
	buf     []byte
	skipped map[string]bool // series text: a record of it was left out
	term    bool            // for a terminal: tag values through esc.Text
}

func newInflux(w io.Writer, o Options) Writer {
	prec := o.Precision
	if prec <= 0 {
		prec = time.Nanosecond
	}
	return &influx{w: buffered(w), prec: prec, skipped: map[string]bool{}, term: o.Terminal}
}

// InfluxSplit returns the measurement and field of an sm name: the parts
// before and after its last dot, as "disk" and "used_pct" for
// "disk.used_pct". A name without a dot, or whose split would leave a part
// empty, give a field named "value" or a measurement ending in a
// backslash, is the measurement whole and the field is "value"; the influx
// reader reads the field "value" back as the measurement alone, so every
// name comes back as it was.
func InfluxSplit(name string) (measurement, field string) {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || i == len(name)-1 || name[i+1:] == "value" || name[i-1] == '\\' {
		return name, "value"
	}
	return name[:i], name[i+1:]
}

// The characters each part of a line escapes with a backslash.
const (
	influxMeasurementEscapes = ", "
	influxKeyEscapes         = ",= " // tag keys, tag values, field keys
)

func (x *influx) Write(r *record.Record) error {
	b, err := x.line(r)
	if err != nil {
		key := string(record.AppendSeries(nil, r.Name, r.Tags))
		if x.skipped[key] {
			return nil
		}
		x.skipped[key] = true
		return &SkipError{Format: "influx", Series: key, Err: err}
	}
	x.buf = b
	_, err = x.w.Write(b)
	return err
}

// line returns r as a line, in x.buf, or why it cannot be one.
func (x *influx) line(r *record.Record) ([]byte, error) {
	m, f := InfluxSplit(r.Name)
	if strings.HasPrefix(m, "#") {
		return nil, fmt.Errorf("metric name %q starts with \"#\", which would make the line a comment", r.Name)
	}
	b, err := appendInfluxPart(x.buf[:0], m, influxMeasurementEscapes)
	if err != nil {
		return nil, fmt.Errorf("metric name %q: %w", r.Name, err)
	}
	for _, t := range r.Tags {
		b = append(b, ',')
		v := t.Value
		if x.term {
			v = esc.Text(v)
		}
		if b, err = appendInfluxPart(b, t.Key, influxKeyEscapes); err == nil {
			b = append(b, '=')
			b, err = appendInfluxPart(b, v, influxKeyEscapes)
		}
		if err != nil {
			return nil, fmt.Errorf("tag %q: %w", t.Key, err)
		}
	}
	b = append(b, ' ')
	if b, err = appendInfluxPart(b, f, influxKeyEscapes); err != nil {
		return nil, fmt.Errorf("metric name %q: %w", r.Name, err)
	}
	b = append(b, '=')
	b = record.AppendValue(b, r.Value)
	b = append(b, ' ')
	ts, ok := scaleTime(r.Time, int64(time.Second), int64(x.prec))
	if !ok {
		return nil, fmt.Errorf("time %d does not fit in units of %v (--precision)", r.Time, x.prec)
	}
	b = strconv.AppendInt(b, ts, 10)
	return append(b, '\n'), nil
}

func (x *influx) Close() error { return x.w.Flush() }

// appendInfluxPart appends s with the bytes of escapes escaped.
func appendInfluxPart(b []byte, s, escapes string) ([]byte, error) {
	if strings.HasSuffix(s, `\`) {
		return b, fmt.Errorf("%q ends in a backslash, which line protocol cannot hold", s)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c < ' ' || c == 0x7f:
				return b, fmt.Errorf("%q has control character %#02x, which line protocol cannot hold", s, c)
			case strings.IndexByte(escapes, c) >= 0:
				b = append(b, '\\', c)
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = utf8.AppendRune(b, utf8.RuneError)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return b, nil
}

// scaleTime returns t in units of from as units of to, rounded down,
// and whether it fits in an int64.
func scaleTime(t, from, to int64) (int64, bool) {
	switch {
	case from%to == 0:
		m := from / to
		if t > math.MaxInt64/m || t < math.MinInt64/m {
			return 0, false
		}
		return t * m, true
	case to%from == 0:
		d := to / from
		q := t / d
		if t%d < 0 {
			q--
		}
		return q, true
	}
	n := new(big.Int).Mul(big.NewInt(t), big.NewInt(from))
	n.Div(n, big.NewInt(to)) // Euclidean: rounds down, to being positive
	return n.Int64(), n.IsInt64()
}
