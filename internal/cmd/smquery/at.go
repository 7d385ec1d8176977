package smquery

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"sm/internal/cli"
	"sm/internal/format"
	"sm/internal/query"
	"sm/internal/record"
	"sm/internal/store"
	"sm/internal/when"
)

// atFlags are --at and --window: every series' value at a moment, as
// "what did the machine look like at 03:00" asks.
type atFlags struct {
	at, window, sort *string
	f                *pflag.FlagSet
}

// maxSorted is the most series --sort value orders: it holds them all
// before it prints the first.
var maxSorted = 100000

// defaultWindow is how far before --at a sample may lie: an hour holds
// a sample of whatever cron runs hourly or more often, and a series
// silent for longer than that says nothing about the moment.
const defaultWindow = "1h"

func addAtFlags(f *pflag.FlagSet) *atFlags {
	return &atFlags{
		f:      f,
		at:     f.String("at", "", "print each series' last sample at or before `TIME` (written as for --since), one row a series"),
		window: f.String("window", defaultWindow, "with --at, look back at most `DURATION` for a sample"),
		sort:   f.String("sort", "", "with --at, order the rows of each metric by `KEY`: value, the largest first"),
	}
}

// set reports whether --at was given.
func (a *atFlags) set() bool { return *a.at != "" }

// query turns q into the range --at looks at, and checks that nothing
// else on the command line contradicts it. Its errors are usage errors.
func (a *atFlags) query(q *query.Query, now time.Time, rangeSet, list bool, formatName string) error {
	if !a.set() {
		switch {
		case a.f.Changed("window"):
			return fmt.Errorf("--window needs --at")
		case a.f.Changed("sort"):
			return fmt.Errorf("--sort needs --at")
		}
		return nil
	}
	if *a.sort != "" && *a.sort != "value" {
		return fmt.Errorf("--sort %q: want value", *a.sort)
	}
	switch {
	case rangeSet:
		return fmt.Errorf("--at is a moment: not with --since or --until")
	case list:
		return fmt.Errorf("--at prints samples: not with --list")
	case len(q.Funcs) > 0:
		return fmt.Errorf("--at prints samples: not with --agg or --step")
	case isView(formatName):
		return fmt.Errorf("--at gives one sample a series: not with --format %s", formatName)
	}
	at, err := when.ParseTime(*a.at, now, now.Location())
	if err != nil {
		return fmt.Errorf("--at: %v", err)
	}
	window, err := when.ParseDuration(*a.window)
	if err != nil {
		return fmt.Errorf("--window: %v", err)
	}
	if window <= 0 {
		return fmt.Errorf("--window must be longer than 0")
	}
	q.From, q.To = at.Add(-window), at
	if err := when.CheckRange(q.From, q.To); err != nil {
		return fmt.Errorf("--at %s --window %s: %v", *a.at, *a.window, err)
	}
	return nil
}

// printAt prints the last sample of each selected series from q.From to
// q.To, both included, in the given format, and warns of the series
// that have none there. It reads the series a batch at a time.
func printAt(c *cli.Command, db *store.DB, q query.Query, sortValue bool, out output, stdout io.Writer) (int, error) {
	cols, fold, widths, err := columns(db, q.Selector, false)
	if err != nil {
		return 0, err
	}
	w, err := format.New(out.name, stdout, format.Options{Location: out.loc, Columns: cols, FoldTags: fold, Widths: widths,
		Precision: out.prec, Terminal: cli.IsTerminal(stdout), Width: out.width, Human: out.human})
	if err != nil {
		return 0, err
	}
	skipped := 0
	warn := func(err error) error {
		skips, rest := format.Split(err)
		for _, s := range skips {
			c.Warn(s)
			skipped++
		}
		return rest
	}
	from, to := q.From.Unix(), q.To.Unix()+1
	n, missing := 0, 0
	// With --sort value, the samples wait here to be ordered.
	var sorted []record.Record
	write := func(r *record.Record) error {
		if q.Limit > 0 && n == q.Limit {
			return errLimit
		}
		n++
		return warn(w.Write(r))
	}
	err = q.Each(db, func(series []query.Series) error {
		ids := make([]int64, len(series))
		for i, s := range series {
			ids[i] = s.ID
		}
		rng, err := db.RangeOf(from, to, ids)
		if err != nil {
			return err
		}
		for _, s := range series {
			r := record.Record{Name: s.Name, Tags: s.Tags}
			found := false
			err := rng.Scan(s.ID, func(ts int64, v float64) error {
				r.Time, r.Value, found = ts, v, true
				return nil
			})
			if err != nil {
				return err
			}
			if !found {
				missing++
				continue
			}
			if sortValue {
				if len(sorted) == maxSorted {
					return fmt.Errorf("--sort value: more than %d series have a sample from %s to %s: select fewer with --metric, --host or --tag",
						maxSorted, q.From.Format(time.DateTime), q.To.Format(time.DateTime))
				}
				r.Tags = slices.Clone(r.Tags)
				sorted = append(sorted, r)
				continue
			}
			if err := write(&r); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil && sortValue {
		// Each metric's rows together, as without --sort, the largest
		// value first; equal values in the series' order.
		slices.SortStableFunc(sorted, func(a, b record.Record) int {
			return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(b.Value, a.Value))
		})
		for i := range sorted {
			if err = write(&sorted[i]); err != nil {
				break
			}
		}
	}
	if err == errLimit {
		err = nil
	}
	if cerr := warn(w.Close()); err == nil {
		err = cerr
	}
	if err != nil {
		return n, err
	}
	if missing > 0 {
		c.Warnf("%d %s no sample from %s to %s: left out", missing, plural(missing, "series has", "series have"),
			q.From.Format(time.DateTime), q.To.Format(time.DateTime))
	}
	if skipped > 0 {
		return n, errSkipped
	}
	return n, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
