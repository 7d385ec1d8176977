// Package format holds the output formats, by name. Each tool looks a
// format up here for its --format flag; adding a format means adding one
// file that calls Register.
package format

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"sm/internal/record"
)

// A Writer writes records in one format. Write must not keep r, nor its
// tags, once it returns: callers reuse them. Close writes whatever the
// format holds back (a footer, a buffered table) and flushes; it does not
// close the underlying writer.
type Writer interface {
	Write(r *record.Record) error
	Close() error
}

// A MetaWriter is a Writer whose format carries meta lines (package
// record) among its records: graphite's alone.
type MetaWriter interface {
	WriteMeta(m *record.Meta) error
}

// Options are the settings a format may heed.
type Options struct {
	// Location is the time zone for human-readable times; nil means UTC.
	Location *time.Location
	// Columns are the tag keys of the records to come, for the formats
	// with a column per tag, which must know them before the first row.
	Columns []string
	// Widths are the widest values each column will hold, by column name
	// ("name" or a tag key), where known: a table that streams sets its
	// widths before it has seen every row.
	Widths map[string]int
	// Precision is the unit of timestamps, for the formats whose
	// timestamps have no fixed unit (influx): time.Second, Millisecond,
	// Microsecond or Nanosecond; 0 means the format's default.
	Precision time.Duration
	// FoldTags asks the formats with a column per tag (table, csv, tsv)
	// for one more column, after Columns, holding every other tag of a
	// row folded into KEY=VALUE;KEY=VALUE (see AppendFolded): the tags
	// of many series may have more keys than a table can show.
	FoldTags bool
	// Terminal says that w is a terminal: the formats that would
	// otherwise write a tag value as it is, control characters or a
	// bidirectional override and all (csv, tsv, prom, openmetrics,
	// influx, graphite), write them as visible escapes (package esc)
	// instead, for a person to read. The table always does.
	Terminal bool
	// Height is the lines the chart may fill, 0 for a default.
	Height int
	// Step is the query's bucket length, 0 without --step: the wide
	// table lines its rows up on the buckets' starts.
	Step time.Duration
	// Order, when set, is the order in which the terminal views show
	// their series (sm-query gives a natural order: load.1m, load.5m,
	// load.15m); else they keep the order the series come in.
	Order func(a, b string) int
	// Width is how many columns the table, wide and chart may take, 0
	// for no limit (chart: a default). A table given a width fits it: times of day under a date when every
	// row is of one day, the tags folded into one column (as FoldTags
	// does) when a column each would not fit, and long names and tags
	// shortened in the middle (term.Shorten).
	Width int
	// Human asks the table to write bytes and rates with their units
	// (see Value): 384.0 GiB, 1.2 MB/s.
	Human bool
	// Ordered says that the records come in the order of the prom and
	// openmetrics formats: families in the order of ComparePromNames,
	// each family's series together, and each series' records
	// together and in time order. Those formats then stream, holding a
	// sample and the labels of the current family; without it they hold
	// every series until Close. The order of a family's series is the
	// caller's: PromSeriesOrder's is the one they have without it.
	Ordered bool
	// Aggregated says the records are aggregates, each with its agg
	// tag: the table rounds a computed one (see Computed) to
	// TableDigits.
	Aggregated bool
}

// A SkipError is what a Writer returns for a series, or a sample, that
// its format cannot hold: that one is left out, the rest is written, and
// the writer can go on. Close returns one for each series it left out,
// joined with errors.Join; Split tells them from real failures.
type SkipError struct {
	Format string // "prom"
	Series string // the series, as NAME;TAG=VALUE... (tag values escaped), or a metric name
	Err    error  // why
}

// Error says what was left out. A series, in canonical form, holds no
// space nor control character; cli.Command.Warn escapes what else could
// act on a terminal.
func (e *SkipError) Error() string {
	return fmt.Sprintf("%s: left out %s: %v", e.Format, e.Series, e.Err)
}

func (e *SkipError) Unwrap() error { return e.Err }

// Split separates err, as a Writer returned it, into the series it
// left out and whatever else went wrong (nil if nothing did).
func Split(err error) (skips []*SkipError, rest error) {
	if err == nil {
		return nil, nil
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	var others []error
	for _, e := range errs {
		if s, ok := e.(*SkipError); ok {
			skips = append(skips, s)
		} else {
			others = append(others, e)
		}
	}
	if len(others) == 1 {
		return skips, others[0]
	}
	return skips, errors.Join(others...)
}

// A Factory makes a Writer that writes to w.
type Factory func(w io.Writer, o Options) Writer

type entry struct {
	help string
	new  Factory
}

var registry = map[string]entry{}

// Register adds a format. It is meant to be called from init functions.
func Register(name, help string, f Factory) {
	if _, dup := registry[name]; dup {
		panic("format: " + name + " registered twice")
	}
	registry[name] = entry{help, f}
}

// Default is the format of records in a pipe.
const Default = "graphite"

// New returns a Writer of the named format.
func New(name string, w io.Writer, o Options) (Writer, error) {
	e, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (available: %s)", name, strings.Join(Names(), ", "))
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	return e.new(w, o), nil
}

// Names lists the registered formats in alphabetical order.
func Names() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// A flusher is a buffered writer.
type flusher interface {
	io.Writer
	Flush() error
}

type unbuffered struct{ *bytes.Buffer }

func (unbuffered) Flush() error { return nil }

// buffered returns w with a buffer in front, unless it is one already: a
// 64 KiB buffer is sixteen fresh pages, which sm-sample, writing into
// memory anyway, would pay for at every start.
func buffered(w io.Writer) flusher {
	switch b := w.(type) {
	case *bufio.Writer:
		return b
	case *bytes.Buffer:
		return unbuffered{b}
	}
	return bufio.NewWriterSize(w, 64<<10)
}

// Help returns the one-line description of a format.
func Help(name string) string { return registry[name].help }
