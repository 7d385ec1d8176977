package tests

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// The bad input corpus lives in testdata/bad: NAME.in holds a case's
// input, bytes as they are, and NAME.want what sm-store makes of it:
//
//	# what the case is, in one line (more # lines may follow)
//	sm-store: NAME.in:3: value "NaN" is not a finite number
//	exit 1
//	stored good.before;host=web1 1 1764043200
//
// The lines starting "sm-store: " are its standard error, in order; exit
// is its status; each stored line is a record the database must hold,
// and it must hold no other. A line "args --from FORMAT..." gives
// sm-store more arguments; for the document formats, rrd and sadf, the
// lines of the input are not accounted for one by one. go test -run TestFaultBadInput -update
// rewrites them from what sm-store does, keeping the # lines.
const badDir = "testdata/bad"

// badNow is the clock of every case, for records that take now as their
// time.
const badNow = "1764045000"

// badGenerated writes the inputs too big to keep in the repository, by
// case name; their NAME.want is kept all the same. They are written and
// checked as streams, not held whole.
var badGenerated = map[string]func(w io.Writer){
	"long-10mb": func(w io.Writer) { badLong(w, 10<<20, "\n") },
	"long-4097": func(w io.Writer) { badLong(w, 4097, "\n") },
	"long-4096": func(w io.Writer) { badLong(w, 4096, "\r\n") },
	"json-5mb-brackets": func(w io.Writer) {
		io.WriteString(w, badJSONBefore+strings.Repeat("[", 5<<20)+"\n"+badJSONAfter)
	},
	"sadf-j-5mb-brackets": func(w io.Writer) {
		io.WriteString(w, `{"sysstat": {"hosts": [{"nodename": "web1", "statistics": [`+"\n"+
			`{"timestamp": {"date": "2025-11-25", "time": "04:00:00", "utc": 1}, "queue": {"ldavg-1": 1.00}},`+"\n"+
			`{"x": `+strings.Repeat("[", 5<<20))
	},
	"rrd-2mb-text": func(w io.Writer) {
		io.WriteString(w, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rrd>\n\t<version>"+strings.Repeat("0", 2<<20)+"</version>\n</rrd>\n")
	},
	// A meta line of 64 KiB is read, one byte more is not.
	"long-meta-65537": func(w io.Writer) {
		const head = "#meta munin.load host=web1 future="
		io.WriteString(w, badBefore)
		io.WriteString(w, head+strings.Repeat("x", 65536-len(head))+"\r\n")
		io.WriteString(w, head+strings.Repeat("x", 65537-len(head))+"\n")
		io.WriteString(w, badAfter)
	},
	"long-many-tags": func(w io.Writer) {
		io.WriteString(w, badBefore+"x.tags")
		for i := range 400 {
			fmt.Fprintf(w, ";t%03d=v", i)
		}
		io.WriteString(w, " 1 1764043200\n"+badAfter)
	},
}

// The good records that most cases have around their bad lines.
const (
	badBefore = "good.before;host=web1 1 1764043200\n"
	badAfter  = "good.after;host=web1 2 1764043260\n"

	badJSONBefore = `{"name":"good.before","tags":{"host":"web1"},"value":1,"ts":1764043200}` + "\n"
	badJSONAfter  = `{"name":"good.after","tags":{"host":"web1"},"value":2,"ts":1764043260}` + "\n"
)

// badLong writes a record of n bytes, its name all x, and end between
// the good records.
func badLong(w io.Writer, n int, end string) {
	const tail = " 1 1764043200"
	io.WriteString(w, badBefore)
	x := bytes.Repeat([]byte("x"), 1<<16)
	for left := n - len(tail); left > 0; left -= len(x) {
		w.Write(x[:min(left, len(x))])
	}
	io.WriteString(w, tail+end+badAfter)
}

// A badWant is a case's NAME.want.
type badWant struct {
	comments []string // the # lines, the first saying what the case is
	args     []string // more arguments of sm-store
	stderr   []string
	exit     int
	stored   []string
}

func readBadWant(path string) (badWant, error) {
	var w badWant
	data, err := os.ReadFile(path)
	if err != nil {
		return w, err
	}
	w.exit = -1
	for i, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, "# "):
			w.comments = append(w.comments, l)
		case i == 0:
			return w, errors.New(`the first line must be a "# " comment saying what the case is`)
		case strings.HasPrefix(l, "args "):
			w.args = strings.Fields(l[len("args "):])
		case strings.HasPrefix(l, "sm-store: "):
			w.stderr = append(w.stderr, l)
		case strings.HasPrefix(l, "exit "):
			if w.exit, err = strconv.Atoi(l[len("exit "):]); err != nil || w.exit < 0 {
				return w, fmt.Errorf("line %d: bad exit status %q", i+1, l)
			}
		case strings.HasPrefix(l, "stored "):
			w.stored = append(w.stored, l[len("stored "):])
		default:
			return w, fmt.Errorf("line %d: want #, sm-store:, exit or stored: %q", i+1, l)
		}
	}
	return w, nil
}

