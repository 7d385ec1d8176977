package collect

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/sys/unix"

	"sm/internal/safefile"
)

// stateHeader starts every state file; its number changes when the
// file's shape does, and a file of another shape is ignored, which costs
// one window.
const stateHeader = "sm-sample state 1"

// A State keeps the last counters of each family between runs, so that a
// run can compute rates without waiting.
type State struct {
	BootID   string
	Families map[string]*Entry
}

// An Entry is one family's counters and the uptime at which they were read.
type Entry struct {
	Uptime   float64
	Counters Counters
}

// NewState returns an empty state.
func NewState() *State {
	return &State{Families: map[string]*Entry{}}
}

// The state file is text: a header, the boot id, then each family with
// its uptime and a line per instance, and a last line with a checksum of
// all before it, so that a file cut short or torn is known:
//
//	sm-sample state 1
//	boot "5a8e3f3c-1b2d-4e5f-8a9b-0c1d2e3f4a5b"
//	family net 86400.5
//	"eth0" 9014451000 1134900000 3
//	end 9a3f0c1b2d4e5f60
//
// Every cron run reads and writes it, so it is plain strconv work rather
// than encoding/json's reflection.
func (st *State) marshal() []byte {
	// Made at about its size: grown by doubling, it would pass through
	// every size on the way, each a fresh span of memory.
	size := 64 + len(st.BootID)
	for fam, e := range st.Families {
		size += 32 + len(fam)
		for inst, v := range e.Counters {
			size += 4 + len(inst) + 16*len(v)
		}
	}
	b := make([]byte, 0, size)
	b = append(b, stateHeader+"\nboot "...)
	b = strconv.AppendQuote(b, st.BootID)
	b = append(b, '\n')
	fams := make([]string, 0, len(st.Families))
	for fam := range st.Families {
		fams = append(fams, fam)
	}
	slices.Sort(fams)
	for _, fam := range fams {
		e := st.Families[fam]
		b = append(b, "family "...)
		b = append(b, fam...)
		b = append(b, ' ')
		b = strconv.AppendFloat(b, e.Uptime, 'f', -1, 64)
		b = append(b, '\n')
		for _, inst := range sortedKeys(e.Counters) {
			b = strconv.AppendQuote(b, inst)
			for _, v := range e.Counters[inst] {
				b = append(b, ' ')
				b = strconv.AppendFloat(b, v, 'f', -1, 64)
			}
			b = append(b, '\n')
		}
	}
	sum := checksum(b)
	b = append(b, "end "...)
	b = strconv.AppendUint(b, sum, 16)
	return append(b, '\n')
}

// checksum is FNV-1a, enough to know a torn file from a whole one.
func checksum(b []byte) uint64 {
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}

