package format

import (
	"io"

	"sm/internal/esc"
	"sm/internal/record"
)

func init() {
	Register("graphite", "Graphite plaintext protocol, tagged: NAME;TAG=VALUE... VALUE TIMESTAMP", newGraphite)
}

// graphite writes records. Their tag values are escaped already, but
// for what the record format takes as text: on a terminal
// (Options.Terminal), a bidirectional override shows as esc writes it.
type graphite struct {
	w    flusher
	buf  []byte
	term bool
}

func newGraphite(w io.Writer, o Options) Writer {
	return &graphite{w: buffered(w), term: o.Terminal}
}

func (g *graphite) Write(r *record.Record) error {
	g.buf = r.Append(g.buf[:0])
	b := g.buf
	if g.term {
		b = append(esc.Append(nil, string(b[:len(b)-1])), '\n')
	}
	_, err := g.w.Write(b)
	return err
}

func (g *graphite) Close() error { return g.w.Flush() }

// WriteMeta writes a meta line, which only this format carries: the
// others have no place for one.
func (g *graphite) WriteMeta(m *record.Meta) error {
	g.buf = record.AppendMeta(g.buf[:0], m)
	b := g.buf
	if g.term {
		b = append(esc.Append(nil, string(b[:len(b)-1])), '\n')
	}
	_, err := g.w.Write(b)
	return err
}
