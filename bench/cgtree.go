package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// cgroupTree lists the cgroups of the generated tree: a systemd host's
// slices and services, a user's session and service manager, and a few
// containers, loadCgroups in all.
func cgroupTree() []string {
	dirs := []string{"system.slice"}
	for i := range loadCgroups - 13 {
		dirs = append(dirs, fmt.Sprintf("system.slice/app%02d.service", i))
	}
	dirs = append(dirs, "user.slice", "user.slice/user-1000.slice",
		"user.slice/user-1000.slice/user@1000.service",
		"user.slice/user-1000.slice/user@1000.service/app.slice",
		"user.slice/user-1000.slice/session-2.scope", "docker")
	for i := range 6 {
		dirs = append(dirs, fmt.Sprintf("docker/%064x", i+1))
	}
	return dirs
}

// memoryStatKeys are memory.stat's lines in Linux 6.x, so that a reader
// of the generated tree parses files of the real length.
var memoryStatKeys = strings.Fields(`anon file kernel kernel_stack pagetables
sec_pagetables percpu sock vmalloc shmem zswap zswapped file_mapped
file_dirty file_writeback swapcached anon_thp file_thp shmem_thp
inactive_anon active_anon inactive_file active_file unevictable
slab_reclaimable slab_unreclaimable slab workingset_refault_anon
workingset_refault_file workingset_activate_anon workingset_activate_file
workingset_restore_anon workingset_restore_file workingset_nodereclaim
pgscan pgsteal pgscan_kswapd pgscan_direct pgscan_khugepaged
pgsteal_kswapd pgsteal_direct pgsteal_khugepaged pgfault pgmajfault
pgrefill pgactivate pgdeactivate pglazyfree pglazyfreed zswpin zswpout
zswpwb thp_fault_alloc thp_collapse_alloc thp_swpout thp_swpout_fallback`)

// writeCgroupTree writes a cgroup v2 tree of a systemd host under
// root/sys/fs/cgroup, where sm-sample --proc root/proc looks for it:
// the stand-in for a machine where the bench cannot create cgroups, or
// whose layout sm-sample does not read. Every cgroup has the files the
// kernel gives one with the cpu, memory, io and pids controllers; pids
// are spread over them, two to a cgroup, as the real load moves them.
func writeCgroupTree(root string, pids []int) error {
	base := filepath.Join(root, "sys", "fs", "cgroup")
	if err := os.MkdirAll(base, 0o755); err != nil {
		return err
	}
	files := map[string]string{
		"cgroup.controllers":     "cpuset cpu io memory hugetlb pids rdma misc\n",
		"cgroup.subtree_control": "cpu io memory pids\n",
		"cpu.stat":               "usage_usec 912345678\nuser_usec 612345678\nsystem_usec 300000000\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(base, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	for i, dir := range cgroupTree() {
		d := filepath.Join(base, dir)
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		var procs strings.Builder
		n := 0
		for j := i; j < len(pids) && n < 2; j += loadCgroups {
			fmt.Fprintf(&procs, "%d\n", pids[j])
			n++
		}
		// Figures that differ from one cgroup to the next, of the sizes
		// a small server's services have.
		k := uint64(i + 1)
		usage := k * 7_654_321
		anon, file := k*3_141_000, k*2_718_000
		var stat strings.Builder
		for j, key := range memoryStatKeys {
			v := k * uint64(j+1) * 4096
			switch key {
			case "anon":
				v = anon
			case "file":
				v = file
			}
			fmt.Fprintf(&stat, "%s %d\n", key, v)
		}
		psi := func(some, full uint64) string {
			return fmt.Sprintf("some avg10=0.00 avg60=0.00 avg300=0.00 total=%d\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=%d\n", some, full)
		}
		for name, text := range map[string]string{
			"cgroup.procs": procs.String(),
			"cpu.stat": fmt.Sprintf("usage_usec %d\nuser_usec %d\nsystem_usec %d\ncore_sched.force_idle_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\nnr_bursts 0\nburst_usec 0\n",
				usage, usage*2/3, usage/3),
			"io.stat":         fmt.Sprintf("8:0 rbytes=%d wbytes=%d rios=%d wios=%d dbytes=0 dios=0\n253:0 rbytes=%d wbytes=%d rios=%d wios=%d dbytes=0 dios=0\n", k*40960, k*81920, k*10, k*20, k*40960, k*81920, k*10, k*20),
			"cpu.pressure":    psi(k*1000, 0),
			"memory.pressure": psi(k*100, k*10),
			"io.pressure":     psi(k*5000, k*2000),
			"memory.current":  fmt.Sprintf("%d\n", anon+file+k*100_000),
			"memory.stat":     stat.String(),
			"memory.events":   "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n",
			"pids.current":    fmt.Sprintf("%d\n", n),
		} {
			if err := os.WriteFile(filepath.Join(d, name), []byte(text), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