func unmarshalState(b []byte) (*State, error) {
	st := NewState()
	header, _, _ := bytes.Cut(b, []byte("\n"))
	if string(header) != stateHeader {
		if bytes.HasPrefix(header, []byte("sm-sample state ")) {
			return st, nil // another version: start afresh, quietly
		}
		return nil, errors.New("not a state file")
	}
	i := bytes.LastIndex(b, []byte("\nend "))
	if i < 0 || b[len(b)-1] != '\n' {
		return nil, errors.New("cut short")
	}
	body := b[:i+1]
	sum, err := strconv.ParseUint(string(b[i+len("\nend "):len(b)-1]), 16, 64)
	if err != nil || sum != checksum(body) {
		return nil, errors.New("checksum mismatch")
	}
	var cur *Entry
	// The counters of every instance in one allocation: each follows a
	// space. A file with other separators only costs more allocations.
	slab := make([]float64, 0, bytes.Count(body, []byte(" ")))
	// Each family's map made at its size, counted ahead: grown from
	// nothing, one of a few hundred pids is rebuilt several times over.
	// The count is only a hint: an odd file costs some growing.
	var sizes []int
	eachLine(body[len(header)+1:], func(_ int, line []byte) error {
		if f, _ := nextField(line); string(f) == "family" {
			sizes = append(sizes, 0)
		} else if len(line) > 0 && line[0] == '"' && len(sizes) > 0 {
			sizes[len(sizes)-1]++
		}
		return nil
	})
	fams := 0 // the family lines so far
	err = eachLine(body[len(header)+1:], func(n int, line []byte) error {
		n++ // after the header
		if len(line) > 0 && line[0] == '"' && cur != nil {
			inst, q, err := unquoteName(line)
			if err != nil {
				return fmt.Errorf("line %d: bad name", n)
			}
			start := len(slab)
			for rest := line[len(q):]; ; {
				var x []byte
				if x, rest = nextField(rest); x == nil {
					break
				}
				v, err := strconv.ParseFloat(string(x), 64)
				if err != nil || !(v >= 0) {
					return fmt.Errorf("line %d: bad counter %q", n, x)
				}
				slab = append(slab, v)
			}
			cur.Counters[inst] = slab[start:len(slab):len(slab)]
			return nil
		}
		f := strings.Fields(string(line))
		switch {
		case len(f) == 2 && f[0] == "boot":
			id, err := strconv.Unquote(f[1])
			if err != nil {
				return fmt.Errorf("line %d: bad boot id %s", n, f[1])
			}
			st.BootID = id
		case len(f) == 3 && f[0] == "family":
			up, err := strconv.ParseFloat(f[2], 64)
			if err != nil || !(up >= 0) {
				return fmt.Errorf("line %d: bad uptime %q", n, f[2])
			}
			size := 0
			if fams < len(sizes) {
				size = sizes[fams]
			}
			fams++
			cur = &Entry{Uptime: up, Counters: make(Counters, size)}
			st.Families[f[1]] = cur
		default:
			return fmt.Errorf("line %d: unexpected %q", n, line)
		}
		return nil
	})
	return st, err
}

// unquoteName reads the quoted name that starts line, as
// strconv.QuotedPrefix and Unquote do, and returns it and its quoted
// form. A name with nothing to unescape, as most are, is copied once,
// not three times.
func unquoteName(line []byte) (name string, quoted []byte, err error) {
	if i := bytes.IndexByte(line[1:], '"'); i >= 0 {
		q := line[:i+2]
		if bytes.IndexByte(q, '\\') < 0 && utf8.Valid(q) {
			return string(q[1 : len(q)-1]), q, nil
		}
	}
	qs, err := strconv.QuotedPrefix(string(line))
	if err != nil {
		return "", nil, err
	}
	name, err = strconv.Unquote(qs)
	return name, line[:len(qs)], err
}

// ErrForeign marks a file in the state's place that is not sm-sample's
// state: a mistyped --state naming some other file. A run neither uses
// it nor overwrites it.
var ErrForeign = errors.New("not an sm-sample state file; not overwritten")

// statePrefix starts the state file of every version: what tells sm's
// own file, damaged or of another version, from someone else's.
const statePrefix = "sm-sample state "

// LoadState reads the state file at path. A missing file, or an empty
// one as a crash can leave, is an empty state. A damaged one is an empty
// state too, with an error saying so: the run can go on, measuring over a
// window. A file that is not a state file at all is an empty state and
// an error wrapping ErrForeign, and Save will not replace it.
func LoadState(path string) (*State, error) {
	b, err := readLocked(path)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(b) == 0) {
		return NewState(), nil
	}
	if err != nil {
		return NewState(), fmt.Errorf("reading state file: %w", err)
	}
	if !bytes.HasPrefix(b, []byte(statePrefix)) {
		return NewState(), fmt.Errorf("state file %s: %w", path, ErrForeign)
	}
	st, err := unmarshalState(b)
	if err != nil {
		return NewState(), fmt.Errorf("state file %s is damaged, starting afresh: %v", path, err)
	}
	return st, nil
}

