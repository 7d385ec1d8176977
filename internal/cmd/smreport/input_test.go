package smreport

import (
	"reflect"
	"testing"
	"time"
)

func TestInputSpan(t *testing.T) {
	at := func(s string) int64 {
		tm, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.Unix()
	}
	tests := []struct {
		name     string
		ts       []int64
		from, to string
		ok       bool
	}{
		{"none", nil, "", "", false},
		{"one record: a minute", []int64{at("2026-11-20 07:00:00")}, "2026-11-20 06:59:00", "2026-11-20 07:00:00", true},
		{"under a day: to the minute", []int64{at("2026-11-20 09:30:00"), at("2026-11-20 07:00:40")}, "2026-11-20 07:00:00", "2026-11-20 09:30:00", true},
		{"30 days less 5 minutes: 30d", []int64{at("2026-10-26 07:05:00"), at("2026-11-25 07:00:00")}, "2026-10-26 07:00:00", "2026-11-25 07:00:00", true},
		{"14 days and 5 hours: 15d", []int64{at("2026-11-11 02:00:00"), at("2026-11-25 07:00:00")}, "2026-11-10 07:00:00", "2026-11-25 07:00:00", true},
		{"exactly 7 days", []int64{at("2026-11-18 07:00:00"), at("2026-11-25 07:00:00")}, "2026-11-18 07:00:00", "2026-11-25 07:00:00", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in input
			for _, ts := range tt.ts {
				in.add(ts)
			}
			from, to, ok := in.span(time.UTC)
			if ok != tt.ok {
				t.Fatalf("ok %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			if got := from.Format(time.DateTime); got != tt.from {
				t.Errorf("from %s, want %s", got, tt.from)
			}
			if got := to.Format(time.DateTime); got != tt.to {
				t.Errorf("to %s, want %s", got, tt.to)
			}
			if from.Unix() > in.first {
				t.Errorf("from %s after the first record", from)
			}
		})
	}
}

func TestInputLeftOut(t *testing.T) {
	in := input{lo: 1000, hi: 2000}
	for _, ts := range []int64{999, 998, 1000, 2000, 2001} {
		in.add(ts)
	}
	want := []string{
		"2 records before 1970-01-01 00:16:40 left out: older than the period and the one before",
		"1 record after 1970-01-01 00:33:20 left out: after the period",
	}
	if got := in.leftOut(time.UTC); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := (&input{}).leftOut(time.UTC); got != nil {
		t.Errorf("nothing left out: got %q", got)
	}
}
