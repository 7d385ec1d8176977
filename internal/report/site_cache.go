package report

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sm/internal/query"
	"sm/internal/safefile"
	"sm/internal/store"
)

// A site keeps, for each host, what Build made of each period, so that
// a run on data that did not change reads none of its samples again: a
// year of a host is read once, not every five minutes. The cache is a
// folder of DIR, one file a host.
const siteCache = ".sm-site-cache"

// siteRefresh is how old a host's cache may be: samples that arrive
// late, older than the run that made it (a backlog forwarded after an
// outage, an import), show within it, or when the period moves on.
const siteRefresh = time.Hour

// A hostCache is what Build made of a host's periods up to Horizon.
type hostCache struct {
	// Key says what was asked: other series, or other periods, are
	// another cache.
	Key string
	// Horizon is the time of the run that made it: a sample after it
	// makes the cache stale.
	Horizon int64
	// Series counts the host's series: one gone makes it stale.
	Series  int
	Periods []cachedPeriod
}

type cachedPeriod struct {
	From, To int64
	Hosts    []Host
}

// cacheKey is what a cache must have been made for to be used.
func cacheKey(sel query.Selector) string {
	var b strings.Builder
	b.WriteString("v2")
	for _, p := range SitePeriods {
		fmt.Fprintf(&b, " %s=%d", p.Name, p.Span/time.Second)
	}
	fmt.Fprintf(&b, " buckets=%d metrics=%q", ChartBuckets, sel.Metrics)
	for _, t := range sel.Tags {
		fmt.Fprintf(&b, " %q", t.String())
	}
	return b.String()
}

// checkCacheDir checks that the cache's folder, if there is one, is a
// folder and no link: a link planted there would have the run write,
// and remove, files elsewhere.
func checkCacheDir(dir string) error {
	path := filepath.Join(dir, siteCache)
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s: not a folder (%s); refusing to use it", path, fi.Mode().Type())
	}
	return nil
}

func cachePath(dir, hostFile string) string {
	return filepath.Join(dir, siteCache, strings.TrimSuffix(hostFile, ".html")+".gob")
}

// loadCache returns the host's cache, or nil when there is none or it
// cannot be read: a run then reads the samples.
func loadCache(dir, hostFile string) *hostCache {
	if checkCacheDir(dir) != nil {
		return nil
	}
	f, err := safefile.OpenFile(cachePath(dir, hostFile), os.O_RDONLY, 0)
	if err != nil {
		return nil
	}
	defer f.Close()
	var c hostCache
	if err := gob.NewDecoder(io.LimitReader(f, 64<<20)).Decode(&c); err != nil {
		return nil
	}
	return &c
}

func saveCache(dir, hostFile string, c *hostCache) error {
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(c); err != nil {
		return err
	}
	if err := checkCacheDir(dir); err != nil {
		return err
	}
	// The cache holds what the pages show, but is for sm alone.
	if err := os.Mkdir(filepath.Join(dir, siteCache), 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	_, err := writeIfChanged(filepath.Join(dir, siteCache), filepath.Base(cachePath(dir, hostFile)), b.Bytes())
	return err
}

// usable reports whether c holds the host's periods as they are now:
// made for the same question, less than siteRefresh ago, with the same
// series, none of which has a sample since.
func (c *hostCache) usable(db *store.DB, key string, ids []int64, now int64) (bool, error) {
	if c == nil || c.Key != key || c.Series != len(ids) || c.Horizon > now || now-c.Horizon >= int64(siteRefresh/time.Second) ||
		len(c.Periods) != len(SitePeriods) {
		return false, nil
	}
	if c.Horizon == now {
		return true, nil
	}
	rng, err := db.RangeOf(c.Horizon+1, now+1, ids)
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		err := rng.Scan(id, func(int64, float64) error { return errHeard })
		if err == errHeard {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
	return true, nil
}

// removeCaches removes the caches of hosts no longer on the site: only
// the files of sm's own folder that are named as caches are.
func removeCaches(dir string, hostFiles map[string]string) error {
	keep := map[string]bool{}
	for _, f := range hostFiles {
		keep[filepath.Base(cachePath(dir, f))] = true
	}
	if err := checkCacheDir(dir); err != nil {
		return err
	}
	entries, err := os.ReadDir(filepath.Join(dir, siteCache))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		n := e.Name()
		if keep[n] || !(strings.HasPrefix(n, "host-") && strings.HasSuffix(n, ".gob") || strings.HasPrefix(n, siteTemp)) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, siteCache, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