// readLocked reads a file under a shared lock, so that no writer (see
// save) writes into it meanwhile. Only a regular file is read, never
// through a symbolic link and, for root, only root's (see safefile): a
// FIFO or a device in the state's place would hold the run forever, and
// a link would have root overwrite its target.
func readLocked(path string) ([]byte, error) {
	fd, st, err := safefile.Open(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	if err := flock(fd, unix.LOCK_SH); err != nil {
		return nil, &fs.PathError{Op: "lock", Path: path, Err: err}
	}
	// A regular file, and no writer meanwhile: one short read is all.
	// Room for the size it had before the lock and a byte more: a read
	// that fills it, of a file grown since, goes on reading.
	return readFrom(fd, path, make([]byte, 0, st.Size+1), true)
}

// Save replaces the state file at path with st. A reader, or a run
// overlapping this one, never sees half a file: writers hold an exclusive
// lock, readers a shared one. A file that a crash left torn fails its
// checksum when read.
//
// The file is written in place, not to a temporary file renamed over it:
// on ext4 a file renamed over another is flushed to disk at once, and
// creating one searches the inode table; together that is more than all
// the rest of a run, which must take no longer than sysstat's.
func (st *State) Save(path string) error {
	if err := st.save(path); err != nil {
		return fmt.Errorf("writing state file: %w", err)
	}
	return nil
}

func (st *State) save(path string) error {
	// 0640: the state is sm's business, not every user's.
	const flags = os.O_RDWR | os.O_CREATE
	fd, _, err := safefile.Open(path, flags, 0o640)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		fd, _, err = safefile.Open(path, flags, 0o640)
	}
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := flock(fd, unix.LOCK_EX); err != nil {
		return &fs.PathError{Op: "lock", Path: path, Err: err}
	}
	// Checked again under the lock, by what the file holds now: only an
	// empty file or sm's own is replaced.
	head := make([]byte, len(statePrefix))
	n, _ := unix.Pread(fd, head, 0)
	if n > 0 && string(head[:n]) != statePrefix {
		return fmt.Errorf("%s: %w", path, ErrForeign)
	}
	data := st.marshal()
	if _, err := unix.Pwrite(fd, data, 0); err != nil {
		return &fs.PathError{Op: "write", Path: path, Err: err}
	}
	if err := unix.Ftruncate(fd, int64(len(data))); err != nil {
		return &fs.PathError{Op: "truncate", Path: path, Err: err}
	}
	return nil
}

func flock(fd, how int) error {
	for {
		err := unix.Flock(fd, how)
		if err != unix.EINTR {
			return err
		}
	}
}

// reset forgets every counter when they cannot be compared with the
// kernel's current ones: another boot, or an uptime that went back.
func (st *State) reset(bootID string, uptime float64, uptimeErr error) {
	stale := st.BootID != bootID
	for _, e := range st.Families {
		if uptimeErr == nil && e.Uptime > uptime {
			stale = true
		}
	}
	if stale {
		st.BootID = bootID
		st.Families = map[string]*Entry{}
	}
}

// usable returns the family's previous counters and the interval since,
// when they give a sound rate: read at least MinInterval and at most max
// ago, and, for monotonic counters, none of them lower now.
func (st *State) usable(f *Family, cur Counters, uptime float64, uptimeErr error, max time.Duration) (Counters, float64, bool) {
	e := st.Families[f.Name]
	if e == nil || uptimeErr != nil {
		return nil, 0, false
	}
	dt := uptime - e.Uptime
	if dt < MinInterval.Seconds() || dt > max.Seconds() {
		return nil, 0, false
	}
	if f.monotonic {
		for k, v := range cur {
			p, ok := e.Counters[k]
			if !ok || len(p) != len(v) {
				continue
			}
			for i := range v {
				if v[i] < p[i] {
					return nil, 0, false
				}
			}
		}
	}
	return e.Counters, dt, true
}

func (st *State) put(family string, uptime float64, c Counters) {
	st.Families[family] = &Entry{Uptime: uptime, Counters: c}
}

// uptime returns the seconds since boot from /proc/uptime. It is the
// clock of intervals between runs: it does not jump when the wall clock
// is set, and it belongs to the same kernel as the counters.
func (s *Source) uptime() (float64, error) {
	b, err := s.readShown(s.proc("uptime"), false)
	if err != nil {
		return 0, err
	}
	return parseUptime(string(b))
}

func parseUptime(s string) (float64, error) {
	f := strings.Fields(s)
	if len(f) == 0 {
		return 0, errors.New("uptime: empty file")
	}
	up, err := strconv.ParseFloat(f[0], 64)
	if err != nil || !(up >= 0) {
		return 0, fmt.Errorf("uptime: bad value %q", f[0])
	}
	return up, nil
}

// bootID returns the kernel's boot id, or "" where there is none.
func (s *Source) bootID() string {
	b, err := s.readShown(s.proc("sys/kernel/random/boot_id"), false)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
