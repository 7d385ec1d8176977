package report

import (
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func testState() *State {
	st := NewState()
	st.Select = "--tag host=web1"
	for _, e := range []*Entry{
		{Kind: 's', Key: "disk.used_pct;host=web1;mount=/", Host: "web1", Level: Critical, Since: 200, Start: 100},
		{Kind: 's', Key: "disk.used_pct;host=x\nOK - all fine;mount=\"a b\"", Host: "x\nOK - all fine", Level: Warning, Since: 100, Start: 100},
		{Kind: 's', Key: "load.1m;host=web1", Host: "web1", Level: OK, Hits: 2},
		{Kind: 'h', Key: "web3", Host: "web3", Level: Unknown, Since: 50, Start: 50},
		{Kind: '-', Key: "no series match", Level: Unknown, Since: 50, Start: 50},
	} {
		st.Entries[e.id()] = e
	}
	return st
}

func TestStateRoundTrip(t *testing.T) {
	st := testState()
	b := st.marshal()
	if strings.Count(string(b), "\n") != 8 {
		t.Errorf("want a line an entry and four more:\n%s", b)
	}
	got, err := unmarshalState(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, st) {
		t.Errorf("got %+v, want %+v", got, st)
	}
	if again := got.marshal(); string(again) != string(b) {
		t.Errorf("written again:\n%s\nwant\n%s", again, b)
	}
}

// signed adds the checksum line to a state's text.
func signed(body string) []byte {
	h := fnv.New64a()
	h.Write([]byte(body))
	return []byte(fmt.Sprintf("%send %x\n", body, h.Sum64()))
}

func TestUnmarshalStateBad(t *testing.T) {
	whole := string(testState().marshal())
	for _, tc := range []struct {
		name string
		in   []byte
		err  string
	}{
		{"cut short", []byte(whole[:len(whole)-10]), "cut short"},
		{"no end", []byte(whole[:strings.Index(whole, "end ")]), "cut short"},
		{"torn", []byte(strings.Replace(whole, "critical", "warning", 1)), "checksum mismatch"},
		{"another version", signed(statePrefix + "2\n"), `line 1: "sm-report check state 2" is another version`},
		{"bad kind", signed(stateHeader + "\nx \"k\" \"\" ok 0 0 0\n"), "line 2: not an entry"},
		{"bad level", signed(stateHeader + "\ns \"k\" \"\" fine 0 0 0\n"), `line 2: level "fine"`},
		{"bad quote", signed(stateHeader + "\ns \"k \"\" ok 0 0 0\n"), "line 2: not an entry"},
		{"few fields", signed(stateHeader + "\ns \"k\" \"\" ok 0 0\n"), "line 2: not an entry"},
		{"bad time", signed(stateHeader + "\ns \"k\" \"\" ok x 0 0\n"), `line 2: time "x"`},
		{"bad hits", signed(stateHeader + "\ns \"k\" \"\" ok 0 0 -1\n"), `line 2: hits "-1"`},
		{"bad select", signed(stateHeader + "\nselect x\n"), "line 2: invalid syntax"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := unmarshalState(tc.in)
			if err == nil || err.Error() != tc.err {
				t.Errorf("err = %v, want %q", err, tc.err)
			}
		})
	}
	t.Run("too many", func(t *testing.T) {
		defer func(n int) { maxState = n }(maxState)
		maxState = 3
		if _, err := unmarshalState(testState().marshal()); err == nil || err.Error() != "line 7: more than 3 entries" {
			t.Errorf("err = %v", err)
		}
	})
}

func TestTracker(t *testing.T) {
	run := func(prev *State, now int64, f func(*tracker)) *Check {
		tr := newTracker(CheckOptions{State: prev, Track: true}, now)
		f(tr)
		c := &Check{}
		tr.whole(c, map[string]bool{"web1": true}, "")
		return c
	}
	text := func(s string) func() string { return func() string { return s } }
	series := func(k string) Entry { return Entry{Kind: 's', Key: k, Host: "web1"} }

	t.Run("hits", func(t *testing.T) {
		c := run(nil, 100, func(tr *tracker) { tr.observe(series("a"), Warning, 3, text("a")) })
		c = run(c.State, 200, func(tr *tracker) { tr.observe(series("a"), Warning, 3, text("a")) })
		if len(c.Changes) != 0 || c.State.Entries["sa"].Hits != 2 {
			t.Fatalf("after 2 of 3 hits: %+v, %+v", c.Changes, c.State.Entries["sa"])
		}
		// Back to OK: the count starts again.
		c = run(c.State, 300, func(tr *tracker) { tr.observe(series("a"), OK, 3, text("a")) })
		if len(c.Changes) != 0 || len(c.State.Entries) != 0 {
			t.Fatalf("back to OK: %+v, %+v", c.Changes, c.State.Entries)
		}
		for i := range 3 {
			c = run(c.State, int64(400+100*i), func(tr *tracker) { tr.observe(series("a"), Warning, 3, text("a")) })
		}
		want := []Transition{{Level: Warning, Was: OK, Text: "a"}}
		if !reflect.DeepEqual(c.Changes, want) {
			t.Fatalf("at the third hit: %+v, want %+v", c.Changes, want)
		}
		if e := c.State.Entries["sa"]; e.Start != 600 || e.Since != 600 || e.Hits != 0 {
			t.Errorf("entry %+v", e)
		}
	})

	t.Run("cap", func(t *testing.T) {
		defer func(n int) { maxState = n }(maxState)
		maxState = 2
		three := func(tr *tracker) {
			for _, k := range []string{"a", "b", "c"} {
				tr.observe(series(k), Critical, 1, text(k))
			}
		}
		c := run(nil, 100, three)
		var got []string
		for _, ch := range c.Changes {
			got = append(got, ch.Text)
		}
		if want := []string{"a", "b", overKey}; !reflect.DeepEqual(got, want) {
			t.Errorf("changes %q, want %q", got, want)
		}
		if len(c.State.Entries) != 3 {
			t.Errorf("state %+v", c.State.Entries)
		}
		// The next run, the same problems: nothing new, not even c.
		c = run(c.State, 200, three)
		if len(c.Changes) != 0 {
			t.Errorf("changes %+v", c.Changes)
		}
		// Fewer problems: every one tracked again, said once.
		c = run(c.State, 300, func(tr *tracker) { tr.observe(series("a"), Critical, 1, text("a")) })
		got = got[:0]
		for _, ch := range c.Changes {
			got = append(got, ch.Level.String()+" "+ch.Text)
		}
		if want := []string{"OK " + overKey, "OK b no longer checked"}; !reflect.DeepEqual(got, want) {
			t.Errorf("changes %q, want %q", got, want)
		}
	})
}

