package format

import (
	"math"
	"testing"

	"sm/internal/record"
)

func TestRound(t *testing.T) {
	for _, c := range []struct {
		v      float64
		digits int
		want   string
	}{
		{40.097000000000016, RecordDigits, "40.097"},
		{85.38300000000001, RecordDigits, "85.383"},
		{0.1 + 0.2, RecordDigits, "0.3"},
		{1.0 / 3, RecordDigits, "0.333333333333"},
		{1.0 / 3, TableDigits, "0.333333"},
		{2.0 / 3 * 1e-7, TableDigits, "6.66667e-08"},
		{412345678912, TableDigits, "412345678912"},
		{412345678912.4, TableDigits, "412345678912"},
		{-412345678912.6, TableDigits, "-412345678913"},
		{12345678901234567, RecordDigits, "12345678901234568"},
		{999999.7, TableDigits, "1000000"},
		{68.45, TableDigits, "68.45"},
		{0, TableDigits, "0"},
		{1.5, 0, "1.5"},
		{math.Inf(1), TableDigits, "+Inf"},
		{math.MaxFloat64, TableDigits, "1.7976931348623157e+308"},
	} {
		t.Run(c.want, func(t *testing.T) {
			got := Round(c.v, c.digits)
			if s := string(record.AppendValue(nil, got)); s != c.want {
				t.Errorf("Round(%v, %d) = %s, want %s", c.v, c.digits, s, c.want)
			}
		})
	}
}

func TestValue(t *testing.T) {
	for _, c := range []struct {
		v    float64
		o    ValueOptions
		want string
	}{
		{40.097000000000016, ValueOptions{}, "40.097000000000016"},
		{40.097000000000016, ValueOptions{Digits: TableDigits}, "40.097"},
		{1.0 / 3, ValueOptions{Digits: TableDigits}, "0.333333"},
		{412345678912, ValueOptions{}, "412345678912"},
		{1e-7, ValueOptions{}, "1e-07"},
		{412345678912, ValueOptions{Unit: UnitBytes}, "384.0 GiB"},
		{512, ValueOptions{Unit: UnitBytes}, "512 B"},
		{1024, ValueOptions{Unit: UnitBytes}, "1.0 KiB"},
		{1048575, ValueOptions{Unit: UnitBytes}, "1.0 MiB"},
		{-2048, ValueOptions{Unit: UnitBytes}, "-2.0 KiB"},
		{1.5 * (1 << 60), ValueOptions{Unit: UnitBytes}, "1.5 EiB"},
		{3 * (1 << 60) * 1024, ValueOptions{Unit: UnitBytes}, "3072.0 EiB"},
		{1234567, ValueOptions{Unit: UnitBytesPerSec}, "1.2 MB/s"},
		{999.5, ValueOptions{Unit: UnitBytesPerSec}, "999.5 B/s"},
		{999999, ValueOptions{Unit: UnitBytesPerSec}, "1.0 MB/s"},
		{3400, ValueOptions{Unit: UnitPerSec}, "3.4 k/s"},
		{12.25, ValueOptions{Unit: UnitPerSec}, "12.25 /s"},
		{68.45, ValueOptions{Unit: UnitPercent}, "68.45"},
		{2.5, ValueOptions{Unit: UnitSeconds}, "2.5"},
		{math.Inf(-1), ValueOptions{Unit: UnitBytes}, "-Inf"},
		{0, ValueOptions{Unit: UnitBytes}, "0 B"},
	} {
		t.Run(c.want, func(t *testing.T) {
			if got := Value(c.v, c.o); got != c.want {
				t.Errorf("Value(%v, %+v) = %q, want %q", c.v, c.o, got, c.want)
			}
		})
	}
}

// FuzzRound: rounding moves a value by less than its last kept digit,
// keeps its integer part, is stable, and Value writes whatever it gets.
func FuzzRound(f *testing.F) {
	f.Add(40.097000000000016, 12)
	f.Add(412345678912.4, 6)
	f.Add(-1.2345678901234567e-300, 6)
	f.Add(math.MaxFloat64, 1)
	f.Fuzz(func(t *testing.T, v float64, digits int) {
		digits = 1 + int(uint(digits)%17)
		r := Round(v, digits)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			if !math.IsNaN(v) && r != v {
				t.Fatalf("Round(%v) = %v", v, r)
			}
			return
		}
		if d := math.Abs(r - v); d > math.Abs(v)*math.Pow(10, float64(1-digits)) && d > 0.5 {
			t.Fatalf("Round(%v, %d) = %v: moved by %v", v, digits, r, d)
		}
		if again := Round(r, digits); again != r {
			t.Fatalf("Round(%v, %d) = %v, then %v", v, digits, r, again)
		}
		for _, u := range []string{"", UnitBytes, UnitBytesPerSec, UnitPerSec} {
			if Value(v, ValueOptions{Digits: digits, Unit: u}) == "" {
				t.Fatalf("Value(%v) is empty", v)
			}
		}
	})
}
