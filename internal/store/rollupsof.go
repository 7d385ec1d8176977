package store

// RollupsOf returns the hourly rollups of the given series whose hour
// starts from from up to, not including, to, each series' in time
// order: one query for many series, as RangeOf reads their samples.
// Memory holds every rollup returned: callers bound series × hours.
func (db *DB) RollupsOf(from, to int64, series []int64) (map[int64][]Rollup, error) {
	out := map[int64][]Rollup{}
	for len(series) > 0 {
		chunk := series[:min(len(series), 500)] // well under SQLite's limit of parameters
		series = series[len(chunk):]
		in, args := inList(chunk, from-Period, to)
		err := db.rollupDays("SELECT series_id, t0, size, hours FROM rollup WHERE t0 > ? AND t0 < ? AND series_id IN "+in+" ORDER BY series_id, t0",
			args, func(id int64, rs []Rollup) error {
				for _, r := range rs {
					if r.Hour >= from && r.Hour < to {
						out[id] = append(out[id], r)
					}
				}
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
