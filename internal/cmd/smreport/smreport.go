// Package smreport is the body of sm-report: the weekly summary of the
// stored series, as text, Markdown, JSON or HTML, and threshold checks
// with the exit statuses of a Nagios plugin.
package smreport

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"sm/internal/cli"
	"sm/internal/esc"
	"sm/internal/query"
	"sm/internal/record"
	"sm/internal/report"
	"sm/internal/safefile"
	"sm/internal/store"
	"sm/internal/when"
	"sm/internal/xdg"
)

const doc = `
Sum up the last 7 days, or --since and --until, or --week, of every host
in the database, or of the records in the FILEs ("-" for standard
input), over the span they cover unless a period is given: highlights
first (thresholds breached, disks filling up, hosts that stopped
reporting, busiest hours), then a table a family of series with a
sparkline.

  0 7 * * 1  sm-report | mail -s "weekly metrics" root
  sm-query --since 30d --host web1 | sm-report - --format html -o web1.html

With --check, check the latest values against the thresholds instead and
exit as a Nagios plugin: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. With
--changes as well, print only what changed since the last run (a new
problem, a worse or a better one, a resolved one), so that cron mails
once per change:

  */5 * * * *  out=$(sm-report --check --changes); [ -z "$out" ] || echo "$out" | mail -s alert root

With --site DIR, write pages to browse as Munin's instead, every page
rewritten only when it changes:

  */5 * * * *  sm-report --site /var/www/html/sm`

// The formats of the report.
var formats = []string{"text", "markdown", "json", "html"}

