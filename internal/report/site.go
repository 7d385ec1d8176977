package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"sm/internal/query"
	"sm/internal/record"
	"sm/internal/safefile"
	"sm/internal/store"
)

// A site is a folder of static pages, as Munin's: an index of the hosts
// with their state, a page a host with every group's charts over a day,
// a week, a month and a year, and a page a group with its charts on
// every host. Each page is one self-contained HTML file, as the HTML
// report is: CSS and SVG inline, no script, links relative, so it reads
// the same from file:// and from any static web server.
//
// The files sm makes are named after the host or group with a hash, so
// that no name a host sends can reach out of the folder or take another
// host's page; they are listed in siteManifest, and a run removes only
// the pages of that list that it no longer writes. A page is written
// only when its bytes change, to a new file in the folder that is then
// renamed over the old, so that a web server never sends half a page.

// SitePeriods are the periods of a host's charts, as Munin's: each ends
// at the end of the chart bucket that holds now.
var SitePeriods = []struct {
	Name string
	Span time.Duration
}{
	{"day", 24 * time.Hour},
	{"week", 7 * 24 * time.Hour},
	{"month", 30 * 24 * time.Hour},
	{"year", 365 * 24 * time.Hour},
}

// MaxSiteHosts bounds the hosts of a site, the first by name; the
// index counts the rest. A group page holds every host's charts, and
// memory holds them while the pages are written.
const MaxSiteHosts = 200

// The files of a site that are not pages: the list of the pages it
// made, and the lock that keeps two runs from writing one folder.
const (
	siteManifest = ".sm-site"
	siteLock     = ".sm-site.lock"
	siteTemp     = ".sm-site-tmp-"
)

// SiteOptions say what a site shows.
type SiteOptions struct {
	// Selector picks the series; a host with none is not on the site.
	query.Selector
	Now   time.Time
	Rules Rules
	// For and Stale are --check's, for the hosts' states.
	For, Stale time.Duration
}

// SiteStats tell what WriteSite did.
type SiteStats struct {
	Hosts, Groups int
	// Pages counts the pages of the site; Written those whose bytes
	// changed, and so were written; Removed those of hosts and groups
	// gone.
	Pages, Written, Removed int
}

// WriteSite writes the site of the series o selects on db into the
// folder dir, made if missing. dir itself may be a symbolic link, as
// any folder on the way, named by the administrator; the files in it
// are never followed through one.
func WriteSite(db *store.DB, dir string, o SiteOptions) (SiteStats, error) {
	var st SiteStats
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return st, err
	}
	unlock, err := lockSite(dir)
	if err != nil {
		return st, err
	}
	defer unlock()
	if err := removeTemps(dir); err != nil {
		return st, err
	}
	old, err := readManifest(dir)
	if err != nil {
		return st, err
	}

	hosts, more, err := siteHosts(db, o.Selector)
	if err != nil {
		return st, err
	}
	s := newSite(dir, o.Now, hosts, more)
	// The list names every page before it is written, old and new: a
	// run cut short leaves none that a later run would not know. Host
	// pages are written as they are made; the groups are known at the
	// end.
	listed := slices.Concat(old, []string{"index.html"}, slices.Collect(maps.Values(s.hostFiles)))
	if err := writeManifest(dir, listed); err != nil {
		return st, err
	}
	made := map[string]bool{}
	write := func(name string, page []byte) error {
		made[name] = true
		wrote, err := writeIfChanged(dir, name, page)
		if wrote {
			st.Written++
		}
		return err
	}
	for _, h := range s.hosts {
		if err := s.addHost(db, h, o, write); err != nil {
			return st, err
		}
	}
	pages, err := s.pages()
	if err != nil {
		return st, err
	}
	if err := writeManifest(dir, slices.Concat(listed, slices.Collect(maps.Keys(pages)))); err != nil {
		return st, err
	}
	for _, name := range slices.Sorted(maps.Keys(pages)) {
		if err := write(name, pages[name]); err != nil {
			return st, err
		}
	}
	st.Hosts, st.Groups, st.Pages = len(s.hosts), len(s.groups), len(made)
	for _, name := range old {
		if made[name] {
			continue
		}
		err := os.Remove(filepath.Join(dir, name))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return st, err
		}
		st.Removed++
	}
	if err := removeCaches(dir, s.hostFiles); err != nil {
		return st, err
	}
	return st, writeManifest(dir, slices.Collect(maps.Keys(made)))
}

