package store

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Period is the span of one block: every series keeps its samples of
// each day, aligned to the epoch (UTC), in one row, deflated: a day of
// values deflates far better than three hours of them would, and its
// row of one to five kilobytes still fits a page or two.
const Period = 86400

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
// integers, each value·div less the one before it, the first less base
// (delta), so that slowly moving figures cost a digit or two and steady
// ones a zero; or each value·div less base, the smallest (levels), which
// deflates better for figures that jump about; or, where the values have
// too many decimals for either, div 0 and the values themselves. The text
// is then deflated (see squeeze).
type encoded struct {
	base  int64
	div   int64
	delta bool
	vals  []byte
}

// encodeValues encodes the values of points, in order, as differences
// when delta is set, else as levels.
func encodeValues(pts []point, delta bool, buf []byte) encoded {
	buf = append(buf[:0], '[')
	k := 0
	for _, p := range pts {
		d := decimals(p.v)
		if d < 0 {
			return encodeRaw(pts, buf)
		}
		k = max(k, d)
	}
	// Each value as an integer with k decimals: its own integer, exact by
	// decimals, times a power of ten, in integers. (v·10^k in floating
	// point is not always exact for large v.)
	ns := make([]int64, len(pts))
	lo := int64(math.MaxInt64)
	for i, p := range pts {
		d := decimals(p.v)
		n := int64(math.Round(p.v * pow10[d]))
		for range k - d {
			n *= 10
		}
		if n >= maxExact || n <= -maxExact {
			return encodeRaw(pts, buf)
		}
		ns[i] = n
		lo = min(lo, n)
	}
	e := encoded{base: lo, div: int64(pow10[k]), delta: delta}
	prev := lo
	if delta && len(ns) > 0 {
		e.base, prev = ns[0], ns[0]
	}
	for i, n := range ns {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(buf, n-prev, 10)
		if delta {
			prev = n
		}
	}
	e.vals = append(buf, ']')
	return e
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
	acc := e.base
	for len(b) > 0 {
		num, rest := nextNumber(b)
		b = rest
		if e.div == 0 {
			v, err := parseFloat(num)
			if err != nil {
				return out, fmt.Errorf("bad value %q", num)
			}
			out = append(out, v)
			continue
		}
		d, err := parseInt(num)
		if err != nil || d >= 2*maxExact || d <= -2*maxExact {
			return out, fmt.Errorf("bad value %q", num)
		}
		if e.delta {
			acc += d
		} else {
			acc = e.base + d
		}
		if acc >= maxExact || acc <= -maxExact {
			return out, fmt.Errorf("value %q out of range", num)
		}
		n := float64(acc)
		if e.div != 1 {
			n /= float64(e.div)
		}
		out = append(out, n)
	}
	return out, nil
}

// nextNumber splits b at its first comma: the text before it, and what
// follows it.
func nextNumber(b []byte) (num, rest []byte) {
	for i, c := range b {
		if c == ',' {
			return b[:i], b[i+1:]
		}
	}
	return b, nil
}

// parseInt is strconv.ParseInt(string(b), 10, 64), without converting
// b: a block holds a thousand numbers, and a query reads thousands of
// blocks. Up to 18 digits, which cannot overflow, it reads them
// itself; anything else goes to strconv, which decides.
func parseInt(b []byte) (int64, error) {
	s := b
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 18 {
		return strconv.ParseInt(string(b), 10, 64)
	}
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			return strconv.ParseInt(string(b), 10, 64)
		}
		n = n*10 + int64(c-'0')
	}
	if len(s) < len(b) {
		n = -n
	}
	return n, nil
}

// exactPow10 are the powers of ten a float64 holds exactly.
var exactPow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseFloat is strconv.ParseFloat(string(b), 64), to the last bit.
// A number of the forms that Go's shortest formatting writes, whose
// digits make an integer m below 2^53 and whose exponent e is within
// ±22, is m·10^e or m/10^-e: both operands exact, so one operation
// rounds once, correctly, as strconv does (its own fast path is the
// same). Anything else goes to strconv.
func parseFloat(b []byte) (float64, error) {
	if v, ok := fastFloat(b); ok {
		return v, nil
	}
	return strconv.ParseFloat(string(b), 64)
}

