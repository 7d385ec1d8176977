package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"sm/internal/record"
)

// A GroupMeta is how a group of one host's series is titled and
// labelled: what a Munin plugin's config says of its graph, from the
// meta line sm-sample writes before the graph's records (record.Meta).
type GroupMeta struct {
	Title  string // the graph's title, "" for none
	VLabel string // the label of its vertical axis, "" for none
	// Order lists fields, the last components of the group's series
	// names, in the order to show them; fields not listed come after.
	Order []string
	// Labels are the fields' labels, by field.
	Labels map[string]string
}

// MaxHostGroups is the most groups with meta that one host may have: a
// meta line is up to record.MaxMetaLine long, and a host that sent them
// for ever new groups would otherwise fill the disk. A Munin node has a
// few hundred graphs.
const MaxHostGroups = 2000

// addGroupMeta keeps the latest meta of each host's groups, host as in
// series.host (escaped), order as FIELD,FIELD..., labels as a JSON
// object: both readable from the sqlite3 shell. It runs in the
// transaction of every migration: a crash leaves the old schema or the
// new one, whole.
func addGroupMeta(ctx context.Context, c *sql.Conn) error {
	return execAll(ctx, c,
		`CREATE TABLE group_meta (
			host TEXT NOT NULL,
			grp TEXT NOT NULL,
			ts INTEGER NOT NULL,
			title TEXT NOT NULL,
			vlabel TEXT NOT NULL,
			field_order TEXT NOT NULL,
			labels TEXT NOT NULL,
			PRIMARY KEY (host, grp)
		) WITHOUT ROWID`,
	)
}

// AddMeta adds a group's meta to the batch, to be stored with its
// samples. Of the same host and group, the one of the latest time is
// kept, the last one written of equal times.
func (b *Batch) AddMeta(m record.Meta) { b.metas = append(b.metas, m) }

// Metas returns the number of metas in the batch.
func (b *Batch) Metas() int { return len(b.metas) }

// EachMeta calls f with every meta of the batch, in order of arrival.
func (b *Batch) EachMeta(f func(m *record.Meta)) {
	for i := range b.metas {
		f(&b.metas[i])
	}
}

// EachRefusedMeta calls f with every meta that the last Write did not
// store because its host has MaxHostGroups groups with meta already.
func (b *Batch) EachRefusedMeta(f func(m *record.Meta)) {
	for _, i := range b.refusedMeta {
		f(&b.metas[i])
	}
}

// writeMetas stores the batch's metas. Of one host's group only the
// batch's latest is written, and only if it says something new: the
// same meta comes every run, and may be 64 KiB.
func (w *writer) writeMetas(b *Batch) (int, error) {
	if len(b.metas) == 0 {
		return 0, nil
	}
	type key struct{ host, group string }
	latest := map[key]int{}
	var order []key
	for i := range b.metas {
		m := &b.metas[i]
		if err := m.Check(); err != nil {
			// ParseMeta passed it: a caller's mistake.
			return 0, err
		}
		k := key{m.Host, m.Group}
		j, ok := latest[k]
		if !ok {
			order = append(order, k)
		}
		if !ok || m.Time >= b.metas[j].Time {
			latest[k] = i
		}
	}
	stored := 0
	groups := map[string]int{} // a host's groups, once counted
	for _, k := range order {
		i := latest[k]
		m := &b.metas[i]
		host := string(record.AppendTagValue(nil, m.Host))
		var n int
		if err := w.c.QueryRowContext(w.ctx, "SELECT count(*) FROM group_meta WHERE host = ? AND grp = ?", host, m.Group).Scan(&n); err != nil {
			return stored, err
		}
		if n == 0 {
			have, ok := groups[host]
			if !ok {
				if err := w.c.QueryRowContext(w.ctx, "SELECT count(*) FROM group_meta WHERE host = ?", host).Scan(&have); err != nil {
					return stored, err
				}
			}
			if have >= MaxHostGroups {
				groups[host] = have
				// Every meta of the group is refused, not only the one
				// that would have been written.
				for j := range b.metas {
					if b.metas[j].Host == m.Host && b.metas[j].Group == m.Group {
						b.refusedMeta = append(b.refusedMeta, j)
					}
				}
				continue
			}
			groups[host] = have + 1
		}
		labels := []byte("{}")
		if len(m.Labels) > 0 {
			var err error
			if labels, err = json.Marshal(m.Labels); err != nil {
				return stored, err
			}
		}
		// The time of an unchanged meta is left as it was: the time
		// of its last change, against which a late, older one loses.
		if err := w.exec(`INSERT INTO group_meta (host, grp, ts, title, vlabel, field_order, labels)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (host, grp) DO UPDATE SET ts = excluded.ts, title = excluded.title,
				vlabel = excluded.vlabel, field_order = excluded.field_order, labels = excluded.labels
			WHERE excluded.ts >= group_meta.ts AND (title, vlabel, field_order, labels) IS NOT
				(excluded.title, excluded.vlabel, excluded.field_order, excluded.labels)`,
			host, m.Group, m.Time, m.Title, m.VLabel, strings.Join(m.Order, ","), string(labels)); err != nil {
			return stored, err
		}
		stored++
	}
	slices.Sort(b.refusedMeta)
	return stored, nil
}

// GroupMeta returns the latest meta of a host's group: host as the host
// tag's value (decoded, as record.TagValue gives it; "" for series
// without one), group as record.Meta.Group, munin.load. Without one,
// it reports false.
func (db *DB) GroupMeta(host, group string) (GroupMeta, bool, error) {
	var m GroupMeta
	var order, labels string
	err := db.conn.QueryRowContext(context.Background(),
		"SELECT title, vlabel, field_order, labels FROM group_meta WHERE host = ? AND grp = ?",
		string(record.AppendTagValue(nil, host)), group).Scan(&m.Title, &m.VLabel, &order, &labels)
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	if err != nil {
		return m, false, err
	}
	if order != "" {
		m.Order = strings.Split(order, ",")
	}
	if err := json.Unmarshal([]byte(labels), &m.Labels); err != nil {
		return m, false, fmt.Errorf("meta of host %q, group %q: labels: %w", host, group, err)
	}
	if len(m.Labels) == 0 {
		m.Labels = nil
	}
	return m, true, nil
}
