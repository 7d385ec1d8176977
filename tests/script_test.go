// Package tests runs the end-to-end scripts in this folder: each *.txtar
// drives the real commands through pipes, as a user would.
package tests

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"sm/internal/cli"
	"sm/internal/cmd/smquery"
	"sm/internal/cmd/smreport"
	"sm/internal/cmd/smsample"
	"sm/internal/cmd/smstore"
	"sm/internal/record"
	"sm/internal/report/fixture"
	"sm/internal/store"
)

type mainFunc func(args []string, stdin io.Reader, stdout, stderr io.Writer) int

var commands = map[string]mainFunc{
	"sm-sample": smsample.Main,
	"sm-store":  smstore.Main,
	"sm-query":  smquery.Main,
	"sm-report": smreport.Main,
}

func TestMain(m *testing.M) {
	cmds := map[string]func(){}
	for name, main := range commands {
		cmds[name] = func() {
			// As in the real commands: a test binary handles SIGPIPE.
			signal.Reset(syscall.SIGPIPE)
			// Scripts fix the clock with SM_TEST_NOW (Unix seconds). Only
			// this test binary reads it; the real commands do not.
			if s := os.Getenv("SM_TEST_NOW"); s != "" {
				sec, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					panic(err)
				}
				cli.Now = func() time.Time { return time.Unix(sec, 0) }
			}
			os.Exit(main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		}
	}
	testscript.Main(m, cmds)
}

var update = flag.Bool("update", false, "rewrite the expected output in the scripts with what the commands print")

func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams(t, "."))
}

// TestFaultScripts runs the fault suite's scripts, under faults/: what
// the commands do when their files, clock or machine go wrong.
func TestFaultScripts(t *testing.T) {
	testscript.Run(t, scriptParams(t, "faults"))
}

// scriptParams runs the scripts of dir, with the fixtures' folders in
// $FIXTURES and $REPORTS and the commands of this package.
func scriptParams(t *testing.T, dir string) testscript.Params {
	testdata, err := filepath.Abs("../internal/collect/testdata")
	if err != nil {
		t.Fatal(err)
	}
	reports, err := filepath.Abs("../internal/report/testdata")
	if err != nil {
		t.Fatal(err)
	}
	return testscript.Params{
		Dir: dir,
		Setup: func(env *testscript.Env) error {
			env.Setenv("FIXTURES", testdata)
			env.Setenv("REPORTS", reports)
			env.Setenv("TZ", "UTC")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"records":  cmdRecords,
			"dbdump":   cmdDBDump,
			"fixture":  cmdFixture,
			"maxwidth": cmdMaxWidth,
			// Of the series budget's scripts.
			"largehost": cmdLargeHost,
			"bomb":      cmdBomb,
		},
		RequireExplicitExec: true,
		UpdateScripts:       *update,
	}
}

// cmdRecords checks that a file holds only well-formed canonical records,
// at least min of them: records FILE [MIN].
func cmdRecords(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: records FILE [MIN]")
	}
	min := 1
	if len(args) == 2 {
		min, _ = strconv.Atoi(args[1])
	}
	data := ts.ReadFile(args[0])
	n := 0
	sc := bufio.NewScanner(strings.NewReader(data))
	for sc.Scan() {
		n++
		line := sc.Bytes()
		r, err := record.Parse(line, 0)
		if err != nil {
			ts.Fatalf("line %d: %v: %q", n, err, line)
		}
		if got := r.String(); got != string(line) {
			ts.Fatalf("line %d is not canonical: %q, canonical %q", n, line, got)
		}
	}
	if n < min {
		ts.Fatalf("%d records, want at least %d", n, min)
	}
	if !bytes.HasSuffix([]byte(data), []byte("\n")) && data != "" {
		ts.Fatalf("output does not end with a newline")
	}
	ts.Logf("%d records", n)
}

// cmdDBDump prints every sample of a database, series by series in
// their canonical order, as records: dbdump DB.
func cmdDBDump(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: dbdump DB")
	}
	db, err := store.Open(ts.MkAbs(args[0]), store.Options{ReadOnly: true})
	ts.Check(err)
	defer db.Close()
	series, err := db.FindSeries(nil, nil, nil)
	ts.Check(err)
	slices.SortFunc(series, func(a, b store.Series) int { return strings.Compare(a.Key(), b.Key()) })
	for _, s := range series {
		err := db.Scan(s.ID, 0, record.MaxTime+1, func(t int64, v float64) error {
			_, err := fmt.Fprintf(ts.Stdout(), "%s %s %d\n", s.Key(), record.AppendValue(nil, v), t)
			return err
		})
		ts.Check(err)
	}
}

// cmdFixture writes the report's fixture records to a file: fixture
// FILE. Its clock is fixture.Now.
func cmdFixture(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: fixture FILE")
	}
	var b bytes.Buffer
	ts.Check(fixture.Write(&b))
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), b.Bytes(), 0o644))
}
