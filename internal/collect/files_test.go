package collect

import (
	"path/filepath"
	"reflect"
	"testing"
)

func TestOpenFiles(t *testing.T) {
	tests := []struct {
		name, proc string
		want       []string
		err        string
	}{
		// An old kernel counting unused handles: 3072 − 512 of 400000.
		{"old", "testdata/old/proc", []string{"sys.open_files 2560", "sys.open_files_pct 0.64"}, ""},
		{"current", "testdata/current/proc", []string{"sys.open_files 4512", "sys.open_files_pct 0"}, ""},
		// No file-nr in the tree: nothing, and no failure.
		{"absent", "testdata/container/proc", nil, "not available here"},
	}
	if dir := conformanceDir(); dir != "" {
		// node_exporter's fixture: node_filefd_allocated 1024,
		// node_filefd_maximum 1631329.
		tests = append(tests, struct {
			name, proc string
			want       []string
			err        string
		}{"node_exporter", filepath.Join(dir, "node_exporter", "proc"), []string{"sys.open_files 1024", "sys.open_files_pct 0.06"}, ""})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := openFiles(&Source{Proc: tt.proc})
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(lines(got), tt.want) {
				t.Errorf("got %q, want %q", lines(got), tt.want)
			}
		})
	}
}

func TestParseFileNr(t *testing.T) {
	tests := []struct {
		in, err     string
		used, limit float64
	}{
		{"1024\t0\t1631329\n", "", 1024, 1631329},
		// More unused than allocated, as a torn read could show: none.
		{"10 20 30", "", 0, 30},
		{"", "file-nr: 0 fields, want 3", 0, 0},
		{"1 2", "file-nr: 2 fields, want 3", 0, 0},
		{"1 2 3 4", "file-nr: 4 fields, want 3", 0, 0},
		{"1 x 3", `file-nr: bad number "x"`, 0, 0},
		{"1 0 -3", `file-nr: bad number "-3"`, 0, 0},
	}
	for _, tt := range tests {
		used, limit, err := parseFileNr([]byte(tt.in))
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%q: error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || used != tt.used || limit != tt.limit {
			t.Errorf("%q: got %v %v %v, want %v %v", tt.in, used, limit, err, tt.used, tt.limit)
		}
	}
}
