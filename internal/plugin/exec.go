package plugin

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"sm/internal/record"
)

// Exec runs the programs in each folder, the folders in the order given
// and the programs of each in name order, and reads their records.
//
// A program prints records, one a line, as sm(7) describes; a missing
// timestamp means the time it was started. It gets the environment plus
// SM_HOST, the host tag, and SM_STATE_DIR, a folder of its own under
// the state folder that it may keep state in.
func (run *Runner) Exec(dirs []string) Report {
	return run.Run(dirs, "", nil)
}

// listExec lists the programs of the folders, in order.
func (run *Runner) listExec(dirs []string, rep *Report) []program {
	var progs []program
	for _, dir := range dirs {
		p, err := list(dir, func(string) bool { return true })
		if err != nil {
			rep.Errors = append(rep.Errors, fmt.Errorf("plugins: %w", err))
			continue
		}
		if run.root() {
			var errs []error
			p, errs = checkPlugins(dir, p)
			for _, err := range errs {
				rep.Errors = append(rep.Errors, fmt.Errorf("plugins: %w", err))
			}
		}
		progs = append(progs, p...)
	}
	return progs
}

func (run *Runner) exec(p program) Result {
	res := Result{Name: p.name}
	env := append(slices.Clip(run.env()), "SM_HOST="+run.host())
	if dir, err := run.stateDir("exec", p.name); err != nil {
		res.errorf("state folder: %v", err)
	} else if dir != "" {
		env = append(env, "SM_STATE_DIR="+dir)
	}
	now := run.Now()
	o := start(command{path: p.path, args: []string{p.path}, env: env, timeout: run.Timeout})
	res.Stderr = o.stderr
	res.Records = run.parseRecords(&res, o.stdout, now, o.killed)
	if o.err != nil {
		res.errorf("%v", o.err)
	}
	return res
}

// parseRecords reads a plugin's records and tags them. The last line of
// a plugin that was killed may have been cut short: it is refused rather
// than read as another number.
func (run *Runner) parseRecords(res *Result, out []byte, now time.Time, killed bool) []record.Record {
	var recs []record.Record
	bad := lineErrors{res: res}
	r := record.NewReader(bytes.NewReader(out), res.Name)
	r.Now = func() time.Time { return now }
	r.Whole = killed
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		var le *record.LineError
		if errors.As(err, &le) {
			bad.add(le.Line, le.Err)
			continue
		}
		if err != nil {
			res.errorf("%v", err)
			break
		}
		if err := run.tag(&rec); err != nil {
			bad.add(r.Line(), err)
			continue
		}
		recs = append(recs, rec)
	}
	bad.done()
	return recs
}
