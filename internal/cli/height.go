package cli

import (
	"io"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// Height returns how many lines the terminal that w is shows: $LINES
// when it is a positive number, as shells set it and tests fix it; else
// the height of the terminal w is; else 0, meaning not known.
func Height(w io.Writer) int {
	if n, err := strconv.Atoi(os.Getenv("LINES")); err == nil && n > 0 {
		return n
	}
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Row)
}
