package plugin

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"sm/internal/record"
	"sm/internal/safefile"
)

// configMaxAge is how long a plugin's config output is used before the
// plugin is asked again.
const configMaxAge = 24 * time.Hour

// muninEnv is what munin-run sets for every plugin, besides the state
// variables: Debian's plugins source $MUNIN_LIBDIR/plugins/plugin.sh.
var muninEnv = [...]string{
	"MUNIN_LIBDIR=/usr/share/munin",
	"MUNIN_CONFDIR=/etc/munin",
	"MUNIN_DBDIR=/var/lib/munin",
	"MUNIN_LOGDIR=/var/log/munin",
	"MUNIN_MASTER_IP=", // munin-run's; munin-node puts the master's address here
	"MUNIN_CAP_MULTIGRAPH=1",
	"MUNIN_DEBUG=0",
	"LC_ALL=C",
	"LANG=C",
	"PYTHONIOENCODING=utf8:replace",
	"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
}

// muninName reports whether munin-node would run a plugin of this name:
// word characters, -, @, . and :, and not a .conf file.
func muninName(name string) bool {
	if strings.HasSuffix(name, ".conf") || strings.HasSuffix(name, ".pod") {
		return false
	}
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case wordByte(c), c == '-', c == '@', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}

// Munin runs the Munin plugins in dir, as munin-node would, and turns
// their values into records named munin.GRAPH.FIELD: GRAPH is the
// plugin's name, or the name a multigraph plugin gives. Each plugin's
// config output, read once a day and kept in the state folder, says
// which fields are counters; those become rates per second over the
// interval since the previous run, kept in the state folder too.
func (run *Runner) Munin(dir string, conf *Conf) Report {
	return run.Run(nil, dir, conf)
}

// fetched is what one Munin plugin gave, before rates.
type fetched struct {
	res    Result
	config *muninConfig // nil when there is none: no values then
	host   string       // from the plugin's settings, else ""
	values []muninValue
}

// A muninValue is one FIELD.value line.
type muninValue struct {
	graph, field string // graph is "" but in multigraph plugins
	value        float64
	time         time.Time
}

func (run *Runner) munin(p program, conf *Conf, stDir string) fetched {
	f := fetched{res: Result{Name: p.name}}
	st := conf.For(p.name)
	f.host = st.HostName
	cmd, err := run.muninCommand(p, st, stDir)
	if err != nil {
		f.res.errorf("%v", err)
		return f
	}
	f.config = run.muninConfig(p, cmd, stDir, &f.res)
	if f.config == nil {
		return f
	}
	now := run.Now()
	o := start(cmd)
	f.res.Stderr = append(f.res.Stderr, o.stderr...)
	f.values = parseFetch(o.stdout, now, o.killed, &f.res)
	if o.err != nil {
		f.res.errorf("%v", o.err)
	}
	return f
}

// muninCommand prepares the fetch run of a plugin, as munin-run does:
// its environment, its user if sm-sample may change it, and its command.
func (run *Runner) muninCommand(p program, st Settings, stDir string) (command, error) {
	c := command{path: p.path, args: []string{p.path}, timeout: run.Timeout}
	if st.Timeout > 0 {
		c.timeout = st.Timeout
	}
	plugState := ""
	if stDir != "" {
		plugState = filepath.Join(stDir, "plugin-state")
	}
	if (st.User != "" || len(st.Groups) > 0) && run.root() {
		cred, err := credential(st)
		if err != nil {
			return c, err
		}
		c.cred = cred
		if st.User != "" && plugState != "" {
			plugState = filepath.Join(plugState, st.User)
		}
	}
	if plugState != "" {
		if err := os.MkdirAll(plugState, 0o755); err != nil {
			return c, fmt.Errorf("plugin state folder: %w", err)
		}
		if c.cred != nil && st.User != "" {
			if err := os.Chown(plugState, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
				return c, fmt.Errorf("plugin state folder: %w", err)
			}
		}
	}
	c.env = append(slices.Clip(run.env()), muninEnv[:]...)
	c.env = append(c.env, "FQDN="+run.host())
	if plugState != "" {
		c.env = append(c.env,
			"MUNIN_PLUGSTATE="+plugState,
			"MUNIN_STATEFILE="+filepath.Join(plugState, p.name+"-"))
	}
	c.env = append(c.env, st.Env...)
	if len(st.Command) > 0 {
		var args []string
		c.argAt = -1
		for _, a := range st.Command {
			if a == "%c" {
				args = append(args, p.path)
				if c.argAt < 0 {
					c.argAt = len(args)
				}
			} else {
				args = append(args, a)
			}
		}
		path, err := exec.LookPath(args[0])
		if err != nil {
			return c, fmt.Errorf("command: %w", err)
		}
		c.path, c.args = path, args
	}
	return c, nil
}

