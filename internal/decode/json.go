package decode

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"sm/internal/record"
)

func init() {
	Register("json", `JSON lines as sm-query writes them: {"time":...,"ts":...,"name":...,"tags":{...},"value":...}`, false, newJSONLines)
}

// jsonLines reads one JSON object a line. Of the two timestamps ts, in
// Unix seconds, wins over time, in RFC 3339; keys sm-query does not
// write are ignored, so that other tools' JSON lines can be read too.
type jsonLines struct {
	rd  *record.Reader
	now func() time.Time
	raw []byte
}

func newJSONLines(r io.Reader, o Options) Decoder {
	rd := record.NewReader(r, o.File)
	rd.Now, rd.Reject = o.Now, o.Reject
	return &jsonLines{rd: rd, now: o.Now}
}

func (j *jsonLines) Next() (record.Record, error) {
	line, err := j.rd.NextLine()
	j.raw = j.rd.Raw()
	if err != nil {
		if isLong(err) {
			j.raw = nil // Reject has it whole
		}
		return record.Record{}, err
	}
	rec, err := parseJSONLine(line, j.now)
	if err != nil {
		return record.Record{}, j.rd.Error(err)
	}
	return rec, nil
}

func (j *jsonLines) Raw() []byte { return j.raw }

// parseJSONLine decodes the object into its parts by hand rather than
// into a struct, so that each wrong part gets a message of its own and
// keys match exactly.
func parseJSONLine(line []byte, now func() time.Time) (record.Record, error) {
	var r record.Record
	line = bytes.TrimSpace(line)
	if len(line) == 0 || line[0] != '{' {
		return r, errors.New("not a JSON object")
	}
	if err := checkJSON(line); err != nil {
		return r, err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(line, &obj); err != nil {
		return r, fmt.Errorf("bad JSON: %v", jsonReason(err))
	}
	name, ok := obj["name"]
	if !ok || isNull(name) {
		return r, errors.New(`no "name"`)
	}
	if err := json.Unmarshal(name, &r.Name); err != nil {
		return r, errors.New(`"name" is not a string`)
	}
	if err := record.CheckName(r.Name); err != nil {
		return r, err
	}
	if raw, ok := obj["tags"]; ok && !isNull(raw) {
		var tags map[string]json.RawMessage
		if err := json.Unmarshal(raw, &tags); err != nil {
			return r, errors.New(`"tags" is not an object`)
		}
		for k, raw := range tags {
			var v string
			if err := json.Unmarshal(raw, &v); err != nil {
				return r, fmt.Errorf("tag %q is not a string", k)
			}
			r.Tags = append(r.Tags, record.Tag{Key: k, Value: v})
		}
	}
	if err := record.CheckSeries(r.Name, r.Tags); err != nil {
		return r, err
	}
	value, ok := obj["value"]
	if !ok || isNull(value) {
		return r, errors.New(`no "value"`)
	}
	if !isJSONNumber(value) {
		return r, fmt.Errorf(`"value" is %s, not a number`, jsonKind(value))
	}
	var err error
	if r.Value, err = parseNumber(string(value)); err != nil {
		return r, err
	}
	if r.Time, err = jsonTime(obj, now); err != nil {
		return r, err
	}
	return r, nil
}

// jsonTime is ts, else time, else now.
func jsonTime(obj map[string]json.RawMessage, now func() time.Time) (int64, error) {
	if ts, ok := obj["ts"]; ok && !isNull(ts) {
		if !isJSONNumber(ts) {
			return 0, fmt.Errorf(`"ts" is %s, not a number`, jsonKind(ts))
		}
		return parseUnix(string(ts))
	}
	if raw, ok := obj["time"]; ok && !isNull(raw) {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, errors.New(`"time" is not a string`)
		}
		return parseRFC3339(s)
	}
	return now().Unix(), nil
}

func isNull(raw json.RawMessage) bool { return string(raw) == "null" }

// isJSONNumber tells a number from a string, true, false or an object:
// json.Unmarshal into a float64 would take none of those, but a
// json.Number would take a string of digits.
func isJSONNumber(raw json.RawMessage) bool {
	return len(raw) > 0 && (raw[0] == '-' || '0' <= raw[0] && raw[0] <= '9')
}

// jsonKind names the kind of a JSON value that is not a number.
func jsonKind(raw json.RawMessage) string {
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return string(raw) // true or false
}

// jsonReason drops the "json: " prefix some of encoding/json's errors
// carry.
func jsonReason(err error) string { return strings.TrimPrefix(err.Error(), "json: ") }

// parseNumber reads a value as record lines have them.
func parseNumber(s string) (float64, error) { return record.ParseValue([]byte(s)) }

// parseUnix reads a timestamp in Unix seconds, a fraction cut off as
// record lines do; an exponent is allowed, as JSON writers use them.
func parseUnix(s string) (int64, error) {
	v, err := parseNumber(s)
	if err != nil {
		return 0, fmt.Errorf("timestamp %s is not in Unix seconds", quoteInput(s))
	}
	return timeInRange(s, v)
}

func timeInRange(s string, v float64) (int64, error) {
	switch {
	case v < 0:
		return 0, fmt.Errorf("timestamp %s is before 1970", quoteInput(s))
	case v > record.MaxTime:
		return 0, fmt.Errorf("timestamp %s is after the year 9999 (milliseconds instead of seconds?)", quoteInput(s))
	}
	return int64(v), nil
}

func parseRFC3339(s string) (int64, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return 0, fmt.Errorf("time %s is not in RFC 3339 form (2006-01-02T15:04:05Z)", quoteInput(s))
	}
	return timeInRange(s, float64(t.Unix()))
}

// quoteInput quotes a piece of input for an error message, shortened so
// that a long line does not make a long message.
func quoteInput(s string) string {
	const max = 40
	if len(s) > max {
		return strconv.Quote(s[:max]) + "..."
	}
	return strconv.Quote(s)
}
