package cli

import (
	"io"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// Width returns how many columns output to w may take: $COLUMNS when it
// is a positive number, as shells set it and tests fix it; else the
// width of the terminal w is; else 0, meaning no limit, for pipes and
// files.
func Width(w io.Writer) int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil || ws.Col == 0 {
		return 0
	}
	return int(ws.Col)
}
