package decode

import (
	"slices"
	"strings"
	"testing"
)

// TestOneTagRule gives every reader that can write them the same tag
// values: each takes them, as record.CheckTags does, or refuses them, with
// the same words.
func TestOneTagRule(t *testing.T) {
	for _, tc := range []struct {
		name   string
		inputs map[string]string // format → input holding tag k = the value
		want   []string
		errs   []string
	}{
		{
			name: "a leading ~, carried escaped",
			inputs: map[string]string{
				"json":   `{"name":"a","tags":{"k":"~x"},"value":1,"ts":1}`,
				"csv":    "time,name,k,value\n1,a,~x,1\n",
				"tsv":    "time\tname\tk\tvalue\n1\ta\t\\176x\t1\n",
				"influx": "a,k=~x value=1 1000000000\n",
				"prom":   "a{k=\"~x\"} 1 1000\n",
			},
			want: []string{`a;k=\176x 1 1`},
		},
		{
			name: "bytes that are not UTF-8, carried escaped",
			inputs: map[string]string{
				"csv":    "time,name,k,value\n1,a,\xff,1\n",
				"tsv":    "time\tname\tk\tvalue\n1\ta\t\\377\t1\n",
				"influx": "a,k=\xff value=1 1000000000\n",
				"prom":   "a{k=\"\xff\"} 1 1000\n",
			},
			want: []string{`a;k=\377 1 1`},
		},
		{
			name: "a NUL byte, which no escape carries",
			inputs: map[string]string{
				"json":   `{"name":"a","tags":{"k":"x\u0000"},"value":1,"ts":1}`,
				"csv":    "time,name,k,value\n1,a,x\x00,1\n",
				"influx": "a,k=x\x00 value=1 1000000000\n",
				"prom":   "a{k=\"x\x00\"} 1 1000\n",
			},
			errs: []string{`in:LINE: tag "k": value "x\x00" has a NUL byte`},
		},
		{
			name: "a metric name with a ;",
			inputs: map[string]string{
				"json":   `{"name":"a;b","value":1,"ts":1}`,
				"csv":    "time,name,value\n1,a;b,1\n",
				"influx": "a;b value=1 1000000000\n",
			},
			errs: []string{`in:LINE: metric name "a;b" has ";", which starts the tags`},
		},
	} {
		for format, in := range tc.inputs {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				got := drain(t, format, in, Options{})
				if !slices.Equal(got.recs, tc.want) {
					t.Errorf("records %q, want %q", got.recs, tc.want)
				}
				line := "1"
				if format == "csv" || format == "tsv" {
					line = "2"
				}
				// The rule's words, after the reader's naming of its
				// own construct ("field \"v\": ", "label \"k\": ").
				ok := len(got.errs) == len(tc.errs)
				for i, e := range tc.errs {
					ok = ok && strings.HasPrefix(got.errs[i], "in:"+line+": ") && strings.HasSuffix(got.errs[i], e[len("in:LINE: "):])
				}
				if !ok {
					t.Errorf("errors %q, want %q after each reader's own words", got.errs, tc.errs)
				}
			})
		}
	}
}
