package store

import (
	"database/sql/driver"
	"strings"
)

// RollupsOf returns the hourly rollups of the given series whose hour
// starts from from up to, not including, to, each series' in time
// order: one query for many series, as RangeOf reads their samples.
// Memory holds every rollup returned: callers bound series × hours.
func (db *DB) RollupsOf(from, to int64, series []int64) (map[int64][]Rollup, error) {
	out := map[int64][]Rollup{}
	for len(series) > 0 {
		chunk := series[:min(len(series), 500)] // well under SQLite's limit of parameters
		series = series[len(chunk):]
		args := []any{from, to}
		for _, id := range chunk {
			args = append(args, id)
		}
		q := strings.Repeat(",?", len(chunk))
		err := db.each("SELECT series_id, hour, min, max, sum, count, last FROM rollup WHERE hour >= ? AND hour < ? AND series_id IN ("+q[1:]+") ORDER BY series_id, hour",
			args, 7, func(v []driver.Value) error {
				id := asInt(v[0])
				out[id] = append(out[id], Rollup{Hour: asInt(v[1]), Min: asFloat(v[2]), Max: asFloat(v[3]), Sum: asFloat(v[4]), Count: asInt(v[5]), Last: asFloat(v[6])})
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
