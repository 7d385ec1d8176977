//go:build interop

// The tests in this file run the real Munin plugins that Debian's
// munin-node package installs, and munin-run itself:
//
//	go test -tags interop ./internal/plugin

package plugin

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sm/internal/record"
)

const debianPlugins = "/usr/share/munin/plugins"

// TestDebianPlugins runs load, memory, df, cpu and if_lo twice, the
// clock moved on a minute between, so that the DERIVE fields of cpu and
// if_ give rates.
func TestDebianPlugins(t *testing.T) {
	if _, err := os.Stat(debianPlugins); err != nil {
		t.Skipf("no Munin plugins here (%v): install munin-node to run this test", err)
	}
	iface := "lo"
	if _, err := os.Stat("/sys/class/net/" + iface); err != nil {
		t.Skipf("no %s interface: %v", iface, err)
	}
	dir := t.TempDir()
	links := map[string]string{"load": "load", "memory": "memory", "df": "df", "cpu": "cpu", "if_" + iface: "if_"}
	for link, target := range links {
		if err := os.Symlink(filepath.Join(debianPlugins, target), filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().Truncate(time.Second)
	run := newRunner(t, &now)
	run.Env = os.Environ()

	once := func() map[string]float64 {
		t.Helper()
		rep := run.Munin(dir, nil)
		for _, err := range rep.Errors {
			t.Error(err)
		}
		got := map[string]float64{}
		for _, r := range rep.Results {
			for _, err := range r.Errors {
				t.Error(err)
			}
			for _, l := range r.Stderr {
				t.Logf("%s: stderr: %s", r.Name, l)
			}
			for _, rec := range r.Records {
				if rec.Tag("host") != "web1" || rec.Tag("dc") != "fra1" {
					t.Errorf("%s: tags %v", rec.Name, rec.Tags)
				}
				got[rec.Name] = rec.Value
			}
		}
		return got
	}
	first := once()
	now = now.Add(time.Minute)
	second := once()
	for name, v := range second {
		t.Logf("%s %s", name, record.AppendValue(nil, v))
	}

	must := func(vals map[string]float64, name string, ok func(float64) bool) {
		t.Helper()
		v, found := vals[name]
		if !found {
			t.Errorf("no %s", name)
		} else if !ok(v) {
			t.Errorf("%s = %v: implausible", name, v)
		}
	}
	nonNegative := func(v float64) bool { return v >= 0 }
	percent := func(v float64) bool { return v >= 0 && v <= 100 }
	for _, vals := range []map[string]float64{first, second} {
		must(vals, "munin.load.load", nonNegative)
		for _, f := range []string{"apps", "free", "cached", "buffers", "slab", "page_tables", "committed"} {
			must(vals, "munin.memory."+f, nonNegative)
		}
		df := 0
		for name, v := range vals {
			if strings.HasPrefix(name, "munin.df.") {
				df++
				if !percent(v) {
					t.Errorf("%s = %v: not a percentage", name, v)
				}
			}
		}
		if df == 0 {
			t.Error("no munin.df.* series")
		}
	}
	// DERIVE fields: nothing the first time, rates the second.
	for _, f := range []string{"user", "system", "idle", "nice", "iowait", "irq", "softirq"} {
		if _, ok := first["munin.cpu."+f]; ok {
			t.Errorf("munin.cpu.%s on the first run, without a previous value", f)
		}
		must(second, "munin.cpu."+f, nonNegative)
	}
	for _, f := range []string{"down", "up"} {
		name := "munin.if_" + iface + "." + f
		if _, ok := first[name]; ok {
			t.Errorf("%s on the first run", name)
		}
		must(second, name, nonNegative)
	}
}

// TestEnvLikeMuninRun runs one plugin that prints its environment through
// munin-run and through sm-sample's runner, with the same settings, and
// compares.
func TestEnvLikeMuninRun(t *testing.T) {
	const munin = "/usr/sbin/munin-run"
	if _, err := os.Stat(munin); err != nil {
		t.Skipf("no munin-run here (%v): install munin-node to run this test", err)
	}
	dir := t.TempDir()
	out := filepath.Join(t.TempDir(), "env")
	writeScript(t, dir, "envdump", `
[ "$1" = config ] && exit 0
env > "$out"
`)
	conf := filepath.Join(t.TempDir(), "conf")
	// munin-run runs plugins as nobody unless told otherwise, which
	// cannot reach a test's private folders.
	text := "[envdump]\nuser root\nenv.out " + out + "\nenv.spaced a  b # c\n"
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	base := []string{"HOME=/root", "PATH=/usr/bin:/bin", "LC_ALL=de_DE.UTF-8", "INHERITED=yes"}

	cmd := exec.Command(munin, "--ignore-systemd-properties", "--servicedir", dir, "--sconffile", conf, "envdump")
	cmd.Env = base
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("munin-run: %v: %s", err, b)
	}
	theirs := readEnv(t, out)

	now := time.Now()
	run := newRunner(t, &now)
	run.Env = base
	run.Tags[0].Value = theirs["FQDN"]
	c := &Conf{}
	c.Parse(strings.NewReader(text), "conf")
	rep := run.Munin(dir, c)
	if rep.Failed() {
		t.Fatalf("%v %v", rep.Errors, rep.Results)
	}
	ours := readEnv(t, out)

	// What munin-run exports from its build settings, which describe a
	// Munin installation, not sm-sample, and which no plugin Debian
	// ships reads from the environment.
	omitted := []string{
		"MUNIN_BASH", "MUNIN_BINDIR", "MUNIN_CGIDIR", "MUNIN_CGITMPDIR", "MUNIN_DOCDIR",
		"MUNIN_GOODSH", "MUNIN_GROUP", "MUNIN_HASSETR", "MUNIN_HOSTNAME", "MUNIN_HTMLDIR",
		"MUNIN_MANDIR", "MUNIN_MKTEMP", "MUNIN_OSTYPE", "MUNIN_PERL", "MUNIN_PERLLIB",
		"MUNIN_PLUGINUSER", "MUNIN_PREFIX", "MUNIN_PYTHON", "MUNIN_RUBY", "MUNIN_SBINDIR",
		"MUNIN_SPOOLDIR", "MUNIN_STATEDIR", "MUNIN_USER", "MUNIN_VERSION",
	}
	for k, v := range theirs {
		switch {
		case slices.Contains(omitted, k):
			if _, ok := ours[k]; ok {
				t.Errorf("%s is set after all: take it off the list", k)
			}
		case k == "MUNIN_PLUGSTATE":
			if !strings.HasPrefix(ours[k], run.StateDir) {
				t.Errorf("MUNIN_PLUGSTATE=%q, not in the state folder", ours[k])
			}
		case k == "MUNIN_STATEFILE":
			if want := ours["MUNIN_PLUGSTATE"] + "/envdump-"; ours[k] != want || !strings.HasSuffix(v, "/envdump-") {
				t.Errorf("MUNIN_STATEFILE=%q, want %q (munin-run: %q)", ours[k], want, v)
			}
		default:
			if got, ok := ours[k]; !ok || got != v {
				t.Errorf("%s=%q (set: %v), munin-run sets %q", k, got, ok, v)
			}
		}
	}
	for k, v := range ours {
		if _, ok := theirs[k]; !ok {
			t.Errorf("%s=%q, which munin-run does not set", k, v)
		}
	}
}

func readEnv(t *testing.T, file string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, l := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		k, v, _ := strings.Cut(string(l), "=")
		env[k] = v
	}
	return env
}
