package store

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Period is the span of one block: every series keeps its samples of
// each three hours, aligned to the epoch, in one row. At one sample a
// minute that is 180 samples, under a kilobyte of text, so that a row
// fits a 4 KiB page with room for others.
const Period = 3 * 3600

// periodStart returns the start of the period holding ts.
func periodStart(ts int64) int64 { return ts - ts%Period }

// A point is one sample.
type point struct {
	ts int64
	v  float64
}

// pow10 are the divisors a block can use: a block of values with k
// decimals stores each as an integer, value·10^k.
var pow10 = [...]float64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}

// maxExact is 2^53: integers up to it convert to float64 exactly.
const maxExact = 1 << 53

// decimals returns the fewest decimals k for which v is exactly
// float64(n)/10^k for an integer n, or -1 when there is none small
// enough. Dividing by 10^k is correctly rounded, as is parsing the
// decimal text, so such a value reads back bit for bit.
func decimals(v float64) int {
	for k, p := range pow10 {
		n := math.Round(v * p)
		if math.Abs(n) < maxExact && n/p == v {
			return k
		}
	}
	return -1
}

// An encoded block is what the block table holds: the values as JSON
// integers, each the value·div minus base, the smallest of them, so that
// slowly moving figures cost a few digits; or, where the values have too
// many decimals for that, div 0 and the values themselves.
type encoded struct {
	base int64
	div  int64
	vals []byte
}

// encodeValues encodes the values of points, in order.
func encodeValues(pts []point, buf []byte) encoded {
	buf = append(buf[:0], '[')
	ks := make([]int8, len(pts))
	k := 0
	for i, p := range pts {
		d := decimals(p.v)
		if d < 0 {
			return encodeRaw(pts, buf)
		}
		ks[i] = int8(d)
		k = max(k, d)
	}
	// Each value as an integer with k decimals: its own integer, exact by
	// decimals, times a power of ten, in integers. (v·10^k in floating
	// point is not always exact for large v.)
	ns := make([]int64, len(pts))
	base := int64(math.MaxInt64)
	for i, p := range pts {
		d := int(ks[i])
		n := int64(math.Round(p.v * pow10[d]))
		for range k - d {
			n *= 10
		}
		if n >= maxExact || n <= -maxExact {
			return encodeRaw(pts, buf)
		}
		ns[i] = n
		base = min(base, n)
	}
	for i, n := range ns {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(buf, n-base, 10)
	}
	return encoded{base: base, div: int64(pow10[k]), vals: append(buf, ']')}
}

// encodeRaw writes the values themselves, for those with too many
// decimals to be integers: div 0.
func encodeRaw(pts []point, buf []byte) encoded {
	buf = append(buf[:0], '[')
	for i, p := range pts {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendFloat(buf, p.v, 'g', -1, 64)
	}
	return encoded{div: 0, vals: append(buf, ']')}
}

// decodeValues appends the values of an encoded block to out.
func decodeValues(e encoded, out []float64) ([]float64, error) {
	b := e.vals
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return out, errors.New("values are not a JSON array")
	}
	b = b[1 : len(b)-1]
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] != ',' {
			i++
		}
		num := b[:i]
		if e.div == 0 {
			v, err := strconv.ParseFloat(string(num), 64)
			if err != nil {
				return out, fmt.Errorf("bad value %q", num)
			}
			out = append(out, v)
		} else {
			d, err := strconv.ParseInt(string(num), 10, 64)
			if err != nil {
				return out, fmt.Errorf("bad value %q", num)
			}
			n := float64(e.base + d)
			if e.div != 1 {
				n /= float64(e.div)
			}
			out = append(out, n)
		}
		if i < len(b) {
			i++
		}
		b = b[i:]
	}
	return out, nil
}

// offsetWidth is the width of one time offset in a times row: five
// decimal digits, zero-padded, so that the view can pick the i-th with
// substr() in constant time, in any sqlite3 shell.
const offsetWidth = 5

