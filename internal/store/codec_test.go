package store

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
)

// Variables, not constants: Go computes constant expressions exactly.
var tenth, fifth, three = 0.1, 0.2, 3.0

func TestDecimals(t *testing.T) {
	tests := []struct {
		v    float64
		want int
	}{
		{0, 0}, {42, 0}, {-7, 0}, {18.62, 2}, {0.1, 1}, {0.27, 2}, {1e-9, 9}, {123456.789, 3},
		{tenth + fifth, -1}, {1 / three, -1}, {1e300, -1}, {math.MaxFloat64, -1}, {9007199254740993, -1},
		{25276514304, 0}, {999995.73, 2},
	}
	for _, tt := range tests {
		if got := decimals(tt.v); got != tt.want {
			t.Errorf("decimals(%v) = %d, want %d", tt.v, got, tt.want)
		}
	}
}

// roundTrip encodes and decodes values and fails unless every one comes
// back bit for bit.
func roundTrip(t *testing.T, vals []float64) encoded {
	t.Helper()
	pts := make([]point, len(vals))
	for i, v := range vals {
		pts[i] = point{int64(i), v}
	}
	e := encodeValues(pts, nil)
	e.vals = append([]byte(nil), e.vals...)
	got, err := decodeValues(e, nil)
	if err != nil {
		t.Fatalf("decode %s: %v", e.vals, err)
	}
	if len(got) != len(vals) {
		t.Fatalf("%d values back, want %d", len(got), len(vals))
	}
	for i := range vals {
		if math.Float64bits(got[i]) != math.Float64bits(vals[i]) && !(got[i] == 0 && vals[i] == 0) {
			t.Fatalf("value %d: %v came back as %v via %+v", i, vals[i], got[i], e)
		}
	}
	return e
}

func TestEncodeValues(t *testing.T) {
	tests := []struct {
		vals []float64
		want string
		base int64
		div  int64
	}{
		{[]float64{18.62, 18.63, 18.6}, "[2,3,0]", 1860, 100},
		{[]float64{25276514304, 25276514304}, "[0,0]", 25276514304, 1},
		{[]float64{-1.5, 2}, "[0,35]", -15, 10},
		{[]float64{tenth + fifth, 1}, "[0.30000000000000004,1]", 0, 0},
		{[]float64{1e21}, "[1e+21]", 0, 0},
	}
	for _, tt := range tests {
		e := roundTrip(t, tt.vals)
		if string(e.vals) != tt.want || e.base != tt.base || e.div != tt.div {
			t.Errorf("encode %v = %s base %d div %d, want %s base %d div %d", tt.vals, e.vals, e.base, e.div, tt.want, tt.base, tt.div)
		}
	}
}

func TestValuesRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := 1 + r.IntN(50)
		vals := make([]float64, n)
		kind := r.IntN(5)
		for i := range vals {
			switch kind {
			case 0: // percentages with two decimals, as printed
				vals[i], _ = strconv.ParseFloat(strconv.FormatFloat(r.Float64()*100, 'f', 2, 64), 64)
			case 1: // byte counts
				vals[i] = float64(r.Int64N(1 << 45))
			case 2: // anything
				vals[i] = math.Float64frombits(r.Uint64())
				if math.IsNaN(vals[i]) || math.IsInf(vals[i], 0) {
					vals[i] = 1
				}
			case 3: // rates with decimals, negative too
				vals[i], _ = strconv.ParseFloat(strconv.FormatFloat((r.Float64()-0.5)*1e7, 'f', r.IntN(10), 64), 64)
			default:
				vals[i] = r.NormFloat64()
			}
		}
		roundTrip(t, vals)
	}
}

func TestTimes(t *testing.T) {
	t0 := int64(1764043200)
	pts := []point{{t0, 0}, {t0 + 60, 0}, {t0 + 10799, 0}}
	b := encodeTimes(t0, pts, nil)
	if string(b) != "000000006010799" {
		t.Errorf("offsets %q", b)
	}
	got, err := decodeTimes(t0, b, nil)
	if err != nil || !reflect.DeepEqual(got, []int64{t0, t0 + 60, t0 + 10799}) {
		t.Errorf("decode: %v %v", got, err)
	}
	for _, bad := range []string{"0000", "0000x"} {
		if _, err := decodeTimes(t0, []byte(bad), nil); err == nil {
			t.Errorf("decodeTimes(%q) accepted", bad)
		}
	}
	if _, err := decodeValues(encoded{div: 1, vals: []byte("[1,x]")}, nil); err == nil {
		t.Error("bad value accepted")
	}
	if _, err := decodeValues(encoded{div: 1, vals: []byte("1,2")}, nil); err == nil {
		t.Error("not an array accepted")
	}
}

func TestMerge(t *testing.T) {
	block := []point{{10, 1}, {20, 1}, {30, 1}}
	hot := []point{{20, 2}, {40, 2}}
	batch := []point{{40, 3}, {5, 3}, {40, 4}}
	got := merge(block, hot, batch)
	want := []point{{5, 3}, {10, 1}, {20, 2}, {30, 1}, {40, 4}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merge = %v, want %v", got, want)
	}
}

func TestRollups(t *testing.T) {
	pts := []point{{3600, 5}, {3660, 1}, {7199, 3}, {7200, 10}}
	want := []rollup{
		{hour: 3600, min: 1, max: 5, sum: 9, count: 3, last: 3},
		{hour: 7200, min: 10, max: 10, sum: 10, count: 1, last: 10},
	}
	if got := rollups(pts); !reflect.DeepEqual(got, want) {
		t.Errorf("rollups = %+v, want %+v", got, want)
	}
}
