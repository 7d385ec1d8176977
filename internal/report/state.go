package report

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"sm/internal/safefile"
)

// A State is what sm-report --check --changes remembers between runs:
// each check that is not OK, at the level last reported, and each that
// is on its way to a worse level (see Rule.Hits). A check that is OK
// and reported so is not kept, so the state grows with the problems of
// the fleet, not with its series.
type State struct {
	// Select is the selection the state was kept for (see Selection):
	// a check of another selection would take the series it leaves out
	// for resolved.
	Select  string
	Entries map[string]*Entry // by Entry.id
}

// MaxState bounds the entries of a state: a hub of 100 hosts with a
// thousand problems each still fits, and the file stays a few MB.
// Problems past it are not tracked, and one entry says so.
const MaxState = 100000

// maxState is MaxState, smaller in tests.
var maxState = MaxState

// lockHook, when set, runs between opening the state file and locking
// it: tests stand a second run there.
var lockHook func()

// An Entry is one check's state.
type Entry struct {
	Kind  byte   // 's' a series, 'h' a host's freshness, '-' the whole check
	Key   string // the series, the host, or the problem's text
	Host  string // the host of a series
	Level Level  // as last reported
	Since int64  // when it was reported at Level
	Start int64  // when the problem started, as reported
	Hits  int    // checks in a row worse than Level, not yet reported
}

func (e *Entry) id() string { return string(e.Kind) + e.Key }

// NewState returns an empty state.
func NewState() *State { return &State{Entries: map[string]*Entry{}} }

// The state file is text, as sm-sample's: a header, the selection, the
// count of problems left out, a line an entry, and a checksum of all
// before it, so that a file cut short or torn is known:
//
//	sm-report check state 1
//	select "host=web2"
//	s "disk.used_pct;host=web2;mount=/" "web2" critical 1795590000 1795500000 0
//	h "web3" "web3" unknown 1795590000 1795590000 0
//	end 9a3f0c1b2d4e5f60
//
// Keys are quoted as Go strings: a host's series text never breaks a
// line of it.
const statePrefix = "sm-report check state "

const stateHeader = statePrefix + "1"

func (st *State) marshal() []byte {
	b := append([]byte(stateHeader), "\nselect "...)
	b = strconv.AppendQuote(b, st.Select)
	b = append(b, '\n')
	for _, id := range slices.Sorted(maps.Keys(st.Entries)) {
		e := st.Entries[id]
		b = append(b, e.Kind, ' ')
		b = strconv.AppendQuote(b, e.Key)
		b = append(b, ' ')
		b = strconv.AppendQuote(b, e.Host)
		b = append(b, ' ')
		b = append(b, strings.ToLower(e.Level.String())...)
		for _, n := range []int64{e.Since, e.Start, int64(e.Hits)} {
			b = append(b, ' ')
			b = strconv.AppendInt(b, n, 10)
		}
		b = append(b, '\n')
	}
	h := fnv.New64a()
	h.Write(b)
	b = append(b, "end "...)
	b = strconv.AppendUint(b, h.Sum64(), 16)
	return append(b, '\n')
}

var levels = map[string]Level{"ok": OK, "warning": Warning, "critical": Critical, "unknown": Unknown}

func unmarshalState(b []byte) (*State, error) {
	st := NewState()
	i := bytes.LastIndex(b, []byte("\nend "))
	if i < 0 || b[len(b)-1] != '\n' {
		return nil, errors.New("cut short")
	}
	body := b[:i+1]
	sum, err := strconv.ParseUint(string(b[i+len("\nend "):len(b)-1]), 16, 64)
	h := fnv.New64a()
	h.Write(body)
	if err != nil || sum != h.Sum64() {
		return nil, errors.New("checksum mismatch")
	}
	lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
	if lines[0] != stateHeader {
		return nil, fmt.Errorf("line 1: %q is another version", lines[0])
	}
	for n, line := range lines[1:] {
		n += 2
		var err error
		switch {
		case strings.HasPrefix(line, "select "):
			st.Select, err = strconv.Unquote(line[len("select "):])
		default:
			var e *Entry
			if e, err = parseEntry(line); err == nil {
				if len(st.Entries) > maxState {
					return nil, fmt.Errorf("line %d: more than %d entries", n, maxState)
				}
				st.Entries[e.id()] = e
			}
		}
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
	}
	return st, nil
}

