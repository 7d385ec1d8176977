package store

import (
	"bytes"
	"fmt"
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
	levels := encodeValues(pts, false, nil)
	checkBack(t, vals, levels)
	e := encodeValues(pts, true, nil)
	checkBack(t, vals, e)
	// As stored: the smaller deflated, inflated again.
	var sq squeezer
	var f inflater
	best, data := sq.block(pts)
	var err error
	if best.vals, err = f.inflate(data, int64(len(best.vals))); err != nil {
		t.Fatal(err)
	}
	checkBack(t, vals, best)
	return e
}

// checkBack fails unless e decodes to vals, bit for bit.
func checkBack(t *testing.T, vals []float64, e encoded) {
	t.Helper()
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
}

func TestEncodeValues(t *testing.T) {
	tests := []struct {
		vals []float64
		want string
		base int64
		div  int64
	}{
		{[]float64{18.62, 18.63, 18.6}, "[0,1,-3]", 1862, 100},
		{[]float64{25276514304, 25276514304}, "[0,0]", 25276514304, 1},
		{[]float64{-1.5, 2}, "[0,35]", -15, 10},
		{[]float64{2, -1.5}, "[0,-35]", 20, 10},
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

func TestEncodeLevels(t *testing.T) {
	pts := []point{{0, 18.62}, {60, 18.63}, {120, 18.6}}
	e := encodeValues(pts, false, nil)
	if string(e.vals) != "[2,3,0]" || e.base != 1860 || e.div != 100 || e.delta {
		t.Errorf("levels of %v: %s base %d div %d delta %v", pts, e.vals, e.base, e.div, e.delta)
	}
}

// TestBlockPicksSmaller: a block is kept as differences where the
// values walk, and as levels where they jump about, whichever deflates
// smaller.
func TestBlockPicksSmaller(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	walk, noise := make([]point, 1440), make([]point, 1440)
	v := 5e9
	for i := range walk {
		v += math.Round(r.NormFloat64()*1e4/4096) * 4096
		walk[i] = point{int64(i) * 60, v}
		noise[i] = point{int64(i) * 60, math.Round(r.Float64()*1e4) / 100}
	}
	var sq squeezer
	for _, tt := range []struct {
		name  string
		pts   []point
		delta bool
	}{{"walk", walk, true}, {"noise", noise, false}} {
		e, data := sq.block(tt.pts)
		if e.delta != tt.delta {
			t.Errorf("%s: delta %v in %d bytes", tt.name, e.delta, len(data))
		}
		other := encodeValues(tt.pts, !e.delta, nil)
		if n := len(sq.squeeze(other.vals)); n < len(data) {
			t.Errorf("%s: kept %d bytes, the other way takes %d", tt.name, len(data), n)
		}
	}
}

// FuzzDecodeRollups: whatever a damaged row holds, decoding returns
// rollups or an error, and what encodes decodes back the same.
func FuzzDecodeRollups(f *testing.F) {
	f.Add([]byte("[[0,23],[1,0.5],[2,1e+21],[3,-3],[4,60],[5,7]]"))
	f.Add([]byte("[[],[],[],[],[],[]]"))
	f.Add([]byte("[[0],[1],[2],[3],[4]]"))
	f.Add([]byte("[[24],[1],[2],[3],[4],[5]]"))
	f.Add([]byte("[[0,1],[1],[2],[3],[4],[5]]"))
	f.Add([]byte("[[],[1,2],[2,3],[3,4],[4,60],[5,6]]"))
	f.Add([]byte("[[],[1,2],[2],[3,4],[4,60],[5,6]]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rs, err := decodeRollups(day0, b, nil)
		if err != nil {
			return
		}
		in := make([]rollup, len(rs))
		for i, r := range rs {
			if r.Hour < day0 || r.Hour >= day0+Period || r.Count < 1 {
				t.Fatalf("decoded %+v", r)
			}
			in[i] = rollup{hour: r.Hour, min: r.Min, max: r.Max, sum: r.Sum, count: r.Count, last: r.Last}
		}
		back, err := decodeRollups(day0, encodeRollups(day0, in, nil), nil)
		if err != nil || !reflect.DeepEqual(fmt.Sprint(back), fmt.Sprint(rs)) {
			t.Fatalf("%q: %v, then %v (%v)", b, rs, back, err)
		}
	})
}

// FuzzInflate: a damaged block's bytes and length give text of that
// length or an error, never a panic or a runaway allocation.
func FuzzInflate(f *testing.F) {
	var sq squeezer
	text := []byte("[0,1,2,3,4,5,6,7,8,9,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]")
	f.Add(bytes.Clone(sq.squeeze(text)), int64(len(text)))
	f.Add([]byte("[1]"), int64(3))
	f.Add([]byte{0x78, 0x9c, 0x03, 0x00}, int64(1<<40))
	f.Fuzz(func(t *testing.T, data []byte, size int64) {
		var fl inflater
		out, err := fl.inflate(data, size)
		if err == nil && int64(len(out)) != size {
			t.Fatalf("%d bytes for a length of %d", len(out), size)
		}
	})
}

// numberCases are texts that parseInt and parseFloat must read as
// strconv does: the forms Go writes, and the edges of the fast paths.
var numberCases = []string{
	"0", "-0", "7", "-7", "+7", "007", "123456789012345678", "-123456789012345678",
	"1234567890123456789", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
	"0.1", "0.30000000000000004", "-2.5", "1e+21", "1e21", "1E21", "1e+22", "1e+23", "5.49493248e+09",
	"1.5e-07", "1e-22", "1e-23", "9007199254740991", "9007199254740992", "9007199254740993",
	"1.7976931348623157e+308", "1e309", "4.9e-324", "1e-400", "NaN", "+Inf", "-Inf", "inf",
	"1.", ".5", "-", "", "1e", "1e+", "1_0", "0x1p-2", "1,2", " 1", "1 ", "--1", "1e00022", "0e99999",
	"12345678901234567890", "0.00000000000000000001",
}

func TestParseNumbers(t *testing.T) {
	for _, s := range numberCases {
		checkParse(t, s)
	}
}

// checkParse fails when parseInt or parseFloat reads s otherwise than
// strconv: another value, another bit, or an error where it has none.
func checkParse(t *testing.T, s string) {
	t.Helper()
	wantF, errF := strconv.ParseFloat(s, 64)
	gotF, err := parseFloat([]byte(s))
	if (err == nil) != (errF == nil) || math.Float64bits(gotF) != math.Float64bits(wantF) && !(math.IsNaN(gotF) && math.IsNaN(wantF)) {
		t.Errorf("parseFloat(%q) = %v, %v; strconv: %v, %v", s, gotF, err, wantF, errF)
	}
	wantI, errI := strconv.ParseInt(s, 10, 64)
	gotI, err := parseInt([]byte(s))
	if (err == nil) != (errI == nil) || gotI != wantI {
		t.Errorf("parseInt(%q) = %v, %v; strconv: %v, %v", s, gotI, err, wantI, errI)
	}
}

// FuzzParseNumbers: parseInt and parseFloat agree with strconv on any
// text, to the bit.
func FuzzParseNumbers(f *testing.F) {
	for _, s := range numberCases {
		f.Add(s)
	}
	f.Fuzz(checkParse)
}

// TestParseFloatShortest: every float64 as Go writes it at its
// shortest, the form the rollups hold, reads back to the same bits.
func TestParseFloatShortest(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var v float64
		switch r.IntN(3) {
		case 0:
			v = math.Float64frombits(r.Uint64())
		case 1:
			v = float64(r.Int64N(1e12)) / pow10[r.IntN(len(pow10))]
		default:
			v = r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-20))
		}
		s := strconv.AppendFloat(nil, v, 'g', -1, 64)
		got, err := parseFloat(s)
		if err != nil && !math.IsNaN(v) || math.Float64bits(got) != math.Float64bits(v) && !math.IsNaN(v) {
			t.Fatalf("%q: %v, %v, want %v", s, got, err, v)
		}
	}
}
