package plugin

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestConfParse(t *testing.T) {
	tests := []struct {
		name   string
		text   string
		plugin string
		want   Settings
		errs   []string
	}{
		{
			name:   "debian",
			plugin: "if_eth0",
			text: `# This file is used to configure how the plugins are invoked.
[if_*]
user root

[if_err_*]
user nobody
`,
			want: Settings{User: "root"},
		},
		{
			name:   "wildcard order",
			plugin: "if_err_eth0",
			text:   "[if_*]\nuser root\nenv.a if\n[if_err_*]\nuser nobody\n[*]\nenv.a all\nenv.b all\ntimeout 30\n",
			// [if_err_*] before [if_*] before [*]: the last in
			// alphabetical order first, each filling what is not set.
			want: Settings{User: "nobody", Env: []string{"a=if", "b=all"}, Timeout: 30 * time.Second},
		},
		{
			name:   "exact name first",
			plugin: "df",
			text:   "[df*]\nenv.warning 92\nenv.critical 98\n[df]\nenv.warning 80\n",
			want:   Settings{Env: []string{"critical=98", "warning=80"}},
		},
		{
			name:   "suffix wildcard",
			plugin: "mysql_queries",
			text:   "[*_queries]\ngroup adm, (Debian-exim)\n[*_other]\nuser x\n",
			want:   Settings{Groups: []string{"adm", "(Debian-exim)"}},
		},
		{
			name:   "a star inside is no wildcard",
			plugin: "postgres_x_db",
			text:   "[postgres_*_db]\nuser postgres\n",
			want:   Settings{},
		},
		{
			name:   "sections of one name add up, later lines win",
			plugin: "apt",
			text:   "[apt]\nuser root\nenv.a 1\n[other]\nuser x\n[apt]\nenv.a 2\nenv.b 3\n",
			want:   Settings{User: "root", Env: []string{"a=2", "b=3"}},
		},
		{
			name:   "values keep their spaces, comments go",
			plugin: "amavis",
			text:   "[amavis]\n  env.MUNIN_MKTEMP /bin/mktemp -p /tmp/ $1   # a comment\nenv.hash a\\#b\ncommand sudo -u x %c\nhost_name  db1.example.com\nupdate_rate 60\n",
			want: Settings{
				Env:      []string{"MUNIN_MKTEMP=/bin/mktemp -p /tmp/ $1", "hash=a#b"},
				Command:  []string{"sudo", "-u", "x", "%c"},
				HostName: "db1.example.com",
			},
		},
		{
			name:   "fractions of a second",
			plugin: "p",
			text:   "[p]\ntimeout 2.5\n",
			want:   Settings{Timeout: 2500 * time.Millisecond},
		},
		{
			name:   "errors",
			plugin: "p",
			text:   "user before\n[p]\nenv foo=bar\nenv. x\nfoo bar\nuser\ntimeout soon\ntimeout -1\n[broken\nenv.a 1\n[p]\nenv.b 2\n",
			want:   Settings{Env: []string{"b=2"}},
			errs: []string{
				`f:1: "user before" is not in a [PLUGIN] section`,
				`f:3: write env.NAME VALUE, not "env foo=bar"`,
				`f:4: env. without a variable name`,
				`f:5: unknown setting "foo" (env.foo?)`,
				`f:6: want NAME VALUE, found "user"`,
				`f:7: timeout "soon": want seconds, a positive number`,
				`f:8: timeout "-1": want seconds, a positive number`,
				`f:9: want [PLUGIN], found "[broken"`,
				`f:10: "env.a 1" is not in a [PLUGIN] section`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Conf{}
			errs := errorTexts(c.Parse(strings.NewReader(tt.text), "f"))
			if !slices.Equal(errs, tt.errs) {
				t.Errorf("errors\n%s\nwant\n%s", strings.Join(errs, "\n"), strings.Join(tt.errs, "\n"))
			}
			if got := c.For(tt.plugin); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("For(%q) = %+v, want %+v", tt.plugin, got, tt.want)
			}
		})
	}
}

func TestConfNil(t *testing.T) {
	var c *Conf
	if got := c.For("load"); !reflect.DeepEqual(got, Settings{}) {
		t.Errorf("nil Conf: %+v", got)
	}
}

// TestLoadConf reads a folder as munin-node reads plugin-conf.d: its
// files in name order, a later one winning.
func TestLoadConf(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"munin-node":     "[if_*]\nuser root\nenv.a 1\n",
		"zz-local":       "[if_*]\nenv.a 2\n",
		"zz-local~":      "[if_*]\nenv.a backup\n",
		".hidden":        "[if_*]\nenv.a hidden\n",
		"bad name":       "[if_*]\nenv.a bad\n",
		"local.dpkg-old": "[if_*]\nenv.a dpkg\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	extra := filepath.Join(t.TempDir(), "extra.conf")
	os.WriteFile(extra, []byte("[if_eth0]\nenv.b 3\nnonsense\n"), 0o644)
	c, errs := LoadConf([]string{dir, extra, filepath.Join(dir, "none")})
	if len(errs) != 2 || !strings.HasSuffix(errs[0].Error(), `extra.conf:3: want NAME VALUE, found "nonsense"`) ||
		!strings.Contains(errs[1].Error(), "no such file") {
		t.Errorf("errors %v", errs)
	}
	want := Settings{User: "root", Env: []string{"a=2", "b=3"}}
	if got := c.For("if_eth0"); !reflect.DeepEqual(got, want) {
		t.Errorf("For = %+v, want %+v", got, want)
	}
}

// TestLoadConfDebian reads this machine's munin-node configuration, when
// there is one: it must parse without a word.
func TestLoadConfDebian(t *testing.T) {
	const dir = "/etc/munin/plugin-conf.d"
	if _, err := os.Stat(dir); err != nil {
		t.Skip(err)
	}
	c, errs := LoadConf([]string{dir})
	for _, err := range errs {
		t.Error(err)
	}
	t.Logf("if_eth0: %+v", c.For("if_eth0"))
}

// FuzzPluginConf feeds any text to the parser: it must not panic, and
// what it accepts must come back out of For in the shapes promised.
func FuzzPluginConf(f *testing.F) {
	f.Add("[if_*]\nuser root\nenv.speed 1000\n[*]\ntimeout 5\n", "if_eth0")
	f.Add("[df*]\nenv.warning 92 # c\nenv.x a\\#b\n[df]\ngroup adm, (x)\ncommand sudo %c\n", "df")
	f.Add("env a=b\n[\n]\n[]]\n[a]]\n[*]\n", "a")
	f.Add("[*x*]\nhost_name h\nupdate_rate 1\ntimeout 1e300\n", "*x*")
	f.Fuzz(func(t *testing.T, text, plugin string) {
		c := &Conf{}
		for _, err := range c.Parse(strings.NewReader(text), "f") {
			if !strings.HasPrefix(err.Error(), "f:") {
				t.Errorf("error without its place: %v", err)
			}
		}
		st := c.For(plugin)
		for _, kv := range st.Env {
			if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
				t.Errorf("env %q is not NAME=VALUE", kv)
			}
		}
		if st.Timeout < 0 {
			t.Errorf("timeout %v", st.Timeout)
		}
		for _, g := range st.Groups {
			if g == "" || strings.ContainsAny(g, ", \t") {
				t.Errorf("group %q", g)
			}
		}
	})
}
