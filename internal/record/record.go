// Package record implements sm's one line format: Graphite's plaintext
// protocol in its tagged form,
//
//	disk.used_pct;host=web1;mount=/ 18.62 1764045000
//
// Every tool reads and writes records through this package and nowhere
// else. The format is described for users in sm(7).
package record

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLine is the longest line, in bytes without its line ending, that a
// reader accepts.
const MaxLine = 4096

// MaxTime is the last accepted timestamp, 9999-12-31T23:59:59Z. Anything
// later is almost always milliseconds sent where seconds were meant.
const MaxTime = 253402300799

// A Tag is one name=value pair of a record. Value holds the decoded text:
// a space in a mount point is a space here and \040 on the line.
type Tag struct {
	Key, Value string
}

// A Record is one sample of one series.
type Record struct {
	Name  string
	Tags  []Tag // sorted by Key, no Key twice
	Value float64
	Time  int64 // Unix seconds
}

// Tag returns the value of the tag named key, or "" when there is none.
func (r *Record) Tag(key string) string { return TagValue(r.Tags, key) }

// TagValue returns the value of the tag named key, or "" when there is
// none.
func TagValue(tags []Tag, key string) string {
	for _, t := range tags {
		if t.Key == key {
			return t.Value
		}
	}
	return ""
}

// SortTags puts tags in canonical order and reports a key given twice.
func SortTags(tags []Tag) error {
	slices.SortStableFunc(tags, func(a, b Tag) int { return strings.Compare(a.Key, b.Key) })
	for i := 1; i < len(tags); i++ {
		if tags[i].Key == tags[i-1].Key {
			return fmt.Errorf("tag %q given twice", tags[i].Key)
		}
	}
	return nil
}

// Parse parses one line, without its line ending. A missing timestamp or
// -1 means now, which is passed in so that the caller owns the clock.
func Parse(line []byte, now int64) (Record, error) {
	var r Record
	f, err := splitFields(line)
	if err != nil {
		return r, err
	}
	if r.Name, r.Tags, err = parseSeries(f.series); err != nil {
		return r, err
	}
	if r.Value, r.Time, err = f.valueTime(now); err != nil {
		return r, err
	}
	return r, nil
}

// fields are the parts of a line: the series, the value and the
// timestamp, nil when missing.
type fields struct {
	series, value, time []byte
}

// splitFields splits on runs of spaces and tabs, the only separators.
func splitFields(line []byte) (fields, error) {
	var f [3][]byte
	n := 0
	for i := 0; i < len(line); {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		j := i
		for j < len(line) && line[j] != ' ' && line[j] != '\t' {
			j++
		}
		if j > i {
			if n < 3 {
				f[n] = line[i:j]
			}
			n++
		}
		i = j
	}
	switch {
	case n == 0:
		return fields{}, errors.New("empty line")
	case n == 1:
		return fields{}, fmt.Errorf("expected NAME VALUE [TIMESTAMP], found only %s", quote(f[0]))
	case n > 3:
		return fields{}, fmt.Errorf("expected NAME VALUE [TIMESTAMP], found %d fields", n)
	}
	return fields{f[0], f[1], f[2]}, nil
}

func (f fields) valueTime(now int64) (float64, int64, error) {
	v, err := parseValue(f.value)
	if err != nil {
		return 0, 0, err
	}
	if f.time == nil {
		return v, now, nil
	}
	t, err := parseTime(f.time, now)
	return v, t, err
}

// ParseSeries parses NAME[;TAG=VALUE]..., the series part of a record,
// and returns the tags in canonical order.
func ParseSeries(s string) (string, []Tag, error) {
	return parseSeries([]byte(s))
}

