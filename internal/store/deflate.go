package store

import (
	"bytes"
	"compress/zlib"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/mattn/go-sqlite3"
)

// Blocks and rollups are stored as the sqlite3 shell's sqlar_compress
// stores a file: the text deflated in zlib's format when that is
// smaller, else the text itself, beside the text's length. The shell's
// sqlar_uncompress(data, size) reads them back, which is how the views
// read them; sm registers a function of the same name for its own
// connections, so the views read the same there.

// maxText bounds the length a block's or a rollup's text may claim: a
// day of samples every second, each of 25 characters, is 2.2 MB. A
// damaged row claiming more is refused rather than allocated.
const maxText = 16 << 20

// A squeezer deflates texts with one zlib writer, whose setup costs
// more than deflating a block.
type squeezer struct {
	buf  bytes.Buffer
	zw   *zlib.Writer
	text [2][]byte // the two encodings of a block
	keep []byte    // the first one deflated
}

// block encodes a block's points as differences and as levels, and
// returns the one that deflates smaller, deflated. Both are valid
// until the next call.
func (s *squeezer) block(pts []point) (encoded, []byte) {
	d := encodeValues(pts, true, s.text[0])
	s.text[0] = d.vals
	if d.div == 0 {
		return d, s.squeeze(d.vals)
	}
	s.keep = append(s.keep[:0], s.squeeze(d.vals)...)
	l := encodeValues(pts, false, s.text[1])
	s.text[1] = l.vals
	if lz := s.squeeze(l.vals); len(lz) < len(s.keep) {
		return l, lz
	}
	return d, s.keep
}

// plain is block without deflating: the shorter encoding, as text.
func (s *squeezer) plain(pts []point) (encoded, []byte) {
	d := encodeValues(pts, true, s.text[0])
	s.text[0] = d.vals
	if d.div == 0 {
		return d, d.vals
	}
	l := encodeValues(pts, false, s.text[1])
	s.text[1] = l.vals
	if len(l.vals) < len(d.vals) {
		return l, l.vals
	}
	return d, d.vals
}

// squeeze returns text deflated, or text itself when deflating does not
// make it smaller. The result is valid until the next call.
func (s *squeezer) squeeze(text []byte) []byte {
	s.buf.Reset()
	if s.zw == nil {
		s.zw, _ = zlib.NewWriterLevel(&s.buf, zlib.BestCompression)
	} else {
		s.zw.Reset(&s.buf)
	}
	s.zw.Write(text)
	s.zw.Close()
	if s.buf.Len() >= len(text) {
		return text
	}
	return s.buf.Bytes()
}

// An inflater reads squeezed texts with one zlib reader.
type inflater struct {
	zr  io.ReadCloser
	src bytes.Reader
	out []byte
}

// inflate returns the text of data, squeezed from size bytes. The
// result is valid until the next call.
func (f *inflater) inflate(data []byte, size int64) ([]byte, error) {
	switch {
	case size < 0 || size > maxText:
		return nil, fmt.Errorf("a compressed text of %d bytes", size)
	case size == int64(len(data)):
		return data, nil
	}
	f.src.Reset(data)
	var err error
	if f.zr == nil {
		f.zr, err = zlib.NewReader(&f.src)
	} else {
		err = f.zr.(zlib.Resetter).Reset(&f.src, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("compressed text: %w", err)
	}
	if int64(cap(f.out)) < size {
		f.out = make([]byte, size)
	}
	f.out = f.out[:size]
	if _, err := io.ReadFull(f.zr, f.out); err != nil {
		return nil, fmt.Errorf("compressed text: %w", err)
	}
	// Nothing may follow: the length was the text's whole length.
	var one [1]byte
	if n, err := f.zr.Read(one[:]); n != 0 || !errors.Is(err, io.EOF) {
		return nil, errors.New("compressed text longer than its length")
	}
	return f.out, nil
}

// sqlarUncompress is the sqlite3 shell's sqlar_uncompress for sm's own
// connections: data itself when size is its length, else data inflated.
// The text comes back as a BLOB, as the shell's does.
func sqlarUncompress(data []byte, size int64) ([]byte, error) {
	var f inflater
	out, err := f.inflate(data, size)
	if err != nil {
		return nil, err
	}
	return bytes.Clone(out), nil
}

// driverName is go-sqlite3 with sqlar_uncompress added.
const driverName = "sqlite3_sm"

func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			return c.RegisterFunc("sqlar_uncompress", sqlarUncompress, true)
		},
	})
}
