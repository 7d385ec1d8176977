// Package smquery is the body of sm-query: it selects stored samples,
// aggregates them if asked, and prints them, as a table on a terminal and
// as records, CSV or JSON in a pipe.
package smquery

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"sm/internal/cli"
	"sm/internal/esc"
	"sm/internal/format"
	"sm/internal/format/table"
	"sm/internal/format/term"
	"sm/internal/query"
	"sm/internal/record"
	"sm/internal/store"
	"sm/internal/when"
)

const doc = `
Print the stored samples of the last hour, or of --since and --until,
as a table on a terminal and as records in a pipe:

  sm-query --since 1d --metric 'disk.*' --host web1
  sm-query --since 7d --step 1h --agg avg,max --metric load.5m
  sm-query --since 1d | sm-store --db copy.db`

// heapGoal is the soft limit sm-query sets on its heap for the formats
// that hold samples up to a bound (the views, term.MaxWideSamples,
// and the table's first rows), unless GOMEMLIMIT sets another: without
// it the collector lets the heap grow to twice what is live before it
// collects, which took the wide table at its bound past 30 MB. What
// holds a row a series (--list) goes without: a hub's many series
// could hold more than the limit, and the collector would run and run.
const heapGoal = 16 << 20

// Main runs sm-query with args and returns its exit status.
func Main(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	c := cli.New("sm-query", "[OPTION]...", doc, stdout, stderr)
	f := c.Flags
	dbPath := cli.DBFlag(f)
	sel := query.AddFlags(f, "1h")
	list := f.Bool("list", false, "print the matching series, with their first and last time and sample count, not the samples")
	limit := f.Int("limit", 0, "print at most `N` samples, or with --list series")
	step := f.String("step", "", "aggregate into buckets of `DURATION` (needs --agg)")
	aggs := f.String("agg", "", "aggregate with `FUNCS`, comma-separated: avg min max sum count first last p50 p90 p95 p99 stddev rate")
	formatName := f.String("format", "", "print as `FORMAT`: "+strings.Join(format.Names(), ", ")+" (default: table on a terminal, else graphite)")
	precision := format.Precision(time.Nanosecond)
	f.Var(&precision, "precision", "write influx timestamps in `UNIT`: s, ms, us or ns")
	exitStatus := f.BoolP("exit-status", "e", false, "exit 1 when nothing matched")
	atf := addAtFlags(f)
	human := f.Bool("human", false, "write bytes and rates in the table and wide with their units, as 384.0 GiB and 1.2 MB/s (default: on when they go to a terminal)")
	if code, done := c.Parse(args); done {
		return code
	}
	if f.NArg() > 0 {
		return c.UsageError("unexpected argument %q", f.Arg(0))
	}
	loc := sel.Location()
	now := cli.Now().In(loc)
	q, err := sel.Query(now)
	if err != nil {
		return c.UsageError("%v", err)
	}
	q.Limit = *limit
	if *limit < 0 {
		return c.UsageError("--limit must not be negative")
	}
	if *aggs != "" {
		if q.Funcs, err = query.ParseFuncs(*aggs); err != nil {
			return c.UsageError("--agg: %v", err)
		}
	}
	if *step != "" {
		if q.Buckets.Step, err = when.ParseDuration(*step); err != nil {
			return c.UsageError("--step: %v", err)
		}
		if err := query.CheckStep(q.Buckets.Step); err != nil {
			return c.UsageError("%v", err)
		}
		if len(q.Funcs) == 0 {
			return c.UsageError("--step needs --agg, the functions to aggregate with")
		}
	}
	if *formatName == "" {
		*formatName = format.Default
		if cli.IsTerminal(stdout) {
			*formatName = "table"
		}
	}
	if _, err := format.New(*formatName, io.Discard, format.Options{}); err != nil {
		return c.UsageError("--format: %v", err)
	}
	if err := atf.query(&q, now, sel.RangeSet(), *list, *formatName); err != nil {
		return c.UsageError("%v", err)
	}
	if err := checkView(*formatName, *list); err != nil {
		return c.UsageError("%v", err)
	}
	if !f.Changed("human") {
		*human = (*formatName == "table" || *formatName == "wide") && cli.IsTerminal(stdout)
	}
	if (isView(*formatName) || *formatName == "table") && !*list && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(heapGoal)
	}
	out := output{name: *formatName, prec: time.Duration(precision), loc: loc, human: *human, width: cli.Width(stdout)}

	path, err := store.Resolve(*dbPath)
	if err != nil {
		return c.Fail(err)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return c.Fail(fmt.Errorf("%s: no database here: sm-store makes it", path))
	}
	db, err := store.Open(path, store.Options{ReadOnly: true, Wait: 30 * time.Second, Now: cli.Now})
	if err != nil {
		return c.Fail(err)
	}
	defer db.Close()

	// A reader that goes away, as head does, ends the output: quietly.
	signal.Ignore(syscall.SIGPIPE)
	var n int
	beyond := false
	if *list {
		n, err = listSeries(db, q, out, now, stdout)
	} else if atf.set() {
		n, err = printAt(c, db, q, *atf.sort == "value", out, stdout)
	} else {
		n, beyond, err = printSamples(c, db, q, out, now, stdout)
	}
	if errors.Is(err, syscall.EPIPE) {
		return cli.OK
	}
	if errors.Is(err, errSkipped) {
		return cli.Fail
	}
	if errors.Is(err, term.ErrTooManySeries) {
		return c.UsageError("%v", err)
	}
	if err != nil {
		return c.Fail(err)
	}
	if beyond || n == 0 && *exitStatus {
		return cli.Fail
	}
	return cli.OK
}