func parseSeries(b []byte) (string, []Tag, error) {
	if isOpenMetricsName(b) {
		return parseOpenMetricsName(b)
	}
	name, rest, hasTags := cut(b, ';')
	if len(name) == 0 {
		return "", nil, errors.New("empty metric name")
	}
	// Carbon drops the "~" that a name starts with, and graphite-web
	// refuses a name of nothing else.
	if name[0] == '~' {
		name = bytes.TrimLeft(name, "~")
		if len(name) == 0 {
			return "", nil, errors.New(`metric name is only "~", which Graphite drops from the start of a name`)
		}
	}
	for _, c := range name {
		if c <= ' ' || c >= 0x7f {
			return "", nil, fmt.Errorf("metric name %s has byte %#02x (names are printable ASCII)", quote(name), c)
		}
	}
	var tags []Tag
	for hasTags {
		var t []byte
		t, rest, hasTags = cut(rest, ';')
		tag, err := parseTag(t)
		if err != nil {
			return "", nil, err
		}
		tags = append(tags, tag)
	}
	if err := SortTags(tags); err != nil {
		return "", nil, err
	}
	return string(name), tags, nil
}

func cut(b []byte, sep byte) (before, after []byte, found bool) {
	for i, c := range b {
		if c == sep {
			return b[:i], b[i+1:], true
		}
	}
	return b, nil, false
}

func parseTag(b []byte) (Tag, error) {
	if len(b) == 0 {
		// "x;" or "x;;host=a": there is no tag to name.
		return Tag{}, errors.New(`empty tag: ";" with no TAG=VALUE after it`)
	}
	k, v, ok := cut(b, '=')
	if !ok {
		return Tag{}, fmt.Errorf("tag %s has no \"=\"", quote(b))
	}
	if err := CheckTagKey(string(k)); err != nil {
		return Tag{}, err
	}
	if err := checkWritten(k, v); err != nil {
		return Tag{}, err
	}
	val, err := unescape(v)
	if err != nil {
		return Tag{}, fmt.Errorf("tag %q: %w", k, err)
	}
	return Tag{Key: string(k), Value: val}, nil
}

// checkWritten checks a tag value as a line has it, before escapes are
// undone: not empty, not starting with "~", which graphite-web refuses,
// and only printable characters.
func checkWritten(k, v []byte) error {
	if len(v) == 0 {
		return fmt.Errorf("tag %q has an empty value", k)
	}
	if v[0] == '~' {
		return fmt.Errorf("tag %q: value %s starts with \"~\"", k, quote(v))
	}
	if !utf8.Valid(v) {
		return fmt.Errorf("tag %q: value %s is not valid UTF-8", k, quote(v))
	}
	for _, r := range string(v) {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return fmt.Errorf("tag %q: value %s has control or space character %U", k, quote(v), r)
		}
	}
	return nil
}

// isOpenMetricsName reports whether a series is written as graphite-web
// also reads one, in OpenMetrics' style: NAME{TAG="VALUE",...}.
func isOpenMetricsName(b []byte) bool {
	if !bytes.HasSuffix(b, []byte(`"}`)) {
		return false
	}
	// The "{" belongs to the name, before the tags of the plain way.
	i, j := bytes.IndexByte(b, '{'), bytes.IndexByte(b, ';')
	return i >= 0 && (j < 0 || i < j)
}