// fastFloat reads -?DIGITS(.DIGITS)?([eE][+-]?DIGITS)?, when its value
// is exact as parseFloat says.
func fastFloat(b []byte) (float64, bool) {
	i, neg := 0, false
	if i < len(b) && b[i] == '-' {
		neg = true
		i++
	}
	var m uint64
	digits, exp := 0, 0
	start := i
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		m = m*10 + uint64(b[i]-'0')
		digits++
	}
	if i == start {
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		i++
		frac := i
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			m = m*10 + uint64(b[i]-'0')
			digits++
		}
		if i == frac {
			return 0, false
		}
		exp = frac - i
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		eneg := false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			eneg = b[i] == '-'
			i++
		}
		e, estart := 0, i
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9' && i-estart < 4; i++ {
			e = e*10 + int(b[i]-'0')
		}
		if i == estart {
			return 0, false
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	// 19 digits cannot overflow m; 2^53 keeps it exact as a float64.
	if i != len(b) || digits > 19 || m >= maxExact || exp < -22 || exp > 22 {
		return 0, false
	}
	v := float64(m)
	if exp < 0 {
		v /= exactPow10[-exp]
	} else {
		v *= exactPow10[exp]
	}
	if neg {
		v = -v
	}
	return v, true
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

// rollups sums up points, in time order, by hour. A sum of values of
// few decimals is summed exactly (see DecimalSum).
func rollups(pts []point) []rollup {
	var out []rollup
	var exact DecimalSum
	for _, p := range pts {
		h := p.ts - p.ts%3600
		if len(out) == 0 || out[len(out)-1].hour != h {
			out = append(out, rollup{hour: h, min: p.v, max: p.v})
			exact = DecimalSum{}
		}
		r := &out[len(out)-1]
		r.min = min(r.min, p.v)
		r.max = max(r.max, p.v)
		r.sum += p.v
		r.count++
		r.last = p.v
		if exact.Add(p.v) {
			r.sum = exact.Value()
		}
	}
	return out
}

// A DecimalSum adds values of at most nine decimals exactly, as an
// integer n and a power of ten k, n/10^k, and rounds once at the end:
// the float64 nearest the true sum, which is also the shortest to
// write. An hour's rollup sums its samples so, and sm-query sums an
// hour's samples the same way, so that a sum is the same to the last
// bit from either.
type DecimalSum struct {
	n      int64
	k      int
	broken bool // a value or the sum would not fit
}

// Add adds v and reports whether the sum is still exact; once it is
// not, it stays so.
func (s *DecimalSum) Add(v float64) bool {
	if s.broken {
		return false
	}
	d := decimals(v)
	if d < 0 {
		s.broken = true
		return false
	}
	for s.k < d {
		s.n *= 10
		s.k++
		if s.n >= maxExact || s.n <= -maxExact {
			s.broken = true
			return false
		}
	}
	m := int64(math.Round(v * pow10[d]))
	for range s.k - d {
		m *= 10
	}
	s.n += m
	if m >= maxExact || m <= -maxExact || s.n >= maxExact || s.n <= -maxExact {
		s.broken = true
		return false
	}
	return true
}

// Value is the sum, correctly rounded: n and 10^k are exact in float64,
// and one division rounds once.
func (s *DecimalSum) Value() float64 { return float64(s.n) / pow10[s.k] }

// encodeRollups writes a day's rollups, in time order, as the rollup
// table holds them: a JSON array of six arrays, column by column, which
// deflates better than row by row: the hours of the day from t0, then
// min, max, sum, count and last. The hours are left out, an empty
// array, when they are 0, 1, 2 and on, as a whole day's are. Numbers
// are written in Go's shortest form, which parses back to the same
// float64.
func encodeRollups(t0 int64, rs []rollup, buf []byte) []byte {
	implicit := true
	for i, r := range rs {
		implicit = implicit && r.hour == t0+int64(i)*3600
	}
	buf = append(buf[:0], '[')
	for c := range 6 {
		if c > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '[')
		for i, r := range rs {
			if i > 0 && !(c == 0 && implicit) {
				buf = append(buf, ',')
			}
			switch c {
			case 0:
				if implicit {
					continue
				}
				buf = strconv.AppendInt(buf, (r.hour-t0)/3600, 10)
			case 4:
				buf = strconv.AppendInt(buf, r.count, 10)
			default:
				buf = strconv.AppendFloat(buf, [...]float64{1: r.min, 2: r.max, 3: r.sum, 5: r.last}[c], 'g', -1, 64)
			}
		}
		buf = append(buf, ']')
	}
	return append(buf, ']')
}

// decodeRollups appends the rollups of a day's text to out.
func decodeRollups(t0 int64, b []byte, out []Rollup) ([]Rollup, error) {
	bad := func(why string) ([]Rollup, error) { return out, errors.New("rollups: " + why) }
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return bad("not a JSON array")
	}
	b = b[1 : len(b)-1]
	// Each column's numbers, read in step, row by row.
	var cols [6][]byte
	rows, hours := 0, 0
	for c := range cols {
		end := bytes.IndexByte(b, ']')
		if len(b) == 0 || b[0] != '[' || end < 0 {
			return bad("not six arrays")
		}
		cols[c] = b[1:end]
		n := 0
		if end > 1 {
			n = bytes.Count(cols[c], []byte{','}) + 1
		}
		switch {
		case c == 1:
			rows = n
			if len(cols[0]) > 0 && n != hours {
				return bad("arrays of different lengths")
			}
		case c == 0:
			hours = n
		case n != rows:
			return bad("arrays of different lengths")
		}
		b = b[end+1:]
		if c < len(cols)-1 {
			if len(b) == 0 || b[0] != ',' {
				return bad("not six arrays")
			}
			b = b[1:]
		}
	}
	if len(b) != 0 {
		return bad("more than six arrays")
	}
	start := len(out)
	implicit := len(cols[0]) == 0
	for i := range rows {
		var num [6][]byte
		for c := range cols {
			num[c], cols[c] = nextNumber(cols[c])
		}
		h, err1 := int64(i), error(nil)
		if !implicit {
			h, err1 = parseInt(num[0])
		}
		n, err2 := parseInt(num[4])
		var f [4]float64
		var err3 error
		for j, c := range [...]int{1, 2, 3, 5} {
			if f[j], err3 = parseFloat(num[c]); err3 != nil {
				break
			}
		}
		if err1 != nil || err2 != nil || err3 != nil || h < 0 || h >= Period/3600 || n < 1 {
			return out[:start], errors.New("rollups: a bad number")
		}
		out = append(out, Rollup{Hour: t0 + h*3600, Min: f[0], Max: f[1], Sum: f[2], Count: n, Last: f[3]})
	}
	return out, nil
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
