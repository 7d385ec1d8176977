package format

import (
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"sm/internal/esc"
	"sm/internal/record"
)

func init() {
	Register("json", `JSON lines: {"time":...,"ts":...,"name":...,"tags":{...},"value":...}`, newJSON)
}

type jsonLines struct {
	w   flusher
	loc *time.Location
	buf []byte
}

func newJSON(w io.Writer, o Options) Writer {
	return &jsonLines{w: buffered(w), loc: o.Location}
}

// Write writes one object per line, keys in a fixed order and tags sorted,
// so that the output is stable enough to compare byte for byte.
func (j *jsonLines) Write(r *record.Record) error {
	b := append(j.buf[:0], `{"time":"`...)
	b = time.Unix(r.Time, 0).In(j.loc).AppendFormat(b, time.RFC3339)
	b = append(b, `","ts":`...)
	b = strconv.AppendInt(b, r.Time, 10)
	b = append(b, `,"name":`...)
	b = AppendJSONString(b, r.Name)
	b = append(b, `,"tags":{`...)
	for i, t := range r.Tags {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendJSONString(b, t.Key)
		b = append(b, ':')
		b = AppendJSONString(b, t.Value)
	}
	b = append(b, `},"value":`...)
	b = record.AppendValue(b, r.Value)
	b = append(b, "}\n"...)
	j.buf = b
	_, err := j.w.Write(b)
	return err
}

func (j *jsonLines) Close() error { return j.w.Flush() }

// AppendJSONString appends s quoted as a JSON string. Unlike encoding/json it
// leaves <, > and & alone; bytes that are not UTF-8 become U+FFFD. What
// would act on a terminal that shows the JSON (esc.Hidden: DEL, C1
// controls, bidirectional overrides) is written as \uXXXX too, which
// any JSON reader takes back.
func AppendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, `\ufffd`...)
		} else if esc.Hidden(r) {
			b = append(b, '\\', 'u', hex[r>>12], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}
