// Command sm-store: see sm-store(1).
package main

import (
	"os"

	"sm/internal/cmd/smstore"
)

func main() { os.Exit(smstore.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
