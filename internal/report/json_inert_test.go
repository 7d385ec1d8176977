package report

import (
	"encoding/json"
	"testing"
)

// TestInertJSON: DEL, C1 and bidirectional controls, which encoding/json
// writes raw, come out as \u escapes that read back as themselves.
func TestInertJSON(t *testing.T) {
	in := "a\x7fb\u009bc\u202ed\u2066e é ✓"
	doc, err := json.Marshal(map[string]string{"k": in})
	if err != nil {
		t.Fatal(err)
	}
	got := inertJSON(doc)
	want := `{"k":"a\u007fb\u009bc\u202ed\u2066e é ✓"}`
	if string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
	var back map[string]string
	if err := json.Unmarshal(got, &back); err != nil || back["k"] != in {
		t.Errorf("read back %q, %v; want %q", back["k"], err, in)
	}
}
