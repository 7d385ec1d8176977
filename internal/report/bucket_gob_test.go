package report

import (
	"bytes"
	"encoding/gob"
	"testing"
	"time"
)

// TestBucketGob: a bucket read back from the site's cache merges as it
// did before, its sum and all; a cut one is an error.
func TestBucketGob(t *testing.T) {
	var b Bucket
	b.Start = time.Date(2026, 11, 25, 6, 0, 0, 0, time.FixedZone("X", 3600))
	for _, v := range []float64{1, 2, 6} {
		b.add(v)
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode([]Bucket{b}); err != nil {
		t.Fatal(err)
	}
	var got []Bucket
	if err := gob.NewDecoder(&buf).Decode(&got); err != nil {
		t.Fatal(err)
	}
	g := got[0]
	if !g.Start.Equal(b.Start) || g.N != 3 || g.Min != 1 || g.Max != 6 || g.Avg != 3 {
		t.Fatalf("read back %+v, want %+v", g, b)
	}
	g.add(11)
	if g.Avg != 5 || g.N != 4 {
		t.Errorf("merged after reading back: avg %v of %d, want 5 of 4", g.Avg, g.N)
	}
	enc, _ := b.GobEncode()
	for _, n := range []int{0, 1, len(enc) - 1} {
		if err := new(Bucket).GobDecode(enc[:n]); err == nil {
			t.Errorf("%d of %d bytes read without an error", n, len(enc))
		}
	}
}
