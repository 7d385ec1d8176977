// Package smsample is the body of sm-sample: it reads this machine's
// kernel once and prints the figures as records.
package smsample

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"sm/internal/cli"
	"sm/internal/collect"
	"sm/internal/format"
	"sm/internal/plugin"
	"sm/internal/record"
	"sm/internal/xdg"
)

const doc = `
Read this machine's load, memory, disks, CPU, network, disk I/O and pressure
once and print them as records, one per line, for sm-store or any other
program that speaks Graphite's plaintext protocol:

  * * * * * sm-sample | sm-store

Rates (cpu, net, diskio, pressure) cover the interval since the previous
run, kept in the state file, or a short window when there is none.

With --exec, the programs in a folder add their own records; with --munin,
Munin plugins run unchanged add theirs, named munin.PLUGIN.FIELD.`

// maxWindow bounds --window: a run measuring over it sleeps that long,
// holding up the cron job that runs it, and a longer one is a mistake
// (1h for 1s), not a wish.
const maxWindow = time.Minute

// Main runs sm-sample with args and returns its exit status.
func Main(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	c := cli.New("sm-sample", "[OPTION]...", doc, stdout, stderr)
	f := c.Flags
	host := f.String("host", "", "the `NAME` in every record's host tag (default: this machine's hostname)")
	// The repeatable flags are repeated, not pflag's StringSlice or
	// StringArray: those format their default through encoding/csv, a
	// 4 KB buffer for each flag on every start.
	var tags, families, mounts, execDirs, muninEnv repeated
	f.Var(&tags, "tag", "add tag `KEY=VALUE` to every record (repeatable)")
	f.Var(&families, "collect", "collect only the families in `LIST`, comma-separated (default: all but procs, services and hw, percpu only up to 16 CPUs; default, all; none: plugins only; see --list)")
	list := f.Bool("list", false, "list the families and their metrics, and exit")
	f.Var(&mounts, "mount", "report only the filesystem holding `PATH`, as df PATH does (repeatable)")
	formatName := f.String("format", format.Default, "output `FORMAT`: "+strings.Join(formats(), ", "))
	precision := format.Precision(time.Nanosecond)
	f.Var(&precision, "precision", "write influx timestamps in `UNIT`: s, ms, us or ns")
	statePath := f.String("state", "", "keep counters between runs in `FILE` (default: $XDG_STATE_HOME/sm/sample.state, or /var/lib/sm/sample.state for root)")
	maxInterval := f.Duration("max-interval", time.Hour, "use state no older than `DURATION` for rates")
	window := f.Duration("window", time.Second, "without usable state, measure rates over `DURATION`, at most 1m (0: skip those rates)")
	statfsTimeout := f.Duration("statfs-timeout", 5*time.Second, "give up on a filesystem that has not answered within `DURATION`")
	top := f.Int("top", collect.DefaultTop, "record the `N` commands using the most CPU and the N holding the most memory (procs family)")
	proc := f.String("proc", "/proc", "read the kernel's figures from procfs mounted at `DIR`")
	sys := f.String("sys", "/sys", "read the hardware's figures from sysfs mounted at `DIR`")
	f.Var(&execDirs, "exec", "run the programs in `DIR`, in name order, and print the records they print (repeatable)")
	muninDir := f.String("munin", "", "run the Munin plugins in `DIR`, as /etc/munin/plugins, and print their values")
	f.Var(&muninEnv, "munin-env", "configure the Munin plugins from `PATH`, a file or a folder as /etc/munin/plugin-conf.d (repeatable)")
	pluginTimeout := f.Duration("plugin-timeout", 10*time.Second, "kill a plugin still running after `DURATION`")
	if code, done := c.Parse(args); done {
		return code
	}
	if f.NArg() > 0 {
		return c.UsageError("unexpected argument %q", f.Arg(0))
	}
	if *list {
		printList(stdout)
		return cli.OK
	}

	var fams []*collect.Family
	for _, f := range collect.Families {
		if !f.OptIn {
			fams = append(fams, f)
		}
	}
	percpuNamed := false // by name, not as one of default or all
	if len(families) > 0 {
		fams = nil
		for _, name := range strings.Split(strings.Join(families, ","), ",") {
			var add []*collect.Family
			switch name = strings.TrimSpace(name); name {
			case "none":
				continue // plugins only
			case "all", "default":
				for _, f := range collect.Families {
					if name == "all" || !f.OptIn {
						add = append(add, f)
					}
				}
			}
			for _, fam := range add {
				if !slices.Contains(fams, fam) {
					fams = append(fams, fam)
				}
			}
			if add != nil {
				continue
			}
			fam := collect.Lookup(name)
			percpuNamed = percpuNamed || name == "percpu"
			if fam == nil {
				return c.UsageError("unknown family %q in --collect (see --list)", name)
			}
			if !slices.Contains(fams, fam) {
				fams = append(fams, fam)
			}
		}
	}
	extra, err := userTags(*host, tags)
	if err != nil {
		return c.UsageError("%v", err)
	}
	if *window > maxWindow {
		return c.UsageError("--window %s: at most %s, for the run waits that long", cli.FormatDuration(*window), cli.FormatDuration(maxWindow))
	}
	if *window < 0 || *maxInterval <= 0 || *statfsTimeout <= 0 {
		return c.UsageError("--window must not be negative, --max-interval and --statfs-timeout must be positive")
	}
	if *top <= 0 {
		return c.UsageError("--top must be positive")
	}
	if *pluginTimeout <= 0 {
		return c.UsageError("--plugin-timeout must be positive")
	}
	if len(muninEnv) > 0 && *muninDir == "" {
		return c.UsageError("--munin-env needs --munin")
	}
	if !slices.Contains(formats(), *formatName) {
		return c.UsageError("--format: unknown format %q (available: %s)", *formatName, strings.Join(formats(), ", "))
	}
	for i, m := range mounts {
		mounts[i] = filepath.Clean(m)
	}

	status := cli.OK
	if extra[0].Value == "" {
		name, err := os.Hostname()
		if err != nil || name == "" {
			return c.Fail(fmt.Errorf("cannot tell this machine's name (%v): use --host", err))
		}
		extra[0].Value = name
	}
	if *statePath == "" {
		*statePath, err = xdg.State.Path("sample.state")
		if err != nil {
			c.Warnf("no state file: %v (use --state)", err)
			status = cli.Fail
		}
	}
	st := collect.NewState()
	save := *statePath != ""
	if *statePath != "" {
		if st, err = collect.LoadState(*statePath); err != nil {
			c.Warn(err)
			status = cli.Fail
			// Someone else's file: said once, and left alone.
			save = !errors.Is(err, collect.ErrForeign)
		}
	}

	// Plugins run while the kernel is read: the rates' window, when there
	// is one, is time they can use.
	var plugins chan plugin.Report
	if len(execDirs) > 0 || *muninDir != "" {
		var conf *plugin.Conf
		if len(muninEnv) > 0 {
			var errs []error
			conf, errs = plugin.LoadConf(muninEnv)
			for _, err := range errs {
				c.Warnf("--munin-env: %v", err)
				status = cli.Fail
			}
		}
		run := &plugin.Runner{
			Timeout:     *pluginTimeout,
			Parallel:    4,
			Tags:        extra,
			MaxInterval: *maxInterval,
			Now:         cli.Now,
		}
		if *statePath != "" {
			run.StateDir = filepath.Dir(*statePath)
		}
		plugins = make(chan plugin.Report, 1)
		go func() { plugins <- run.Run(execDirs, *muninDir, conf) }()
	}

	// Per-CPU figures by default only up to a few CPUs; all of them
	// when --collect names the family.
	maxCPUs := collect.DefaultMaxCPUs
	if percpuNamed {
		maxCPUs = 0
	}
	s := collect.Sampler{
		Source: collect.Source{
			Proc: *proc, Sys: *sys, Mounts: mounts, StatfsTimeout: *statfsTimeout, Top: *top, MaxCPUs: maxCPUs,
		},
		Window:      *window,
		MaxInterval: *maxInterval,
		Sleep:       time.Sleep,
		Now:         time.Now,
	}
	res := s.Run(fams, st)
	now := cli.Now().Unix()
	var rep plugin.Report
	if plugins != nil {
		rep = <-plugins
	}
	more := rep.Records()
	// Room for the usual line from the start, rather than grown by
	// doubling through every size on the way.
	var buf bytes.Buffer
	buf.Grow(64 * (len(res.Samples) + len(more)))
	w, err := format.New(*formatName, &buf, format.Options{Location: time.Local, Columns: columns(res.Samples, extra, more), Precision: time.Duration(precision)})
	if err != nil {
		return c.Fail(err)
	}
	// A record the format cannot hold is left out, with a warning, and
	// the others written: one plugin's odd name does not cost the rest.
	check := func(err error) error {
		skips, rest := format.Split(err)
		for _, s := range skips {
			c.Warn(s)
			status = cli.Fail
		}
		return rest
	}
	// Writers are done with a record when Write returns, so one record
	// and one slice of tags serve them all.
	var tagBuf []record.Tag
	var r record.Record
	for _, smp := range res.Samples {
		tagBuf = append(append(tagBuf[:0], smp.Tags...), extra...)
		r = record.Record{Name: smp.Name, Tags: tagBuf, Value: smp.Value, Time: now}
		if err := record.SortTags(r.Tags); err != nil {
			// userTags keeps the families' own tags out of --tag.
			panic(err)
		}
		if err := check(w.Write(&r)); err != nil {
			return c.Fail(err)
		}
	}
	// A plugin's meta lines go before its records, in the one format
	// that has them.
	mw, _ := w.(format.MetaWriter)
	for _, r := range rep.Results {
		for i := range r.Meta {
			if mw != nil {
				if err := mw.WriteMeta(&r.Meta[i]); err != nil {
					return c.Fail(err)
				}
			}
		}
		for i := range r.Records {
			if err := check(w.Write(&r.Records[i])); err != nil {
				return c.Fail(err)
			}
		}
	}
	if err := check(w.Close()); err != nil {
		return c.Fail(err)
	}
	for _, err := range res.Warnings {
		c.Warn(err)
		status = cli.Fail
	}
	for _, r := range rep.Results {
		for _, line := range r.Stderr {
			c.Warnf("plugin %s: stderr: %s", r.Name, line)
		}
		for _, err := range r.Errors {
			c.Warn(err)
		}
	}
	for _, err := range rep.Errors {
		c.Warn(err)
	}
	if rep.Failed() {
		status = cli.Fail
	}
	if save {
		if err := st.Save(*statePath); err != nil {
			c.Warn(err)
			status = cli.Fail
		}
	}
	// One write, so that a reader of the pipe sees whole lines only.
	if _, err := stdout.Write(buf.Bytes()); err != nil {
		return c.Fail(err)
	}
	return status
}