// parseOpenMetricsName parses NAME{TAG="VALUE",...}, as graphite-web's
// TaggedSeries.parse does: a backslash in a value escapes the character
// after it, and the tags are then those of NAME;TAG=VALUE.
func parseOpenMetricsName(b []byte) (string, []Tag, error) {
	i := bytes.IndexByte(b, '{')
	rest := b[i+1 : len(b)-1]
	name, none, err := parseSeries(b[:i])
	if err != nil || none != nil {
		return "", nil, fmt.Errorf("metric name %s before \"{\" is not a name", quote(b[:i]))
	}
	var tags []Tag
	for len(rest) > 0 {
		k, after, ok := cut(rest, '=')
		if !ok || len(after) < 2 || after[0] != '"' {
			return "", nil, fmt.Errorf(`tags %s are not TAG="VALUE",...`, quote(rest))
		}
		var v []byte
		j := 1
		for ; j < len(after) && after[j] != '"'; j++ {
			if after[j] == '\\' && j+1 < len(after) {
				j++
			}
			v = append(v, after[j])
		}
		if j == len(after) {
			return "", nil, fmt.Errorf("tag %q: value has no closing quote", k)
		}
		if err := CheckTagKey(string(k)); err != nil {
			return "", nil, err
		}
		if err := checkWritten(k, v); err != nil {
			return "", nil, err
		}
		tags = append(tags, Tag{Key: string(k), Value: string(v)})
		rest = after[j+1:]
		if len(rest) > 0 {
			if rest[0] != ',' || len(rest) == 1 {
				return "", nil, fmt.Errorf(`tags %s are not TAG="VALUE",...`, quote(rest))
			}
			rest = rest[1:]
		}
	}
	if err := SortTags(tags); err != nil {
		return "", nil, err
	}
	return name, tags, nil
}

// CheckTagKey reports whether k is a legal tag name: [A-Za-z0-9_.-]+.
func CheckTagKey(k string) error {
	if k == "" {
		return errors.New("empty tag name")
	}
	for i := 0; i < len(k); i++ {
		if !isKeyByte(k[i]) {
			return fmt.Errorf("tag name %s has byte %#02x (allowed: A-Z a-z 0-9 _ . -)", quote([]byte(k)), k[i])
		}
	}
	return nil
}

func isKeyByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-'
}

// unescape decodes \NNN octal escapes, as in /proc/self/mountinfo. A
// backslash that does not start one stands for itself.
func unescape(v []byte) (string, error) {
	i := slices.Index(v, '\\')
	if i < 0 {
		return string(v), nil
	}
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\\' && i+3 < len(v) && isOctal(v[i+1]) && isOctal(v[i+2]) && isOctal(v[i+3]) {
			n := int(v[i+1]-'0')<<6 | int(v[i+2]-'0')<<3 | int(v[i+3]-'0')
			if n > 0xff {
				return "", fmt.Errorf("escape %s is larger than a byte", quote(v[i:i+4]))
			}
			if n == 0 {
				return "", errors.New(`escape \000 (NUL) is not allowed`)
			}
			out = append(out, byte(n))
			i += 3
			continue
		}
		out = append(out, c)
	}
	return string(out), nil
}

func isOctal(c byte) bool { return '0' <= c && c <= '7' }

// ParseValue parses the value of a record: a finite decimal number, as
// the readers of other formats must take it too. strconv.ParseFloat alone
// would also take hexadecimal, underscores, Inf and NaN.
func ParseValue(b []byte) (float64, error) { return parseValue(b) }

func parseValue(b []byte) (float64, error) {
	if !isDecimal(b) {
		// Only what strconv.ParseFloat would read as NaN, an infinity or
		// hexadecimal is called so: "info" is not a number at all.
		s := strings.ToLower(string(b))
		if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
			s = s[1:]
		}
		switch {
		case s == "nan", s == "inf", s == "infinity":
			return 0, fmt.Errorf("value %s is not a finite number", quote(b))
		case strings.HasPrefix(s, "0x"):
			return 0, fmt.Errorf("value %s is not a decimal number", quote(b))
		}
		return 0, fmt.Errorf("value %s is not a number", quote(b))
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, fmt.Errorf("value %s is out of range", quote(b))
	}
	if v == 0 {
		v = 0 // no negative zero
	}
	return v, nil
}

// IsDecimal reports whether b is a number in the one syntax every reader
// takes, [+-]?(D+.?D*|.D+)([eE][+-]?D+)?: no hexadecimal, no "_"
// between digits, no words such as NaN, all of which
// strconv.ParseFloat would read.
func IsDecimal(b []byte) bool { return isDecimal(b) }

