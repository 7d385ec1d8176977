package plugin

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// counters is a Munin plugin with a field of each type. Its values come
// from the file its configuration names, so that a test can move them
// between runs.
const counters = `
if [ "$1" = config ]; then
	cat <<EOF
graph_title Counters
graph_category test
g.label a gauge
d.label a derive
d.type DERIVE
d.min 0
c.label a counter
c.type COUNTER
a.label an absolute
a.type ABSOLUTE
m.label a derive with a max
m.type DERIVE
m.max 1
m.cdef m,8,*
EOF
	exit 0
fi
cat "$values"
`

func conf(t *testing.T, text string) *Conf {
	t.Helper()
	c := &Conf{}
	if errs := c.Parse(strings.NewReader(text), "test.conf"); errs != nil {
		t.Fatal(errs)
	}
	return c
}

// runMunin runs the Munin plugins of dir once and returns their records
// by line, and all errors.
func runMunin(t *testing.T, run *Runner, dir string, c *Conf) ([]string, []string) {
	t.Helper()
	rep := run.Munin(dir, c)
	errs := errorTexts(rep.Errors)
	for _, r := range rep.Results {
		errs = append(errs, errorTexts(r.Errors)...)
	}
	return lines(rep.Records()), errs
}

func TestMuninRates(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "counters", counters)
	values := filepath.Join(t.TempDir(), "values")
	c := conf(t, "[counters]\nenv.values "+values+"\n")
	now := t0
	run := newRunner(t, &now)

	steps := []struct {
		after  time.Duration
		values string
		want   []string
	}{
		// The first run has no previous values: gauges only.
		{0, "g.value 5\nd.value 100\nc.value 4294967000\na.value 10\nm.value 0\n", []string{
			"munin.counters.g;dc=fra1;host=web1 5 1764045000",
		}},
		// A minute later: d rose by 60, c wrapped at 2^32 having gone
		// 296 + 200, a counted 30, m rose faster than its max.
		{time.Minute, "g.value U\nd.value 160\nc.value 200\na.value 30\nm.value 120\n", []string{
			"munin.counters.d;dc=fra1;host=web1 1 1764045060",
			"munin.counters.c;dc=fra1;host=web1 8.266666666666667 1764045060",
			"munin.counters.a;dc=fra1;host=web1 0.5 1764045060",
		}},
		// d went down: a reset, no rate. A value with its own timestamp
		// is taken at that time.
		{2 * time.Minute, "d.value 50\nc.value 260\na.value 1764045150:270\nm.value 150\n", []string{
			"munin.counters.c;dc=fra1;host=web1 1 1764045120",
			"munin.counters.a;dc=fra1;host=web1 3 1764045150",
			"munin.counters.m;dc=fra1;host=web1 0.5 1764045120",
		}},
		{3 * time.Minute, "d.value 110\nc.value 8053063940\n", []string{
			"munin.counters.d;dc=fra1;host=web1 1 1764045180",
			"munin.counters.c;dc=fra1;host=web1 134217728 1764045180",
		}},
		// c went down from above 2^32: a reset, not a wrap.
		{4 * time.Minute, "c.value 1\n", nil},
		// Longer than MaxInterval since: no rate.
		{3 * time.Hour, "d.value 200\n", nil},
	}
	for i, s := range steps {
		now = t0.Add(s.after)
		if err := os.WriteFile(values, []byte(s.values), 0o644); err != nil {
			t.Fatal(err)
		}
		got, errs := runMunin(t, run, dir, c)
		if len(errs) > 0 {
			t.Errorf("step %d: errors %q", i, errs)
		}
		if !slices.Equal(got, s.want) {
			t.Errorf("step %d:\n%s\nwant\n%s", i, strings.Join(got, "\n"), strings.Join(s.want, "\n"))
		}
	}
}

func TestMuninFetchErrors(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "sloppy", `
[ "$1" = config ] && { echo "graph_title sloppy"; echo "x.type GAUGE"; echo "y.type WEIRD"; exit 0; }
echo "x.value 1"
echo "x.extinfo fine, ignored"
echo "rubbish"
echo "z.value abc"
echo "z.value 0x10"
echo "y.value 2"
echo "w.value 1764045000:U"
echo "v.value -1e3"
exit 1
`)
	now := t0
	run := newRunner(t, &now)
	got, errs := runMunin(t, run, dir, nil)
	want := []string{
		"munin.sloppy.x;dc=fra1;host=web1 1 1764045000",
		"munin.sloppy.v;dc=fra1;host=web1 -1000 1764045000",
	}
	if !slices.Equal(got, want) {
		t.Errorf("records %q, want %q", got, want)
	}
	wantErrs := []string{
		`plugin sloppy: line 3: want FIELD.value VALUE, found "rubbish"`,
		`plugin sloppy: line 4: z.value: value "abc" is not a number`,
		`plugin sloppy: line 5: z.value: value "0x10" is not a number`,
		`plugin sloppy: exit status 1`,
		`plugin sloppy: sloppy.y: unknown type "WEIRD"`,
	}
	if !slices.Equal(errs, wantErrs) {
		t.Errorf("errors\n%s\nwant\n%s", strings.Join(errs, "\n"), strings.Join(wantErrs, "\n"))
	}
}