// repeated is a flag that may be given again and again, each value
// kept whole, as pflag's StringArray keeps them. As a pflag.SliceValue,
// it has each of its values checked by cli's Parse.
type repeated []string

func (r *repeated) Set(v string) error        { *r = append(*r, v); return nil }
func (r *repeated) String() string            { return strings.Join(*r, ",") }
func (r *repeated) Type() string              { return "stringArray" }
func (r *repeated) Append(v string) error     { return r.Set(v) }
func (r *repeated) Replace(vs []string) error { *r = append((*r)[:0], vs...); return nil }
func (r *repeated) GetSlice() []string        { return *r }

// formats are the registered formats. The table (format/table) and the
// views of sm-query across time (format/term: chart, wide), which one
// sample would not fill, are in packages sm-sample does not link: their
// libraries' start-up would cost more than a sample.
//
// A binary that links them too, as the tests' does, registers them: they
// are left out by name.
func formats() []string {
	return slices.DeleteFunc(format.Names(), func(n string) bool {
		return n == "table" || n == "chart" || n == "wide" || n == "wide-csv"
	})
}

// columns returns the tag keys of the records, for the formats with a
// column per tag.
func columns(samples []collect.Sample, extra []record.Tag, more []record.Record) []string {
	var keys []string
	add := func(tags []record.Tag) {
		for _, t := range tags {
			if !slices.Contains(keys, t.Key) {
				keys = append(keys, t.Key)
			}
		}
	}
	add(extra)
	for _, s := range samples {
		add(s.Tags)
	}
	for _, r := range more {
		add(r.Tags)
	}
	slices.Sort(keys)
	return keys
}

