package collect

import "fmt"

// openFilesNames are the figures openFiles can give.
var openFilesNames = []string{"sys.open_files", "sys.open_files_pct"}

// openFiles reads /proc/sys/fs/file-nr, the kernel's count of file
// handles. A kernel or container without it gives nothing.
func openFiles(s *Source) ([]Sample, error) {
	b, err := s.readShown(s.proc("sys/fs/file-nr"), true)
	if err != nil {
		return nil, err
	}
	used, limit, err := parseFileNr(b)
	if err != nil {
		return nil, err
	}
	out := []Sample{{Name: "sys.open_files", Value: used}}
	if limit > 0 {
		out = append(out, Sample{Name: "sys.open_files_pct", Value: pct(used, limit)})
	}
	return out, nil
}

// parseFileNr reads file-nr's three numbers, "4512	0	9223372036854775807":
// handles allocated, allocated but unused (always 0 since Linux 2.6),
// and the limit, fs.file-max. The handles in use are the first less the
// second, as sar -v's file-nr counts them.
func parseFileNr(b []byte) (used, limit float64, err error) {
	var room [4][]byte
	f := fields(room[:0], b)
	if len(f) != 3 {
		return 0, 0, fmt.Errorf("file-nr: %d fields, want 3", len(f))
	}
	var v [3]float64
	for i := range f {
		if v[i], err = parseUint(f[i]); err != nil {
			return 0, 0, fmt.Errorf("file-nr: %v", err)
		}
	}
	return max(0, v[0]-v[1]), v[2], nil
}
