// Package smstore is the body of sm-store: it reads records and keeps
// them in the SQLite database, losing none: a bad line is reported and
// set aside, and records that cannot be stored go to the spool.
package smstore

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"sm/internal/cli"
	"sm/internal/decode"
	"sm/internal/format"
	"sm/internal/record"
	"sm/internal/safefile"
	"sm/internal/store"
	"sm/internal/when"
)

const doc = `
Read records from the files, or from standard input when there are none
(or "-"), and store them in the database. Silent on success. A bad line
is reported as FILE:LINE and the good lines around it are stored; the
exit status is then 1.

  * * * * * sm-sample | sm-store --spool /var/spool/sm/pending

--from reads other formats (influx, prom, openmetrics, json, csv, sysstat's
sadf, rrdtool dump); --forward pipes the records into a command instead,
through the spool, for many hosts into one:

  * * * * * sm-sample | sm-store --spool /var/spool/sm/out --forward 'ssh hub sm-store'

With --retention or --compact, standard input is read only when "-" is
given.`

// Batches are committed at this size, or this age, whichever comes first.
const (
	batchSize = 10000
	batchAge  = time.Second
	maxShown  = 20 // bad lines reported one by one
	// A batch is committed at this many meta lines too: each may be
	// 64 KiB, and sm-store's memory stays bounded whatever it reads.
	metaBatch = 16
)

// memoryLimit is the soft limit of the Go heap: sm-store keeps at most a
// batch and a few chunks, whatever the input, and a collector left to
// its default would let garbage double that before collecting.
const memoryLimit = 16 << 20