// userTags returns the host tag first, then the --tag ones, checked.
func userTags(host string, tags []string) ([]record.Tag, error) {
	out := []record.Tag{{Key: "host", Value: host}}
	if len(tags) == 0 {
		return out, nil // as cron runs it: nothing to check
	}
	reserved := map[string]bool{}
	for _, fam := range collect.Families {
		// procs has two: comm,user.
		for k := range strings.SplitSeq(fam.Tag, ",") {
			if k != "" {
				reserved[k] = true
			}
		}
	}
	for _, t := range tags {
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			return nil, fmt.Errorf("--tag %q: want KEY=VALUE", t)
		}
		if err := record.CheckTagKey(k); err != nil {
			return nil, fmt.Errorf("--tag %q: %v", t, err)
		}
		switch {
		case v == "":
			return nil, fmt.Errorf("--tag %q: empty value", t)
		case k == "host":
			return nil, fmt.Errorf("--tag %q: use --host to set the host", t)
		case reserved[k]:
			return nil, fmt.Errorf("--tag %q: sm-sample sets %s itself", t, k)
		}
		out = append(out, record.Tag{Key: k, Value: v})
	}
	if err := record.SortTags(append([]record.Tag{}, out...)); err != nil {
		return nil, fmt.Errorf("--tag: %v", err)
	}
	return out, nil
}

func printList(w io.Writer) {
	tw := len("TAG")
	for _, f := range collect.Families {
		tw = max(tw, len(f.Tag))
	}
	fmt.Fprintf(w, "%-9s %-*s %s\n", "FAMILY", tw, "TAG", "METRICS")
	for _, f := range collect.Families {
		t := f.Tag
		if t == "" {
			t = "-"
		}
		fmt.Fprintf(w, "%-9s %-*s %s\n", f.Name, tw, t, strings.Join(f.Metrics, " "))
	}
}
