package cli

import (
	"bytes"
	"errors"
	"testing"
)

// TestMessagesInert: a message that quotes what a record sent reaches
// the terminal as one line of visible text.
func TestMessagesInert(t *testing.T) {
	for _, c := range []struct {
		name string
		say  func(c *Command)
		want string
	}{
		{"warn", func(c *Command) { c.Warn(errors.New("tag \x1b]52;c;aGk=\x07 is bad")) }, "sm-x: tag \\x1b]52;c;aGk=\\x07 is bad\n"},
		{"warnf", func(c *Command) { c.Warnf("host %s\nOK - all fine", "a\u202eb") }, "sm-x: host a\\u202eb\\x0aOK - all fine\n"},
		{"fail", func(c *Command) { c.Fail(errors.New("\x1b[2J")) }, "sm-x: \\x1b[2J\n"},
		{"usage", func(c *Command) { c.UsageError("unexpected argument %s", "\r\x1b[2J") },
			"sm-x: unexpected argument \\x0d\\x1b[2J\nTry 'sm-x --help' for more information.\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stderr bytes.Buffer
			c.say(New("sm-x", "", "", &bytes.Buffer{}, &stderr))
			if got := stderr.String(); got != c.want {
				t.Errorf("stderr %q, want %q", got, c.want)
			}
		})
	}
}

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