// withArg returns c run with one more argument, as "config".
func (c command) withArg(arg string) command {
	switch {
	case c.argAt < 0:
		// A command from the settings without %c: munin-node runs it
		// as it is.
	case c.argAt == 0:
		c.args = append(slices.Clip(c.args), arg)
	default:
		c.args = slices.Insert(slices.Clone(c.args), c.argAt, arg)
	}
	return c
}

// credential resolves the user and groups a plugin is to run as. As
// munin-node does, the first group is the real one, and a group written
// (NAME) is left out when there is none of that name.
func credential(st Settings) (*syscall.Credential, error) {
	cred := &syscall.Credential{Uid: uint32(os.Getuid()), Gid: uint32(os.Getgid())}
	if st.User != "" {
		u, err := lookupUser(st.User)
		if err != nil {
			return nil, fmt.Errorf("user %q: %w", st.User, err)
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("user %q: ids %s:%s are not numbers", st.User, u.Uid, u.Gid)
		}
		cred.Uid, cred.Gid = uint32(uid), uint32(gid)
	}
	cred.Groups = []uint32{} // none of sm-sample's supplementary groups
	for i, g := range st.Groups {
		name, optional := strings.CutPrefix(g, "(")
		if optional {
			name = strings.TrimSuffix(name, ")")
		}
		gid, err := lookupGroup(name)
		if err != nil {
			if optional {
				continue
			}
			return nil, fmt.Errorf("group %q: %w", name, err)
		}
		if i == 0 || len(cred.Groups) == 0 {
			cred.Gid = gid
		}
		cred.Groups = append(cred.Groups, gid)
	}
	return cred, nil
}

func lookupUser(name string) (*user.User, error) {
	if _, err := strconv.ParseUint(name, 10, 32); err == nil {
		if u, err := user.LookupId(name); err == nil {
			return u, nil
		}
		return &user.User{Uid: name, Gid: name}, nil
	}
	return user.Lookup(name)
}

func lookupGroup(name string) (uint32, error) {
	if id, err := strconv.ParseUint(name, 10, 32); err == nil {
		return uint32(id), nil
	}
	g, err := user.LookupGroup(name)
	if err != nil {
		return 0, err
	}
	id, err := strconv.ParseUint(g.Gid, 10, 32)
	return uint32(id), err
}

// muninConfig returns the plugin's config, from the cache in the state
// folder when it is less than a day old and newer than the plugin, else
// by running "PLUGIN config". When that fails an older cache still
// serves; without one, nil: a value whose type is not known is not
// reported, as a counter would pass for a gauge.
func (run *Runner) muninConfig(p program, cmd command, stDir string, res *Result) *muninConfig {
	cache := ""
	var cached []byte
	if stDir != "" {
		cache = filepath.Join(stDir, p.name+".config")
		b, fresh := readConfigCache(cache, p.path, run.Now())
		if fresh {
			return parseConfig(b)
		}
		cached = b
	}
	o := start(cmd.withArg("config"))
	for _, l := range o.stderr {
		res.Stderr = append(res.Stderr, "config: "+l)
	}
	if o.err != nil {
		res.errorf("config: %v", o.err)
		if cached != nil {
			return parseConfig(cached)
		}
		return nil
	}
	if cache != "" {
		if err := writeConfigCache(cache, o.stdout, run.Now()); err != nil {
			res.errorf("config cache: %v", err)
		}
	}
	return parseConfig(o.stdout)
}

const configHeader = "sm-sample munin config "

// readConfigCache returns the config output kept in file, and whether it
// is fresh: taken less than configMaxAge ago by the clock, and after the
// plugin and its link last changed. A file that is not a cache is nil.
func readConfigCache(file, plugin string, now time.Time) ([]byte, bool) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, false
	}
	header, body, ok := bytes.Cut(b, []byte("\n"))
	ts, isCache := bytes.CutPrefix(header, []byte(configHeader))
	t, err := strconv.ParseInt(string(ts), 10, 64)
	if !ok || !isCache || err != nil {
		return nil, false
	}
	age := now.Sub(time.Unix(t, 0))
	fresh := age >= 0 && age < configMaxAge
	if fi, err := os.Stat(file); fresh && err == nil {
		// File times against file times: the clock may be a test's.
		for _, stat := range []func(string) (os.FileInfo, error){os.Stat, os.Lstat} {
			if pi, err := stat(plugin); err != nil || pi.ModTime().After(fi.ModTime()) {
				fresh = false
			}
		}
	}
	return body, fresh
}

func writeConfigCache(file string, config []byte, now time.Time) error {
	b := strconv.AppendInt([]byte(configHeader), now.Unix(), 10)
	b = append(b, '\n')
	return writeFile(file, append(b, config...))
}

