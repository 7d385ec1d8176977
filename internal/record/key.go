package record

import (
	"bytes"
	"unicode/utf8"
)

// ParseKey parses a line as Parse does, but returns the series in its
// canonical text form, NAME;TAG=VALUE... with tags sorted, appended to
// key. It accepts and refuses exactly what Parse does. A line that is
// already canonical, as every sm tool writes, costs no allocation: bulk
// ingest calls this once a line.
func ParseKey(line []byte, now int64, key []byte) (k []byte, value float64, ts int64, err error) {
	f, err := splitFields(line)
	if err != nil {
		return key, 0, 0, err
	}
	if canonicalSeries(f.series) {
		key = append(key[:0], f.series...)
	} else {
		name, tags, err := parseSeries(f.series)
		if err != nil {
			return key, 0, 0, err
		}
		key = AppendSeries(key[:0], name, tags)
	}
	value, ts, err = f.valueTime(now)
	return key, value, ts, err
}

// canonicalSeries reports whether b is a valid series already in
// canonical form: tags in order, none twice, and no escapes, which could
// be written another way. Anything else takes the full parser, which
// also says what is wrong.
func canonicalSeries(b []byte) bool {
	name, rest, hasTags := cut(b, ';')
	if len(name) == 0 || name[0] == '~' || isOpenMetricsName(b) {
		return false
	}
	for _, c := range name {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	var prev []byte
	for hasTags {
		var t []byte
		t, rest, hasTags = cut(rest, ';')
		k, v, ok := cut(t, '=')
		if !ok || len(k) == 0 || len(v) == 0 || v[0] == '~' {
			return false
		}
		for _, c := range k {
			if !isKeyByte(c) {
				return false
			}
		}
		if prev != nil && bytes.Compare(prev, k) >= 0 {
			return false
		}
		prev = k
		for i := 0; i < len(v); {
			c := v[i]
			if c < utf8.RuneSelf {
				if c <= ' ' || c == 0x7f || c == '\\' {
					return false
				}
				i++
				continue
			}
			// Non-ASCII: the full parser checks UTF-8, control and space
			// characters.
			return false
		}
	}
	return true
}
