// Package plugin runs sm-sample's plugins: programs in a folder that
// print records (--exec), and Munin plugins, run unchanged, whose values
// become records (--munin).
//
// Plugins run a few at a time, each with a timeout after which its whole
// process group is killed, and their records come back in name order
// whatever order they finish in. A plugin that fails costs its own
// records, never another's.
package plugin

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sm/internal/record"
)

// A Runner runs plugins. Its zero value is not usable: set Timeout, Now
// and Tags at least.
type Runner struct {
	// Timeout bounds each run of a plugin.
	Timeout time.Duration
	// Parallel is how many plugins may run at once; below 1 means 1.
	Parallel int
	// Env is the environment plugins start from; nil means os.Environ().
	Env []string
	// Tags go on every record that does not have the tag already: the
	// host tag first, then the user's --tag ones.
	Tags []record.Tag
	// StateDir is the folder of sm-sample's state file, under which
	// plugins keep theirs; "" means there is none.
	StateDir string
	// MaxInterval is the longest interval a Munin rate may span.
	MaxInterval time.Duration
	// Now is the clock of records without a timestamp, of rates and of
	// the Munin config cache. Timeouts run on the real clock.
	Now func() time.Time
	// Root tells whether sm-sample runs as root, which alone can run a
	// Munin plugin as the user its configuration names; nil means
	// os.Geteuid() == 0.
	Root func() bool
}

// A Report is what a run of plugins gave.
type Report struct {
	Results []Result // one per plugin, in the order run
	Errors  []error  // failures that are no one plugin's: a folder, a state file
}

// A Result is what one plugin gave.
type Result struct {
	Name    string
	Records []record.Record // with their tags, in canonical order
	// Meta are the meta lines of a Munin plugin's graphs with records:
	// their titles and labels, from its config.
	Meta   []record.Meta
	Stderr []string // the plugin's own standard error, by line, bounded
	Errors []error  // each one line, naming the plugin
}

// Failed reports whether the run has anything to report as a failure.
func (rep *Report) Failed() bool {
	if len(rep.Errors) > 0 {
		return true
	}
	for _, r := range rep.Results {
		if len(r.Errors) > 0 {
			return true
		}
	}
	return false
}

// Records returns every plugin's records, in order.
func (rep *Report) Records() []record.Record {
	var out []record.Record
	for _, r := range rep.Results {
		out = append(out, r.Records...)
	}
	return out
}

func (r *Result) errorf(format string, args ...any) {
	r.Errors = append(r.Errors, fmt.Errorf("plugin %s: %w", r.Name, fmt.Errorf(format, args...)))
}

// maxLineErrors is how many bad lines of one plugin are reported one by
// one: a plugin gone wrong may print thousands.
const maxLineErrors = 10

// lineErrors reports bad lines, the first few by number and the rest as
// a count.
type lineErrors struct {
	res *Result
	n   int
}

func (l *lineErrors) add(line int, err error) {
	l.n++
	if l.n <= maxLineErrors {
		l.res.errorf("line %d: %v", line, err)
	}
}

func (l *lineErrors) done() {
	if l.n > maxLineErrors {
		l.res.errorf("%d more bad lines", l.n-maxLineErrors)
	}
}

// tag adds the runner's tags that r does not have, and sorts them. r's
// own win: a plugin may report for another host.
func (run *Runner) tag(r *record.Record) error {
	for _, t := range run.Tags {
		if record.TagValue(r.Tags, t.Key) == "" {
			r.Tags = append(r.Tags, t)
		}
	}
	return record.SortTags(r.Tags)
}

func (run *Runner) host() string { return record.TagValue(run.Tags, "host") }

func (run *Runner) env() []string {
	if run.Env != nil {
		return run.Env
	}
	return os.Environ()
}

func (run *Runner) root() bool {
	if run.Root != nil {
		return run.Root()
	}
	return os.Geteuid() == 0
}