// writeFile replaces file with data through a temporary file renamed
// over it, so that a reader never sees half of it.
func writeFile(file string, data []byte) error {
	// 0640 less the umask, never more: the state is sm's business.
	f, err := safefile.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".", 0o640)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err1 := f.Close(); err == nil {
		err = err1
	}
	if err == nil {
		err = os.Rename(f.Name(), file)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// A muninConfig is what sm-sample takes from a plugin's config output:
// each field's type and bounds, by graph, and the host it reports for;
// and how each graph is titled and labelled, for its meta line.
type muninConfig struct {
	host   string
	graphs map[string]map[string]*fieldConfig // "" is the plugin's own graph
	draw   map[string]*graphConfig
}

type fieldConfig struct {
	typ      string // GAUGE, DERIVE, COUNTER, ABSOLUTE
	min, max float64
	label    string
}

// A graphConfig is what a graph's config says of its drawing.
type graphConfig struct {
	title, vlabel string
	order         []string // graph_order, as written
	fields        []string // in the order the config first names them
}

func (c *muninConfig) field(graph, field string) *fieldConfig {
	if f := c.graphs[graph][field]; f != nil {
		return f
	}
	return &fieldConfig{typ: "GAUGE", min: math.Inf(-1), max: math.Inf(1)}
}

// parseConfig reads config output: multigraph, host_name and the type,
// min and max of each field; the rest is for drawing graphs.
func parseConfig(b []byte) *muninConfig {
	c := &muninConfig{graphs: map[string]map[string]*fieldConfig{}, draw: map[string]*graphConfig{}}
	graph := ""
	draw := func() *graphConfig {
		g := c.draw[graph]
		if g == nil {
			g = &graphConfig{}
			c.draw[graph] = g
		}
		return g
	}
	eachLine(b, func(_ int, key, value string) {
		switch key {
		case "multigraph":
			graph = value
			return
		case "host_name":
			c.host = value
			return
		case "graph_title":
			draw().title = value
			return
		case "graph_vlabel":
			draw().vlabel = value
			return
		case "graph_order":
			draw().order = strings.Fields(value)
			return
		}
		field, attr, ok := strings.Cut(key, ".")
		if !ok || field == "" {
			return
		}
		fields := c.graphs[graph]
		if fields == nil {
			fields = map[string]*fieldConfig{}
			c.graphs[graph] = fields
		}
		f := fields[field]
		if f == nil {
			f = &fieldConfig{typ: "GAUGE", min: math.Inf(-1), max: math.Inf(1)}
			fields[field] = f
			g := draw()
			g.fields = append(g.fields, field)
		}
		switch attr {
		case "label":
			f.label = value
		case "type":
			f.typ = strings.ToUpper(value)
		case "min", "max":
			v, err := strconv.ParseFloat(value, 64)
			if err != nil || math.IsNaN(v) {
				return // U, or something RRDtool would refuse too
			}
			if attr == "min" {
				f.min = v
			} else {
				f.max = v
			}
		}
	})
	return c
}

// eachLine calls f with the number, first word and rest of each line
// that is neither blank nor a comment.
func eachLine(b []byte, f func(n int, key, value string)) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		key, value, _ := cutSpace(line)
		f(n, key, value)
	}
}

// parseFetch reads fetch output: FIELD.value VALUE or FIELD.value
// TIMESTAMP:VALUE lines, after multigraph NAME lines when the plugin
// draws several graphs. U, unknown, is no value and no error. The last
// line of a plugin that was killed may be cut short, and is not read.
func parseFetch(b []byte, now time.Time, killed bool, res *Result) []muninValue {
	if killed {
		if i := bytes.LastIndexByte(b, '\n'); i+1 < len(b) {
			b = b[:i+1]
			res.errorf("last line cut short")
		}
	}
	var vals []muninValue
	bad := lineErrors{res: res}
	graph := ""
	eachLine(b, func(n int, key, value string) {
		if key == "multigraph" {
			if value == "" {
				bad.add(n, errors.New("multigraph without a name"))
				return
			}
			graph = value
			return
		}
		field, attr, ok := strings.Cut(key, ".")
		if !ok || field == "" || value == "" {
			bad.add(n, fmt.Errorf("want FIELD.value VALUE, found %q", strings.TrimSpace(key+" "+value)))
			return
		}
		if attr != "value" {
			return // extinfo, and what later Munins may add
		}
		t := now
		if ts, v, ok := strings.Cut(value, ":"); ok {
			sec, err := strconv.ParseInt(ts, 10, 64)
			if err != nil || sec < 0 || sec > record.MaxTime {
				bad.add(n, fmt.Errorf("%s: timestamp %q is not in Unix seconds", key, ts))
				return
			}
			t, value = time.Unix(sec, 0), v
		}
		if value == "U" {
			return
		}
		v, err := parseNumber(value)
		if err != nil {
			bad.add(n, fmt.Errorf("%s: %w", key, err))
			return
		}
		vals = append(vals, muninValue{graph: graph, field: field, value: v, time: t})
	})
	bad.done()
	return vals
}

