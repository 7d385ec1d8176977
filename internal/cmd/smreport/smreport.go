// Package smreport is the body of sm-report. Write the weekly summary and run threshold checks.
//
// This is a placeholder: the command prints its usage and exits 2 until
// its issue is done.
package smreport

import (
	"io"

	"sm/internal/cli"
)

// Main runs sm-report with args and returns its exit status.
func Main(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	c := cli.New("sm-report", "[OPTION]...", "Write the weekly summary and run threshold checks.\n\nNot implemented yet.", stdout, stderr)
	if code, done := c.Parse(args); done {
		return code
	}
	c.PrintUsage(stderr)
	return cli.Usage
}