// parseEntry parses a line of an entry: KIND "KEY" "HOST" LEVEL SINCE
// START HITS.
func parseEntry(line string) (*Entry, error) {
	bad := errors.New("not an entry")
	if len(line) < 2 || !strings.Contains("sh-", line[:1]) || line[1] != ' ' {
		return nil, bad
	}
	e := &Entry{Kind: line[0]}
	rest := line[2:]
	for _, s := range []*string{&e.Key, &e.Host} {
		q, err := strconv.QuotedPrefix(rest)
		if err != nil || len(rest) == len(q) || rest[len(q)] != ' ' {
			return nil, bad
		}
		*s, _ = strconv.Unquote(q)
		rest = rest[len(q)+1:]
	}
	f := strings.Fields(rest)
	if len(f) != 4 {
		return nil, bad
	}
	l, ok := levels[f[0]]
	if !ok {
		return nil, fmt.Errorf("level %q", f[0])
	}
	e.Level = l
	for i, p := range []*int64{&e.Since, &e.Start} {
		n, err := strconv.ParseInt(f[1+i], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("time %q", f[1+i])
		}
		*p = n
	}
	hits, err := strconv.Atoi(f[3])
	if err != nil || hits < 0 || hits > maxHits {
		return nil, fmt.Errorf("hits %q", f[3])
	}
	e.Hits = hits
	return e, nil
}

// ErrForeignState marks a file in the state's place that is not a check
// state: a mistyped --state naming some other file. It is neither used
// nor overwritten.
var ErrForeignState = errors.New("not an sm-report check state; refusing to overwrite it")

// maxStateSize bounds what is read of a state file: MaxState entries of
// long series keys.
const maxStateSize = 256 << 20

// A StateFile is the state file of a check with --changes, locked for
// the run: a second run at the same time waits for the first, then
// reads what it wrote, so that no change is said twice.
type StateFile struct {
	Path  string
	State *State
	// Damaged, when not nil, says why the file's state could not be
	// used: the run starts afresh, and reports every problem as new.
	Damaged error
	f       *os.File
	old     []byte
}

// OpenState opens and locks the state file at path, making it (empty)
// and its folder when there is none, and reads it. A missing or empty
// file is an empty state. A file that is not a state file wraps
// ErrForeignState.
//
// The file is replaced by a rename on Save, so a run that waited for
// the lock may hold a file no longer there: it opens the new one and
// locks again.
func OpenState(path string) (*StateFile, error) {
	for range 100 {
		f, err := safefile.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
		if errors.Is(err, fs.ErrNotExist) {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return nil, err
			}
			f, err = safefile.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
		}
		if err != nil {
			return nil, err
		}
		if lockHook != nil {
			lockHook()
		}
		if err := flock(int(f.Fd()), unix.LOCK_EX); err != nil {
			f.Close()
			return nil, &fs.PathError{Op: "lock", Path: path, Err: err}
		}
		held, err1 := f.Stat()
		now, err2 := os.Lstat(path)
		if err1 == nil && err2 == nil && os.SameFile(held, now) {
			return readState(path, f)
		}
		f.Close()
	}
	return nil, fmt.Errorf("%s: replaced again and again while waiting for it", path)
}

func readState(path string, f *os.File) (*StateFile, error) {
	sf := &StateFile{Path: path, State: NewState(), f: f}
	b, err := io.ReadAll(io.LimitReader(f, maxStateSize+1))
	if err != nil {
		f.Close()
		return nil, err
	}
	sf.old = b
	if len(b) == 0 {
		return sf, nil
	}
	if !bytes.HasPrefix(b, []byte(statePrefix)) {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, ErrForeignState)
	}
	if len(b) > maxStateSize {
		sf.Damaged = fmt.Errorf("state file %s is damaged, starting afresh: %w", path, fmt.Errorf("larger than %d MiB", maxStateSize>>20))
		return sf, nil
	}
	st, err := unmarshalState(b)
	if err != nil {
		sf.Damaged = fmt.Errorf("state file %s is damaged, starting afresh: %w", path, err)
		return sf, nil
	}
	sf.State = st
	return sf, nil
}

// ReadState reads the state file at path without locking it or making
// it, for a check that uses the state and leaves it as it is: nil, and
// no error, when there is none.
func ReadState(path string) (*State, error) {
	f, err := safefile.OpenFile(path, os.O_RDONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sf, err := readState(path, f)
	if err != nil {
		return nil, err
	}
	if sf.Damaged != nil {
		return nil, fmt.Errorf("state file %s is damaged: %v", path, errors.Unwrap(sf.Damaged))
	}
	return sf.State, nil
}

// Save replaces the state file with st, as a whole: written beside it
// and renamed over it, so that a crash leaves the old state or the new
// one, and a reader never sees half a file. A state that has not
// changed is not written again.
func (sf *StateFile) Save(st *State) error {
	b := st.marshal()
	if bytes.Equal(b, sf.old) {
		return nil
	}
	if err := safefile.Check(sf.Path); err != nil {
		return err
	}
	tmp, err := safefile.CreateTemp(filepath.Dir(sf.Path), "."+filepath.Base(sf.Path)+".", 0o640)
	if err != nil {
		return fmt.Errorf("writing state file: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), sf.Path)
	}
	if err != nil {
		return fmt.Errorf("writing state file: %w", err)
	}
	sf.old = b
	return nil
}

// Close releases the lock.
func (sf *StateFile) Close() error { return sf.f.Close() }

func flock(fd, how int) error {
	for {
		err := unix.Flock(fd, how)
		if err != unix.EINTR {
			return err
		}
	}
}
