package cli

import (
	"bytes"
	"testing"
)

func TestHeight(t *testing.T) {
	for _, tc := range []struct {
		lines string
		want  int
	}{
		{"", 0},
		{"24", 24},
		{"0", 0},
		{"-5", 0},
		{"tall", 0},
	} {
		t.Run(tc.lines, func(t *testing.T) {
			t.Setenv("LINES", tc.lines)
			if got := Height(&bytes.Buffer{}); got != tc.want {
				t.Errorf("Height with LINES=%q = %d, want %d", tc.lines, got, tc.want)
			}
		})
	}
}
