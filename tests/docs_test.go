package tests

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestManPagesUpToDate fails when a flag in a command's --help is missing
// from its man page, so that the two cannot drift apart.
func TestManPagesUpToDate(t *testing.T) {
	flagLine := regexp.MustCompile(`(?m)^\s+(?:-\w, )?--([a-z][a-z0-9-]*)`)
	for name, main := range commands {
		t.Run(name, func(t *testing.T) {
			var help bytes.Buffer
			if code := main([]string{"--help"}, nil, &help, &help); code != 0 {
				t.Fatalf("--help exited %d", code)
			}
			page, err := os.ReadFile("../man/" + name + ".1")
			if err != nil {
				t.Fatal(err)
			}
			flags := flagLine.FindAllStringSubmatch(help.String(), -1)
			if len(flags) < 2 {
				t.Fatalf("found %d flags in --help", len(flags))
			}
			for _, m := range flags {
				if !bytes.Contains(page, []byte(`\-\-`+strings.ReplaceAll(m[1], "-", `\-`))) {
					t.Errorf("--%s is in --help but not in man/%s.1", m[1], name)
				}
			}
		})
	}
}