// Main runs sm-store with args and returns its exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	debug.SetMemoryLimit(memoryLimit)
	c := cli.New("sm-store", "[OPTION]... [FILE]...", doc, stdout, stderr)
	f := c.Flags
	dbPath := cli.DBFlag(f)
	wait := f.Duration("wait", 30*time.Second, "wait up to `DURATION` for other processes' locks")
	verbose := f.BoolP("verbose", "v", false, "print a one-line summary")
	rejectPath := f.String("reject", "", "append every rejected line, verbatim, to `FILE`")
	spoolPath := f.String("spool", "", "keep records that cannot be stored in `FILE`, and store them first next time")
	retention := f.String("retention", "", "set how long samples are kept: `raw=DUR,hourly=DUR` (DUR as 400d, 5y, or forever)")
	compact := f.Bool("compact", false, "do all pending packing and pruning now, and give freed space back")
	from := f.String("from", "graphite", "read input in `FORMAT`: "+strings.Join(decode.Names(), ", "))
	name := f.String("name", "", "the `SERIES`, NAME[;TAG=VALUE]..., of input that names none (--from rrd)")
	precision := format.Precision(time.Nanosecond)
	f.Var(&precision, "precision", "read influx timestamps in `UNIT`: s, ms, us or ns")
	vacuumInto := f.String("vacuum-into", "", "write a consistent, compacted copy of the database to `FILE`, a backup, while it is in use")
	forward := f.String("forward", "", "pipe the records into the shell `COMMAND` instead of storing them; with --spool, keep them there while it fails")
	forwardTimeout := f.Duration("forward-timeout", 5*time.Minute, "kill a --forward command still running after `DURATION`")
	maxNew := f.Int("max-new-series", defaultMaxNewSeries, "create at most `N` new series in this run, refusing the records of more; 0: no limit")
	maxHost := f.Int("max-host-series", defaultMaxHostSeries, "let one host have at most `N` series, refusing the records of more; 0: no limit")
	pin := f.String("pin", "", "store only records of `host=NAME`, refusing the others: for a hub's key of each host")
	retireHost := f.String("retire-host", "", "remove every series of host `NAME`, and all their samples")
	if code, done := c.Parse(args); done {
		return code
	}
	named, err := decode.Check(*from)
	switch {
	case err != nil:
		return c.UsageError("--from: %v", err)
	case named && *name == "":
		return c.UsageError("--from %s needs --name", *from)
	case !named && *name != "":
		return c.UsageError("--name is for --from rrd: --from %s names its records", *from)
	}
	if *name != "" {
		if _, _, err := record.ParseSeries(*name); err != nil {
			return c.UsageError("--name %q: %v", *name, err)
		}
	}
	if *wait < 0 {
		return c.UsageError("--wait %s: must not be negative", *wait)
	}
	if *forward != "" && (*retention != "" || *compact) {
		return c.UsageError("--forward stores nothing here: it cannot take --retention or --compact")
	}
	if *forward != "" && (f.Changed("pin") || f.Changed("max-new-series") || f.Changed("max-host-series")) {
		return c.UsageError("--forward stores nothing here: --pin, --max-new-series and --max-host-series are for the sm-store that stores")
	}
	if *maxNew < 0 || *maxHost < 0 {
		return c.UsageError("--max-new-series and --max-host-series take a number of series, or 0 for no limit")
	}
	var pinned *string
	if f.Changed("pin") {
		h, err := parsePin(*pin)
		if err != nil {
			return c.UsageError("--pin: %v", err)
		}
		pinned = &h
	}
	limits := store.Limits{NewSeries: *maxNew, HostSeries: *maxHost}
	if f.Changed("retire-host") {
		// An empty NAME is refused with every empty flag value, by Parse.
		switch {
		case f.NArg() > 0 || *retention != "" || *compact || *forward != "" || *vacuumInto != "" || pinned != nil:
			return c.UsageError("--retire-host takes no files, --retention, --compact, --forward, --vacuum-into or --pin")
		}
		return retire(c, *dbPath, store.Options{Wait: *wait, Now: cli.Now}, *retireHost, *verbose)
	}
	if *vacuumInto != "" {
		if f.NArg() > 0 || *retention != "" || *compact || *forward != "" {
			return c.UsageError("--vacuum-into copies the database: it takes no files, --retention, --compact or --forward")
		}
		return backup(c, *dbPath, *wait, *vacuumInto)
	}
	var policy *retentionChange
	if *retention != "" {
		p, err := parseRetention(*retention)
		if err != nil {
			return c.UsageError("--retention: %v", err)
		}
		policy = &p
	}
	files := f.Args()
	if len(files) == 0 && policy == nil && !*compact {
		files = []string{"-"}
	}

	if *forwardTimeout <= 0 {
		return c.UsageError("--forward-timeout must be positive")
	}
	r := &run{Command: c, stdin: stdin, wait: *wait, forwardTo: *forward, forwardTimeout: *forwardTimeout, pin: pinned}
	if *from != "graphite" {
		r.from = *from
		r.decodeOptions = decode.Options{Name: *name, Precision: time.Duration(precision)}
	}
	defer r.close()
	if *rejectPath != "" {
		rf, err := safefile.OpenFile(*rejectPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
		if err != nil {
			return c.Fail(err)
		}
		r.reject = bufio.NewWriter(rf)
		r.rejectFile = rf
	}
	if *spoolPath != "" {
		if err := r.lockSpool(*spoolPath); err != nil {
			// The spool's records wait for the run that holds it, or
			// the next; this run's records are not held up with them.
			r.Warnf("%v; going on without it", err)
			r.status = cli.Fail
		}
	}
	if *forward != "" {
		r.forward(files, *forward)
		r.finish()
		if r.lost > 0 {
			r.Warnf("%d %s not forwarded", r.lost, plural(r.lost, "record"))
		}
		if *verbose && r.read+r.bad > 0 {
			fmt.Fprintf(stdout, "forwarded %d %s, %d rejected\n", r.forwarded, plural(r.forwarded, "record"), r.bad)
		}
		return r.status
	}
	path, err := store.Resolve(*dbPath)
	if err != nil {
		return c.Fail(err)
	}
	r.db, r.dbErr = store.Open(path, store.Options{Wait: *wait, Now: cli.Now, Limits: limits})
	if r.dbErr != nil {
		r.failed(r.dbErr)
	}
	if r.db != nil && policy != nil {
		p := policy.apply(r.db.Policy())
		if err := checkRetention(p); err != nil {
			// With the database's other half, as set before.
			return c.UsageError("--retention %s: %v", *retention, err)
		}
		if err := r.db.SetPolicy(p); err != nil {
			r.failed(err)
		} else if *verbose {
			fmt.Fprintf(stdout, "retention raw=%s,hourly=%s\n", formatRetention(p.Raw), formatRetention(p.Hourly))
		}
	}
	r.ingest(files)
	if r.db != nil && r.dbErr == nil {
		if *compact {
			if err := r.db.Compact(); err != nil {
				r.failed(err)
			}
		} else if r.read > 0 {
			if _, err := r.db.Maintain(store.DefaultWork); err != nil {
				r.failed(err)
			}
		}
	}
	r.finish()
	if *verbose && r.read+r.bad > 0 {
		fmt.Fprintf(stdout, "stored %d %s, %d rejected, %d series new\n", r.stored, plural(r.stored, "record"), r.bad+r.refused, r.newSeries)
	}
	return r.status
}

