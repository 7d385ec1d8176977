package tests

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// smCommand finds each sm tool in a shell command line and the words
// after it, up to the end of its part of the pipeline.
var smCommand = regexp.MustCompile(`(?:^|[\s|(/])(sm-(?:sample|store|query|report))((?:\s+(?:'[^']*'|"[^"]*"|[^\s|;&)'"]+))*)`)

// TestContrib checks every sm command in the cron.d file and the systemd
// units: each names a tool, and the tool takes its flags. A renamed flag
// would otherwise break an installation silently, in the middle of the
// night.
func TestContrib(t *testing.T) {
	files, _ := filepath.Glob("../contrib/systemd/*.service")
	files = append(files, "../contrib/cron.d-sm")
	seen := map[string]bool{}
	for _, file := range files {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, line := range strings.Split(string(text), "\n") {
			// The jobs of the cron.d file are commented out.
			line = strings.TrimPrefix(line, "#")
			if strings.HasPrefix(line, " ") || strings.HasPrefix(line, "SHELL") || strings.HasPrefix(line, "PATH") {
				continue
			}
			for _, m := range smCommand.FindAllStringSubmatch(line, -1) {
				args := splitWords(t, m[2])
				main := commands[m[1]]
				// --help last: every flag before it is parsed, and an
				// unknown one is an error, exit 2.
				if code := main(append(args, "--help"), strings.NewReader(""), io.Discard, io.Discard); code != 0 {
					t.Errorf("%s: %s %s: exit %d", file, m[1], strings.Join(args, " "), code)
				}
				seen[m[1]] = true
				n++
			}
		}
		if n == 0 && !strings.HasSuffix(file, ".timer") {
			t.Errorf("%s: no sm command found", file)
		}
	}
	for name := range commands {
		if !seen[name] && name != "sm-query" {
			t.Errorf("no %s in contrib", name)
		}
	}
}

// splitWords splits as the shell does for the simple words of contrib.
func splitWords(t *testing.T, s string) []string {
	var out []string
	for _, w := range regexp.MustCompile(`'[^']*'|"[^"]*"|\S+`).FindAllString(s, -1) {
		if len(w) >= 2 && (w[0] == '\'' || w[0] == '"') {
			w = w[1 : len(w)-1]
		}
		out = append(out, w)
	}
	return out
}
