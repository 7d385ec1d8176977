package cli

import (
	"bytes"
	"testing"
)

func TestWidth(t *testing.T) {
	for _, tc := range []struct {
		columns string
		want    int
	}{
		{"", 0},
		{"80", 80},
		{"120", 120},
		{"0", 0},
		{"-5", 0},
		{"wide", 0},
	} {
		t.Run(tc.columns, func(t *testing.T) {
			t.Setenv("COLUMNS", tc.columns)
			if got := Width(&bytes.Buffer{}); got != tc.want {
				t.Errorf("Width with COLUMNS=%q = %d, want %d", tc.columns, got, tc.want)
			}
		})
	}
}
