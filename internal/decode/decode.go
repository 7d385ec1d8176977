// Package decode reads records in the formats of sm's neighbours, by
// name: sm-store --from looks a format up here. It is apart from package
// format, which writes, so that sm-sample does not link the readers.
package decode

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"sm/internal/record"
)

// A Decoder reads the records of one input.
type Decoder interface {
	// Next returns the next record, valid until the next call. A part
	// of the input that holds no good record gives a *record.LineError
	// naming the file and line, after which Next may be called again;
	// io.EOF ends the input, as does any other error.
	Next() (record.Record, error)
	// Raw returns the input behind the last record or error, verbatim
	// and without its line ending, for --reject; nil when there is no
	// such text (a part of an XML document, a line already rejected).
	Raw() []byte
}

// Options are the settings a decoder may heed.
type Options struct {
	// File names the input in errors: a path, or "stdin".
	File string
	// Name is the series of records whose input names none (rrd), as
	// NAME[;TAG=VALUE]...; with several data sources each record's name
	// is Name.SOURCE.
	Name string
	// Precision is the unit of timestamps in the input, for the formats
	// that have no unit of their own (influx): time.Second, Millisecond,
	// Microsecond or Nanosecond; 0 means the format's default.
	Precision time.Duration
	// Now gives the time of records without a timestamp.
	Now func() time.Time
	// Reject, if set, receives overlong lines whole, as record.Reader's
	// Reject does.
	Reject io.Writer
	// Warn, if set, receives a breach of the format's rules that the
	// decoder reads past on purpose, keeping the records around it: a
	// *record.LineError, once per kind of breach and input, that the
	// caller tells without counting the input as bad.
	Warn func(error)
}

// A Factory makes a Decoder of r.
type Factory func(r io.Reader, o Options) Decoder

type entry struct {
	help  string
	new   Factory
	named bool // needs Options.Name
}

var registry = map[string]entry{}

// Register adds a format. It is meant to be called from init functions.
// named says that the format needs Options.Name.
func Register(name, help string, named bool, f Factory) {
	if _, dup := registry[name]; dup {
		panic("decode: " + name + " registered twice")
	}
	registry[name] = entry{help, f, named}
}

// New returns a Decoder of the named format.
func New(name string, r io.Reader, o Options) (Decoder, error) {
	e, ok := registry[name]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (available: %s)", name, strings.Join(Names(), ", "))
	}
	if e.named && o.Name == "" {
		return nil, fmt.Errorf("format %s needs --name", name)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.File == "" {
		o.File = "stdin"
	}
	return e.new(r, o), nil
}

// Check reports whether a format is known, and whether it needs a name.
func Check(name string) (named bool, err error) {
	e, ok := registry[name]
	if !ok {
		return false, fmt.Errorf("unknown format %q (available: %s)", name, strings.Join(Names(), ", "))
	}
	return e.named, nil
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

// Help returns the one-line description of a format.
func Help(name string) string { return registry[name].help }
