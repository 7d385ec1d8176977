package when

import (
	"testing"
	"time"
)

func TestCheckRange(t *testing.T) {
	at := func(s string) time.Time {
		tm, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, tc := range []struct {
		name, from, to, want string
	}{
		{"a week", "2026-11-23 00:00:00", "2026-11-29 23:59:59", ""},
		{"from 1970", "1970-01-01 00:00:00", "2026-01-01 00:00:00", ""},
		{"before 1970", "1969-12-31 23:59:59", "2026-01-01 00:00:00", "1969-12-31 23:59:59 UTC is outside 1970 to 9999"},
		{"after 9999", "2026-01-01 00:00:00", "10000-01-01 00:00:00", ""},
		{"backwards", "2026-01-02 00:00:00", "2026-01-01 00:00:00", "the range 2026-01-02 00:00:00 UTC to 2026-01-01 00:00:00 UTC is empty: its start must come before its end"},
		{"empty", "2026-01-01 00:00:00", "2026-01-01 00:00:00", "the range 2026-01-01 00:00:00 UTC to 2026-01-01 00:00:00 UTC is empty: its start must come before its end"},
		{"1970 to 9999", "1970-01-01 00:00:00", "9999-12-31 00:00:00", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "after 9999" {
				err := CheckRange(at(tc.from), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
				if err == nil || err.Error() != "10000-01-01 00:00:00 UTC is outside 1970 to 9999" {
					t.Errorf("got %v", err)
				}
				return
			}
			err := CheckRange(at(tc.from), at(tc.to))
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || err.Error() != tc.want) {
				t.Errorf("got %v, want %q", err, tc.want)
			}
		})
	}
}

func TestCheckSpan(t *testing.T) {
	from := time.Unix(0, 0).UTC()
	if err := CheckSpan(from, from.Add(maxDuration)); err != nil {
		t.Errorf("a hundred years: %v", err)
	}
	err := CheckSpan(from, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC))
	if want := "the range 1970-01-01 00:00:00 UTC to 9999-12-31 00:00:00 UTC is longer than 100y"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}