// backup copies the database, opened read-only: a missing database is
// an error, not a new empty one, and a user who may only read it may
// still back it up.
func backup(c *cli.Command, dbPath string, wait time.Duration, into string) int {
	path, err := store.Resolve(dbPath)
	if err != nil {
		return c.Fail(err)
	}
	db, err := store.Open(path, store.Options{ReadOnly: true, Wait: wait, Now: cli.Now})
	if err != nil {
		return c.Fail(err)
	}
	defer db.Close()
	if err := db.VacuumInto(into); err != nil {
		return c.Fail(err)
	}
	return cli.OK
}

// plural returns noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// A run is one sm-store's state.
type run struct {
	*cli.Command
	stdin  io.Reader
	wait   time.Duration
	db     *store.DB
	dbErr  error // the first storage failure: nothing more is written
	status int

	read, stored, newSeries, bad, unstored int
	unstoredMeta                           int // meta lines not stored

	pin          *string // --pin's host, as written in records
	refused      int     // records of --pin's or the series budget's
	refusals     map[refusal]int
	refusalOrder []refusal
	refusedMore  int // of hosts past the first few

	from          string // --from, unless graphite, which has a path of its own
	decodeOptions decode.Options

	forwardTo       string // --forward's command
	forwardTimeout  time.Duration
	tempSpool       bool // the spool is a temporary file of --forward's
	forwarded, lost int

	reject     *bufio.Writer
	rejectFile *os.File
	spool      *spool
}

// failed reports a storage failure, once, and stops storing.
func (r *run) failed(err error) {
	if r.dbErr == nil || r.dbErr == err {
		r.Warn(err)
	}
	r.dbErr = err
	r.status = cli.Fail
}

func (r *run) close() {
	if r.db != nil {
		r.db.Close()
	}
	if r.spool != nil {
		r.spool.close()
	}
	if r.rejectFile != nil {
		r.rejectFile.Close()
	}
}

// ingest stores the records of the spool, then of each file.
func (r *run) ingest(files []string) {
	chunks := make(chan *chunk, 4)
	go r.readAll(files, chunks)
	b := store.NewBatch()
	var started time.Time
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	// The spool's records come first. Those of the open batch are its
	// first fromSpool; once the spool is read to its end and all of them
	// are stored, the spool is emptied.
	fromSpool, fromSpoolMeta, spoolEnd := 0, 0, false
	drain := func() {
		if r.spool != nil && spoolEnd && fromSpool == 0 && fromSpoolMeta == 0 && r.dbErr == nil && !r.spool.emptied {
			if err := r.spool.empty(); err != nil {
				r.Warn(err)
				r.status = cli.Fail
			}
		}
	}
	commit := func() {
		timer.Stop()
		if b.Len() == 0 && b.Metas() == 0 {
			drain()
			return
		}
		if r.dbErr == nil {
			st, err := r.db.Write(b)
			if err == nil {
				r.stored += st.Stored
				r.newSeries += st.NewSeries
				b.EachRefused(r.refuseLimit)
				b.EachRefusedMeta(r.refuseMetaLimit)
				fromSpool, fromSpoolMeta = 0, 0
				b.Reset()
				drain()
				return
			}
			r.failed(err)
		}
		// The batch is lost to the database: keep what was not already
		// in the spool.
		// Metas first, as they came before their records.
		n := 0
		b.EachMeta(func(m *record.Meta) {
			if n >= fromSpoolMeta {
				r.keepMeta(m)
			}
			n++
		})
		n = 0
		b.Each(func(key string, ts int64, v float64) {
			if n >= fromSpool {
				r.keep(key, ts, v)
			}
			n++
		})
		fromSpool, fromSpoolMeta = 0, 0
		b.Reset()
	}
	for {
		var c *chunk
		var ok bool
		select {
		case c, ok = <-chunks:
		case <-timer.C:
			commit()
			continue
		}
		if !ok {
			break
		}
		if c.spoolEnd {
			spoolEnd = true
		}
		for _, e := range c.errs {
			r.badLine(e)
		}
		for i := range c.metas {
			m := &c.metas[i]
			if !r.pinnedMeta(m) {
				continue
			}
			if b.Len() == 0 && b.Metas() == 0 {
				started = time.Now()
				timer.Reset(batchAge)
			}
			b.AddMeta(*m)
			if c.spool {
				fromSpoolMeta++
			}
			if b.Metas() >= metaBatch {
				commit()
			}
		}
		for i := range c.recs {
			rec := &c.recs[i]
			if !r.pinned(c.keys[rec.keyFrom:rec.keyTo], rec.ts, rec.v) {
				r.read++
				continue
			}
			if b.Len() == 0 && b.Metas() == 0 {
				started = time.Now()
				timer.Reset(batchAge)
			}
			b.Add(c.keys[rec.keyFrom:rec.keyTo], rec.ts, rec.v)
			r.read++
			if c.spool {
				fromSpool++
			}
			if b.Len() >= batchSize {
				commit()
			}
		}
		if b.Len()+b.Metas() > 0 && time.Since(started) >= batchAge {
			commit()
		}
		if c.ioErr != nil {
			r.Warn(c.ioErr)
			r.status = cli.Fail
		}
	}
	commit()
}

