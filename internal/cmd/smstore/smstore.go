// Package smstore is the body of sm-store. Store records in the SQLite database.
//
// This is a placeholder: the command prints its usage and exits 2 until
// its issue is done.
package smstore

import (
	"io"

	"sm/internal/cli"
)

// Main runs sm-store with args and returns its exit status.
func Main(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	c := cli.New("sm-store", "[--db PATH] [FILE]...", "Store records in the SQLite database.\n\nNot implemented yet.", stdout, stderr)
	if code, done := c.Parse(args); done {
		return code
	}
	c.PrintUsage(stderr)
	return cli.Usage
}
