package collect

import (
	"errors"
	"reflect"
	"testing"

	"golang.org/x/sys/unix"
)

func TestClock(t *testing.T) {
	tests := []struct {
		name   string
		state  int
		tx     unix.Timex
		err    error
		want   []string
		errMsg string
	}{
		{"synchronised, microseconds", unix.TIME_OK, unix.Timex{Offset: -1500}, nil,
			[]string{"sys.clock_synced 1", "sys.clock_offset_s -0.0015"}, ""},
		{"nanoseconds", unix.TIME_OK, unix.Timex{Offset: 250000, Status: staNano}, nil,
			[]string{"sys.clock_synced 1", "sys.clock_offset_s 0.00025"}, ""},
		// A leap second pending is still synchronised.
		{"leap second", unix.TIME_INS, unix.Timex{}, nil,
			[]string{"sys.clock_synced 1", "sys.clock_offset_s 0"}, ""},
		// No daemon has set the clock: STA_UNSYNC, state TIME_ERROR.
		{"unsynchronised", unix.TIME_ERROR, unix.Timex{Status: unix.STA_UNSYNC}, nil,
			[]string{"sys.clock_synced 0", "sys.clock_offset_s 0"}, ""},
		// A sandbox forbidding the call: nothing, and no failure.
		{"forbidden", 0, unix.Timex{}, unix.EPERM, nil, "not available here"},
		{"failing", 0, unix.Timex{}, unix.EFAULT, nil, "adjtimex: bad address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &Source{Adjtimex: func(tx *unix.Timex) (int, error) {
				if tx.Modes != 0 {
					t.Errorf("adjtimex called with modes %#x: it must only read", tx.Modes)
				}
				*tx = tt.tx
				return tt.state, tt.err
			}}
			got, err := clockSamples(src)
			if tt.errMsg != "" {
				if err == nil || err.Error() != tt.errMsg {
					t.Fatalf("error %v, want %q", err, tt.errMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(lines(got), tt.want) {
				t.Errorf("got %q, want %q", lines(got), tt.want)
			}
		})
	}
}

// TestClockLive asks this machine's kernel: two figures, or none where a
// sandbox forbids the call.
func TestClockLive(t *testing.T) {
	got, err := clockSamples(&Source{})
	if errors.Is(err, errAbsent) {
		t.Skip("adjtimex is forbidden here")
	}
	if err != nil || len(got) != 2 || (got[0].Value != 0 && got[0].Value != 1) {
		t.Fatalf("got %q, %v", lines(got), err)
	}
}
