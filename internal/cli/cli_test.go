package cli

import (
	"bytes"
	"testing"
)

func TestParseRefusesEmptyValues(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
		code int
	}{
		{[]string{"--db", ""}, "sm-x: --db: empty value\nTry 'sm-x --help' for more information.\n", Usage},
		{[]string{"--db="}, "sm-x: --db: empty value\nTry 'sm-x --help' for more information.\n", Usage},
		{[]string{"--mount", "/", "--mount", ""}, "sm-x: --mount: empty value\nTry 'sm-x --help' for more information.\n", Usage},
		{[]string{"--db", "x", "--mount", "/"}, "", OK},
		{[]string{}, "", OK}, // the defaults, empty or not, are not checked
	} {
		var stdout, stderr bytes.Buffer
		c := New("sm-x", "", "", &stdout, &stderr)
		DBFlag(c.Flags)
		c.Flags.StringArray("mount", nil, "")
		c.Flags.String("format", "", "")
		code, done := c.Parse(tc.args)
		if code != tc.code || stderr.String() != tc.want || done != (tc.code != OK) {
			t.Errorf("%q: exit %d, done %v, %q; want exit %d, %q", tc.args, code, done, stderr.String(), tc.code, tc.want)
		}
	}
}
