package smstore

import (
	"errors"
	"io"
	"os"

	"sm/internal/cli"
	"sm/internal/decode"
	"sm/internal/record"
)

// A chunk is a run of parsed records handed from the reading goroutine
// to the writing one: parsing a file and storing the last chunk go on at
// once, on two cores.
type chunk struct {
	keys     []byte // the series texts, end to end
	recs     []rec
	metas    []record.Meta
	errs     []error // bad lines
	ioErr    error   // a file that could not be read
	spool    bool    // the records come from the spool
	spoolEnd bool    // the spool has been read to its end
}

// A warning is a breach of a format's rules that a decoder read past on
// purpose, keeping the records: sm-store tells it, but the input is not
// bad for it.
type warning struct{ error }

type rec struct {
	keyFrom, keyTo int32
	ts             int64
	v              float64
}

// chunkSize is the most records a chunk holds; a chunk also goes when
// the input has nothing more buffered, so that a trickle from tail -f is
// stored as it comes.
const chunkSize = 2048

// metaChunk is the most meta lines a chunk holds: each may be 64 KiB.
const metaChunk = 4

// readAll parses the spool and the files in turn and sends their
// records, then closes out.
func (r *run) readAll(files []string, out chan<- *chunk) {
	defer close(out)
	if r.spool != nil && r.spool.size > 0 && r.forwardTo == "" {
		// A descriptor of its own: the run appends to the spool through
		// the locked one, which moves that one's offset.
		if f, err := os.Open(r.spool.path); err != nil {
			out <- &chunk{ioErr: err}
		} else {
			r.readOne(io.LimitReader(f, r.spool.size), r.spool.path, true, out)
			f.Close()
		}
		out <- &chunk{spoolEnd: true}
	}
	for _, name := range files {
		if name == "-" {
			r.readOne(r.stdin, "stdin", false, out)
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			out <- &chunk{ioErr: err}
			continue
		}
		r.readOne(f, name, false, out)
		f.Close()
	}
}

func (r *run) readOne(in io.Reader, name string, spool bool, out chan<- *chunk) {
	if r.from != "" && !spool {
		r.decodeOne(in, name, out)
		return
	}
	rd := record.NewReader(in, name)
	rd.Now = cli.Now
	rd.Whole = spool // sm-store ends every line it spools
	rd.Meta = true
	if r.reject != nil {
		rd.Reject = r.reject
	}
	c := &chunk{spool: spool}
	send := func() {
		if len(c.recs) > 0 || len(c.metas) > 0 || len(c.errs) > 0 || c.ioErr != nil {
			out <- c
			c = &chunk{spool: spool}
		}
	}
	var key []byte
	// The time of records without one: read once a chunk, not once a
	// line, as a chunk is sent as soon as the input pauses.
	now := cli.Now().Unix()
	for {
		line, err := rd.NextLine()
		if err == nil && record.IsMeta(line) {
			var m record.Meta
			if m, err = record.ParseMeta(line, now); err != nil {
				err = rd.Error(err)
			} else {
				c.metas = append(c.metas, m)
			}
		} else if err == nil {
			var v float64
			var ts int64
			key, v, ts, err = record.ParseKey(line, now, key)
			if err != nil {
				err = rd.Error(err)
			} else {
				from := int32(len(c.keys))
				c.keys = append(c.keys, key...)
				c.recs = append(c.recs, rec{from, int32(len(c.keys)), ts, v})
			}
		}
		var le *record.LineError
		switch {
		case err == nil:
		case errors.As(err, &le):
			c.errs = append(c.errs, err)
			if r.reject != nil && !errors.Is(err, record.ErrLong) {
				// Overlong lines went to Reject whole as they were read;
				// the others go as they were too, CRLF and all.
				r.reject.Write(rd.Raw())
				r.reject.WriteString(rd.LineEnd())
			}
		case err == io.EOF:
			send()
			return
		default:
			c.ioErr = err
			send()
			return
		}
		if len(c.recs) >= chunkSize || len(c.metas) >= metaChunk || !rd.Buffered() {
			send()
			now = cli.Now().Unix()
		}
	}
}

// decodeOne is readOne for the foreign formats of --from: slower, as
// each record is built and then written in canonical form, but the
// chunks and the errors are the same.
func (r *run) decodeOne(in io.Reader, name string, out chan<- *chunk) {
	c := &chunk{}
	o := r.decodeOptions
	o.File, o.Now = name, cli.Now
	if r.reject != nil {
		o.Reject = r.reject
	}
	// A warning goes with the errors of its chunk, to be told in its
	// place among them, but leaves the exit status alone (badLine).
	o.Warn = func(err error) { c.errs = append(c.errs, warning{err}) }
	d, err := decode.New(r.from, in, o)
	if err != nil {
		out <- &chunk{ioErr: err}
		return
	}
	for {
		rd, err := d.Next()
		var le *record.LineError
		switch {
		case err == nil:
			from := int32(len(c.keys))
			c.keys = record.AppendSeries(c.keys, rd.Name, rd.Tags)
			c.recs = append(c.recs, rec{from, int32(len(c.keys)), rd.Time, rd.Value})
		case errors.As(err, &le):
			c.errs = append(c.errs, err)
			if raw := d.Raw(); r.reject != nil && raw != nil {
				r.reject.Write(raw)
				r.reject.WriteByte('\n')
			}
		default:
			if err != io.EOF {
				c.ioErr = err
			}
			if len(c.recs) > 0 || len(c.errs) > 0 || c.ioErr != nil {
				out <- c
			}
			return
		}
		if len(c.recs) >= chunkSize || len(c.errs) >= chunkSize {
			out <- c
			c = &chunk{}
		}
	}
}