// encodeTimes writes the offsets of the points from the period start t0.
// Series sampled together share one such row.
func encodeTimes(t0 int64, pts []point, buf []byte) []byte {
	buf = buf[:0]
	for _, p := range pts {
		off := p.ts - t0
		buf = append(buf, byte('0'+off/10000), byte('0'+off/1000%10), byte('0'+off/100%10), byte('0'+off/10%10), byte('0'+off%10))
	}
	return buf
}

// decodeTimes appends the timestamps of a times row to out.
func decodeTimes(t0 int64, b []byte, out []int64) ([]int64, error) {
	if len(b)%offsetWidth != 0 {
		return out, errors.New("times row of a bad length")
	}
	for i := 0; i < len(b); i += offsetWidth {
		var off int64
		for _, c := range b[i : i+offsetWidth] {
			if c < '0' || c > '9' {
				return out, errors.New("times row with a non-digit")
			}
			off = off*10 + int64(c-'0')
		}
		out = append(out, t0+off)
	}
	return out, nil
}

// merge returns the points of the layers, in time order, one per
// timestamp: where layers share a timestamp, the later layer's point
// wins, and within a layer, the later point.
func merge(layers ...[]point) []point {
	var all []point
	for _, l := range layers {
		all = append(all, l...)
	}
	// Stable, so that among equal timestamps the order of arrival stays
	// and the last one is the latest.
	slices.SortStableFunc(all, func(a, b point) int {
		switch {
		case a.ts < b.ts:
			return -1
		case a.ts > b.ts:
			return 1
		}
		return 0
	})
	out := all[:0]
	for _, p := range all {
		if len(out) > 0 && out[len(out)-1].ts == p.ts {
			out[len(out)-1] = p
			continue
		}
		out = append(out, p)
	}
	return out
}

// A rollup sums up one series' samples of one hour.
type rollup struct {
	hour                int64
	min, max, sum, last float64
	count               int64
}

// touched keeps the rollups of the hours that hold a point of news.
func touched(rs []rollup, news ...[]point) []rollup {
	out := rs[:0]
	for _, r := range rs {
		hit := false
		for _, n := range news {
			for _, p := range n {
				if p.ts-p.ts%3600 == r.hour {
					hit = true
					break
				}
			}
		}
		if hit {
			out = append(out, r)
		}
	}
	return out
}

// rollups sums up points, in time order, by hour.
func rollups(pts []point) []rollup {
	var out []rollup
	for _, p := range pts {
		h := p.ts - p.ts%3600
		if len(out) == 0 || out[len(out)-1].hour != h {
			out = append(out, rollup{hour: h, min: p.v, max: p.v})
		}
		r := &out[len(out)-1]
		r.min = min(r.min, p.v)
		r.max = max(r.max, p.v)
		r.sum += p.v
		r.count++
		r.last = p.v
	}
	return out
}

// A blockCache keeps the points of the blocks this process wrote last,
// so that a stream that writes a period over several batches does not
// read each block back. It is bounded by points, not blocks.
type blockCache struct {
	m      map[[2]int64][]point
	points int
}

// maxCached bounds the points a blockCache holds: 2 MB, a period of a
// minute-by-minute stream of 700 series.
const maxCached = 1 << 17

func (c *blockCache) get(series, t0 int64) ([]point, bool) {
	pts, ok := c.m[[2]int64{series, t0}]
	return pts, ok
}

func (c *blockCache) put(series, t0 int64, pts []point) {
	if c.m == nil || c.points+len(pts) > maxCached {
		c.clear()
		c.m = map[[2]int64][]point{}
	}
	c.drop(series, t0)
	c.m[[2]int64{series, t0}] = pts
	c.points += len(pts)
}

func (c *blockCache) drop(series, t0 int64) {
	if pts, ok := c.m[[2]int64{series, t0}]; ok {
		c.points -= len(pts)
		delete(c.m, [2]int64{series, t0})
	}
}

func (c *blockCache) clear() {
	clear(c.m)
	c.points = 0
}