func (w badWant) bytes() []byte {
	var b bytes.Buffer
	for _, l := range w.comments {
		b.WriteString(l + "\n")
	}
	if len(w.args) > 0 {
		b.WriteString("args " + strings.Join(w.args, " ") + "\n")
	}
	for _, l := range w.stderr {
		b.WriteString(l + "\n")
	}
	fmt.Fprintf(&b, "exit %d\n", w.exit)
	for _, l := range w.stored {
		b.WriteString("stored " + l + "\n")
	}
	return b.Bytes()
}

// badCases lists the cases of testdata/bad and badGenerated: every
// NAME.want needs its input, in NAME.in or generated, and every input
// its NAME.want.
func badCases(t *testing.T) []string {
	t.Helper()
	ents, err := os.ReadDir(badDir)
	if err != nil {
		t.Fatal(err)
	}
	ins, wants := map[string]bool{}, map[string]bool{}
	for _, e := range ents {
		switch name := e.Name(); {
		case strings.HasSuffix(name, ".in"):
			ins[strings.TrimSuffix(name, ".in")] = true
		case strings.HasSuffix(name, ".want"):
			wants[strings.TrimSuffix(name, ".want")] = true
		default:
			t.Errorf("%s/%s is neither a .in nor a .want", badDir, name)
		}
	}
	for name := range badGenerated {
		if ins[name] {
			t.Errorf("%s is generated and has a %s.in too", name, name)
		}
		ins[name] = true
	}
	for name := range ins {
		if !wants[name] {
			t.Errorf("%s has an input but no %s/%s.want", name, badDir, name)
		}
	}
	var names []string
	for name := range wants {
		if !ins[name] {
			t.Errorf("%s/%s.want has no %s.in and is not generated", badDir, name, name)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// TestFaultBadInput runs each case of the bad input corpus through the
// real sm-store, with --reject, and checks the three promises of
// sm-store(1) on bad lines: a one-line message naming the file and the
// line, exit status 1 (0 when every line is taken), and no record lost:
// the database holds every good record, the reject file every bad line
// byte for byte, and good, bad and skipped (blank, comment) lines add
// up to the lines of the input.
func TestFaultBadInput(t *testing.T) {
	names := badCases(t)
	if len(names) < 30 {
		t.Errorf("%d cases in %s, want at least 30", len(names), badDir)
	}
	bin := smStore(t)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			wantPath := filepath.Join(badDir, name+".want")
			want, err := readBadWant(wantPath)
			if err == nil && want.exit < 0 && !*update {
				err = errors.New("no exit line")
			}
			if err != nil {
				t.Fatalf("%s: %v", wantPath, err)
			}
			dir := t.TempDir()
			in := filepath.Join(dir, name+".in")
			if gen := badGenerated[name]; gen != nil {
				f, err := os.Create(in)
				if err != nil {
					t.Fatal(err)
				}
				w := bufio.NewWriter(f)
				gen(w)
				if err := errors.Join(w.Flush(), f.Close()); err != nil {
					t.Fatal(err)
				}
			} else if err := copyBadInput(filepath.Join(badDir, name+".in"), in); err != nil {
				t.Fatal(err)
			}
			got := runBad(t, bin, dir, name, want.args)
			checkBad(t, dir, name, got, !slices.ContainsFunc(want.args, isDocumentFormat))
			if *update {
				got.comments, got.args = want.comments, want.args
				if err := os.WriteFile(wantPath, got.bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if !slices.Equal(got.stderr, want.stderr) {
				t.Errorf("stderr:\n%s\nwant:\n%s", strings.Join(got.stderr, "\n"), strings.Join(want.stderr, "\n"))
			}
			if got.exit != want.exit {
				t.Errorf("exit %d, want %d", got.exit, want.exit)
			}
			for _, l := range want.stored {
				if !slices.Contains(got.stored, l) {
					t.Errorf("record not stored: %s", badQuote([]byte(l)))
				}
			}
			for _, l := range got.stored {
				if !slices.Contains(want.stored, l) {
					t.Errorf("stored, not in %s: %s", wantPath, badQuote([]byte(l)))
				}
			}
		})
	}
}

// copyBadInput copies a case's input where sm-store will read it.
func copyBadInput(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

// runBad stores dir/NAME.in into a new database in dir, with --reject
// dir/rejects, and returns its messages, status and records.
func runBad(t *testing.T, bin, dir, name string, args []string) badWant {
	t.Helper()
	cmd := exec.Command(bin, append(append([]string{"--db", "m.db", "--reject", "rejects"}, args...), name+".in")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SM_TEST_NOW="+badNow)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	var got badWant
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee) && ee.Exited():
		got.exit = ee.ExitCode()
	case err != nil:
		t.Fatalf("%v: %s", err, stderr.Bytes())
	}
	if stdout.Len() > 0 {
		t.Errorf("stdout, which should be silent: %s", badQuote(stdout.Bytes()))
	}
	if s := strings.TrimSuffix(stderr.String(), "\n"); s != "" {
		got.stderr = strings.Split(s, "\n")
	}
	for l := range stored(t, filepath.Join(dir, "m.db")) {
		got.stored = append(got.stored, l)
	}
	slices.Sort(got.stored)
	return got
}

// isDocumentFormat reports the formats whose input is a document rather
// than lines: a bad part of it is no line to set aside.
func isDocumentFormat(arg string) bool { return arg == "rrd" || arg == "sadf" }

// checkBad checks what holds for every case, whatever its want: each
// message names the file and a line, the status follows from the
// messages, and, when lines is set, every line of the input is stored,
// in the reject file verbatim, or skipped.
func checkBad(t *testing.T, dir, name string, got badWant, byLine bool) {
	t.Helper()
	msg := regexp.MustCompile(`^sm-store: ` + regexp.QuoteMeta(name+".in") + `:([1-9][0-9]*): \S`)
	bad := map[int]bool{}
	last := 0
	for _, l := range got.stderr {
		m := msg.FindStringSubmatch(l)
		if m == nil || strings.ContainsFunc(l, unicode.IsControl) {
			t.Errorf("message not of the form \"sm-store: %s.in:LINE: reason\" on one printable line: %q", name, l)
			continue
		}
		n, _ := strconv.Atoi(m[1])
		if n <= last {
			t.Errorf("line %d reported after line %d", n, last)
		}
		bad[n], last = true, n
	}
	if want := min(len(got.stderr), 1); got.exit != want {
		t.Errorf("exit %d with %d messages, want %d", got.exit, len(got.stderr), want)
	}
	if !byLine {
		return
	}

	in, err := os.Open(filepath.Join(dir, name+".in"))
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	rej, err := os.Open(filepath.Join(dir, "rejects"))
	if err != nil {
		t.Fatal(err)
	}
	defer rej.Close()
	rejects := bufio.NewReader(rej)
	// expect reads b from the reject file, where line n was set aside.
	var rejErr error
	var buf []byte
	expect := func(n int, b []byte) {
		buf = slices.Grow(buf[:0], len(b))[:len(b)]
		if k, _ := io.ReadFull(rejects, buf); rejErr == nil && !bytes.Equal(buf[:k], b) {
			rejErr = fmt.Errorf("the reject file differs in line %d: %s, want %s", n, badQuote(buf[:k]), badQuote(b))
		}
	}
	lines, skipped := 0, 0
	br := bufio.NewReaderSize(in, 1<<17)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) == 0 && err == io.EOF {
			break
		}
		lines++
		if lines == 1 {
			// A byte order mark marks the file, not its first line.
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			// Longer than the buffer, so longer than record.MaxLine
			// and record.MaxMetaLine: bad, however blank, and compared
			// piece by piece.
			for ; errors.Is(err, bufio.ErrBufferFull); line, err = br.ReadSlice('\n') {
				if bad[lines] {
					expect(lines, line)
				}
			}
		} else if l := bytes.TrimLeft(bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r")), " \t"); len(l) == 0 || l[0] == '#' && !bad[lines] {
			// A comment, or a meta line stored apart from the records.
			skipped++
		}
		if err != nil && err != io.EOF {
			t.Fatal(err)
		}
		if bad[lines] {
			if err == io.EOF {
				// A last line without its newline is set aside with one.
				line = append(line[:len(line):len(line)], '\n')
			}
			expect(lines, line)
		}
	}
	if rest, _ := io.ReadAll(rejects); rejErr == nil && len(rest) > 0 {
		rejErr = fmt.Errorf("the reject file has more than the %d lines reported: %s", len(bad), badQuote(rest))
	}
	if rejErr != nil {
		t.Error(rejErr)
	}
	for n := range bad {
		if n > lines {
			t.Errorf("line %d reported, of %d", n, lines)
		}
	}
	if n := len(got.stored) + len(bad) + skipped; n != lines {
		t.Errorf("%d records stored + %d lines rejected + %d skipped = %d, but the input has %d lines",
			len(got.stored), len(bad), skipped, n, lines)
	}
}

// badQuote quotes b for a message, cut to a readable length.
func badQuote(b []byte) string {
	if len(b) > 200 {
		return strconv.Quote(string(b[:200])) + fmt.Sprintf("... (%d bytes)", len(b))
	}
	return strconv.Quote(string(b))
}
