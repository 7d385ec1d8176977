package tests

import (
	"bufio"
	"bytes"
	"io"
	"os/exec"
	"strings"
	"testing"

	"sm/internal/peakrss"
)

// TestFaultHostileInput runs the real sm-store on input made to break
// its readers: 5 MB of "[" for json and sadf, a text node of hundreds of
// megabytes for rrd (hostileText, as scale sets the other sizes). Each
// ends with one line on standard error naming the input and the line,
// exit status 1, and a peak memory that has nothing to do with the size
// of the input.
func TestFaultHostileInput(t *testing.T) {
	const maxRSS = 64 << 20
	bin := built(t, "sm-store")
	meter, err := peakrss.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		args       []string
		head, body string
		n          int64 // times body
		want       string
	}{
		{
			name: "json, 5 MB of [", args: []string{"--from", "json"},
			body: "[", n: 5 << 20,
			want: "sm-store: stdin:1: line is longer than 4096 bytes",
		},
		{
			name: "sadf, 5 MB of [", args: []string{"--from", "sadf"},
			body: "[", n: 5 << 20,
			want: "sm-store: stdin:1: line is longer than 4096 bytes",
		},
		{
			name: "sadf -j, 5 MB of [", args: []string{"--from", "sadf"},
			head: `{"sysstat": {"hosts": [{"nodename": "web1", "statistics": [` + "\n" + `{"x": `,
			body: "[", n: 5 << 20,
			want: "sm-store: stdin:2: JSON nested more than 64 deep",
		},
		{
			name: "sadf -j, a long string", args: []string{"--from", "sadf"},
			head: `{"sysstat": {"hosts": [{"nodename": "`,
			body: "x", n: hostileText,
			want: "sm-store: stdin:1: JSON string longer than 65536 bytes",
		},
		{
			name: "rrd, a long text node", args: []string{"--from", "rrd", "--name", "x"},
			head: "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rrd>\n\t<version>",
			body: "0", n: hostileText,
			want: "sm-store: stdin:3: XML text longer than 65536 bytes",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, append([]string{"--db", t.TempDir() + "/m.db"}, tc.args...)...)
			var stdout, stderr bytes.Buffer
			w, peak := startMetered(t, meter, cmd, &stdout, &stderr)
			wrote := make(chan struct{})
			go func() {
				// sm-store stops reading at the bound: the writes
				// after that fail, and are meant to.
				defer close(wrote)
				defer w.Close()
				bw := bufio.NewWriterSize(w, 1<<16)
				io.WriteString(bw, tc.head)
				chunk := strings.Repeat(tc.body, (1<<16)/len(tc.body))
				for left := tc.n * int64(len(tc.body)); left > 0; left -= int64(len(chunk)) {
					if _, err := io.WriteString(bw, chunk[:min(left, int64(len(chunk)))]); err != nil {
						return
					}
				}
				bw.Flush()
			}()
			err = cmd.Wait()
			<-wrote
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
				t.Errorf("exit: %v, want status 1", err)
			}
			if got := stderr.String(); got != tc.want+"\n" {
				t.Errorf("stderr %q, want %q", got, tc.want+"\n")
			}
			if stdout.Len() > 0 {
				t.Errorf("stdout %q, want none", stdout.String())
			}
			rss, err := peak()
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("peak RSS %.1f MB", float64(rss)/1e6)
			if rss > maxRSS {
				t.Errorf("peak RSS %d bytes, more than %d", rss, maxRSS)
			}
		})
	}
}
