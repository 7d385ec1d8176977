package plugin

import (
	"slices"
	"strings"
	"testing"

	"sm/internal/record"
)

// TestMuninMeta checks the meta lines a plugin's config gives: one per
// graph with records, titled and labelled as the config says, fields in
// graph_order's order and then the config's.
func TestMuninMeta(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "traffic", `
if [ "$1" = config ]; then
	printf 'graph_title Traffic\tof eth0 \001\n'
	echo 'graph_vlabel bits in (-) / out (+) per ${graph_period}'
	echo 'graph_order up down=other.field gone up'
	echo 'down.label received'
	echo 'up.label sent'
	echo 'up.type GAUGE'
	echo 'odd@name.label odd'
	echo 'nolabel.type GAUGE'
	echo 'multigraph traffic.errors'
	echo 'graph_title Errors'
	echo 'errs.label errors'
	echo 'multigraph silent'
	echo 'graph_title No values'
	echo 'x.label x'
	exit 0
fi
echo 'down.value 1'
echo 'up.value 2'
echo 'multigraph traffic.errors'
echo 'errs.value 0'
echo 'multigraph silent'
echo 'x.value U'
`)
	writeScript(t, dir, "bare", `
[ "$1" = config ] && exit 0
echo 'a.value 1'
`)
	now := t0
	run := newRunner(t, &now)
	rep := run.Munin(dir, conf(t, "[traffic]\nhost_name router\n"))
	var got []string
	for _, r := range rep.Results {
		if len(r.Errors) > 0 {
			t.Errorf("%s: %v", r.Name, r.Errors)
		}
		for _, m := range r.Meta {
			got = append(got, strings.TrimSuffix(string(record.AppendMeta(nil, &m)), "\n"))
		}
	}
	want := []string{
		`#meta munin.bare host=web1 time=1764045000`,
		`#meta munin.traffic host=router time=1764045000 title=Traffic\040of\040eth0 vlabel=bits\040in\040(-)\040/\040out\040(+)\040per\040second order=up,down,odd_name,nolabel label.down=received label.odd_name=odd label.up=sent`,
		`#meta munin.traffic.errors host=router time=1764045000 title=Errors order=errs label.errs=errors`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestMuninMetaBounds checks that what a plugin prints is cut to a meta
// line's bounds, not refused.
func TestMuninMetaBounds(t *testing.T) {
	dir := t.TempDir()
	writeScript(t, dir, "big", `
if [ "$1" = config ]; then
	printf 'graph_title %0300d\n' 0
	i=0
	while [ $i -lt 600 ]; do echo "f$i.label $i"; i=$((i+1)); done
	exit 0
fi
echo 'f1.value 1'
`)
	now := t0
	rep := newRunner(t, &now).Munin(dir, nil)
	r := rep.Results[0]
	if len(r.Errors) > 0 || len(r.Meta) != 1 {
		t.Fatalf("errors %v, meta %v", r.Errors, r.Meta)
	}
	m := r.Meta[0]
	if len(m.Title) != record.MaxMetaText || len(m.Order) != record.MaxMetaFields || len(m.Labels) != record.MaxMetaFields || m.Order[499] != "f499" {
		t.Errorf("title %d bytes, %d fields, %d labels", len(m.Title), len(m.Order), len(m.Labels))
	}
}