// lockSite takes the folder's lock, or fails when another run holds it:
// the run that cron starts next comes soon enough.
func lockSite(dir string) (func(), error) {
	path := filepath.Join(dir, siteLock)
	f, err := safefile.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: another sm-report --site is writing this folder", dir)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// removeTemps removes the temporary files of a run that was killed
// before it renamed them: only sm's, by their prefix, and under the
// lock, so none is a file another run is writing.
func removeTemps(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), siteTemp) && e.Type().IsRegular() {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// sitePage is what the name of a page sm writes looks like: nothing
// else in the manifest is ever removed.
var sitePage = regexp.MustCompile(`^(index|(host|group)-[A-Za-z0-9_-]{1,80})\.html$`)

// readManifest returns the pages the last run wrote, those whose names
// are a page's: a list edited by hand cannot make a run remove another
// file.
func readManifest(dir string) ([]string, error) {
	f, err := safefile.OpenFile(filepath.Join(dir, siteManifest), os.O_RDONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, l := range strings.Split(string(b), "\n") {
		if sitePage.MatchString(l) {
			names = append(names, l)
		}
	}
	return names, nil
}

// writeManifest writes the list of the pages, in order, each once.
func writeManifest(dir string, names []string) error {
	names = slices.Compact(slices.Sorted(slices.Values(names)))
	var b bytes.Buffer
	b.WriteString("# The pages sm-report --site wrote here; it removes those of hosts and groups gone.\n")
	for _, n := range names {
		b.WriteString(n + "\n")
	}
	_, err := writeIfChanged(dir, siteManifest, b.Bytes())
	return err
}

// writeIfChanged replaces the file name in dir with data, unless it
// holds data already, and reports whether it wrote. The new bytes go
// to a new file in dir, synced, then renamed over the old one: a reader
// sees the old page or the new, never a part.
func writeIfChanged(dir, name string, data []byte) (bool, error) {
	path := filepath.Join(dir, name)
	if f, err := safefile.OpenFile(path, os.O_RDONLY, 0); err == nil {
		same, err := sameBytes(f, data)
		f.Close()
		if err != nil {
			return false, err
		}
		if same {
			return false, nil
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	// Pages are for a web server to read: 0644 less the umask.
	tmp, err := safefile.CreateTemp(dir, siteTemp, 0o644)
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name()) // after the rename, nothing to remove
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// A link or a folder planted there since is refused, as the
		// rename would replace it.
		err = safefile.Check(path)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	return err == nil, err
}

// sameBytes reports whether f holds exactly data.
func sameBytes(f *os.File, data []byte) (bool, error) {
	fi, err := f.Stat()
	if err != nil || fi.Size() != int64(len(data)) {
		return false, err
	}
	b, err := io.ReadAll(io.LimitReader(f, int64(len(data))+1))
	return bytes.Equal(b, data), err
}

// siteHosts returns the hosts of the series sel picks, the first
// MaxSiteHosts by name, and how many more there are. Series without a
// host are left out: a site is of hosts.
func siteHosts(db *store.DB, sel query.Selector) ([]string, int, error) {
	seen := map[string]bool{}
	more := map[string]bool{}
	var last string // once trimmed, the last name kept
	err := sel.Each(db, func(series []query.Series) error {
		for _, s := range series {
			h := record.TagValue(s.Tags, "host")
			if h == "" || seen[h] || more[h] {
				continue
			}
			if last != "" && record.NaturalCompare(h, last) > 0 {
				if len(more) < 100*MaxSiteHosts {
					more[h] = true
				}
				continue
			}
			seen[h] = true
			if len(seen) > 2*MaxSiteHosts {
				// Keep memory to the hosts shown, and a bounded count
				// of the rest.
				kept := slices.SortedFunc(maps.Keys(seen), record.NaturalCompare)
				for _, n := range kept[MaxSiteHosts:] {
					delete(seen, n)
					if len(more) < 100*MaxSiteHosts {
						more[n] = true
					}
				}
				last = kept[MaxSiteHosts-1]
			}
		}
		return nil
	})
	hosts := slices.SortedFunc(maps.Keys(seen), record.NaturalCompare)
	n := len(more)
	if len(hosts) > MaxSiteHosts {
		n += len(hosts) - MaxSiteHosts
		hosts = hosts[:MaxSiteHosts]
	}
	return hosts, n, err
}

// siteFile returns the file name of a host's or a group's page: kind,
// then the name's letters, digits, "-" and "_" (others become "-"), at
// most 40 of them, then a hash of the whole name. It never holds "/" or
// starts with ".", whatever the name.
func siteFile(kind, name string) string {
	var b strings.Builder
	for _, c := range []byte(name) {
		if b.Len() >= 40 {
			break
		}
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-':
			b.WriteByte(c)
		default:
			if s := b.String(); s != "" && !strings.HasSuffix(s, "-") {
				b.WriteByte('-')
			}
		}
	}
	sum := sha256.Sum256([]byte(name))
	slug := strings.Trim(b.String(), "-")
	if slug != "" {
		slug += "-"
	}
	return kind + "-" + slug + hex.EncodeToString(sum[:5])
}

// fileNames maps names to the files of their pages, distinct even when
// two hashes meet: the later name in order takes a number.
func fileNames(kind string, names []string) map[string]string {
	out := make(map[string]string, len(names))
	taken := map[string]bool{}
	for _, n := range names {
		base := siteFile(kind, n)
		f := base + ".html"
		for i := 2; taken[f]; i++ {
			f = fmt.Sprintf("%s-%d.html", base, i)
		}
		taken[f] = true
		out[n] = f
	}
	return out
}