// Run runs the programs of execDirs, as Exec does, and the Munin plugins
// of muninDir, if not "", as Munin does, Parallel at a time all
// together. The results come in that order.
func (run *Runner) Run(execDirs []string, muninDir string, conf *Conf) Report {
	var rep Report
	progs := run.listExec(execDirs, &rep)
	var munin []program
	stDir := ""
	var rates *rateState
	ratesPath := ""
	if muninDir != "" {
		var err error
		if munin, err = list(muninDir, muninName); err != nil {
			rep.Errors = append(rep.Errors, fmt.Errorf("munin plugins: %w", err))
		} else if run.root() {
			var errs []error
			munin, errs = checkPlugins(muninDir, munin)
			for _, err := range errs {
				rep.Errors = append(rep.Errors, fmt.Errorf("munin plugins: %w", err))
			}
		}
		if stDir, err = run.stateDir("munin"); err != nil {
			rep.Errors = append(rep.Errors, fmt.Errorf("munin state folder: %w", err))
		}
		if stDir != "" {
			ratesPath = filepath.Join(stDir, "rates.state")
			if rates, err = loadRates(ratesPath); err != nil {
				rep.Errors = append(rep.Errors, err)
			}
		}
	}

	rep.Results = make([]Result, len(progs)+len(munin))
	fetched := make([]fetched, len(munin))
	run.each(len(rep.Results), func(i int) {
		if i < len(progs) {
			rep.Results[i] = run.exec(progs[i])
		} else {
			fetched[i-len(progs)] = run.munin(munin[i-len(progs)], conf, stDir)
		}
	})

	// Rates share one state: they are worked out here, in order.
	for i := range fetched {
		f := &fetched[i]
		f.res.Records = run.muninRecords(f, rates)
		rep.Results[len(progs)+i] = f.res
	}
	if rates != nil {
		rates.prune(run.Now(), run.MaxInterval)
		if err := rates.save(ratesPath); err != nil {
			rep.Errors = append(rep.Errors, fmt.Errorf("writing munin state: %w", err))
		}
	}
	return rep
}

// each runs f for every index below n, Parallel at a time.
func (run *Runner) each(n int, f func(i int)) {
	sem := make(chan struct{}, max(run.Parallel, 1))
	done := make(chan struct{})
	for i := range n {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; done <- struct{}{} }()
			f(i)
		}()
	}
	for range n {
		<-done
	}
}

// backup reports whether a file name is one that package managers and
// editors leave behind, which run-parts and munin-node do not run:
// *~, *#, *%, *,, *.bak, *.swp, *.cfsaved, *.dpkg-*, *.rpm*, *.ucf-*
// and DEADJOE.
func backup(name string) bool {
	switch name[len(name)-1] {
	case '~', '#', '%', ',':
		return true
	}
	for _, s := range []string{".bak", ".swp", ".cfsaved"} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	for _, s := range []string{".dpkg-", ".rpm", ".ucf-"} {
		if strings.Contains(name, s) {
			return true
		}
	}
	return name == "DEADJOE"
}

// A program is one plugin found in a folder.
type program struct {
	name string // the file name, which names the plugin
	path string // the folder's path joined with the name: argv[0]
}

// list returns the programs of dir in name order: the executable
// regular files, or links to one, whose names pass keep. Anything else
// is skipped without a word, as run-parts does: taking the execute bit
// off a plugin is how one turns it off.
func list(dir string, keep func(string) bool) ([]program, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []program
	for _, e := range entries {
		name := e.Name()
		if name[0] == '.' || backup(name) || !keep(name) {
			continue
		}
		path := filepath.Join(dir, name)
		if !executable(path) {
			continue
		}
		out = append(out, program{name, path})
	}
	return out, nil
}

func executable(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	return access(path) == nil
}

// stateDir returns a folder under the state folder, created, or "" when
// there is no state folder.
func (run *Runner) stateDir(elem ...string) (string, error) {
	if run.StateDir == "" {
		return "", nil
	}
	dir, err := filepath.Abs(filepath.Join(append([]string{run.StateDir}, elem...)...))
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return dir, nil
}
