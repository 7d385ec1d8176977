package collect

// memoryParts are the parts of memory that sar -r ALL and free(1) show,
// each a /proc/meminfo field in bytes, in output order.
var memoryParts = []struct{ field, name string }{
	{"Cached", "mem.cached_bytes"},
	{"Buffers", "mem.buffers_bytes"},
	{"Dirty", "mem.dirty_bytes"},
	{"Writeback", "mem.writeback_bytes"},
	{"SReclaimable", "mem.slab_reclaimable_bytes"},
	{"SUnreclaim", "mem.slab_unreclaimable_bytes"},
	{"Shmem", "mem.shmem_bytes"},
}

// memoryPartNames lists the names memoryBreakdown can give.
func memoryPartNames() []string {
	var out []string
	for _, p := range memoryParts {
		out = append(out, p.name)
	}
	return append(out, "mem.hugepages_used_bytes")
}

// memoryBreakdown gives the parts of memory the kernel reports, each
// absent where the field is. Huge pages in use are the reserved pool
// less its free pages, in pages of Hugepagesize, as sar -H's kbhugused.
func memoryBreakdown(m map[string]float64) []Sample {
	return appendMemoryBreakdown(nil, m)
}

// appendMemoryBreakdown appends memoryBreakdown's samples to out.
func appendMemoryBreakdown(out []Sample, m map[string]float64) []Sample {
	for _, p := range memoryParts {
		if v, ok := m[p.field]; ok {
			out = append(out, Sample{Name: p.name, Value: v})
		}
	}
	total, ok1 := m["HugePages_Total"]
	free, ok2 := m["HugePages_Free"]
	size, ok3 := m["Hugepagesize"]
	if ok1 && ok2 && ok3 {
		out = append(out, Sample{Name: "mem.hugepages_used_bytes", Value: max(0, total-free) * size})
	}
	return out
}