// TestMuninWildcard runs a wildcard plugin through a link: it learns
// what to report from the link's name, which also names its graph.
func TestMuninWildcard(t *testing.T) {
	lib := t.TempDir()
	writeScript(t, lib, "if_", `
IF=${0##*if_}
if [ "$1" = config ]; then
	echo "graph_title $IF traffic"
	echo "down.type DERIVE"
	echo "down.min 0"
	exit 0
fi
echo "down.value $(cat "$counter")"
echo "${IF}_seen.value 1"
`)
	dir := t.TempDir()
	for _, name := range []string{"if_eth0", "if_lo"} {
		if err := os.Symlink(filepath.Join(lib, "if_"), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	counter := filepath.Join(t.TempDir(), "counter")
	c := conf(t, "[if_*]\nenv.counter "+counter+"\n")
	now := t0
	run := newRunner(t, &now)
	os.WriteFile(counter, []byte("1000\n"), 0o644)
	got, errs := runMunin(t, run, dir, c)
	want := []string{
		"munin.if_eth0.eth0_seen;dc=fra1;host=web1 1 1764045000",
		"munin.if_lo.lo_seen;dc=fra1;host=web1 1 1764045000",
	}
	if len(errs) > 0 || !slices.Equal(got, want) {
		t.Errorf("first run: %q, errors %q", got, errs)
	}
	now = now.Add(10 * time.Second)
	os.WriteFile(counter, []byte("3000\n"), 0o644)
	got, errs = runMunin(t, run, dir, c)
	want = []string{
		"munin.if_eth0.down;dc=fra1;host=web1 200 1764045010",
		"munin.if_eth0.eth0_seen;dc=fra1;host=web1 1 1764045010",
		"munin.if_lo.down;dc=fra1;host=web1 200 1764045010",
		"munin.if_lo.lo_seen;dc=fra1;host=web1 1 1764045010",
	}
	if len(errs) > 0 || !slices.Equal(got, want) {
		t.Errorf("second run: %q, errors %q", got, errs)
	}
}

func TestMuninMultigraph(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "disks", `
if [ "$1" = config ]; then
	echo "multigraph disk_io"
	echo "sda.type GAUGE"
	echo "multigraph disk_io.sda"
	echo "read.type DERIVE"
	echo "read.min 0"
	exit 0
fi
[ "$MUNIN_CAP_MULTIGRAPH" = 1 ] || exit 9
echo "multigraph disk_io"
echo "sda.value 5"
echo "multigraph disk_io.sda"
echo "read.value $(cat "$counter")"
echo "multigraph weird graph@name"
echo "f-1.value 2"
`)
	counter := filepath.Join(t.TempDir(), "counter")
	c := conf(t, "[disks]\nenv.counter "+counter+"\nhost_name db1\n")
	now := t0
	run := newRunner(t, &now)
	os.WriteFile(counter, []byte("100\n"), 0o644)
	runMunin(t, run, dir, c)
	now = now.Add(time.Minute)
	os.WriteFile(counter, []byte("160\n"), 0o644)
	got, errs := runMunin(t, run, dir, c)
	want := []string{
		"munin.disk_io.sda;dc=fra1;host=db1 5 1764045060",
		"munin.disk_io.sda.read;dc=fra1;host=db1 1 1764045060",
		"munin.weird_graph_name.f-1;dc=fra1;host=db1 2 1764045060",
	}
	if len(errs) > 0 || !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s\nerrors %q", strings.Join(got, "\n"), strings.Join(want, "\n"), errs)
	}
}

