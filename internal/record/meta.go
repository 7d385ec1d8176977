package record

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A meta line says how a group of series is to be shown: its title, the
// label of its vertical axis, and its fields' order and labels, as a
// Munin plugin's config gives them. It goes before the group's records,
// as a comment, so that a reader that knows nothing of it skips it:
//
//	#meta munin.load host=web1 time=1764045000 title=Load\040average vlabel=load order=load label.load=load
//
// The syntax is described for users in sm(7).

// MetaPrefix starts every meta line, at its first byte.
const MetaPrefix = "#meta "

// Bounds of a meta line: a sender controls it, so that none can make a
// store keep more than this of one group.
const (
	// MaxMetaLine is the longest meta line, in bytes without its line
	// ending. A Reader reads meta lines up to this length, other lines
	// up to MaxLine.
	MaxMetaLine = 64 << 10
	// MaxMetaText is the longest title, vertical label or field label,
	// in bytes, decoded.
	MaxMetaText = 200
	// MaxMetaFields is the most fields a meta line may order or label.
	MaxMetaFields = 500
)

// ErrMetaLong is the reason given for a meta line longer than
// MaxMetaLine. It is an ErrLong too: the line went to Reject whole.
var ErrMetaLong error = metaLong{}

type metaLong struct{}

func (metaLong) Error() string        { return fmt.Sprintf("meta line is longer than %d bytes", MaxMetaLine) }
func (metaLong) Is(target error) bool { return target == ErrLong }

// A Meta is what a meta line says of one group of series: those whose
// names start with Group and a dot, of one host.
type Meta struct {
	Group  string // as a metric name's start: munin.load
	Host   string // decoded, as in a host tag; "" for none
	Time   int64  // when it was taken, in Unix seconds
	Title  string // the graph's title
	VLabel string // the label of its vertical axis
	// Order lists fields, the last components of the group's series
	// names, in the order to show them. Fields not listed come after.
	Order []string
	// Labels are the fields' labels, by field.
	Labels map[string]string
}

// IsMeta reports whether a line is a meta line: one that starts with
// MetaPrefix. Any other line starting with '#' is a comment.
func IsMeta(line []byte) bool { return bytes.HasPrefix(line, []byte(MetaPrefix)) }

// ParseMeta parses a meta line, without its line ending. now is its time
// when it gives none. Keys other than those of Meta are skipped: later
// versions may add some.
func ParseMeta(line []byte, now int64) (Meta, error) {
	m := Meta{Time: now}
	if len(line) > MaxMetaLine {
		return m, ErrMetaLong
	}
	rest, ok := bytes.CutPrefix(line, []byte(MetaPrefix))
	if !ok {
		return m, fmt.Errorf("meta line does not start with %q", MetaPrefix)
	}
	words := bytes.FieldsFunc(rest, func(r rune) bool { return r == ' ' || r == '\t' })
	if len(words) == 0 {
		return m, errors.New("meta line names no group")
	}
	if err := CheckGroup(string(words[0])); err != nil {
		return m, err
	}
	m.Group = string(words[0])
	seen := map[string]bool{}
	for _, w := range words[1:] {
		k, v, ok := cut(w, '=')
		if !ok {
			return m, fmt.Errorf("meta %s: %s is not KEY=VALUE", m.Group, quote(w))
		}
		key := string(k)
		if err := checkName("key", key, true); err != nil {
			return m, fmt.Errorf("meta %s: %w", m.Group, err)
		}
		if seen[key] {
			return m, fmt.Errorf("meta %s: key %q given twice", m.Group, key)
		}
		seen[key] = true
		if len(v) == 0 {
			return m, fmt.Errorf("meta %s: key %q has an empty value", m.Group, key)
		}
		field, isLabel := strings.CutPrefix(key, "label.")
		switch {
		case key == "host":
			// As the host tag of a record: the same rules.
			if err := checkWritten(k, v); err != nil {
				return m, fmt.Errorf("meta %s: %w", m.Group, err)
			}
			h, err := unescape(v)
			if err != nil {
				return m, fmt.Errorf("meta %s: host: %w", m.Group, err)
			}
			m.Host = h
		case key == "time":
			t, err := parseTime(v, now)
			if err != nil {
				return m, fmt.Errorf("meta %s: %w", m.Group, err)
			}
			m.Time = t
		case key == "order":
			for f := range strings.SplitSeq(string(v), ",") {
				if err := checkField(f); err != nil {
					return m, fmt.Errorf("meta %s: order: %w", m.Group, err)
				}
				if slices.Contains(m.Order, f) {
					return m, fmt.Errorf("meta %s: order: field %q given twice", m.Group, f)
				}
				if len(m.Order) == MaxMetaFields {
					return m, fmt.Errorf("meta %s: order: more than %d fields", m.Group, MaxMetaFields)
				}
				m.Order = append(m.Order, f)
			}
		case key == "title" || key == "vlabel" || isLabel:
			if isLabel {
				if err := checkField(field); err != nil {
					return m, fmt.Errorf("meta %s: %w", m.Group, err)
				}
				if len(m.Labels) == MaxMetaFields {
					return m, fmt.Errorf("meta %s: more than %d labels", m.Group, MaxMetaFields)
				}
			}
			s, err := metaText(key, v)
			if err != nil {
				return m, fmt.Errorf("meta %s: %w", m.Group, err)
			}
			switch {
			case key == "title":
				m.Title = s
			case key == "vlabel":
				m.VLabel = s
			default:
				if m.Labels == nil {
					m.Labels = map[string]string{}
				}
				m.Labels[field] = s
			}
		}
	}
	return m, nil
}

