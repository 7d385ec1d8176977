package record

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// TestReaderRejectOverlong checks that an overlong line reaches Reject
// whole, however long, and nothing else does.
func TestReaderRejectOverlong(t *testing.T) {
	for _, n := range []int{MaxLine + 1, 70000, 1 << 20} {
		long := strings.Repeat("x", n)
		for _, end := range []string{"\n", "\r\n", ""} {
			var rej bytes.Buffer
			r := NewReader(strings.NewReader("a 1 2\n"+long+end+"b 2 3"+end), "f")
			r.Reject = &rej
			var got []string
			for {
				rec, err := r.Next()
				if err != nil && err.Error() == "EOF" {
					break
				}
				if err == nil {
					got = append(got, rec.Name)
				}
			}
			if want := long + end; end == "" {
				// The overlong line ran to the end of input, taking "b 2 3".
				if rej.String() != long+"b 2 3\n" || len(got) != 1 {
					t.Errorf("n=%d end=%q: rejected %d bytes, records %v", n, end, rej.Len(), got)
				}
			} else if rej.String() != want || len(got) != 2 {
				t.Errorf("n=%d end=%q: rejected %d bytes (want %d), records %v", n, end, rej.Len(), len(want), got)
			}
		}
	}
}

// TestReaderWhole: with Whole, a last line without its newline is an
// error of its own; without, it is a line like the others.
func TestReaderWhole(t *testing.T) {
	for _, whole := range []bool{false, true} {
		r := NewReader(strings.NewReader("a 1 1\r\nb 2 2\nc 3"), "spool")
		r.Whole = whole
		var got []string
		var errs []error
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				errs = append(errs, err)
				continue
			}
			got = append(got, rec.Name)
		}
		if whole {
			if len(got) != 2 || len(errs) != 1 || errs[0].Error() != "spool:3: last line cut short: no newline at its end" || !errors.Is(errs[0], ErrCut) {
				t.Errorf("whole: records %v, errors %v", got, errs)
			}
		} else if len(got) != 3 || len(errs) != 0 {
			t.Errorf("records %v, errors %v", got, errs)
		}
	}
}

// TestReaderComments: comment lines are skipped unless Comments is set;
// empty lines always are, and line numbers count them all.
func TestReaderComments(t *testing.T) {
	for _, comments := range []bool{false, true} {
		r := NewReader(strings.NewReader("# TYPE x gauge\n\n  \t\nx 1\n  # EOF\n"), "f")
		r.Comments = comments
		var got []string
		for {
			line, err := r.NextLine()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%d:%s", r.Line(), line))
		}
		want := "[4:x 1]"
		if comments {
			want = "[1:# TYPE x gauge 4:x 1 5:  # EOF]"
		}
		if fmt.Sprint(got) != want {
			t.Errorf("Comments=%v: got %v, want %v", comments, got, want)
		}
	}
}

// TestReaderLineEnd: Raw and LineEnd give back each line as it was, so
// that a bad line is set aside byte for byte; a last line without its
// newline gets one.
func TestReaderLineEnd(t *testing.T) {
	in := "a 1 1\r\nb x 2\nc\r 3 3\r\r\nd y 4\r"
	r := NewReader(strings.NewReader(in), "f")
	var got strings.Builder
	for {
		_, err := r.NextLine()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got.Write(r.Raw())
		got.WriteString(r.LineEnd())
	}
	if want := in + "\n"; got.String() != want {
		t.Errorf("got %q, want %q", got.String(), want)
	}
}
