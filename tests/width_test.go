package tests

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdMaxWidth checks that no line of a file is wider than a terminal
// of N columns, counting runes, not bytes: maxwidth N FILE. Negated, it
// checks that some line is.
func cmdMaxWidth(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: maxwidth N FILE")
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n <= 0 {
		ts.Fatalf("maxwidth: %q is not a width", args[0])
	}
	data := ts.ReadFile(args[1])
	if data == "" {
		ts.Fatalf("maxwidth: %s is empty", args[1])
	}
	widest, at := 0, ""
	for line := range strings.Lines(data) {
		line = strings.TrimSuffix(line, "\n")
		if w := utf8.RuneCountInString(line); w > widest {
			widest, at = w, line
		}
	}
	switch {
	case !neg && widest > n:
		ts.Fatalf("a line of %d columns, more than %d:\n%s", widest, n, at)
	case neg && widest <= n:
		ts.Fatalf("no line wider than %d columns (widest %d)", n, widest)
	}
}
