package store

import (
	"path/filepath"
	"reflect"
	"testing"
)

// TestRollupsOf: one read of many series gives each its rollups of the
// range, as Rollups does series by series, however many series.
func TestRollupsOf(t *testing.T) {
	c := &clock{t0 + 2*Period}
	db := openTest(t, filepath.Join(t.TempDir(), "m.db"), c)
	write(t, db, "a 1 1764039600", "a 3 1764043200", "a 5 1764046800", "b 2 1764039660", "c 7 1764050400")
	var ids []int64
	for _, k := range []string{"a", "b", "c"} {
		id, err := db.SeriesID(k)
		if err != nil || id == 0 {
			t.Fatalf("series %s: %d, %v", k, id, err)
		}
		ids = append(ids, id)
	}
	from, to := int64(t0), int64(t0+3*3600) // the hours of a and b, not c's
	want := map[int64][]Rollup{}
	for _, id := range ids {
		err := db.Rollups(id, from, to, func(r Rollup) error {
			want[id] = append(want[id], r)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(want[ids[0]]) != 3 || len(want[ids[1]]) != 1 || len(want[ids[2]]) != 0 {
		t.Fatalf("rollups %+v", want)
	}
	// Many ids, more than one chunk of parameters, most of no series.
	many := append([]int64{}, ids...)
	for i := int64(1000); i < 1700; i++ {
		many = append(many, i)
	}
	got, err := db.RollupsOf(from, to, many)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RollupsOf = %+v, want %+v", got, want)
	}
}