// TestMuninConfigCache checks that config runs once a day, again when
// the plugin changes, and that an old config serves when it fails.
func TestMuninConfigCache(t *testing.T) {
	dir := t.TempDir()
	plugin := writeScript(t, dir, "cached", `
if [ "$1" = config ]; then
	echo x >> "$calls"
	[ -e "$fail" ] && exit 2
	echo "n.type DERIVE"
	exit 0
fi
echo "n.value 0"
`)
	tmp := t.TempDir()
	calls, fail := filepath.Join(tmp, "calls"), filepath.Join(tmp, "fail")
	c := conf(t, fmt.Sprintf("[cached]\nenv.calls %s\nenv.fail %s\n", calls, fail))
	now := t0
	run := newRunner(t, &now)
	count := func() int {
		b, _ := os.ReadFile(calls)
		return strings.Count(string(b), "x")
	}
	step := func(after time.Duration, wantCalls int, wantErrs ...string) {
		t.Helper()
		now = t0.Add(after)
		_, errs := runMunin(t, run, dir, c)
		if n := count(); n != wantCalls {
			t.Errorf("after %v: config ran %d times, want %d", after, n, wantCalls)
		}
		if !slices.Equal(errs, wantErrs) {
			t.Errorf("after %v: errors %q, want %q", after, errs, wantErrs)
		}
	}
	step(0, 1)
	step(time.Hour, 1)
	step(23*time.Hour+59*time.Minute, 1)
	step(24*time.Hour, 2)
	// The clock set back: the cache is from the future, and stale.
	step(time.Hour, 3)
	step(2*time.Hour, 3)
	// The plugin changed after the cache was written.
	cache := filepath.Join(run.StateDir, "munin", "cached.config")
	fi, err := os.Stat(cache)
	if err != nil {
		t.Fatal(err)
	}
	later := fi.ModTime().Add(time.Second)
	if err := os.Chtimes(plugin, later, later); err != nil {
		t.Fatal(err)
	}
	step(3*time.Hour, 4)
	// Config fails a day later: reported, and the old one serves, so
	// the DERIVE field is still a rate, not a gauge.
	os.WriteFile(fail, nil, 0o644)
	step(27*time.Hour+time.Minute, 5, "plugin cached: config: exit status 2")
	// Without any cache, a failed config means no values.
	os.Remove(cache)
	rep := run.Munin(dir, c)
	if n := len(rep.Records()); n != 0 || count() != 6 {
		t.Errorf("no config: %d records, config ran %d times", n, count())
	}
}

// TestMuninEnv checks the environment a plugin gets, as munin-run sets
// it, and the settings of its section.
func TestMuninEnv(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "envdump", `
[ "$1" = config ] && exit 0
env | sort > "$out"
`)
	out := filepath.Join(t.TempDir(), "env")
	c := conf(t, "[env*]\nenv.out "+out+"\nenv.LC_ALL en_US.UTF-8\n[*]\nenv.out /nowhere\nenv.extra yes\n")
	now := t0
	run := newRunner(t, &now)
	run.Env = []string{"HOME=/root", "PATH=/bin", "LC_ALL=de_DE"}
	if _, errs := runMunin(t, run, dir, c); len(errs) > 0 {
		t.Fatal(errs)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		k, v, _ := strings.Cut(l, "=")
		env[k] = v
	}
	plugState := filepath.Join(run.StateDir, "munin", "plugin-state")
	for k, want := range map[string]string{
		"HOME":                 "/root",
		"PATH":                 "/usr/sbin:/usr/bin:/sbin:/bin",
		"LC_ALL":               "en_US.UTF-8", // the section's, over munin-run's
		"LANG":                 "C",
		"MUNIN_LIBDIR":         "/usr/share/munin",
		"MUNIN_PLUGSTATE":      plugState,
		"MUNIN_STATEFILE":      plugState + "/envdump-",
		"MUNIN_MASTER_IP":      "",
		"MUNIN_CAP_MULTIGRAPH": "1",
		"FQDN":                 "web1",
		"out":                  out, // [env*] over [*]
		"extra":                "yes",
	} {
		if got, ok := env[k]; !ok || got != want {
			t.Errorf("%s=%q (set: %v), want %q", k, got, ok, want)
		}
	}
	if _, ok := env["MUNIN_CAP_DIRTYCONFIG"]; ok {
		t.Error("MUNIN_CAP_DIRTYCONFIG is set: the plugin would print values in its config")
	}
	if fi, err := os.Stat(plugState); err != nil || !fi.IsDir() {
		t.Errorf("MUNIN_PLUGSTATE is not a folder: %v", err)
	}
}

