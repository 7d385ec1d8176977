// Package cli holds what the four commands share: exit statuses, the
// version, flag parsing with --help and --version, and the shape of error
// messages ("sm-store: stdin:42: value \"abc\" is not a number").
package cli

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/sys/unix"

	"sm/internal/esc"
)

// Exit statuses of every command.
const (
	OK    = 0 // success
	Fail  = 1 // a runtime failure, or some input was bad
	Usage = 2 // the command line was wrong
)

// Now is the commands' clock for the times they print and store. The
// end-to-end tests fix it; nothing else changes it.
var Now = time.Now

// version is stamped in by the Makefile with -ldflags -X.
var version string

// Version returns the stamped version, else the module version of a
// go install, else "devel".
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// A Command is one tool's name, streams and flags.
type Command struct {
	Name     string // "sm-sample"
	Synopsis string // what follows the name in the usage line
	Doc      string // a paragraph between the usage line and the flags
	Flags    *pflag.FlagSet
	Stdout   io.Writer
	Stderr   io.Writer

	help, version bool
}

// New returns a Command with an empty flag set that keeps the order in
// which flags are defined.
func New(name, synopsis, doc string, stdout, stderr io.Writer) *Command {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.SortFlags = false
	return &Command{Name: name, Synopsis: synopsis, Doc: doc, Flags: fs, Stdout: stdout, Stderr: stderr}
}

// Parse parses args. When the run ends here, because of --help,
// --version or a usage error, done is true and code is the exit status.
func (c *Command) Parse(args []string) (code int, done bool) {
	c.Flags.BoolVarP(&c.help, "help", "h", false, "show this help and exit")
	c.Flags.BoolVar(&c.version, "version", false, "show the version and exit")
	if err := c.Flags.Parse(args); err != nil {
		return c.UsageError("%v", err), true
	}
	if name := emptyFlag(c.Flags); name != "" {
		return c.UsageError("--%s: empty value", name), true
	}
	switch {
	case c.help:
		c.PrintUsage(c.Stdout)
		return OK, true
	case c.version:
		fmt.Fprintf(c.Stdout, "%s %s\n", c.Name, Version())
		return OK, true
	}
	return OK, false
}

// emptyFlag returns the name of the first flag given an empty value, as
// --db ” (a variable unset in a script), or "". No flag of sm's takes
// an empty value: a default is had by leaving the flag out, and an
// empty --db, --format or --forward taken as the default, or as
// nothing, hides the mistake.
func emptyFlag(fs *pflag.FlagSet) string {
	name := ""
	fs.Visit(func(f *pflag.Flag) {
		if name != "" {
			return
		}
		switch v := f.Value.(type) {
		case pflag.SliceValue:
			for _, s := range v.GetSlice() {
				if s == "" {
					name = f.Name
				}
			}
		default:
			if f.Value.Type() == "string" && f.Value.String() == "" {
				name = f.Name
			}
		}
	})
	return name
}

// IsTerminal reports whether w is a terminal: the tools print for people
// there, and for programs anywhere else.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// DBFlag defines --db, the same in every tool that reads or writes the
// database.
func DBFlag(f *pflag.FlagSet) *string {
	return f.String("db", "", "the database `PATH` (default: $SM_DB, else /var/lib/sm/metrics.db for root, else $XDG_DATA_HOME/sm/metrics.db)")
}

// PrintUsage writes the usage line, the description and the flags.
func (c *Command) PrintUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: %s %s\n", c.Name, c.Synopsis)
	if c.Doc != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.Doc))
	}
	fmt.Fprintf(w, "\nOptions:\n%s", c.flagUsages())
	fmt.Fprintf(w, "\nSee %s(%s) for details.\n", c.Name, manSection(c.Name))
}

// flagUsages lists the flags as GNU tools do. pflag's own listing marks
// every boolean "[=true|false]" and prints durations as 1h0m0s.
func (c *Command) flagUsages() string {
	type row struct{ left, usage string }
	var rows []row
	width := 0
	c.Flags.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		left := "      --" + f.Name
		if f.Shorthand != "" {
			left = "  -" + f.Shorthand + ", --" + f.Name
		}
		name, usage := pflag.UnquoteUsage(f)
		if f.Value.Type() != "bool" && name != "" {
			left += " " + name
		}
		if def := defaultText(f); def != "" {
			usage += " (default " + def + ")"
		}
		rows = append(rows, row{left, usage})
		width = max(width, len(left))
	})
	var b strings.Builder
	for _, r := range rows {
		lines := wrap(r.usage, max(30, 79-width-2))
		fmt.Fprintf(&b, "%-*s  %s\n", width, r.left, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(&b, "%*s  %s\n", width, "", l)
		}
	}
	return b.String()
}

// wrap breaks s into lines of at most n bytes, at spaces.
func wrap(s string, n int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > n {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}

// defaultText is a flag's default as a user would type it, or "" when
// the default is the zero value and goes without saying.
func defaultText(f *pflag.Flag) string {
	switch f.Value.Type() {
	case "bool":
		return ""
	case "duration":
		d, err := time.ParseDuration(f.DefValue)
		if err != nil || d == 0 {
			return ""
		}
		return FormatDuration(d)
	case "stringSlice", "stringArray":
		if f.DefValue == "[]" {
			return ""
		}
		return strings.Trim(f.DefValue, "[]")
	}
	if f.DefValue == "0" {
		return ""
	}
	return f.DefValue
}

// FormatDuration writes d the short way: 1h, 90s, 1h30m, 250ms.
func FormatDuration(d time.Duration) string {
	if d%time.Second != 0 || d == 0 {
		return d.String()
	}
	s := d.String() // 1h0m0s
	s = strings.Replace(s, "m0s", "m", 1)
	s = strings.Replace(s, "h0m", "h", 1)
	return s
}

func manSection(name string) string {
	if name == "sm" {
		return "7"
	}
	return "1"
}

// UsageError reports a wrong command line and returns the usage status.
func (c *Command) UsageError(format string, args ...any) int {
	fmt.Fprintf(c.Stderr, "%s: %s\n", c.Name, esc.Text(fmt.Sprintf(format, args...)))
	fmt.Fprintf(c.Stderr, "Try '%s --help' for more information.\n", c.Name)
	return Usage
}

// Warn reports a problem on stderr, prefixed with the command's name, on
// one line: the message often quotes what a record sent, so a control
// character or a bidirectional override in it is shown as an escape
// (package esc), never sent to the terminal.
func (c *Command) Warn(err error) {
	fmt.Fprintf(c.Stderr, "%s: %s\n", c.Name, esc.Text(err.Error()))
}

// Warnf is Warn with formatting.
func (c *Command) Warnf(format string, args ...any) {
	c.Warn(fmt.Errorf(format, args...))
}

// Fail reports err and returns the failure status.
func (c *Command) Fail(err error) int {
	c.Warn(err)
	return Fail
}