// parseNumber reads a value as RRDtool would take it: a finite decimal
// number.
func parseNumber(s string) (float64, error) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9', c == '.', c == '-', c == '+', c == 'e', c == 'E':
		default:
			return 0, fmt.Errorf("value %q is not a number", s)
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, fmt.Errorf("value %q is not a number", s)
	}
	return v, nil
}

// metricName makes a legal sm metric name of munin.GRAPH.FIELD: any byte
// but letters, digits, _, - and . becomes _.
func metricName(graph, field string) string {
	return groupName(graph) + "." + cleanName(field)
}

// groupName is the group of a graph's records, munin.GRAPH: what their
// names share but the field.
func groupName(graph string) string { return "munin." + cleanName(graph) }

// cleanName turns any byte but letters, digits, _, - and . into _.
func cleanName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !wordByte(c) && c != '-' && c != '.' {
			b[i] = '_'
		}
	}
	return string(b)
}

// muninMeta is the meta line of a graph, from its config: its title, its
// vertical label, and its fields' order and labels. The fields are those
// the config names: those of graph_order first, as Munin draws them,
// then the others in the order named. A vertical label's
// ${graph_period} is the second, the rates' unit.
// graph is as the config names it, "" for the plugin's own, named name.
func (c *muninConfig) meta(graph, name, host string, now int64) record.Meta {
	m := record.Meta{Group: groupName(name), Host: host, Time: now}
	g := c.draw[graph]
	if g == nil {
		return m
	}
	m.Title = record.MetaText(g.title)
	m.VLabel = record.MetaText(strings.ReplaceAll(g.vlabel, "${graph_period}", "second"))
	fields := c.graphs[graph]
	var order []string
	for _, f := range g.order {
		// NAME=OTHER draws another graph's field under this name.
		f, _, _ = strings.Cut(f, "=")
		if fields[f] != nil && !slices.Contains(order, f) {
			order = append(order, f)
		}
	}
	for _, f := range g.fields {
		if !slices.Contains(order, f) {
			order = append(order, f)
		}
	}
	for _, f := range order {
		if len(m.Order) == record.MaxMetaFields {
			break
		}
		name := cleanName(f)
		if strings.Contains(name, ".") || slices.Contains(m.Order, name) {
			continue // not a field of a record's name
		}
		m.Order = append(m.Order, name)
		if l := record.MetaText(fields[f].label); l != "" {
			if m.Labels == nil {
				m.Labels = map[string]string{}
			}
			m.Labels[name] = l
		}
	}
	return m
}

// muninRecords turns a plugin's values into records: gauges as they are,
// counters into rates per second through the state.
func (run *Runner) muninRecords(f *fetched, rates *rateState) []record.Record {
	if f.config == nil {
		return nil
	}
	host := f.host
	if host == "" {
		host = f.config.host
	}
	if host == "" {
		host = record.TagValue(run.Tags, "host")
	}
	var recs []record.Record
	// The graphs with records, in order, for their meta lines.
	var graphs []string
	for _, v := range f.values {
		graph := v.graph
		if graph == "" {
			graph = f.res.Name
		}
		fc := f.config.field(v.graph, v.field)
		val, ok := v.value, true
		switch fc.typ {
		case "GAUGE":
		case "DERIVE", "COUNTER", "ABSOLUTE":
			val, ok = rates.rate(rateKey{graph, v.field}, fc.typ, v.value, v.time, run.MaxInterval)
		default:
			f.res.errorf("%s.%s: unknown type %q", graph, v.field, fc.typ)
			continue
		}
		if !ok || val < fc.min || val > fc.max {
			continue
		}
		r := record.Record{Name: metricName(graph, v.field), Value: val, Time: v.time.Unix()}
		if host != "" {
			r.Tags = []record.Tag{{Key: "host", Value: host}}
		}
		if err := run.tag(&r); err != nil {
			f.res.errorf("%v", err)
			continue
		}
		recs = append(recs, r)
		if !slices.Contains(graphs, v.graph) {
			graphs = append(graphs, v.graph)
		}
	}
	now := run.Now().Unix()
	for _, g := range graphs {
		name := g
		if name == "" {
			name = f.res.Name
		}
		m := f.config.meta(g, name, host, now)
		if err := m.Check(); err != nil {
			f.res.errorf("%v", err)
			continue
		}
		f.res.Meta = append(f.res.Meta, m)
	}
	return recs
}