// Main runs sm-report with args and returns its exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := cli.New("sm-report", "[OPTION]... [FILE]...", doc, stdout, stderr)
	f := c.Flags
	dbPath := cli.DBFlag(f)
	sel := query.AddFlags(f, "7d")
	week := f.Int("week", 0, "report on the last whole calendar week, Monday to Sunday; with `N`, -2 the one before, 0 this one")
	f.Lookup("week").NoOptDefVal = "-1"
	formatName := f.String("format", "text", "write the report as `FORMAT`: "+strings.Join(formats, ", "))
	output := f.StringP("output", "o", "", "write the report to `FILE`, replacing it whole, instead of standard output")
	warns := f.StringArray("warn", nil, "a warning threshold `RULE`, as disk.used_pct>85 or disk.used_pct;mount=/var>80 (repeatable)")
	crits := f.StringArray("crit", nil, "a critical threshold `RULE`, as load.5m>=8 or mem.available_bytes<5e8 (repeatable)")
	thresholds := f.String("thresholds", "", "read threshold rules from `FILE`, one a line: warn RULE or crit RULE")
	check := f.Bool("check", false, "check the latest values against the thresholds, print one line, and exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN")
	forDur := f.String("for", "", "with --check or --site, breach only when every sample of the last `DURATION` does")
	stale := f.String("stale", "15m", "with --check or --site, a host whose latest sample is older than `DURATION` is UNKNOWN")
	forgetAfter := f.String("forget-after", "7d", "with --check, leave out a host silent for longer than `DURATION`, as gone; 0: never")
	changes := f.Bool("changes", false, "with --check, print only the checks that changed state since the last run, kept in --state, and exit 0")
	statePath := f.String("state", "", "with --check, read (and with --changes, keep) the checks' state in `FILE` (default with --changes: $XDG_STATE_HOME/sm/check.state, or /var/lib/sm/check.state for root)")
	site := f.String("site", "", "write the pages of every host to folder `DIR` instead: an index with their states, a page a host and a page a group, charts of a day, a week, a month and a year")

	isCheck := false
	for _, a := range args {
		isCheck = isCheck || a == "--check"
	}
	// A check that cannot run is UNKNOWN to a monitoring system, which
	// reads the first line of standard output.
	checking := func() bool { return isCheck || *check }
	unknown := func(err error) int {
		fmt.Fprintf(stdout, "UNKNOWN - %s\n", esc.Text(err.Error()))
		return int(report.Unknown)
	}
	if code, done := c.Parse(weekArg(args)); done {
		if code != cli.OK && checking() {
			return unknown(errors.New("bad command line, see sm-report --help"))
		}
		return code
	}
	usage := func(format string, a ...any) int {
		code := c.UsageError(format, a...)
		if checking() {
			return unknown(fmt.Errorf(format, a...))
		}
		return code
	}
	failed := func(err error) int {
		code := c.Fail(err)
		if checking() {
			return unknown(err)
		}
		return code
	}

	loc := sel.Location()
	now := cli.Now().In(loc)
	q, err := sel.Query(now)
	if err != nil {
		return usage("%v", err)
	}
	if f.Changed("week") {
		if sel.RangeSet() {
			return usage("--week and --since or --until: give one or the other")
		}
		if *week > 0 {
			return usage("--week %d: want -1 for the last whole week, -2 for the one before, or 0 for this one", *week)
		}
		// Bounded before the arithmetic, which would overflow; CheckRange
		// then says which weeks there are.
		if *week < -maxWeeks {
			return usage("--week %d: at most %d weeks back", *week, maxWeeks)
		}
		q.From, q.To = weekRange(now, *week)
		if err := when.CheckRange(q.From, q.To); err != nil {
			return usage("--week %d: %v", *week, err)
		}
	} else if err := when.CheckSpan(q.From, q.To); err != nil {
		return usage("--since %s --until %s: %v", f.Lookup("since").Value, f.Lookup("until").Value, err)
	}
	rules := report.Rules(report.DefaultRules())
	if *thresholds != "" {
		fh, err := os.Open(*thresholds)
		if err != nil {
			return usage("--thresholds: %v", err)
		}
		more, err := report.ParseRules(fh, *thresholds)
		fh.Close()
		if err != nil {
			return usage("--thresholds: %v", err)
		}
		rules = append(rules, more...)
	}
	for _, l := range []struct {
		level report.Level
		exprs []string
		flag  string
	}{{report.Warning, *warns, "--warn"}, {report.Critical, *crits, "--crit"}} {
		for _, e := range l.exprs {
			r, err := report.ParseRule(l.level, e)
			if err != nil {
				return usage("%s: %v", l.flag, err)
			}
			rules = append(rules, r)
		}
	}
	var forD, staleD time.Duration
	if *forDur != "" {
		if forD, err = when.ParseDuration(*forDur); err != nil {
			return usage("--for: %v", err)
		}
	}
	if staleD, err = when.ParseDuration(*stale); err != nil || staleD == 0 {
		if err == nil {
			err = errors.New("must be more than 0")
		}
		return usage("--stale: %v", err)
	}
	forgetD, err := when.ParseDuration(*forgetAfter)
	if err != nil {
		return usage("--forget-after: %v", err)
	}
	if forgetD != 0 && forgetD <= staleD {
		return usage("--forget-after %s: must be longer than --stale %s, or 0 for never", *forgetAfter, *stale)
	}
	if *site != "" {
		if err := siteUsage(f, sel.RangeSet()); err != nil {
			return usage("%v", err)
		}
	} else if !*check && (f.Changed("for") || f.Changed("stale")) {
		return usage("--for and --stale go with --check or --site")
	}
	if !*check && f.Changed("forget-after") {
		return usage("--forget-after goes with --check")
	}
	if !*check && (*changes || f.Changed("state")) {
		return usage("--changes and --state go with --check")
	}
	if *check && (f.Changed("format") || f.Changed("week") || sel.RangeSet()) {
		return usage("--check looks at the latest values: --format, --week, --since and --until do not go with it")
	}
	if !slices.Contains(formats, *formatName) {
		return usage("--format %q: want one of %s", *formatName, strings.Join(formats, ", "))
	}

	var db *store.DB
	var in input
	periodSet := sel.RangeSet() || f.Changed("week")
	if periodSet {
		// What the report reads: the period and the one before it.
		in.lo, in.hi = q.From.Add(-q.To.Sub(q.From)-time.Second).Unix(), q.To.Unix()
	}
	if files := f.Args(); len(files) > 0 {
		dir, err := os.MkdirTemp("", "sm-report-")
		if err != nil {
			return failed(err)
		}
		defer os.RemoveAll(dir)
		db, err = load(c, filepath.Join(dir, "input.db"), files, stdin, &in)
		if err != nil {
			return failed(err)
		}
		if from, to, ok := in.span(loc); ok && !periodSet && !*check {
			// Records on a pipe are reported over the span they cover.
			q.From, q.To = from, to
		}
	} else if db, err = openDB(*dbPath); err != nil {
		return failed(err)
	}
	defer db.Close()

	if *site != "" {
		return runSite(c, db, *site, report.SiteOptions{Selector: q.Selector, Now: now, Rules: rules, For: forD, Stale: staleD})
	}
	if *check {
		sf, prev, err := checkState(c, *statePath, *changes, stdout)
		if err != nil {
			return failed(err)
		}
		if sf != nil {
			defer sf.Close()
		}
		res, err := report.RunCheck(db, report.CheckOptions{Selector: q.Selector, Now: now, Rules: rules, For: forD, Stale: staleD, ForgetAfter: forgetD, State: prev, Track: *changes})
		if err != nil {
			return failed(err)
		}
		if *changes {
			// Said, then kept: a change that could not be said (a broken
			// pipe) is said by the next run, rather than lost.
			if err := res.WriteChanges(stdout); err != nil {
				return failed(err)
			}
			if err := sf.Save(res.State); err != nil {
				return failed(err)
			}
			return cli.OK
		}
		if in.bad {
			// What was checked is not all that was given.
			res.Problems = append(res.Problems, report.Problem{Level: report.Unknown, Text: "bad input lines, reported on standard error"})
			res.Status = res.Status.Worse(report.Unknown)
		}
		if err := res.Write(stdout); err != nil {
			c.Warn(err)
			return int(report.Unknown)
		}
		return int(res.Status)
	}

	rep, err := report.Build(db, report.Options{Query: q, Now: now, Rules: rules})
	if err != nil {
		return c.Fail(err)
	}
	rep.Warnings = append(rep.Warnings, in.leftOut(loc)...)
	for _, w := range rep.Warnings {
		c.Warnf("%s", w)
	}
	if err := write(rep, *formatName, *output, stdout); err != nil {
		return c.Fail(err)
	}
	if rep.NoData != "" {
		// A report about nothing is not a success: a host or metric
		// misspelt, or a database that sm-store never filled.
		c.Warnf("%s", strings.ToLower(rep.NoData[:1])+strings.TrimSuffix(rep.NoData[1:], "."))
		return cli.Fail
	}
	if in.bad {
		return cli.Fail
	}
	return cli.OK
}

