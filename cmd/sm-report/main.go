// Command sm-report: see sm-report(1).
package main

import (
	"os"

	"sm/internal/cmd/smreport"
)

func main() { os.Exit(smreport.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
