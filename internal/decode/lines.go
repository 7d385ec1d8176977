package decode

import (
	"errors"

	"sm/internal/record"
)

// isLong reports whether err is an overlong line, which the Reader has
// already passed whole to Options.Reject.
func isLong(err error) bool { return errors.Is(err, record.ErrLong) }
