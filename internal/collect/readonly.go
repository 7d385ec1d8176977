package collect

import "strings"

// hasOption reports whether the comma-separated options list has opt.
func hasOption(list, opt string) bool {
	for o := range strings.SplitSeq(list, ",") {
		if o == opt {
			return true
		}
	}
	return false
}

// readonlySample is disk.readonly for a mount: 1 when nothing can be
// written to it, which a filesystem the kernel remounted read-only after
// an error shows first.
func readonlySample(point string, readonly bool) Sample {
	v := 0.0
	if readonly {
		v = 1
	}
	return Sample{Name: "disk.readonly", Tags: tag("mount", point), Value: v}
}
