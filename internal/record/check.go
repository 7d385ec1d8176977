package record

import (
	"errors"
	"fmt"
	"strings"
)

// The checks below are the one rule of what a record can carry, for
// every reader of another format: what they take, AppendSeries writes
// and ParseSeries reads back the same. Anything else a tag value may
// hold, spaces, control characters, ';', '\', a leading '~', bytes
// that are not UTF-8, AppendTagValue carries escaped, as sm-sample's
// own mount points need.

// CheckName reports a metric name that a record cannot carry: an empty
// one, a byte that is not printable ASCII, a ';', which starts the tags,
// or a '~' at its start, which a reader drops as carbon does.
func CheckName(name string) error {
	if name == "" {
		return errors.New("empty metric name")
	}
	if name[0] == '~' {
		return fmt.Errorf(`metric name %s starts with "~", which Graphite drops`, quote([]byte(name)))
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f {
			return fmt.Errorf("metric name %s has byte %#02x (names are printable ASCII)", quote([]byte(name)), c)
		}
		if c == ';' {
			return fmt.Errorf(`metric name %s has ";", which starts the tags`, quote([]byte(name)))
		}
	}
	return nil
}

// CheckTagValue reports a tag value that a record cannot carry: an
// empty one, which is no tag, or one with a NUL byte, which no escape
// carries.
func CheckTagValue(key, v string) error {
	switch {
	case v == "":
		return fmt.Errorf("tag %q has an empty value", key)
	case strings.IndexByte(v, 0) >= 0:
		return fmt.Errorf("tag %q: value %s has a NUL byte", key, quote([]byte(v)))
	}
	return nil
}

// CheckTags sorts tags and reports the first that a record cannot
// carry: a key given twice, a key that is not [A-Za-z0-9_.-]+, or a
// value CheckTagValue refuses. They are sorted first so that the error
// is the same whatever their order.
func CheckTags(tags []Tag) error {
	if err := SortTags(tags); err != nil {
		return err
	}
	for _, t := range tags {
		if err := CheckTagKey(t.Key); err != nil {
			return err
		}
		if err := CheckTagValue(t.Key, t.Value); err != nil {
			return err
		}
	}
	return nil
}

// CheckSeries is CheckName and CheckTags: it sorts tags, and reports why
// name and tags cannot be a record's series.
func CheckSeries(name string, tags []Tag) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if err := CheckTags(tags); err != nil {
		return err
	}
	// A "{" in the name and a '"}' at the end read as the OpenMetrics
	// style that graphite-web takes, NAME{TAG="VALUE"}: another series.
	if strings.IndexByte(name, '{') >= 0 {
		if b := AppendSeries(nil, name, tags); isOpenMetricsName(b) {
			return fmt.Errorf(`series %s would read as NAME{TAG="VALUE"}: a "{" in its name and '"}' at its end`, quote(b))
		}
	}
	return nil
}
