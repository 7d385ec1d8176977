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

// runSite writes the site into dir, silent on success as cron wants. A
// site of no host is written, and fails.
func runSite(c *cli.Command, db *store.DB, dir string, o report.SiteOptions) int {
	st, err := report.WriteSite(db, dir, o)
	if err != nil {
		return c.Fail(err)
	}
	if st.Hosts == 0 {
		// As a report about nothing: a host misspelt, or a database
		// that sm-store never filled.
		c.Warnf("%s: no hosts: no series selected has a host tag", dir)
		return cli.Fail
	}
	return cli.OK
}
