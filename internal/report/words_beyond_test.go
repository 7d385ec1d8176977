package report

import (
	"math"
	"testing"
	"unicode/utf8"
)

func TestNumHuge(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		unit string
		want string
	}{
		{1.7e308, "", "2e308"},
		{-1.7e308, "", "-2e308"},
		{math.MaxFloat64, "B", "2e308"},
		{-math.MaxFloat64, "%", "-2e308"},
		{1.234e21, "", "1.2e21"},
		{-1.234e21, "", "-1e21"},
		{999.4e18, "", "999E"},
		{1e20, "B", "86.7E"},
		{1e22, "B", "1e22"},
		{123456, "", "123k"},
		{9999, "", "9999"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			got := Num(tc.v, tc.unit)
			if got != tc.want {
				t.Errorf("Num(%g, %q) = %q, want %q", tc.v, tc.unit, got, tc.want)
			}
			if n := utf8.RuneCountInString(got); n > numWidth {
				t.Errorf("Num(%g, %q) = %q: %d runes, more than %d", tc.v, tc.unit, got, n, numWidth)
			}
		})
	}
}
