package table

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"sm/internal/format"
	"sm/internal/format/term"
	"sm/internal/record"
)

func TestFit(t *testing.T) {
	for _, c := range []struct {
		name   string
		w      []int
		mins   []int
		shrink []int
		width  int
		want   []int
	}{
		{"fits", []int{19, 10, 5}, nil, []int{0, 1, 0}, 40, nil},
		{"widest first", []int{8, 30, 20, 5}, nil, []int{0, 1, 1, 0}, 50, []int{8, 15, 14, 5}},
		{"one column", []int{8, 30, 5}, nil, []int{0, 1, 0}, 30, []int{8, 11, 5}},
		{"down to minCell", []int{8, 30, 30, 5}, nil, []int{0, 1, 1, 0}, 10, []int{8, minCell, minCell, 5}},
		{"mins kept", []int{8, 30, 20, 5}, []int{6, 20, 6, 6}, []int{0, 1, 1, 0}, 50, []int{8, 20, 9, 5}},
		{"tags first", []int{8, 20, 30, 5}, nil, []int{0, 2, 1, 0}, 60, []int{8, 20, 19, 5}},
		{"then names", []int{8, 20, 30, 5}, nil, []int{0, 2, 1, 0}, 50, []int{8, 15, 14, 5}},
		{"mins given up", []int{8, 30, 20, 5}, []int{6, 30, 20, 6}, []int{0, 1, 1, 0}, 50, []int{8, 15, 14, 5}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := fit(c.w, c.mins, c.shrink, c.width)
			if !slices.Equal(got, c.want) {
				t.Errorf("fit(%v, %v, %v, %d) = %v, want %v", c.w, c.mins, c.shrink, c.width, got, c.want)
			}
		})
	}
}

func TestDistinct(t *testing.T) {
	cols := [][]string{
		{"net.rx_bytes_per_s", "net.rx_packets_per_s", "net.rx_bytes_per_s"},
		{"cpu.busy_pct", "cpu.busy_pct"},
	}
	mins := distinct(cols, []int{20, 12})
	a, b := term.Shorten("net.rx_bytes_per_s", mins[0]), term.Shorten("net.rx_packets_per_s", mins[0])
	if a == b {
		t.Errorf("at %d runes both are %q", mins[0], a)
	}
	if term.Shorten("net.rx_bytes_per_s", mins[0]-1) != term.Shorten("net.rx_packets_per_s", mins[0]-1) {
		t.Errorf("%d runes is more than needed", mins[0])
	}
	if mins[1] != minCell {
		t.Errorf("one value needs %d runes, want %d", mins[1], minCell)
	}
}

// TestTableWidth: a table given a width folds its tags and shortens its
// cells to fit, and keeps its rows apart.
func TestTableWidth(t *testing.T) {
	o := format.Options{Columns: []string{"device", "host", "mount"}, Width: 70}
	out := write(t, o,
		rec(`disk.used_pct;host=web1;mount=/srv/volume/one/data1`, 1),
		rec(`disk.used_pct;host=web1;mount=/srv/volume/one/data2`, 2),
		rec(`diskio.util_pct;device=nvme0n1;host=web1`, 412345678912))
	for line := range strings.Lines(out) {
		if n := utf8.RuneCountInString(strings.TrimSuffix(line, "\n")); n > 70 {
			t.Errorf("%d runes: %q", n, line)
		}
	}
	for _, want := range []string{" 2025-11-25 ", " 04:30:00 ", " tags ", "mount=/sr…one/data1 ", "mount=/sr…one/data2 ", " disk.used_pct ", "device=nvme0n1", " 412345678912 "} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	// Unfitted, the same table has a column per tag and full times.
	o.Width = 0
	out = write(t, o, rec(`disk.used_pct;host=web1;mount=/srv/volume/one/data1`, 1))
	if !strings.Contains(out, " 2025-11-25 04:30:00 ") || !strings.Contains(out, " mount ") {
		t.Errorf("unfitted table changed:\n%s", out)
	}
}

// TestTableValues: computed aggregates at TableDigits, stored ones as
// they are, units with Human.
func TestTableValues(t *testing.T) {
	o := format.Options{Columns: []string{"agg"}, Aggregated: true, Human: true}
	out := write(t, o,
		rec(`cpu.busy_pct;agg=avg`, 40.097000000000016),
		rec(`cpu.busy_pct;agg=max`, 40.123456789),
		rec(`mem.used_bytes;agg=avg`, 412345678912),
		rec(`x;agg=sum`, 1.0/3))
	for _, want := range []string{" 40.097 ", " 40.123456789 ", " 384.0 GiB ", " 0.333333 "} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

// TestStreamValues: past tableBuffer rows the widths are fixed, and a
// later, longer value still shows whole.
func TestStreamValues(t *testing.T) {
	o := format.Options{Columns: []string{"host"}, Width: 80, Widths: map[string]int{"name": 3, "host": 4}}
	var recs []record.Record
	for range tableBuffer + 1 {
		recs = append(recs, rec("cpu;host=web1", 1))
	}
	recs = append(recs, rec("cpu;host=web1", -1.2345678901234567e-300))
	out := write(t, o, recs...)
	if !strings.Contains(out, " -1.2345678901234568e-300 \n") {
		t.Errorf("the last value is cut:\n%s", out[len(out)-200:])
	}
}

// TestTableWideChars: a Chinese character takes two columns of a
// terminal, and the table counts it so.
func TestTableWideChars(t *testing.T) {
	o := format.Options{Columns: []string{"host", "site"}, Width: 60}
	out := write(t, o,
		rec(`app.requests_per_s;host=web1;site=北京上海广州深圳北京上海广州深圳北京上海广州深圳`, 1),
		rec(`app.requests_per_s;host=web1;site=paris`, 2))
	for line := range strings.Lines(out) {
		cols := 0
		for _, r := range strings.TrimSuffix(line, "\n") {
			cols++
			if r >= 0x4e00 && r <= 0x9fff {
				cols++
			}
		}
		if cols > 60 {
			t.Errorf("%d columns: %q", cols, line)
		}
	}
	if !strings.Contains(out, "深圳") || !strings.Contains(out, "…") {
		t.Errorf("not shortened in the middle:\n%s", out)
	}
}
