package decode

import (
	"io"

	"sm/internal/record"
)

func init() {
	Register("graphite", "Graphite plaintext, tagged or not: NAME[;TAG=VALUE]... VALUE [TIMESTAMP]", false, newGraphite)
}

// graphite is sm's own format. sm-store reads it through a faster path
// of its own; this one is for the tests and for any other reader.
type graphite struct {
	rd  *record.Reader
	raw []byte
}

func newGraphite(r io.Reader, o Options) Decoder {
	rd := record.NewReader(r, o.File)
	rd.Now, rd.Reject = o.Now, o.Reject
	return &graphite{rd: rd}
}

func (g *graphite) Next() (record.Record, error) {
	rec, err := g.rd.Next()
	g.raw = g.rd.Raw()
	if isLong(err) {
		g.raw = nil // Reject has it whole
	}
	return rec, err
}

func (g *graphite) Raw() []byte { return g.raw }
