package when

import (
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"
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

func TestParseTime(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 10, 30, 0, 0, berlin)
	tests := []struct {
		in   string
		want string // in RFC 3339, UTC
	}{
		{"now", "2026-11-25T09:30:00Z"},
		{"1h", "2026-11-25T08:30:00Z"},
		{"90s", "2026-11-25T09:28:30Z"},
		{"7d", "2026-11-18T09:30:00Z"},
		// A day before a DST change is 24 hours, not a calendar day.
		{"2w", "2026-11-11T09:30:00Z"},
		{"2026-11-01", "2026-10-31T23:00:00Z"},
		{"2026-11-01T14:30", "2026-11-01T13:30:00Z"},
		{"2026-11-01 14:30", "2026-11-01T13:30:00Z"},
		{"2026-11-01 14:30:00", "2026-11-01T13:30:00Z"},
		{"2026-07-01 14:30:00", "2026-07-01T12:30:00Z"}, // summer time
		{"2026-11-01T14:30:00Z", "2026-11-01T14:30:00Z"},
		{"2026-11-01T14:30:00+05:30", "2026-11-01T09:00:00Z"},
		{"@1764045000", "2025-11-25T04:30:00Z"},
		// 02:30 does not exist on 2026-03-29 in Berlin; 02:30 on
		// 2026-10-25 happens twice.
		{"2026-03-29 02:30", "2026-03-29T01:30:00Z"},
	}
	// 02:30 on 2026-10-25 happens twice: either will do.
	if got, err := ParseTime("2026-10-25 02:30", now, berlin); err != nil ||
		got.UTC().Format(time.RFC3339) != "2026-10-25T00:30:00Z" && got.UTC().Format(time.RFC3339) != "2026-10-25T01:30:00Z" {
		t.Errorf("ParseTime of a repeated time: %v, %v", got, err)
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in, now, berlin)
		if err != nil {
			t.Errorf("ParseTime(%q): %v", tt.in, err)
			continue
		}
		if g := got.UTC().Format(time.RFC3339); g != tt.want {
			t.Errorf("ParseTime(%q) = %s, want %s", tt.in, g, tt.want)
		}
	}
	for _, s := range []string{"0000-01-10", "1969-12-31", "100y"} {
		if _, err := ParseTime(s, now, berlin); err == nil || err.Error() != fmt.Sprintf("time %q is outside 1970 to 9999", s) {
			t.Errorf("ParseTime(%q) = %v", s, err)
		}
	}
	for _, bad := range []string{"", "tomorrow", "Yesterday", "today  03:00", "today ", "yesterday 3:00", "03:00 today", "24:00", "03:60", "03:00:61", "03:00Z", "2026-13-01", "2026-11-01T25:00", "@", "@-5", "@+5", "@99999999999999", "7", "1.5h", "2026/11/01", "2026-11-01T14:30:00+25:00"} {
		_, err := ParseTime(bad, now, berlin)
		if err == nil || !strings.HasPrefix(err.Error(), fmt.Sprintf("bad time %q: want a duration", bad)) {
			t.Errorf("ParseTime(%q) = %v", bad, err)
		}
	}
}

// TestParseTimeOfDay: the forms of sar's -s and -e, read in the given
// location, relative to now's day there.
func TestParseTimeOfDay(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 10, 30, 0, 0, berlin)
	for _, tc := range []struct {
		name, in string
		now      time.Time
		loc      *time.Location
		want     string // RFC 3339, UTC
	}{
		{"time of day", "03:00", now, berlin, "2026-11-25T02:00:00Z"},
		{"with seconds", "03:00:15", now, berlin, "2026-11-25T02:00:15Z"},
		// Today's, as sar has it, even when it is still to come.
		{"later today", "23:59", now, berlin, "2026-11-25T22:59:00Z"},
		{"today", "today", now, berlin, "2026-11-24T23:00:00Z"},
		{"today at", "today 03:00", now, berlin, "2026-11-25T02:00:00Z"},
		{"yesterday", "yesterday", now, berlin, "2026-11-23T23:00:00Z"},
		{"yesterday at", "yesterday 03:00", now, berlin, "2026-11-24T02:00:00Z"},
		{"yesterday at with seconds", "yesterday 23:59:59", now, berlin, "2026-11-24T22:59:59Z"},
		// The day is the location's: at 00:30 in Berlin it is still
		// the day before in UTC.
		{"day of the location", "today", time.Date(2026, 11, 25, 0, 30, 0, 0, berlin), berlin, "2026-11-24T23:00:00Z"},
		{"utc", "03:00", now, time.UTC, "2026-11-25T03:00:00Z"},
		// Yesterday across a change to winter time is a calendar day.
		{"across dst", "yesterday 12:00", time.Date(2026, 10, 26, 9, 0, 0, 0, berlin), berlin, "2026-10-25T11:00:00Z"},
		{"across months", "yesterday", time.Date(2026, 12, 1, 9, 0, 0, 0, berlin), berlin, "2026-11-29T23:00:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseTime(tc.in, tc.now, tc.loc)
			if err != nil {
				t.Fatalf("ParseTime(%q): %v", tc.in, err)
			}
			if g := got.UTC().Format(time.RFC3339); g != tc.want {
				t.Errorf("ParseTime(%q) = %s, want %s", tc.in, g, tc.want)
			}
		})
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"now", "1h", "2026-11-01", "2026-11-01T14:30:00Z", "@1764045000", "2026-03-29 02:30",
		"03:00", "yesterday 03:00:30", "today"} {
		f.Add(s)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 11, 25, 10, 30, 0, 0, berlin)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s, now, berlin)
		if err != nil {
			return
		}
		if got.Year() < 1970 || got.Year() > 9999 {
			t.Fatalf("ParseTime(%q) = %v", s, got)
		}
		// Whatever was accepted reads back from its RFC 3339 form.
		back, err := ParseTime(got.Format(time.RFC3339), now, berlin)
		if err != nil || !back.Equal(got.Truncate(time.Second)) {
			t.Fatalf("%q: %v does not read back: %v, %v", s, got, back, err)
		}
	})
}
