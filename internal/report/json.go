package report

import (
	"encoding/json"
	"io"
)

func marshal(v any) ([]byte, error) { return json.Marshal(v) }

// WriteJSON writes the report as one JSON document: everything the text
// shows, as data.
func WriteJSON(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rep)
}
