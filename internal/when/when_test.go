package when

import (
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	day := 24 * time.Hour
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"0", 0}, {"90s", 90 * time.Second}, {"15m", 15 * time.Minute}, {"36h", 36 * time.Hour},
		{"7d", 7 * day}, {"2w", 14 * day}, {"1y", 365 * day}, {"1d12h", 36 * time.Hour},
		{"1h30m", 90 * time.Minute}, {"250ms", 250 * time.Millisecond}, {"400d", 400 * day},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "d", "7", "7x", "-7d", "1.5h", "7d ", " 7d", "101y", "9999999999s", "0s0"} {
		if _, err := ParseDuration(bad); err == nil || !strings.Contains(err.Error(), "want a number and a unit") && bad != "" {
			t.Errorf("ParseDuration(%q) = %v, want an error", bad, err)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	day := 24 * time.Hour
	for d, want := range map[time.Duration]string{
		0: "0", 400 * day: "400d", 5 * 365 * day: "5y", 90 * time.Second: "1m30s", 2 * 7 * day: "2w", 36 * time.Hour: "36h",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
		if back, err := ParseDuration(FormatDuration(d)); err != nil || back != d {
			t.Errorf("%v does not read back: %v %v", d, back, err)
		}
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"90s", "1d12h", "0", "7x", "1y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		if d < 0 || d > maxDuration {
			t.Fatalf("ParseDuration(%q) = %v", s, d)
		}
		if back, err := ParseDuration(FormatDuration(d)); err != nil || back != d {
			t.Fatalf("%q: %v formats as %q, which reads back as %v, %v", s, d, FormatDuration(d), back, err)
		}
	})
}
