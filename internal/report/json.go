package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"

	"sm/internal/esc"
)

func marshal(v any) ([]byte, error) { return json.Marshal(v) }

// WriteJSON writes the report as one JSON document: everything the text
// shows, as data. encoding/json escapes C0 controls but writes DEL, C1
// controls and the bidirectional ones as they are; those are written as
// \u escapes too, as sm-query's json does, so that the document shown
// on a terminal is inert. They can stand only inside strings, where a
// \u escape reads back as the same character.
func WriteJSON(w io.Writer, rep *Report) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rep); err != nil {
		return err
	}
	_, err := w.Write(inertJSON(b.Bytes()))
	return err
}

// inertJSON writes every character esc.Hidden names in doc, valid JSON,
// as a \u escape.
func inertJSON(doc []byte) []byte {
	out := doc[:0:0]
	for i := 0; i < len(doc); {
		r, n := utf8.DecodeRune(doc[i:])
		if r >= utf8.RuneSelf && esc.Hidden(r) || r == 0x7f {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, doc[i:i+n]...)
		}
		i += n
	}
	return out
}
