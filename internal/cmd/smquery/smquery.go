// Package smquery is the body of sm-query. Select, aggregate and print stored records.
//
// This is a placeholder: the command prints its usage and exits 2 until
// its issue is done.
package smquery

import (
	"io"

	"sm/internal/cli"
)

// Main runs sm-query with args and returns its exit status.
func Main(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	c := cli.New("sm-query", "[OPTION]...", "Select, aggregate and print stored records.\n\nNot implemented yet.", stdout, stderr)
	if code, done := c.Parse(args); done {
		return code
	}
	c.PrintUsage(stderr)
	return cli.Usage
}
