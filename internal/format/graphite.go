package format

import (
	"io"

	"sm/internal/record"
)

func init() {
	Register("graphite", "Graphite plaintext protocol, tagged: NAME;TAG=VALUE... VALUE TIMESTAMP", newGraphite)
}

type graphite struct {
	w   flusher
	buf []byte
}

func newGraphite(w io.Writer, _ Options) Writer {
	return &graphite{w: buffered(w)}
}

func (g *graphite) Write(r *record.Record) error {
	g.buf = r.Append(g.buf[:0])
	_, err := g.w.Write(g.buf)
	return err
}

func (g *graphite) Close() error { return g.w.Flush() }
