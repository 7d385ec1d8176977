package smquery

import (
	"fmt"
	"slices"
)

// views are the formats that show samples across time, a series a line
// or a column: they need the samples, not --list nor --at.
var views = []string{"chart", "wide", "wide-csv"}

func isView(formatName string) bool { return slices.Contains(views, formatName) }

// checkView reports a command line that asks a view for what it cannot
// show. Its errors are usage errors.
func checkView(formatName string, list bool) error {
	if isView(formatName) && list {
		return fmt.Errorf("--list prints series: not with --format %s", formatName)
	}
	return nil
}
