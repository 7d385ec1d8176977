package record

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
)

// A LineError is a line that is not a record. Reading can go on after it.
type LineError struct {
	File string
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// ErrLong is the reason given for a line longer than MaxLine.
var ErrLong = errors.New("line is longer than 4096 bytes")

// ErrCut is the reason given for a last line without its newline, where
// the Reader wants whole lines.
var ErrCut = errors.New("last line cut short: no newline at its end")

// A Reader reads records line by line. Its memory does not grow with the
// input: a line longer than MaxLine is skipped, not held. A meta line
// may be up to MaxMetaLine long; without Meta it is skipped as a
// comment.
type Reader struct {
	br   *bufio.Reader
	file string
	line int
	raw  []byte
	long []byte // owns the start of an overlong line; raw may alias br
	// Now gives the time for records without a timestamp, or with -1.
	Now func() time.Time
	// Reject, if set, receives each overlong line whole, as it is
	// skipped: the only way to keep one verbatim without holding it.
	Reject io.Writer
	// Whole makes a last line without a newline an error, ErrCut: in a
	// file whose writer ends every line, such a line is the start of a
	// record whose writing was cut off, and may parse as another one.
	Whole bool
	// Comments makes NextLine return comment lines too, for the foreign
	// formats whose headers are comments (sadf -d, OpenMetrics).
	Comments bool
	// Meta makes NextLine return meta lines too (IsMeta tells them
	// apart), for a reader that keeps them. Next skips them still.
	Meta bool
	cut  bool // the last line read had no newline
	crlf bool // the last line read ended in CRLF
}

// NewReader returns a Reader of r; file names it in errors ("stdin" for
// standard input).
func NewReader(r io.Reader, file string) *Reader {
	// Room for the longest meta line and its CRLF.
	return &Reader{br: bufio.NewReaderSize(r, MaxMetaLine+2), file: file, Now: time.Now}
}

// Line returns the number of the last line read, counting from 1.
func (r *Reader) Line() int { return r.line }

// Raw returns the last line read, without its line ending. For a line
// longer than MaxLine it holds only the first MaxLine bytes. It is valid
// until the next call to Next.
func (r *Reader) Raw() []byte { return r.raw }

// LineEnd returns the line ending of the last line read, "\r\n" or
// "\n", with the "\n" that a last line did not have: Raw and LineEnd
// together are the line as it was, to be set aside whole. An overlong
// line has gone to Reject whole already.
func (r *Reader) LineEnd() string {
	if r.crlf {
		return "\r\n"
	}
	return "\n"
}

// Next returns the next record. At the end of input the error is io.EOF.
// A malformed line gives a *LineError, after which Next may be called
// again; any other error is a read error that ends the input.
func (r *Reader) Next() (Record, error) {
	line, err := r.NextLine()
	for err == nil && r.Meta && IsMeta(line) {
		line, err = r.NextLine()
	}
	if err != nil {
		return Record{}, err
	}
	rec, err := Parse(line, r.Now().Unix())
	if err != nil {
		return Record{}, r.Error(err)
	}
	return rec, nil
}

// NextLine returns the next line that holds a record, or should: blank
// lines and comments are skipped. It is valid until the next call. Errors
// are as for Next.
func (r *Reader) NextLine() ([]byte, error) {
	for {
		line, long, err := r.readLine()
		if err != nil {
			return nil, err
		}
		r.line++
		if r.line == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		r.raw = line
		if long {
			return nil, r.Error(longError(line))
		}
		if !isBlank(line) || r.Comments && !isEmpty(line) || r.Meta && IsMeta(line) {
			if r.cut && r.Whole {
				return nil, r.Error(ErrCut)
			}
			return line, nil
		}
	}
}

// Error returns err as a *LineError of the last line read.
func (r *Reader) Error(err error) error {
	return &LineError{r.file, r.line, err}
}

// ErrorAt returns err as a *LineError of line n, for a record that
// began on an earlier line than the last read.
func (r *Reader) ErrorAt(n int, err error) error {
	return &LineError{r.file, n, err}
}

// NextRaw returns the next line whatever it holds, blank or a comment,
// for a record that goes on past a line ending: a string field of
// InfluxDB's line protocol may hold one. An overlong line gives ErrLong
// as NextLine does; io.EOF ends the input.
func (r *Reader) NextRaw() ([]byte, error) {
	line, long, err := r.readLine()
	if err != nil {
		return nil, err
	}
	r.line++
	r.raw = line
	if long {
		return nil, r.Error(longError(line))
	}
	return line, nil
}

// longError is the reason given for an overlong line, which starts with
// line.
func longError(line []byte) error {
	if IsMeta(line) {
		return ErrMetaLong
	}
	return ErrLong
}

// maxLen is the longest a line starting with line may be.
func maxLen(line []byte) int {
	if IsMeta(line) {
		return MaxMetaLine
	}
	return MaxLine
}

// Buffered reports whether a whole line may be waiting in the buffer,
// so that the next call will not block on the input.
func (r *Reader) Buffered() bool { return r.br.Buffered() > 0 }

// readLine returns the next line without its LF or CRLF. A line longer
// than MaxLine, or a meta line longer than MaxMetaLine, is returned cut
// to MaxLine bytes with long set, the rest discarded.
func (r *Reader) readLine() (line []byte, long bool, err error) {
	line, err = r.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		r.long = append(r.long[:0], line[:MaxLine]...)
		r.spill(line)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = r.br.ReadSlice('\n')
			r.spill(line)
		}
		if !bytes.HasSuffix(line, []byte("\n")) {
			r.spill([]byte("\n"))
		}
		if err != nil && err != io.EOF {
			return nil, false, err
		}
		return r.long, true, nil
	}
	if err == io.EOF {
		if len(line) == 0 {
			return nil, false, io.EOF
		}
		r.cut, err = true, nil
	}
	if err != nil {
		return nil, false, err
	}
	whole := line
	line = bytes.TrimSuffix(line, []byte("\n"))
	r.crlf = bytes.HasSuffix(line, []byte("\r"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) > maxLen(line) {
		r.long = append(r.long[:0], line[:MaxLine]...)
		r.spill(whole)
		if !bytes.HasSuffix(whole, []byte("\n")) {
			r.spill([]byte("\n"))
		}
		return r.long, true, nil
	}
	return line, false, nil
}

// spill copies part of an overlong line to Reject.
func (r *Reader) spill(b []byte) {
	if r.Reject != nil {
		r.Reject.Write(b)
	}
}

// isEmpty reports whether a line holds only spaces and tabs, if that.
func isEmpty(line []byte) bool { return len(bytes.TrimLeft(line, " \t")) == 0 }

// isBlank reports whether a line holds no record: empty, only spaces and
// tabs, or a comment starting with '#'.
func isBlank(line []byte) bool {
	line = bytes.TrimLeft(line, " \t")
	return len(line) == 0 || line[0] == '#'
}
