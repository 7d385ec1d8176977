// Command sm-query: see sm-query(1).
package main

import (
	"os"

	"sm/internal/cmd/smquery"
)

func main() { os.Exit(smquery.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
