package tests

import (
	"bufio"
	"fmt"
	"os"
	"strconv"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdLargeHost writes one record of each series of the large host that
// sm-store(1) counts for its series budget (128 CPUs, 200 disks, 100
// interfaces, 500 services, Munin's plugins): largehost FILE HOST TIME.
func cmdLargeHost(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: largehost FILE HOST TIME")
	}
	f, err := os.Create(ts.MkAbs(args[0]))
	ts.Check(err)
	w := bufio.NewWriter(f)
	host, t := args[1], args[2]
	put := func(format string, a ...any) {
		fmt.Fprintf(w, "%s;host=%s 1 %s\n", fmt.Sprintf(format, a...), host, t)
	}
	for _, m := range []string{"load.1m", "load.5m", "load.15m", "procs.running", "procs.total",
		"mem.used_pct", "mem.available_bytes", "mem.total_bytes", "swap.used_pct", "swap.total_bytes",
		"cpu.busy_pct", "cpu.user_pct", "cpu.system_pct", "cpu.iowait_pct", "cpu.steal_pct",
		"pressure.cpu_some_pct", "pressure.io_some_pct", "pressure.io_full_pct", "pressure.memory_some_pct", "pressure.memory_full_pct",
		"sys.uptime_s"} {
		put("%s", m)
	}
	for d := range 200 {
		for _, m := range []string{"disk.used_pct", "disk.avail_bytes", "disk.size_bytes", "disk.inodes_used_pct"} {
			put("%s;mount=/srv/d%d", m, d)
		}
		for _, m := range []string{"diskio.read_bytes_per_s", "diskio.write_bytes_per_s", "diskio.util_pct"} {
			put("%s;device=sd%d", m, d)
		}
		for _, f := range []string{"diskstats_latency.sd%d.avgrdwait", "diskstats_latency.sd%d.avgwrwait", "diskstats_latency.sd%d.avgwait", "diskstats_latency.sd%d.svctm",
			"diskstats_throughput.sd%d.rdbytes", "diskstats_throughput.sd%d.wrbytes",
			"diskstats_iops.sd%d.rdio", "diskstats_iops.sd%d.wrio", "diskstats_iops.sd%d.avgrdrqsz", "diskstats_iops.sd%d.avgwrrqsz",
			"diskstats_utilization.sd%d.util", "df._srv_d%d", "df_inode._srv_d%d",
			"iostat.sd%d_read", "iostat.sd%d_write", "iostat_ios.sd%d_read", "iostat_ios.sd%d_write"} {
			put("munin."+f, d)
		}
	}
	for i := range 100 {
		for _, m := range []string{"net.rx_bytes_per_s", "net.tx_bytes_per_s", "net.errors_per_s"} {
			put("%s;iface=eth%d", m, i)
		}
		for _, f := range []string{"if_eth%d.down", "if_eth%d.up", "if_err_eth%d.rcvd", "if_err_eth%d.trans", "if_err_eth%d.rxdrop", "if_err_eth%d.txdrop", "if_err_eth%d.collisions"} {
			put("munin."+f, i)
		}
	}
	for c := range 128 {
		put("munin.cpuspeed.cpu%d", c)
		put("munin.sensors_temp.core%d", c)
	}
	for i := range 1000 {
		put("munin.irqstats.i%d", i)
	}
	for i := range 100 {
		put("munin.other.f%d", i)
	}
	for s := range 500 {
		for _, m := range []string{"service.active", "service.memory_bytes", "service.cpu_pct"} {
			put("%s;unit=svc%d.service", m, s)
		}
	}
	ts.Check(w.Flush())
	ts.Check(f.Close())
}

// cmdBomb writes records of N made-up series of one host: bomb FILE
// HOST N TIME.
func cmdBomb(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: bomb FILE HOST N TIME")
	}
	n, err := strconv.Atoi(args[2])
	ts.Check(err)
	f, err := os.Create(ts.MkAbs(args[0]))
	ts.Check(err)
	w := bufio.NewWriter(f)
	for i := range n {
		fmt.Fprintf(w, "junk.m%d;host=%s 1 %s\n", i, args[1], args[3])
	}
	ts.Check(w.Flush())
	ts.Check(f.Close())
}
