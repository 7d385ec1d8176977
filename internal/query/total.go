package query

import (
	"encoding/binary"
	"fmt"
	"math"
)

// totalScale scales a Total's second copy down: far enough that the
// sum of 2⁶⁴ values of the largest magnitude still fits, near enough
// that ordinary values stay normal numbers.
const (
	totalScale = 0x1p-64
	totalUnits = 0x1p64
)

// A Total adds up floats. While the sum is finite it is the plain sum,
// to the last bit; a copy scaled down by a power of two, which loses
// nothing, carries on where the plain sum overflows, so that a sum of
// finite values that passes ±MaxFloat64 on the way, or an average of
// huge values, is still known.
type Total struct {
	plain, scaled float64
}

// Add adds v.
func (t *Total) Add(v float64) {
	t.plain += v
	t.scaled += v * totalScale
}

// AddDiff adds v−w, which may itself be beyond ±MaxFloat64.
func (t *Total) AddDiff(v, w float64) {
	t.plain += v - w
	t.scaled += v*totalScale - w*totalScale
}

// Merge adds the values that u added up.
func (t *Total) Merge(u Total) {
	t.plain += u.plain
	t.scaled += u.scaled
}

// Value returns the sum, and whether it is a finite number: false when
// it lies beyond ±MaxFloat64.
func (t Total) Value() (float64, bool) {
	if finite(t.plain) {
		return t.plain, true
	}
	v := t.scaled * totalUnits
	return v, finite(v)
}

// Div returns the sum divided by n, n ≥ 1, and whether that is finite.
// An average of finite values always is.
func (t Total) Div(n float64) (float64, bool) {
	if finite(t.plain) {
		return t.plain / n, true
	}
	v := t.scaled / n * totalUnits
	return v, finite(v)
}

func finite(v float64) bool { return !math.IsInf(v, 0) && !math.IsNaN(v) }

// MarshalBinary writes the total in 16 bytes, for a cache to keep it.
func (t Total) MarshalBinary() ([]byte, error) {
	b := binary.LittleEndian.AppendUint64(nil, math.Float64bits(t.plain))
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(t.scaled)), nil
}

// UnmarshalBinary reads a total that MarshalBinary wrote.
func (t *Total) UnmarshalBinary(b []byte) error {
	if len(b) != 16 {
		return fmt.Errorf("a total is 16 bytes, not %d", len(b))
	}
	t.plain = math.Float64frombits(binary.LittleEndian.Uint64(b))
	t.scaled = math.Float64frombits(binary.LittleEndian.Uint64(b[8:]))
	return nil
}