// checkState opens the state file with --changes, locked for the run,
// and reads it; with --state alone it only reads it, for the margins of
// the breaches it holds. A damaged state is said, on standard output
// too for the mail, and the run starts afresh; a missing one is empty.
func checkState(c *cli.Command, path string, changes bool, stdout io.Writer) (*report.StateFile, *report.State, error) {
	if !changes {
		if path == "" {
			return nil, nil, nil
		}
		st, err := report.ReadState(path)
		if err != nil {
			c.Warnf("%v; checking without it", err)
		}
		return nil, st, nil
	}
	if path == "" {
		var err error
		if path, err = xdg.State.Path("check.state"); err != nil {
			return nil, nil, fmt.Errorf("no state file: %v (use --state)", err)
		}
	}
	sf, err := report.OpenState(path)
	if err != nil {
		return nil, nil, err
	}
	if sf.Damaged != nil {
		c.Warn(sf.Damaged)
		fmt.Fprintf(stdout, "UNKNOWN - %s\n", esc.Text(sf.Damaged.Error()))
	}
	return sf, sf.State, nil
}

// maxWeeks bounds --week: 1970 is less far back for a few centuries.
const maxWeeks = 100 * 53

var weekNumber = regexp.MustCompile(`^-?[0-9]+$`)

// weekArg joins "--week -2" into "--week=-2": --week alone means -1,
// so its value must otherwise be attached, and -2 looks like a flag.
func weekArg(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		if args[i] == "--" {
			return append(out, args[i:]...)
		}
		if args[i] == "--week" && i+1 < len(args) && weekNumber.MatchString(args[i+1]) {
			out = append(out, "--week="+args[i+1])
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}

// weekRange returns the calendar week n weeks from the one holding now
// (n ≤ 0), Monday 00:00 to Sunday 23:59:59 in now's location.
func weekRange(now time.Time, n int) (from, to time.Time) {
	y, m, d := now.Date()
	monday := d - (int(now.Weekday())+6)%7
	from = time.Date(y, m, monday+7*n, 0, 0, 0, 0, now.Location())
	to = time.Date(y, m, monday+7*n+7, 0, 0, 0, 0, now.Location()).Add(-time.Second)
	return from, to
}

func openDB(flag string) (*store.DB, error) {
	path, err := store.Resolve(flag)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: no database here: sm-store makes it", path)
	}
	return store.Open(path, store.Options{ReadOnly: true, Wait: 30 * time.Second, Now: cli.Now})
}