// TestMuninUser runs a plugin as the user its section names, which
// only root can.
func TestMuninUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can run a plugin as another user")
	}
	dir := t.TempDir()
	// The test's folders are private to root: open the way to the
	// plugin for nobody.
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		os.Chmod(d, 0o755)
	}
	writeScript(t, dir, "whoami", `
[ "$1" = config ] && exit 0
echo "uid.value $(id -u)"
echo "groups.value $(id -G | wc -w)"
touch "$MUNIN_PLUGSTATE/mine" && echo "state.value 1"
`)
	now := t0
	run := newRunner(t, &now)
	os.Chmod(run.StateDir, 0o755)
	got, errs := runMunin(t, run, dir, conf(t, "[whoami]\nuser nobody\ngroup (no-such-group), nogroup\n"))
	want := []string{
		"munin.whoami.uid;dc=fra1;host=web1 65534 1764045000",
		"munin.whoami.groups;dc=fra1;host=web1 1 1764045000",
		"munin.whoami.state;dc=fra1;host=web1 1 1764045000",
	}
	if len(errs) > 0 || !slices.Equal(got, want) {
		t.Errorf("got %q, errors %q", got, errs)
	}
	if _, err := os.Stat(filepath.Join(run.StateDir, "munin", "plugin-state", "nobody", "mine")); err != nil {
		t.Errorf("no state folder of nobody's own: %v", err)
	}

	// Not root: user and group are ignored.
	run.Root = func() bool { return false }
	got, _ = runMunin(t, run, dir, conf(t, "[whoami]\nuser nobody\n"))
	if len(got) == 0 || got[0] != "munin.whoami.uid;dc=fra1;host=web1 0 1764045000" {
		t.Errorf("not root: %q", got)
	}
	_, errs = runMunin(t, run, dir, conf(t, "[whoami]\nuser no-such-user\n"))
	if len(errs) != 0 {
		t.Errorf("not root, an unknown user: %q", errs)
	}
	run.Root = nil
	_, errs = runMunin(t, run, dir, conf(t, "[whoami]\nuser no-such-user\n"))
	if len(errs) != 1 || !strings.HasPrefix(errs[0], `plugin whoami: user "no-such-user": `) {
		t.Errorf("an unknown user: %q", errs)
	}
}

// TestMuninCommand runs a plugin through the command of its section.
func TestMuninCommand(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "wrapped", `
[ "$1" = config ] && { echo "n.type GAUGE"; exit 0; }
echo "n.value $#"
`)
	wrapper := writeScript(t, t.TempDir(), "wrapper", `[ "$1" = --flag ] || exit 7; shift; exec "$@" extra`)
	now := t0
	run := newRunner(t, &now)
	got, errs := runMunin(t, run, dir, conf(t, "[wrapped]\ncommand "+wrapper+" --flag %c\n"))
	if len(errs) > 0 || !slices.Equal(got, []string{"munin.wrapped.n;dc=fra1;host=web1 1 1764045000"}) {
		t.Errorf("got %q, errors %q", got, errs)
	}
}

func TestMuninTimeoutSetting(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "slow", `
[ "$1" = config ] && exit 0
echo "before.value 1"
exec sleep 600
`)
	now := t0
	run := newRunner(t, &now)
	got, errs := runMunin(t, run, dir, conf(t, "[slow]\ntimeout 1\n"))
	if !slices.Equal(errs, []string{"plugin slow: killed after 1s"}) || len(got) != 1 {
		t.Errorf("got %q, errors %q", got, errs)
	}
}

func TestMuninNames(t *testing.T) {
	for name, want := range map[string]bool{
		"if_eth0": true, "snmp__if_1": true, "a@b:c.d-e": true,
		"x.conf": false, "doc.pod": false, "sp ace": false, "a$b": false,
	} {
		if got := muninName(name); got != want {
			t.Errorf("muninName(%q) = %v", name, got)
		}
	}
	for _, c := range [][3]string{
		{"load", "load", "munin.load.load"},
		{"diskstats_latency.vda", "avgwait", "munin.diskstats_latency.vda.avgwait"},
		{"snmp_host@x:y", "f", "munin.snmp_host_x_y.f"},
	} {
		if got := metricName(c[0], c[1]); got != c[2] {
			t.Errorf("metricName(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}

func TestMuninNoState(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "counters", counters)
	values := filepath.Join(t.TempDir(), "values")
	os.WriteFile(values, []byte("g.value 1\nd.value 5\n"), 0o644)
	now := t0
	run := newRunner(t, &now)
	run.StateDir = ""
	for range 2 {
		got, errs := runMunin(t, run, dir, conf(t, "[counters]\nenv.values "+values+"\n"))
		want := fmt.Sprintf("munin.counters.g;dc=fra1;host=web1 1 %d", now.Unix())
		if len(errs) > 0 || !slices.Equal(got, []string{want}) {
			t.Errorf("got %q, errors %q", got, errs)
		}
		now = now.Add(time.Minute)
	}
}
