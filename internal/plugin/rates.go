package plugin

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ratesHeader starts the state file of Munin rates; a file of another
// version is started afresh without a word.
const ratesHeader = "sm-sample munin rates 1"

// rateState holds the last raw value and its time of each Munin field
// that is a counter, between runs.
type rateState struct {
	m map[rateKey]rateEntry
}

type rateKey struct{ graph, field string }

type rateEntry struct {
	value float64
	time  float64 // Unix seconds
}

// The file is text, a line per field and a checksum of all before it, so
// that a file cut short or garbled is known:
//
//	sm-sample munin rates 1
//	"if_eth0" "down" 9014451000 1764045000
//	end 9a3f0c1b2d4e5f60
func (st *rateState) marshal() []byte {
	b := append([]byte(ratesHeader), '\n')
	keys := slices.SortedFunc(maps.Keys(st.m), func(a, b rateKey) int {
		if c := strings.Compare(a.graph, b.graph); c != 0 {
			return c
		}
		return strings.Compare(a.field, b.field)
	})
	for _, k := range keys {
		e := st.m[k]
		b = strconv.AppendQuote(b, k.graph)
		b = append(b, ' ')
		b = strconv.AppendQuote(b, k.field)
		b = append(b, ' ')
		b = strconv.AppendFloat(b, e.value, 'f', -1, 64)
		b = append(b, ' ')
		b = strconv.AppendFloat(b, e.time, 'f', -1, 64)
		b = append(b, '\n')
	}
	b = append(b, "end "...)
	b = strconv.AppendUint(b, sum(b), 16)
	return append(b, '\n')
}

func sum(b []byte) uint64 {
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}

func unmarshalRates(b []byte) (*rateState, error) {
	st := &rateState{m: map[rateKey]rateEntry{}}
	header, _, _ := bytes.Cut(b, []byte("\n"))
	if string(header) != ratesHeader {
		if bytes.HasPrefix(header, []byte("sm-sample munin rates ")) {
			return st, nil
		}
		return nil, errors.New("not a state file")
	}
	i := bytes.LastIndex(b, []byte("\nend "))
	if i < 0 || b[len(b)-1] != '\n' {
		return nil, errors.New("cut short")
	}
	s, err := strconv.ParseUint(string(b[i+len("\nend "):len(b)-1]), 16, 64)
	if err != nil || s != sum(b[:i+len("\nend ")]) {
		return nil, errors.New("checksum mismatch")
	}
	body := string(b[len(header)+1 : i+1])
	for n, line := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		if line == "" {
			continue
		}
		var k rateKey
		var vals []float64
		err := func() error {
			for _, p := range []*string{&k.graph, &k.field} {
				q, err := strconv.QuotedPrefix(line)
				if err != nil {
					return err
				}
				*p, _ = strconv.Unquote(q)
				line = strings.TrimPrefix(line[len(q):], " ")
			}
			for _, f := range strings.Fields(line) {
				v, err := strconv.ParseFloat(f, 64)
				if err != nil {
					return err
				}
				vals = append(vals, v)
			}
			return nil
		}()
		if err != nil || len(vals) != 2 {
			return nil, fmt.Errorf("line %d is not GRAPH FIELD VALUE TIME", n+2)
		}
		st.m[k] = rateEntry{vals[0], vals[1]}
	}
	return st, nil
}

// loadRates reads the state file at path. A missing one is an empty
// state; a damaged one is an empty state and an error saying so.
func loadRates(path string) (*rateState, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || err == nil && len(b) == 0 {
		return &rateState{m: map[rateKey]rateEntry{}}, nil
	}
	if err != nil {
		return &rateState{m: map[rateKey]rateEntry{}}, fmt.Errorf("reading munin state: %w", err)
	}
	st, err := unmarshalRates(b)
	if err != nil {
		return &rateState{m: map[rateKey]rateEntry{}}, fmt.Errorf("munin state file %s is damaged, starting afresh: %v", path, err)
	}
	return st, nil
}

// save replaces the file at path: a run that overlaps this one may lose
// its values, never garble the file.
func (st *rateState) save(path string) error {
	return writeFile(path, st.marshal())
}

// prune forgets the fields not seen for longer than a rate may span.
func (st *rateState) prune(now time.Time, maxInterval time.Duration) {
	if maxInterval <= 0 {
		return
	}
	oldest := seconds(now.Add(-maxInterval))
	maps.DeleteFunc(st.m, func(_ rateKey, e rateEntry) bool { return e.time < oldest })
}

func seconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// twoTo32 is where a 32-bit COUNTER wraps.
const twoTo32 = 1 << 32

// rate keeps a field's value, and returns its rate per second since the
// previous one, as RRDtool would store it for the field's type:
//
//   - DERIVE: the change over the interval; one that went down was
//     reset, and gives nothing.
//   - COUNTER: the same, but one that went down from below 2^32 wrapped
//     there, as RRDtool has it. A 64-bit counter takes centuries to wrap
//     at any real speed, so one that went down from above was reset, and
//     gives nothing, where RRDtool would add 2^64.
//   - ABSOLUTE: the value, counted since the previous run, over the
//     interval.
//
// There is no rate without a previous value, for an interval that is not
// positive or is longer than maxInterval, or without a state at all.
func (st *rateState) rate(k rateKey, typ string, v float64, t time.Time, maxInterval time.Duration) (float64, bool) {
	if st == nil {
		return 0, false
	}
	prev, ok := st.m[k]
	now := seconds(t)
	st.m[k] = rateEntry{v, now}
	dt := now - prev.time
	if !ok || dt <= 0 || maxInterval > 0 && dt > maxInterval.Seconds() {
		return 0, false
	}
	switch typ {
	case "ABSOLUTE":
		return v / dt, true
	case "DERIVE", "COUNTER":
		d := v - prev.value
		if d < 0 {
			if typ != "COUNTER" || prev.value >= twoTo32 || v >= twoTo32 {
				return 0, false
			}
			d += twoTo32
		}
		return d / dt, true
	}
	return 0, false
}