// TestOpenStateWaits: a run that opened the state file while another
// held it reads what the other wrote, though the other replaced the
// file by a rename meanwhile.
func TestOpenStateWaits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "check.state")
	first, err := OpenState(path)
	if err != nil {
		t.Fatal(err)
	}
	opened, goOn := make(chan bool), make(chan bool)
	var once sync.Once
	lockHook = func() {
		once.Do(func() {
			opened <- true
			<-goOn
		})
	}
	defer func() { lockHook = nil }()
	done := make(chan *StateFile)
	go func() {
		sf, err := OpenState(path)
		if err != nil {
			t.Error(err)
		}
		done <- sf
	}()
	<-opened
	if err := first.Save(testState()); err != nil {
		t.Fatal(err)
	}
	first.Close()
	close(goOn)
	second := <-done
	if second == nil {
		return
	}
	defer second.Close()
	if !reflect.DeepEqual(second.State, testState()) {
		t.Errorf("the second run read %+v", second.State)
	}
}

func TestSaveFails(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sub")
	sf, err := OpenState(filepath.Join(dir, "check.state"))
	if err != nil {
		t.Fatal(err)
	}
	defer sf.Close()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	err = sf.Save(testState())
	if err == nil || !strings.HasPrefix(err.Error(), "writing state file: open "+dir) {
		t.Errorf("err = %v", err)
	}
}

func TestWriteChanges(t *testing.T) {
	c := &Check{Changes: []Transition{
		{Level: Critical, Was: OK, Text: "a;host=x\nOK - fine 96 > 95"},
		{Level: Critical, Was: Warning, Text: "b 96 > 95", For: 15 * 60e9},
		{Level: Warning, Was: Critical, Text: "b|c 92 > 90", For: 90 * 60e9},
		{Level: OK, Was: Unknown, Text: "data from host web3 again", For: 26 * 3600e9},
	}}
	var b strings.Builder
	if err := c.WriteChanges(&b); err != nil {
		t.Fatal(err)
	}
	want := `CRITICAL - a;host=x\x0aOK - fine 96 > 95 (new)
CRITICAL - b 96 > 95 (was WARNING for 15m)
WARNING - b¦c 92 > 90 (was CRITICAL for 1h30m)
OK - data from host web3 again (resolved after 1d 2h; was UNKNOWN)
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	// At most MaxProblems, then a line counting the rest.
	c.Changes = nil
	for i := range MaxProblems + 7 {
		c.Changes = append(c.Changes, Transition{Level: Warning, Text: fmt.Sprint(i)})
	}
	b.Reset()
	if err := c.WriteChanges(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != MaxProblems+1 || lines[MaxProblems] != "and 7 more changes (at most 50 are listed)" {
		t.Errorf("%d lines, the last %q", len(lines), lines[len(lines)-1])
	}
	// Nothing changed: nothing written.
	c.Changes = nil
	b.Reset()
	if c.WriteChanges(&b); b.Len() != 0 {
		t.Errorf("wrote %q", b.String())
	}
}

func FuzzUnmarshalState(f *testing.F) {
	f.Add(testState().marshal())
	f.Add(NewState().marshal())
	f.Add(signed(stateHeader + "\ns \"k\" \"\" ok 0 0 0\n"))
	f.Add(signed(stateHeader + "\nh \"\\x00\" \"\\u202e\" unknown -1 9223372036854775807 3\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := unmarshalState(b)
		if err != nil {
			return
		}
		// A state that reads writes back to one that reads the same.
		again, err := unmarshalState(st.marshal())
		if err != nil {
			t.Fatalf("%q read, but not as written back: %v", b, err)
		}
		if !reflect.DeepEqual(again, st) {
			t.Fatalf("%q: %+v, then %+v", b, st, again)
		}
	})
}
