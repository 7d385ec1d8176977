package smstore

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"sm/internal/cli"
	"sm/internal/record"
	"sm/internal/store"
)

// The series budget's defaults, reasoned in sm-store(1): a large host
// (128 CPUs, 200 disks, 100 interfaces, 500 services, Munin's plugins)
// has some 8,700 series.
const (
	defaultMaxNewSeries  = 15000
	defaultMaxHostSeries = 20000
)

// A refusal is why records of one host were refused: one message each at
// the end of the run, with a count.
type refusal struct {
	host string // as written in records (escaped); "" for none
	why  string
	meta bool // of meta lines, not records
}

// parsePin parses --pin's host=NAME and returns NAME as it is written in
// records.
func parsePin(s string) (string, error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k != "host" || v == "" {
		return "", fmt.Errorf("%q: want host=NAME", s)
	}
	return string(record.AppendTagValue(nil, v)), nil
}

// pinned reports whether a record of series key may be stored under
// --pin, and refuses it otherwise.
func (r *run) pinned(key []byte, ts int64, v float64) bool {
	if r.pin == nil {
		return true
	}
	host := store.HostOf(string(key))
	if host == *r.pin {
		return true
	}
	r.refuse(string(key), ts, v, refusal{host, fmt.Sprintf("not the pinned host %s (--pin)", strconv.Quote(*r.pin)), false})
	return false
}

// pinnedMeta reports whether a meta line may be stored under --pin, and
// refuses it otherwise: a host may not title another's graphs.
func (r *run) pinnedMeta(m *record.Meta) bool {
	if r.pin == nil {
		return true
	}
	host := string(record.AppendTagValue(nil, m.Host))
	if host == *r.pin {
		return true
	}
	r.refuseMeta(m, refusal{host, fmt.Sprintf("not the pinned host %s (--pin)", strconv.Quote(*r.pin)), true})
	return false
}

// refuseMetaLimit refuses a meta line of a host with too many groups.
func (r *run) refuseMetaLimit(m *record.Meta) {
	host := string(record.AppendTagValue(nil, m.Host))
	r.refuseMeta(m, refusal{host, fmt.Sprintf("more than %d groups with meta of one host", store.MaxHostGroups), true})
}

// refuseMeta sets a meta line aside as refuse does a record.
func (r *run) refuseMeta(m *record.Meta, why refusal) {
	if r.reject != nil {
		r.reject.Write(record.AppendMeta(r.reject.AvailableBuffer(), m))
	}
	r.count(why)
}

// refuseLimit refuses a record of a new series past a limit.
func (r *run) refuseLimit(key string, ts int64, v float64, why *store.LimitError) {
	flag := "--max-new-series"
	if why.Limit == store.HostSeriesLimit {
		flag = "--max-host-series"
	}
	r.refuse(key, ts, v, refusal{why.Host, fmt.Sprintf("%v (%s)", why, flag), false})
}

// refuse sets a record aside, in --reject's file if there is one, and
// counts it for the message at the end. The messages are of the first
// few hosts: a flood of made-up hosts gets one line for the rest.
func (r *run) refuse(key string, ts int64, v float64, why refusal) {
	if r.reject != nil {
		r.reject.Write(appendLine(r.reject.AvailableBuffer(), key, ts, v))
	}
	r.count(why)
}

// count counts a refusal for the message at the end, and makes the run
// a failure.
func (r *run) count(why refusal) {
	r.status = cli.Fail
	r.refused++
	if r.refusals == nil {
		r.refusals = map[refusal]int{}
	}
	if _, ok := r.refusals[why]; ok || len(r.refusals) < maxShown {
		if !ok {
			r.refusalOrder = append(r.refusalOrder, why)
		}
		r.refusals[why]++
		return
	}
	r.refusedMore++
}

// reportRefusals writes one line for each host and reason.
func (r *run) reportRefusals() {
	for _, why := range r.refusalOrder {
		n := r.refusals[why]
		what := plural(n, "record")
		if why.meta {
			what = plural(n, "meta line")
		}
		who := what + " without a host"
		if why.host != "" {
			who = fmt.Sprintf("%s of host %s", what, strconv.Quote(why.host))
		}
		r.Warnf("%d %s refused: %s", n, who, why.why)
	}
	if r.refusedMore > 0 {
		r.Warnf("%d more %s of other hosts refused", r.refusedMore, plural(r.refusedMore, "record"))
	}
}

// retire removes a host's series, for --retire-host.
func retire(c *cli.Command, dbPath string, o store.Options, host string, verbose bool) int {
	path, err := store.Resolve(dbPath)
	if err != nil {
		return c.Fail(err)
	}
	// Retiring from a database that is not there would make one.
	if _, err := os.Stat(path); err != nil {
		return c.Fail(err)
	}
	db, err := store.Open(path, o)
	if err != nil {
		return c.Fail(err)
	}
	defer db.Close()
	escaped := string(record.AppendTagValue(nil, host))
	got, err := db.RetireHost(escaped)
	if err != nil {
		return c.Fail(err)
	}
	if got.Series == 0 && got.Groups == 0 {
		return c.Fail(fmt.Errorf("--retire-host: no series of host %s", strconv.Quote(escaped)))
	}
	if verbose {
		fmt.Fprintf(c.Stdout, "retired host %s: %d series, %d %s, %d hourly %s removed\n",
			strconv.Quote(escaped), got.Series, got.Samples, plural(int(got.Samples), "sample"), got.Rollups, plural(int(got.Rollups), "rollup"))
	}
	return cli.OK
}