// metaText decodes a text value: escaped as a tag value, and once
// decoded valid UTF-8, without control characters, and at most
// MaxMetaText bytes.
func metaText(key string, v []byte) (string, error) {
	s, err := unescape(v)
	if err != nil {
		return "", fmt.Errorf("%s: %w", key, err)
	}
	if len(s) > MaxMetaText {
		return "", fmt.Errorf("%s is %d bytes long, more than %d", key, len(s), MaxMetaText)
	}
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("%s %s is not valid UTF-8", key, strconv.Quote(s))
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "", fmt.Errorf("%s %s has control character %U", key, strconv.Quote(s), r)
		}
	}
	return s, nil
}

// CheckGroup reports whether g may name a group: letters, digits, '_',
// '-' and '.', as a metric name's start, not starting or ending with a
// dot.
func CheckGroup(g string) error {
	if err := checkName("group", g, true); err != nil {
		return err
	}
	if g[0] == '.' || g[len(g)-1] == '.' {
		return fmt.Errorf("group %q starts or ends with a dot", g)
	}
	return nil
}

// checkName reports whether s is a name of letters, digits, '_', '-',
// and '.' if dot is set; what says what it names.
func checkName(what, s string, dot bool) error {
	if s == "" {
		return fmt.Errorf("empty %s name", what)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isKeyByte(c) || c == '.' && !dot {
			allowed := "A-Z a-z 0-9 _ -"
			if dot {
				allowed += " ."
			}
			return fmt.Errorf("%s name %s has byte %#02x (allowed: %s)", what, quote([]byte(s)), c, allowed)
		}
	}
	return nil
}

// checkField reports whether f may name a field, the last component of
// a metric name: letters, digits, '_' and '-'.
func checkField(f string) error { return checkName("field", f, false) }

// Check reports whether m can be written as a meta line that reads back
// as m: the bounds and characters ParseMeta takes. Empty texts are left
// out of the line, as if none.
func (m *Meta) Check() error {
	if err := CheckGroup(m.Group); err != nil {
		return err
	}
	if m.Time < 0 || m.Time > MaxTime {
		return fmt.Errorf("meta %s: time %d out of range", m.Group, m.Time)
	}
	if len(m.Order) > MaxMetaFields || len(m.Labels) > MaxMetaFields {
		return fmt.Errorf("meta %s: more than %d fields", m.Group, MaxMetaFields)
	}
	for i, f := range m.Order {
		if err := checkField(f); err != nil {
			return fmt.Errorf("meta %s: order: %w", m.Group, err)
		}
		if slices.Contains(m.Order[:i], f) {
			return fmt.Errorf("meta %s: order: field %q given twice", m.Group, f)
		}
	}
	texts := map[string]string{"title": m.Title, "vlabel": m.VLabel}
	for f, l := range m.Labels {
		if err := checkField(f); err != nil {
			return fmt.Errorf("meta %s: %w", m.Group, err)
		}
		texts["label."+f] = l
	}
	for k, s := range texts {
		// The texts are held unescaped: checked as AppendMeta writes
		// them, a backslash of the text is its own escape, not the start
		// of one.
		if _, err := metaText(k, AppendTagValue(nil, s)); err != nil {
			return fmt.Errorf("meta %s: %w", m.Group, err)
		}
	}
	if len(AppendMeta(nil, m)) > MaxMetaLine+1 {
		return fmt.Errorf("meta %s: %w", m.Group, ErrMetaLong)
	}
	return nil
}

// AppendMeta appends m's meta line, with its newline, to b: texts
// escaped as tag values, the keys in a fixed order (labels by field),
// empty ones left out. The line reads back as m if m.Check passes.
func AppendMeta(b []byte, m *Meta) []byte {
	b = append(b, MetaPrefix...)
	b = append(b, m.Group...)
	text := func(k, v string) {
		if v != "" {
			b = append(b, ' ')
			b = append(b, k...)
			b = append(b, '=')
			b = AppendTagValue(b, v)
		}
	}
	text("host", m.Host)
	b = append(b, " time="...)
	b = strconv.AppendInt(b, m.Time, 10)
	text("title", m.Title)
	text("vlabel", m.VLabel)
	if len(m.Order) > 0 {
		b = append(b, " order="...)
		for i, f := range m.Order {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, f...)
		}
	}
	fields := make([]string, 0, len(m.Labels))
	for f := range m.Labels {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, f := range fields {
		text("label."+f, m.Labels[f])
	}
	return append(b, '\n')
}

// MetaText makes s fit for a Meta's title or label: control characters
// become spaces, bytes that are not UTF-8 become U+FFFD, runs of spaces
// one space, and the text is cut to MaxMetaText bytes, at a character's
// start. A sampler gives it what a plugin printed.
func MetaText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			space = true
			continue
		}
		sep := space && b.Len() > 0
		space = false
		n := utf8.RuneLen(r)
		if sep {
			n++
		}
		if b.Len()+n > MaxMetaText {
			break
		}
		if sep {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
