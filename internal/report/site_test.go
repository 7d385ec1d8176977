package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"sm/internal/report/fixture"
	"sm/internal/store"
)

// siteOptions are the options of a site of the fixture.
func siteOptions() SiteOptions {
	return SiteOptions{Now: fixture.Now, Rules: DefaultRules(), Stale: 15 * time.Minute}
}

// writeSite writes the site of db into dir, failing t on an error.
func writeSite(t *testing.T, db *store.DB, dir string) SiteStats {
	t.Helper()
	st, err := WriteSite(db, dir, siteOptions())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// files returns the names of the files in dir, and their times.
func files(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]time.Time{}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = fi.ModTime()
	}
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var linkRE = regexp.MustCompile(`href="([^"#]*)`)

func TestSite(t *testing.T) {
	db := fixtureDB(t)
	dir := filepath.Join(t.TempDir(), "site")
	st := writeSite(t, db, dir)

	// Three hosts, the fixture's families, a page each, and the index.
	if st.Hosts != 3 || st.Pages != 1+st.Hosts+st.Groups || st.Written != st.Pages || st.Removed != 0 {
		t.Errorf("stats %+v, want 3 hosts and a page each, every group's and the index's, all written", st)
	}
	got := files(t, dir)
	index := readFile(t, filepath.Join(dir, "index.html"))
	// The index: every host with its state, as --check says it.
	for _, want := range []string{
		`<span class="state critical">CRITICAL</span></td><td><a href="host-web2-`,
		`disk.used_pct;host=web2;mount=/ 96.5 &gt; 95`,
		`<span class="state unknown">UNKNOWN</span></td><td><a href="host-web3-`,
		`no data from host web3 in the last 15m (--stale)`,
		`<span class="state ok">OK</span></td><td><a href="host-web1-`,
	} {
		if !strings.Contains(index, want) {
			t.Errorf("the index lacks %q:\n%s", want, index)
		}
	}
	// Every link leads to a page of the site, and every page is linked.
	linked := map[string]bool{"index.html": true}
	for name := range got {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		page := readFile(t, filepath.Join(dir, name))
		checkHTML(t, page, strings.Count(page, `<svg class="chart"`))
		for _, m := range linkRE.FindAllStringSubmatch(page, -1) {
			if m[1] == "" {
				continue // an anchor of the page
			}
			if _, ok := got[m[1]]; !ok {
				t.Errorf("%s links to %q, which is not in the site", name, m[1])
			}
			linked[m[1]] = true
		}
	}
	for name := range got {
		if sitePage.MatchString(name) && !linked[name] {
			t.Errorf("%s is linked from no page", name)
		}
	}

	// A host's page has every group's charts for the four periods:
	// web1's load over a day, a week, a month and a year.
	var web1 string
	for name := range got {
		if strings.HasPrefix(name, "host-web1-") {
			web1 = readFile(t, filepath.Join(dir, name))
		}
	}
	for _, p := range SitePeriods {
		if !strings.Contains(web1, "<h3>"+p.Name+" ") {
			t.Errorf("web1's page has no %s", p.Name)
		}
	}
	if n := strings.Count(web1, `aria-label="web1 · load"`); n != len(SitePeriods) {
		t.Errorf("web1's page has %d charts of its load, want one a period, %d", n, len(SitePeriods))
	}
	// A group's page has every host's charts of the group.
	var load string
	for name := range got {
		if strings.HasPrefix(name, "group-load-") {
			load = readFile(t, filepath.Join(dir, name))
		}
	}
	// web3, silent since Monday, has none over the last day.
	for h, want := range map[string]int{"web1": 4, "web2": 4, "web3": 3} {
		if n := strings.Count(load, `aria-label="`+h+` · load"`); n != want {
			t.Errorf("the load page has %d charts of %s, want %d", n, h, want)
		}
	}
}

