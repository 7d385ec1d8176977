package smreport

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"sm/internal/cli"
	"sm/internal/report"
	"sm/internal/store"
)

// siteUsage checks the flags given with --site: its periods are its
// own, and it writes pages, not a report.
func siteUsage(f *pflag.FlagSet, rangeSet bool) error {
	for _, name := range []string{"check", "format", "output", "week", "forget-after"} {
		if f.Changed(name) {
			return fmt.Errorf("--site and --%s: give one or the other", name)
		}
	}
	if rangeSet {
		return errors.New("--site draws a day, a week, a month and a year to now: --since and --until do not go with it")
	}
	if f.NArg() > 0 {
		return errors.New("--site reads the database: it takes no files")
	}
	return nil
}

// runSite writes the site into dir, silent on success as cron wants.
func runSite(c *cli.Command, db *store.DB, dir string, o report.SiteOptions) int {
	if _, err := report.WriteSite(db, dir, o); err != nil {
		return c.Fail(err)
	}
	return cli.OK
}