// maxTagColumns is how many tag keys, host and agg aside, the formats
// with a column per tag key (table, csv, tsv) show as columns. With
// more, the tags but host and agg share one column: 5,000 series with a
// key each would otherwise make every row 5,000 cells wide.
const maxTagColumns = 8

// columns returns the tag keys of the selected series that get a
// column, whether the others fold into one (format.Options.FoldTags),
// and the widest value of each column, and of their names, as the
// output shows them. It reads the series a batch at a time, keeping
// only the widths, and a second time for the width of folded tags.
func columns(db *store.DB, sel query.Selector, agg bool) ([]string, bool, map[string]int, error) {
	widths := map[string]int{}
	err := sel.Each(db, func(series []query.Series) error {
		for _, s := range series {
			widths["name"] = max(widths["name"], len(esc.Text(s.Name)))
			for _, t := range s.Tags {
				widths[t.Key] = max(widths[t.Key], len(esc.Text(string(record.AppendTagValue(nil, t.Value)))))
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, nil, err
	}
	if agg {
		widths["agg"] = len("stddev")
	}
	var cols []string
	for k := range widths {
		if k != "name" {
			cols = append(cols, k)
		}
	}
	slices.Sort(cols)
	if n := len(cols) - btoi(widths["host"] > 0) - btoi(agg); n <= maxTagColumns {
		return cols, false, widths, nil
	}
	cols = slices.DeleteFunc(cols, func(k string) bool { return k != "host" && k != "agg" })
	err = sel.Each(db, func(series []query.Series) error {
		for _, s := range series {
			folded := format.AppendFolded(nil, s.Tags, cols)
			widths[format.FoldedColumn] = max(widths[format.FoldedColumn], len(esc.Text(string(folded))))
		}
		return nil
	})
	return cols, true, widths, err
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// errSkipped says that some series were left out of the output, each
// with a warning already: the exit status is 1, with nothing more to say.
var errSkipped = errors.New("series left out")

// output is how sm-query prints, from its flags.
type output struct {
	name  string         // the format
	prec  time.Duration  // of influx timestamps
	loc   *time.Location // of times for people
	width int            // of the table, 0 for no limit
	human bool           // units in the table
}

// printSamples prints the samples or aggregates of q, and says whether
// some were left out for values beyond ±MaxFloat64.
func printSamples(c *cli.Command, db *store.DB, q query.Query, out output, now time.Time, stdout io.Writer) (int, bool, error) {
	agg := len(q.Funcs) > 0
	cols, fold, widths, err := columns(db, q.Selector, agg)
	if err != nil {
		return 0, false, err
	}
	terminal := cli.IsTerminal(stdout)
	// The Prometheus formats write a family's lines together: the
	// series come to them family by family, so that they stream.
	each := func(fn func([]query.Series) error) error { return q.Each(db, fn) }
	ordered := out.name == "prom" || out.name == "openmetrics"
	if ordered {
		each = func(fn func([]query.Series) error) error {
			return q.EachOrdered(db, format.ComparePromNames, format.PromSeriesOrder(terminal), fn)
		}
	}
	w, err := format.New(out.name, stdout, format.Options{Location: out.loc, Columns: cols, FoldTags: fold, Widths: widths,
		Precision: out.prec, Terminal: terminal, Width: out.width, Height: cli.Height(stdout), Human: out.human,
		Aggregated: agg, Step: q.Buckets.Step, Order: record.NaturalCompare, Ordered: ordered})
	if err != nil {
		return 0, false, err
	}
	// A series the format cannot hold is left out, with a warning, and
	// the rest written: one bad series never stops an export.
	skipped := 0
	warn := func(err error) error {
		skips, rest := format.Split(err)
		for _, s := range skips {
			c.Warn(s)
			skipped++
		}
		return rest
	}
	st, err := query.RunEach(db, q, now, each, func(r *record.Record) error {
		// An average or a sum carries float noise in its last digits
		// (40.097000000000016): no format writes it.
		if agg && format.Computed(r.Tag("agg")) {
			r.Value = format.Round(r.Value, format.RecordDigits)
		}
		return warn(w.Write(r))
	})
	if cerr := warn(w.Close()); err == nil {
		err = cerr
	}
	if msg := st.Warning(); msg != "" && err == nil {
		c.Warnf("%s", msg)
	}
	if msg := st.BeyondWarning(); msg != "" && err == nil {
		c.Warnf("%s", msg)
	}
	if err == nil && skipped > 0 {
		err = errSkipped
	}
	return st.Records, st.Beyond > 0, err
}

// listSeries prints the series that have samples in the range: name,
// tags, first and last time, and how many samples. It reads the series
// a batch at a time and writes each row as it goes, but for the table,
// which holds the rows it prints.
func listSeries(db *store.DB, q query.Query, out output, now time.Time, stdout io.Writer) (int, error) {
	formatName, loc := out.name, out.loc
	header := []string{"name", "tags", "first", "last", "samples"}
	layout := time.RFC3339
	if formatName == "table" {
		layout = time.DateTime
	}
	if out.width > 0 {
		// Seconds matter little in a list of series, nor the year of
		// this year's, as ls -l has it: a narrow terminal has better
		// use for the room.
		layout = "2006-01-02 15:04"
		if q.From.In(loc).Year() == now.Year() {
			layout = "Jan 02 15:04"
		}
	}
	var rows [][]string
	from, to := q.From.Unix(), q.To.Unix()+1
	terminal := cli.IsTerminal(stdout)
	n := 0
	var w *csv.Writer
	bw := bufio.NewWriter(stdout)
	switch formatName {
	case "csv":
		w = csv.NewWriter(stdout)
		w.Write(header)
	case "json", "table":
	default:
		bw.WriteString(strings.Join(header, "\t") + "\n")
	}
	err := q.Each(db, func(series []query.Series) error {
		for _, s := range series {
			var first, last, count int64
			err := db.Scan(s.ID, from, to, func(ts int64, v float64) error {
				if count == 0 {
					first = ts
				}
				last, count = ts, count+1
				return nil
			})
			if err != nil {
				return err
			}
			if count == 0 {
				continue
			}
			n++
			row := []string{s.Name, s.Series.Tags, time.Unix(first, 0).In(loc).Format(layout),
				time.Unix(last, 0).In(loc).Format(layout), fmt.Sprint(count)}
			// Names and tags go to a spreadsheet too, or to a terminal.
			if formatName == "csv" || formatName == "tsv" {
				row[0], row[1] = format.NeutraliseCell(row[0]), format.NeutraliseCell(row[1])
			}
			if terminal && formatName != "json" {
				row[0], row[1] = esc.Text(row[0]), esc.Text(row[1])
			}
			if formatName == "table" {
				rows = append(rows, row)
			} else if err := writeListRow(formatName, row, header, w, bw); err != nil {
				return err
			}
			if n == q.Limit {
				return errLimit
			}
		}
		return nil
	})
	if err != nil && err != errLimit {
		return 0, err
	}
	switch formatName {
	case "table":
		if len(rows) == 0 {
			return 0, nil
		}
		return len(rows), table.RenderFit(stdout, header, rows, out.width, []int{2, 1, 0, 0, 0})
	case "csv":
		w.Flush()
		return n, w.Error()
	}
	return n, bw.Flush()
}

// errLimit stops listSeries at --limit series.
var errLimit = errors.New("limit reached")

// writeListRow writes a row of --list in JSON, CSV or tab-separated.
func writeListRow(formatName string, r, header []string, w *csv.Writer, bw *bufio.Writer) error {
	switch formatName {
	case "json":
		b := []byte{'{'}
		for i, h := range header {
			if i > 0 {
				b = append(b, ',')
			}
			b = format.AppendJSONString(b, h)
			b = append(b, ':')
			if h == "samples" {
				b = append(b, r[i]...)
			} else {
				b = format.AppendJSONString(b, r[i])
			}
		}
		b = append(b, "}\n"...)
		_, err := bw.Write(b)
		return err
	case "csv":
		w.Write(r)
		return w.Error()
	}
	// Tab-separated: names and escaped tags hold no tabs.
	_, err := bw.WriteString(strings.Join(r, "\t") + "\n")
	return err
}
