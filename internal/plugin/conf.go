package plugin

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A Conf is Munin plugin configuration, in the syntax of munin-node's
// /etc/munin/plugin-conf.d:
//
//	[if_*]
//	user root
//	env.speed 1000
//
// Its zero value is an empty configuration.
type Conf struct {
	sections map[string]*section
}

// A section is what the [NAME] sections of one name say, all files
// taken together: a later line wins over an earlier one.
type section struct {
	env  map[string]string
	keys map[string]string // user, group, command, timeout, host_name, update_rate
}

// Settings are what a Conf says of one plugin.
type Settings struct {
	Env      []string      // NAME=VALUE, sorted
	User     string        // "" when not set
	Groups   []string      // an optional group is written "(NAME)"
	Command  []string      // runs this instead of the plugin, %c standing for it
	Timeout  time.Duration // 0 when not set
	HostName string        // the host the plugin reports for, "" when not set
}

// LoadConf reads each path, a file or a folder of files as
// /etc/munin/plugin-conf.d, in the order given and a folder's files in
// name order. It reads all it can, and returns an error for each line
// or file it cannot.
func LoadConf(paths []string) (*Conf, []error) {
	c := &Conf{}
	var errs []error
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		files := []string{p}
		if fi.IsDir() {
			entries, err := os.ReadDir(p)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			files = files[:0]
			for _, e := range entries {
				// munin-node's rules: no hidden files, no odd names, and
				// none that a package manager or editor left behind.
				n := e.Name()
				if n[0] == '.' || backup(n) || !muninName(n) || !e.Type().IsRegular() {
					continue
				}
				files = append(files, filepath.Join(p, n))
			}
		}
		for _, file := range files {
			f, err := os.Open(file)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			errs = append(errs, c.Parse(f, file)...)
			f.Close()
		}
	}
	return c, errs
}

// Parse adds the configuration read from r, named file in errors. A line
// that is wrong is reported and skipped; munin-node skips the rest of
// the file instead.
func (c *Conf) Parse(r io.Reader, file string) []error {
	if c.sections == nil {
		c.sections = map[string]*section{}
	}
	var errs []error
	bad := func(n int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s:%d: %s", file, n, fmt.Sprintf(format, args...)))
	}
	var cur *section
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 64<<10)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(stripComment(sc.Text()))
		if line == "" {
			continue
		}
		if line[0] == '[' {
			name, ok := strings.CutSuffix(line[1:], "]")
			name = strings.TrimSpace(name)
			if !ok || name == "" || strings.Contains(name, "]") {
				bad(n, "want [PLUGIN], found %q", line)
				cur = nil // what follows belongs to no known section
				continue
			}
			cur = c.sections[name]
			if cur == nil {
				cur = &section{env: map[string]string{}, keys: map[string]string{}}
				c.sections[name] = cur
			}
			continue
		}
		if cur == nil {
			bad(n, "%q is not in a [PLUGIN] section", line)
			continue
		}
		key, value, ok := cutSpace(line)
		if key == "env" {
			bad(n, "write env.NAME VALUE, not %q", line)
			continue
		}
		if !ok || !settingName(key) {
			bad(n, "want NAME VALUE, found %q", line)
			continue
		}
		switch {
		case strings.HasPrefix(key, "env."):
			name := key[len("env."):]
			if name == "" {
				bad(n, "env. without a variable name")
				continue
			}
			cur.env[name] = value
		case key == "timeout":
			if _, err := parseTimeout(value); err != nil {
				bad(n, "timeout %q: %v", value, err)
				continue
			}
			cur.keys[key] = value
		case key == "user", key == "group", key == "command", key == "host_name", key == "update_rate":
			cur.keys[key] = value
		default:
			bad(n, "unknown setting %q (env.%s?)", key, key)
		}
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("%s:%d: %w", file, n+1, err))
	}
	return errs
}

// stripComment drops what follows a # and turns \# into #.
func stripComment(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && (i == 0 || s[i-1] != '\\') {
			s = s[:i]
			break
		}
	}
	return strings.ReplaceAll(s, `\#`, "#")
}

// cutSpace splits a line at its first run of whitespace.
func cutSpace(s string) (key, value string, ok bool) {
	i := strings.IndexAny(s, " \t\v\f\r")
	if i < 0 {
		return s, "", false
	}
	return s[:i], strings.TrimSpace(s[i:]), true
}

// settingName reports whether s is a Munin setting name: word
// characters and dots.
func settingName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !wordByte(c) && c != '.' {
			return false
		}
	}
	return true
}

func wordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// parseTimeout reads a timeout in seconds, as Munin writes them.
func parseTimeout(s string) (time.Duration, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f > 0) || f > 1e6 {
		return 0, fmt.Errorf("want seconds, a positive number")
	}
	return time.Duration(f * float64(time.Second)), nil
}

// For returns the settings of a plugin. As in munin-node, the section
// named after the plugin comes first; then the wildcard sections, whose
// names start or end with *, fill in what it does not set, the one
// latest in alphabetical order first: [if_*] before [*].
func (c *Conf) For(plugin string) Settings {
	env := map[string]string{}
	keys := map[string]string{}
	fill := func(s *section) {
		for k, v := range s.env {
			if _, ok := env[k]; !ok {
				env[k] = v
			}
		}
		for k, v := range s.keys {
			if _, ok := keys[k]; !ok {
				keys[k] = v
			}
		}
	}
	if c != nil {
		if s := c.sections[plugin]; s != nil {
			fill(s)
		}
		for _, name := range slices.Backward(slices.Sorted(maps.Keys(c.sections))) {
			if wildcardMatch(name, plugin) {
				fill(c.sections[name])
			}
		}
	}
	var st Settings
	for _, k := range slices.Sorted(maps.Keys(env)) {
		st.Env = append(st.Env, k+"="+env[k])
	}
	st.User = keys["user"]
	if g := keys["group"]; g != "" {
		st.Groups = strings.FieldsFunc(g, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	}
	if c := keys["command"]; c != "" {
		st.Command = strings.Fields(c)
	}
	st.Timeout, _ = parseTimeout(keys["timeout"])
	st.HostName = keys["host_name"]
	return st
}

// wildcardMatch reports whether a section name with a leading or
// trailing * matches a plugin. A * anywhere else is no wildcard, as in
// munin-node.
func wildcardMatch(section, plugin string) bool {
	if prefix, ok := strings.CutSuffix(section, "*"); ok {
		return strings.HasPrefix(plugin, prefix)
	}
	if suffix, ok := strings.CutPrefix(section, "*"); ok {
		return strings.HasSuffix(plugin, suffix)
	}
	return false
}
