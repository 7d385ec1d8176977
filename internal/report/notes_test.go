package report

import (
	"reflect"
	"testing"
)

func TestWrapWords(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want []string
	}{
		{"", 10, nil},
		{"short", 10, []string{"short"}},
		{"one two three four", 9, []string{"one two", "three", "four"}},
		{"a verylongword b", 4, []string{"a", "verylongword", "b"}},
		{"– dash – and é", 8, []string{"– dash –", "and é"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := wrapWords(tt.in, tt.n); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("wrapWords(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}