func TestSiteUnchanged(t *testing.T) {
	db := fixtureDB(t)
	dir := t.TempDir()
	first := writeSite(t, db, dir)
	before := files(t, dir)
	// Times in the past, so that a rewrite shows whatever the clock's
	// resolution.
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for name := range before {
		if err := os.Chtimes(filepath.Join(dir, name), old, old); err != nil {
			t.Fatal(err)
		}
	}
	st := writeSite(t, db, dir)
	if st.Written != 0 || st.Removed != 0 || st.Pages != first.Pages {
		t.Errorf("a run on the same data: %+v, want the same %d pages, none written", st, first.Pages)
	}
	for name, mt := range files(t, dir) {
		if name != siteLock && !mt.Equal(old) {
			t.Errorf("%s was rewritten", name)
		}
	}

	// A page that differs is rewritten, and only it.
	index := filepath.Join(dir, "index.html")
	if err := os.WriteFile(index, []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	if st := writeSite(t, db, dir); st.Written != 1 {
		t.Errorf("one page changed: %d written, want 1", st.Written)
	}
	if strings.Contains(readFile(t, index), "changed") {
		t.Error("the index was not rewritten")
	}
}

func TestSiteRemovesGone(t *testing.T) {
	dir := t.TempDir()
	// Someone else's files in the folder stay, whatever their names.
	mine := []string{"notes.txt", "host-web1-0000000000.html", ".htaccess"}
	for _, n := range mine {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	at := fixture.Now.Add(-time.Hour).Unix()
	two := fmt.Sprintf("load.1m;host=a 1 %d\nload.1m;host=b 1 %d\nmem.used_pct;host=b 5 %d\n", at, at, at)
	writeSite(t, recordsDB(t, []byte(two)), dir)
	var bPages []string
	for name := range files(t, dir) {
		if strings.HasPrefix(name, "host-b-") || strings.HasPrefix(name, "group-memory-") {
			bPages = append(bPages, name)
		}
	}
	if len(bPages) != 2 {
		t.Fatalf("want b's page and memory's, got %v", bPages)
	}
	// b is retired: its page goes, and the memory group's, which only
	// b had.
	st := writeSite(t, recordsDB(t, []byte(fmt.Sprintf("load.1m;host=a 1 %d\n", at))), dir)
	if st.Removed != 2 {
		t.Errorf("removed %d pages, want 2", st.Removed)
	}
	now := files(t, dir)
	for _, n := range bPages {
		if _, ok := now[n]; ok {
			t.Errorf("%s is still there", n)
		}
	}
	for _, n := range mine {
		if _, ok := now[n]; !ok {
			t.Errorf("%s, not sm's, was removed", n)
		}
	}

	// A list edited to name other files removes none of them.
	manifest := filepath.Join(dir, siteManifest)
	bad := "../outside.html\nnotes.txt\n.htaccess\n/etc/passwd\nhost-a/../../x.html\n"
	if err := os.WriteFile(manifest, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(filepath.Dir(dir), "outside.html")
	if err := os.WriteFile(outside, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeSite(t, recordsDB(t, []byte(fmt.Sprintf("load.1m;host=a 1 %d\n", at))), dir)
	for _, p := range []string{outside, filepath.Join(dir, "notes.txt"), filepath.Join(dir, ".htaccess")} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("a list naming %s made the run remove it: %v", p, err)
		}
	}
}

func TestSiteFile(t *testing.T) {
	long := strings.Repeat("a", 300)
	for _, name := range []string{"web1", "", ".", "..", "../../etc/passwd", "/", ".hidden", "a/b", "a\x00b", "é", long,
		"<script>", "web1\nweb2", "-", "--x", "con", "index"} {
		t.Run(fmt.Sprintf("%.20q", name), func(t *testing.T) {
			for _, kind := range []string{"host", "group"} {
				f := siteFile(kind, name) + ".html"
				if !sitePage.MatchString(f) || f == "index.html" {
					t.Errorf("%q: file %q is not a page's name", name, f)
				}
				if strings.ContainsAny(f, "/\\\x00") || strings.HasPrefix(f, ".") || len(f) > 80 || filepath.Base(f) != f {
					t.Errorf("%q: file %q may escape the folder", name, f)
				}
			}
		})
	}
	// Names that look alike on the page have files of their own.
	names := []string{"a/b", "a-b", "a b", "a_b", "a--b", long, long + "b"}
	files := fileNames("host", names)
	seen := map[string]string{}
	for _, n := range names {
		if other, ok := seen[files[n]]; ok {
			t.Errorf("%q and %q share %s", n, other, files[n])
		}
		seen[files[n]] = n
	}
}

func TestFileNamesCollide(t *testing.T) {
	// A hash met twice still gives distinct files: the later name
	// takes a number. The same name twice stands in for two names whose
	// hashes meet.
	got := fileNames("host", []string{"x", "x"})
	if len(got) != 1 {
		t.Fatalf("got %v", got)
	}
	s := newSite(t.TempDir(), fixture.Now, nil, 0)
	g1, g2 := s.group("disk"), s.group("disk2")
	s.taken[siteFile("group", "z")+".html"] = true
	g3 := s.group("z")
	if g1.File == g2.File || g3.File != siteFile("group", "z")+"-2.html" {
		t.Errorf("group files %s %s %s, want distinct, the last numbered", g1.File, g2.File, g3.File)
	}
}

func TestSiteHostileNames(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	at := fixture.Now.Add(-time.Hour).Unix()
	hostile := []string{"../x", "..", "<b>bold</b>", `a"b`, "\u202eevil", "/etc/passwd", ".hidden", strings.Repeat("z", 200)}
	var records strings.Builder
	for _, h := range hostile {
		fmt.Fprintf(&records, "load.1m;host=%s;x=<i>\\u202e 1 %d\n", escapeTag(h), at)
	}
	writeSite(t, recordsDB(t, []byte(records.String())), dir)
	// Nothing was written outside the folder.
	parent := files(t, filepath.Dir(dir))
	if len(parent) != 1 {
		t.Errorf("the folder above holds %v, want the site's folder only", slices.Collect(mapKeys(parent)))
	}
	got := files(t, dir)
	for name := range got {
		if name != siteManifest && name != siteLock && name != siteCache && !sitePage.MatchString(name) {
			t.Errorf("unexpected file %q", name)
		}
	}
	delete(got, siteCache)
	if len(got) != 2+1+1+len(hostile) {
		t.Errorf("%d files, want the list, the lock, the index, the load group and a page a host: %v", len(got), slices.Collect(mapKeys(got)))
	}
	for name := range got {
		page := readFile(t, filepath.Join(dir, name))
		for _, bad := range []string{"<b>", "<i>", "\u202e"} {
			if strings.Contains(page, bad) {
				t.Errorf("%s holds %q unescaped", name, bad)
			}
		}
	}
}

// escapeTag writes a tag value as records do.
func escapeTag(s string) string {
	return strings.NewReplacer(";", `\;`, " ", `\s`, "=", `\=`, `\`, `\\`).Replace(s)
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestSiteCache(t *testing.T) {
	builds := 0
	build := buildReport
	t.Cleanup(func() { buildReport = build })
	buildReport = func(db *store.DB, o Options) (*Report, error) {
		builds++
		return build(db, o)
	}
	at := fixture.Now.Add(-time.Hour).Unix()
	db := recordsDB(t, []byte(fmt.Sprintf("load.1m;host=a 1 %d\nload.1m;host=b 2 %d\n", at, at)))
	dir := t.TempDir()
	run := func(now time.Time) int {
		t.Helper()
		builds = 0
		o := siteOptions()
		o.Now = now
		if _, err := WriteSite(db, dir, o); err != nil {
			t.Fatal(err)
		}
		return builds
	}
	periods := len(SitePeriods)
	if n := run(fixture.Now); n != 2*periods {
		t.Errorf("first run: %d reports built, want %d", n, 2*periods)
	}
	pages := func() string {
		var b strings.Builder
		for _, name := range slices.Sorted(mapKeys(files(t, dir))) {
			if strings.HasSuffix(name, ".html") {
				b.WriteString(readFile(t, filepath.Join(dir, name)))
			}
		}
		return b.String()
	}
	before := pages()
	// The same data, a minute later, in the same chart buckets: the
	// samples are not read again, and the pages are the same.
	if n := run(fixture.Now.Add(time.Minute)); n != 0 {
		t.Errorf("the same data again: %d reports built, want none", n)
	}
	if after := pages(); after != before {
		i := 0
		for i < min(len(after), len(before)) && after[i] == before[i] {
			i++
		}
		t.Errorf("the pages made from the cache differ: %q\nwas %q", after[max(0, i-200):min(len(after), i+200)], before[max(0, i-200):min(len(before), i+200)])
	}
	// A new sample of b: b's periods are built again, a's are not.
	b := store.NewBatch()
	b.Add([]byte("load.1m;host=b"), fixture.Now.Add(90*time.Second).Unix(), 3)
	if _, err := db.Write(b); err != nil {
		t.Fatal(err)
	}
	if n := run(fixture.Now.Add(2 * time.Minute)); n != periods {
		t.Errorf("a new sample of b: %d reports built, want b's %d", n, periods)
	}
	// Past siteRefresh, every host is built again, for what came late.
	if n := run(fixture.Now.Add(2*time.Minute + siteRefresh)); n != 2*periods {
		t.Errorf("after %v: %d reports built, want %d", siteRefresh, n, 2*periods)
	}
	// Another question is another cache.
	builds = 0
	o := siteOptions()
	o.Now = fixture.Now.Add(2*time.Minute + siteRefresh)
	o.Metrics = []string{"load.*"}
	if _, err := WriteSite(db, dir, o); err != nil {
		t.Fatal(err)
	}
	if builds != 2*periods {
		t.Errorf("--metric: %d reports built, want %d", builds, 2*periods)
	}

	// A cache that cannot be read is built again; one that is a link
	// is refused.
	entries, _ := os.ReadDir(filepath.Join(dir, siteCache))
	for _, e := range entries {
		os.WriteFile(filepath.Join(dir, siteCache, e.Name()), []byte("not gob"), 0o644)
	}
	if n := run(o.Now); n != 2*periods {
		t.Errorf("damaged caches: %d reports built, want %d", n, 2*periods)
	}
	elsewhere := t.TempDir()
	if err := os.RemoveAll(filepath.Join(dir, siteCache)); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, filepath.Join(dir, siteCache)); err != nil {
		t.Fatal(err)
	}
	o.Now = o.Now.Add(siteRefresh)
	if _, err := WriteSite(db, dir, o); err == nil || !strings.Contains(err.Error(), "refusing to use it") {
		t.Errorf("a link for the cache's folder: %v, want it refused", err)
	}
	if got := files(t, elsewhere); len(got) != 0 {
		t.Errorf("the run wrote through the link: %v", got)
	}
}

func TestWriteIfChanged(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "index.html")
	if err := os.WriteFile(path, []byte("old page"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A reader that opened the old page reads all of it after the new
	// one takes its place: the new bytes went to another file.
	reader, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	wrote, err := writeIfChanged(dir, "index.html", []byte("the new page"))
	if err != nil || !wrote {
		t.Fatalf("wrote %v, %v", wrote, err)
	}
	old, err := io.ReadAll(reader)
	if err != nil || string(old) != "old page" {
		t.Errorf("the reader of the old page got %q, %v", old, err)
	}
	if got := readFile(t, path); got != "the new page" {
		t.Errorf("the page holds %q", got)
	}
	if wrote, err := writeIfChanged(dir, "index.html", []byte("the new page")); wrote || err != nil {
		t.Errorf("the same bytes again: wrote %v, %v", wrote, err)
	}
	if got := files(t, dir); len(got) != 1 {
		t.Errorf("files left: %v", slices.Collect(mapKeys(got)))
	}

	// A link or a folder in a page's place is refused, not replaced.
	target := filepath.Join(t.TempDir(), "target")
	if err := os.WriteFile(target, []byte("theirs"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, "link.html")); err != nil {
		t.Fatal(err)
	}
	if _, err := writeIfChanged(dir, "link.html", []byte("x")); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("a link: %v, want it refused", err)
	}
	if got := readFile(t, target); got != "theirs" {
		t.Errorf("the link's target holds %q", got)
	}
	if err := os.Mkdir(filepath.Join(dir, "dir.html"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := writeIfChanged(dir, "dir.html", []byte("x")); err == nil {
		t.Error("a folder in a page's place was replaced")
	}
}

func TestSiteFolder(t *testing.T) {
	at := fixture.Now.Add(-time.Hour).Unix()
	db := recordsDB(t, []byte(fmt.Sprintf("load.1m;host=a 1 %d\n", at)))

	// The folder itself may be a link, the administrator's choice.
	real := t.TempDir()
	link := filepath.Join(t.TempDir(), "site")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	writeSite(t, db, link)
	if _, err := os.Stat(filepath.Join(real, "index.html")); err != nil {
		t.Errorf("a site through a linked folder: %v", err)
	}

	// What a run killed midway left is removed; what looks like it but
	// is not sm's prefix stays.
	for _, n := range []string{siteTemp + "abc", "sm-site-tmp-abc"} {
		if err := os.WriteFile(filepath.Join(real, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeSite(t, db, real)
	got := files(t, real)
	if _, ok := got[siteTemp+"abc"]; ok {
		t.Error("a temporary file left by a killed run is still there")
	}
	if _, ok := got["sm-site-tmp-abc"]; !ok {
		t.Error("a file not sm's was removed")
	}

	// A run while another holds the folder fails at once.
	f, err := os.Open(filepath.Join(real, siteLock))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteSite(db, real, siteOptions()); err == nil || !strings.Contains(err.Error(), "another sm-report --site is writing") {
		t.Errorf("a run beside another: %v", err)
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	writeSite(t, db, real)

	// A folder that cannot be made is an error.
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteSite(db, filepath.Join(file, "site"), siteOptions()); err == nil {
		t.Error("a site under a file: no error")
	}
}
