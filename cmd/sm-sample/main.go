// Command sm-sample: see sm-sample(1).
package main

import (
	"os"

	"sm/internal/cmd/smsample"
)

func main() { os.Exit(smsample.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
