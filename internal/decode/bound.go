package decode

import (
	"fmt"
	"io"

	"sm/internal/record"
)

// The bounds of the readers on what a sender controls. The line formats
// hold one line of at most record.MaxLine bytes at a time; the bounds
// below are those of the formats that nest, or that come as one
// document (sadf -j, rrdtool's XML), which encoding/json and
// encoding/xml would otherwise hold whole, or recurse into without end.
// sm-store(1) lists them, reader by reader.
const (
	// maxDepth is the deepest nesting of JSON arrays and objects, or of
	// XML elements: sadf -j nests 7 deep, rrdtool's XML 5.
	maxDepth = 64
	// maxToken is the longest JSON string, number or word, and the
	// longest piece of XML between two markups, or markup (a tag, a
	// comment): what encoding/json and encoding/xml hold whole.
	maxToken = 64 << 10
)

// A jsonScan follows the bytes of JSON as far as the bounds need: the
// nesting, and the length of the token it is in. It does not check the
// syntax, which encoding/json does: past a byte where the syntax is
// wrong it may count amiss, but encoding/json stops at that byte.
type jsonScan struct {
	depth int
	n     int // bytes of the current string or other token
	str   bool
	esc   bool
}

// step takes the next byte and returns the bound it breaks, if any.
func (s *jsonScan) step(c byte) error {
	if s.str {
		if s.n++; s.n > maxToken {
			return fmt.Errorf("JSON string longer than %d bytes", maxToken)
		}
		switch {
		case s.esc:
			s.esc = false
		case c == '\\':
			s.esc = true
		case c == '"':
			s.str, s.n = false, 0
		}
		return nil
	}
	switch c {
	case ' ', '\t', '\r', '\n', ',', ':':
		s.n = 0
	case '"':
		s.str, s.n = true, 1
	case '[', '{':
		s.n = 0
		if s.depth++; s.depth > maxDepth {
			return fmt.Errorf("JSON nested more than %d deep", maxDepth)
		}
	case ']', '}':
		s.n = 0
		s.depth--
	default:
		if s.n++; s.n > maxToken {
			return fmt.Errorf("JSON number or word longer than %d bytes", maxToken)
		}
	}
	return nil
}

// checkJSON reports a bound that a JSON text breaks.
func checkJSON(b []byte) error {
	var s jsonScan
	for _, c := range b {
		if err := s.step(c); err != nil {
			return err
		}
	}
	return nil
}

// A scanner follows a format's bytes as far as its bounds need.
type scanner interface {
	// step takes the next byte and returns the bound it breaks, if any.
	step(c byte) error
}

// A guard reads a document for encoding/json or encoding/xml, ending
// the input with a *record.LineError at the first byte that breaks a
// bound: the decoder sees none of it, so it neither holds a long token
// nor nests deep. The bytes before that byte are read first, so that
// everything before it is decoded as usual.
type guard struct {
	r    io.Reader
	file string
	line int // of the next byte, from 1
	scan scanner
	err  error // to give at the next Read
}

func newGuard(r io.Reader, file string, scan scanner) *guard {
	return &guard{r: r, file: file, line: 1, scan: scan}
}

func (g *guard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i, c := range p[:n] {
		if e := g.scan.step(c); e != nil {
			g.err = &record.LineError{File: g.file, Line: g.line, Err: e}
			if i == 0 {
				return 0, g.err
			}
			return i, nil
		}
		if c == '\n' {
			g.line++
		}
	}
	return n, err
}

// An xmlScan follows the bytes of XML as far as the bounds need: the
// length of the text or markup it is in. Nesting is counted by the
// reader, element by element, as encoding/xml gives them. Where it
// cannot tell, it takes a piece to go on: a piece it ends early could
// be held whole by encoding/xml past the bound, one it ends late only
// makes a document out of the ordinary fail.
type xmlScan struct {
	kind   byte // 0 text, '<' tag or directive, '-' comment, '[' CDATA, '?' processing instruction
	n      int  // bytes of the current piece
	body   int  // bytes of a comment, CDATA or instruction past its opening
	quote  byte // the quote a tag or directive is in
	depth  int  // of < in a directive
	p1, p2 byte // the two bytes before
}

func (s *xmlScan) step(c byte) error {
	s.n++
	switch s.kind {
	case 0:
		if c == '<' {
			s.kind, s.n, s.quote, s.depth = '<', 1, 0, 0
		}
	case '<':
		switch {
		case s.n == 2 && c == '?':
			s.kind, s.body = '?', 0
		case s.n == 3 && s.p1 == '!' && c == '[':
			s.kind, s.body = '[', 0
		case s.n == 4 && s.p2 == '!' && s.p1 == '-' && c == '-':
			s.kind, s.body = '-', 0
		case s.quote != 0:
			if c == s.quote {
				s.quote = 0
			}
		case c == '"' || c == '\'':
			s.quote = c
		case c == '<':
			s.depth++
		case c == '>' && s.depth > 0:
			s.depth--
		case c == '>':
			s.kind, s.n = 0, 0
		}
	case '-', '[', '?':
		s.body++
		end := s.kind
		if end == '-' || end == '[' {
			if end == '[' {
				end = ']'
			}
			if c == '>' && s.body >= 3 && s.p1 == end && s.p2 == end {
				s.kind, s.n = 0, 0
			}
		} else if c == '>' && s.body >= 2 && s.p1 == '?' {
			s.kind, s.n = 0, 0
		}
	}
	s.p2, s.p1 = s.p1, c
	if s.n > maxToken {
		if s.kind == 0 {
			return fmt.Errorf("XML text longer than %d bytes", maxToken)
		}
		return fmt.Errorf("XML markup longer than %d bytes", maxToken)
	}
	return nil
}