func isDecimal(b []byte) bool {
	i := 0
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	digits := 0
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
		digits++
	}
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		exp := 0
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(b)
}

func parseTime(b []byte, now int64) (int64, error) {
	if b[0] == '-' {
		if string(b) == "-1" || string(b) == "-1.0" {
			return now, nil
		}
		return 0, fmt.Errorf("timestamp %s is negative (only -1, meaning now, is allowed)", quote(b))
	}
	var t int64
	i := 0
	for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		if t > MaxTime {
			continue // only to be reported, once the syntax is known good
		}
		t = t*10 + int64(b[i]-'0')
	}
	whole := i
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		}
	}
	if (whole == 0 || i != len(b)) && isDecimal(b) {
		// 1.7e9, +17e8 or .5, which carbon reads, as Python's float()
		// does: digits alone are read exactly, whatever their number.
		f, _ := strconv.ParseFloat(string(b), 64)
		if f > MaxTime {
			return 0, fmt.Errorf("timestamp %s is after the year 9999 (milliseconds instead of seconds?)", quote(b))
		}
		return int64(f), nil
	}
	if whole == 0 || i != len(b) {
		return 0, fmt.Errorf("timestamp %s is not in Unix seconds", quote(b))
	}
	if t > MaxTime {
		return 0, fmt.Errorf("timestamp %s is after the year 9999 (milliseconds instead of seconds?)", quote(b))
	}
	return t, nil
}

// quote quotes a field for an error message, shortened so that a long
// line does not make a long message.
func quote(b []byte) string {
	const max = 40
	if len(b) > max {
		return strconv.Quote(string(b[:max])) + "..."
	}
	return strconv.Quote(string(b))
}

// Append appends the record's canonical line, with its newline, to b.
func (r *Record) Append(b []byte) []byte {
	b = AppendSeries(b, r.Name, r.Tags)
	b = append(b, ' ')
	b = AppendValue(b, r.Value)
	b = append(b, ' ')
	b = strconv.AppendInt(b, r.Time, 10)
	return append(b, '\n')
}

// String returns the canonical line without its newline.
func (r Record) String() string {
	b := r.Append(nil)
	return string(b[:len(b)-1])
}

// AppendSeries appends NAME;TAG=VALUE... with tags in the order given.
func AppendSeries(b []byte, name string, tags []Tag) []byte {
	b = append(b, name...)
	for _, t := range tags {
		b = append(b, ';')
		b = append(b, t.Key...)
		b = append(b, '=')
		b = AppendTagValue(b, t.Value)
	}
	return b
}

// AppendTagValue appends v escaped for a record line: whitespace,
// control characters, ';', '\' and a leading '~' become \NNN.
func AppendTagValue(b []byte, v string) []byte {
	for i := 0; i < len(v); {
		c := v[i]
		if c < utf8.RuneSelf {
			if c <= ' ' || c == 0x7f || c == ';' || c == '\\' || (i == 0 && c == '~') {
				b = append(b, '\\', '0'+c>>6, '0'+c>>3&7, '0'+c&7)
			} else {
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(v[i:])
		if r == utf8.RuneError && n == 1 || unicode.IsControl(r) || unicode.IsSpace(r) {
			for _, c := range []byte(v[i : i+n]) {
				b = append(b, '\\', '0'+c>>6, '0'+c>>3&7, '0'+c&7)
			}
		} else {
			b = append(b, v[i:i+n]...)
		}
		i += n
	}
	return b
}

// AppendValue appends v in the shortest decimal form that reads back as
// the same float64: plain digits in the usual range, an exponent outside.
func AppendValue(b []byte, v float64) []byte {
	if v == 0 {
		return append(b, '0')
	}
	if a := math.Abs(v); a >= 1e-4 && a < 1e21 {
		return strconv.AppendFloat(b, v, 'f', -1, 64)
	}
	return strconv.AppendFloat(b, v, 'e', -1, 64)
}