// badLine reports a malformed line: the first few one by one, the rest
// counted at the end. A warning is told, and neither counted nor a failure.
func (r *run) badLine(err error) {
	if w, ok := err.(warning); ok {
		r.Warn(w.error)
		return
	}
	r.bad++
	r.status = cli.Fail
	if r.bad <= maxShown {
		r.Warn(err)
	}
}

// keep puts a record that could not be stored into the spool, if any.
func (r *run) keep(key string, ts int64, v float64) {
	r.unstored++
	if r.spool != nil {
		r.spool.add(key, ts, v)
	}
}

// keepMeta puts a meta that could not be stored into the spool, if any.
func (r *run) keepMeta(m *record.Meta) {
	r.unstoredMeta++
	if r.spool != nil {
		r.spool.addMeta(m)
	}
}

// finish reports what was not stored and flushes the side files.
func (r *run) finish() {
	if r.bad > maxShown {
		r.Warnf("%d more bad lines not shown", r.bad-maxShown)
	}
	r.reportRefusals()
	if r.reject != nil {
		if err := r.reject.Flush(); err != nil {
			r.Warn(err)
			r.status = cli.Fail
		}
	}
	if r.unstored == 0 && r.unstoredMeta == 0 {
		return
	}
	kept := 0
	if r.spool != nil {
		var err error
		if kept, err = r.spool.flush(); err != nil {
			r.Warn(err)
			r.status = cli.Fail
		}
		if kept > 0 {
			r.Warnf("%d records kept in %s, to be stored next time", kept, r.spool.path)
		}
	}
	if lost := r.unstored - kept; lost > 0 {
		r.Warnf("%d records not stored", lost)
	}
}

// A retentionChange is what --retention sets: either period, or both.
type retentionChange struct {
	raw, hourly *time.Duration
}

func (c retentionChange) apply(p store.Policy) store.Policy {
	if c.raw != nil {
		p.Raw = *c.raw
	}
	if c.hourly != nil {
		p.Hourly = *c.hourly
	}
	return p
}

// parseRetention parses raw=DUR,hourly=DUR, either part alone too.
func parseRetention(s string) (retentionChange, error) {
	var c retentionChange
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		if !ok || (k != "raw" && k != "hourly") || (k == "raw" && c.raw != nil) || (k == "hourly" && c.hourly != nil) {
			return c, fmt.Errorf("%q: want raw=DURATION,hourly=DURATION", s)
		}
		var d time.Duration
		if v != "forever" {
			var err error
			if d, err = when.ParseDuration(v); err != nil {
				return c, err
			}
			if d < time.Hour {
				return c, fmt.Errorf("%s=%s: keep samples at least an hour", k, v)
			}
		}
		if k == "raw" {
			c.raw = &d
		} else {
			c.hourly = &d
		}
	}
	if c.raw != nil && c.hourly != nil {
		return c, checkRetention(c.apply(store.Policy{}))
	}
	return c, nil
}

// checkRetention refuses hourly rollups kept for less time than the raw
// samples they sum up: a setting that cannot be meant. 0 is forever.
func checkRetention(p store.Policy) error {
	if p.Hourly != 0 && (p.Raw == 0 || p.Hourly < p.Raw) {
		return fmt.Errorf("hourly rollups (hourly=%s) must be kept at least as long as raw samples (raw=%s)", formatRetention(p.Hourly), formatRetention(p.Raw))
	}
	return nil
}

func formatRetention(d time.Duration) string {
	if d == 0 {
		return "forever"
	}
	return when.FormatDuration(d)
}
