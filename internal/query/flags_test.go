package query

import "testing"

func TestCheckGlob(t *testing.T) {
	for _, tc := range []struct{ glob, want string }{
		{"disk.*", ""}, {"*.used_pct", ""}, {"cpu.?", ""}, {"disk.[ab]*", ""}, {"x[]]", ""}, {"x[^]]y", ""}, {"[^a-z]", ""},
		{"[", "the [ at byte 1 is never closed with ]"},
		{"disk.[ab", "the [ at byte 6 is never closed with ]"},
		{"a[]", "the [ at byte 2 is never closed with ]"},
		{"a[^]", "the [ at byte 2 is never closed with ]"},
		{"[a][", "the [ at byte 4 is never closed with ]"},
		{"", "empty pattern"},
	} {
		t.Run(tc.glob, func(t *testing.T) {
			err := CheckGlob(tc.glob)
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || err.Error() != tc.want) {
				t.Errorf("CheckGlob(%q) = %v, want %q", tc.glob, err, tc.want)
			}
		})
	}
}