// load reads records from files into a new database at path, so that a
// report on a pipe is made as one on the database. Bad lines are
// reported and skipped; sum sums up the records and says whether there
// were bad lines.
func load(c *cli.Command, path string, files []string, stdin io.Reader, sum *input) (_ *store.DB, err error) {
	db, err := store.Open(path, store.Options{NoSync: true, Now: cli.Now})
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			db.Close()
		}
	}()
	if err := db.SetPolicy(store.Policy{}); err != nil {
		return nil, err
	}
	b := store.NewBatch()
	flush := func() error {
		if b.Len() == 0 {
			return nil
		}
		_, err := db.Write(b)
		b.Reset()
		return err
	}
	now := cli.Now().Unix()
	var key []byte
	for _, name := range files {
		in, label := stdin, "stdin"
		if name != "-" {
			fh, err := os.Open(name)
			if err != nil {
				return nil, err
			}
			defer fh.Close()
			in, label = fh, name
		}
		rd := record.NewReader(in, label)
		rd.Now = cli.Now
		rd.Meta = true // the titles and labels of Munin's graphs
		for {
			line, err := rd.NextLine()
			if err == nil && record.IsMeta(line) {
				var m record.Meta
				if m, err = record.ParseMeta(line, now); err == nil {
					b.AddMeta(m)
					continue
				}
				err = rd.Error(err)
			} else if err == nil {
				var v float64
				var ts int64
				if key, v, ts, err = record.ParseKey(line, now, key); err == nil {
					b.Add(key, ts, v)
					sum.add(ts)
					if b.Len() >= 10000 {
						if err := flush(); err != nil {
							return nil, err
						}
					}
					continue
				}
				err = rd.Error(err)
			}
			var le *record.LineError
			if errors.As(err, &le) {
				c.Warn(err)
				sum.bad = true
				continue
			}
			if err == io.EOF {
				break
			}
			return nil, fmt.Errorf("%s: %w", label, err)
		}
	}
	return db, flush()
}

// write writes the report in its format, to stdout or to a file that
// is replaced whole, never left half-written.
func write(rep *report.Report, formatName, output string, stdout io.Writer) error {
	w := stdout
	var tmp *os.File
	if output != "" {
		// The report replaces output by a rename, which never writes
		// through a link; still, a link, a device or, for root, another
		// user's file there is refused as every file sm writes is.
		if err := safefile.Check(output); err != nil {
			return err
		}
		// 0640 less the umask, as every file sm writes: a report names
		// hosts, mounts and what is wrong with them, not for every user
		// of the machine; chmod opens it wider on purpose.
		var err error
		tmp, err = safefile.CreateTemp(filepath.Dir(output), "."+filepath.Base(output)+".", 0o640)
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		w = tmp
	}
	var err error
	switch formatName {
	case "markdown":
		err = report.WriteMarkdown(w, rep)
	case "json":
		err = report.WriteJSON(w, rep)
	case "html":
		err = report.WriteHTML(w, rep)
	default:
		err = report.WriteText(w, rep)
	}
	if err != nil || tmp == nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), output)
}
