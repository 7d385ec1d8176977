package decode

import (
	"slices"
	"strings"
	"testing"
)

// sadfHead is the start of every header of sadf -d.
const sadfHead = "# hostname;interval;timestamp;"

func TestSadfMapping(t *testing.T) {
	const at = "web1;600;2026-11-24 10:10:00 UTC;" // 1795515000
	for _, tc := range []struct {
		name, in  string
		catalogue bool // compare only the catalogue's metrics
		want      []string
	}{
		{
			name: "sar -u, all CPUs and one: -u's %nice counts niced guests",
			in: sadfHead + "CPU;%user;%nice;%system;%iowait;%steal;%idle\n" +
				at + "-1;10.00;1.50;5.25;2.00;0.25;81.00\n" +
				at + "0;12.00;0.00;4.00;3.00;0.00;81.00\n",
			want: []string{
				"cpu.busy_pct;host=web1 17 1795515000",
				"cpu.user_pct;host=web1 11.5 1795515000",
				"cpu.system_pct;host=web1 5.25 1795515000",
				"cpu.iowait_pct;host=web1 2 1795515000",
				"cpu.steal_pct;host=web1 0.25 1795515000",
				"sysstat.user_pct;cpu=all;host=web1 10 1795515000",
				"sysstat.nice_pct;cpu=all;host=web1 1.5 1795515000",
				"sysstat.idle_pct;cpu=all;host=web1 81 1795515000",
				"cpu.percpu_busy_pct;cpu=0;host=web1 16 1795515000",
				"sysstat.user_pct;cpu=0;host=web1 12 1795515000",
				"sysstat.nice_pct;cpu=0;host=web1 0 1795515000",
				"sysstat.system_pct;cpu=0;host=web1 4 1795515000",
				"sysstat.iowait_pct;cpu=0;host=web1 3 1795515000",
				"sysstat.steal_pct;cpu=0;host=web1 0 1795515000",
				"sysstat.idle_pct;cpu=0;host=web1 81 1795515000",
			},
		},
		{
			name: "sar -u ALL: guest time is user time, interrupts system time",
			in: sadfHead + "CPU;%usr;%nice;%sys;%iowait;%steal;%irq;%soft;%guest;%gnice;%idle\n" +
				at + "-1;8.00;1.00;4.00;2.00;0.50;0.25;0.75;2.00;0.50;81.00\n",
			want: []string{
				"cpu.busy_pct;host=web1 17 1795515000",
				"cpu.user_pct;host=web1 11.5 1795515000",
				"cpu.system_pct;host=web1 5 1795515000",
				"cpu.iowait_pct;host=web1 2 1795515000",
				"cpu.steal_pct;host=web1 0.5 1795515000",
				"cpu.nice_pct;host=web1 1 1795515000",
				"cpu.irq_pct;host=web1 0.25 1795515000",
				"cpu.softirq_pct;host=web1 0.75 1795515000",
				"cpu.guest_pct;host=web1 2.5 1795515000",
				"sysstat.usr_pct;cpu=all;host=web1 8 1795515000",
				"sysstat.sys_pct;cpu=all;host=web1 4 1795515000",
				"sysstat.guest_pct;cpu=all;host=web1 2 1795515000",
				"sysstat.gnice_pct;cpu=all;host=web1 0.5 1795515000",
				"sysstat.idle_pct;cpu=all;host=web1 81 1795515000",
			},
		},
		{
			name: "sar -q, in Unix seconds (sadf -U)",
			in: sadfHead + "runq-sz;plist-sz;ldavg-1;ldavg-5;ldavg-15;blocked\n" +
				"web1;600;1795515000;2;345;0.27;0.31;0.29;1\n",
			want: []string{
				"load.1m;host=web1 0.27 1795515000",
				"load.5m;host=web1 0.31 1795515000",
				"load.15m;host=web1 0.29 1795515000",
				"procs.running;host=web1 3 1795515000",
				"procs.total;host=web1 345 1795515000",
				"procs.blocked;host=web1 1 1795515000",
			},
		},
		{
			// MemTotal 8000000 kB = free 1000000 + buffers 200000 +
			// cached 3000000 + slab 300000 + used 3500000 (43.75 %).
			name: "sar -r ALL: MemTotal is the sum",
			in: sadfHead + "kbmemfree;kbavail;kbmemused;%memused;kbbuffers;kbcached;kbcommit;%commit;kbactive;kbinact;kbdirty;kbanonpg;kbslab;kbkstack;kbpgtbl;kbvmused\n" +
				at + "1000000;4200000;3500000;43.75;200000;3000000;5000000;50.00;4000000;2000000;1000;3000000;300000;10000;20000;30000\n",
			want: []string{
				"mem.used_pct;host=web1 47.5 1795515000",
				"mem.available_bytes;host=web1 4300800000 1795515000",
				"mem.total_bytes;host=web1 8192000000 1795515000",
				"mem.cached_bytes;host=web1 3072000000 1795515000",
				"mem.buffers_bytes;host=web1 204800000 1795515000",
				"mem.dirty_bytes;host=web1 1024000 1795515000",
				"sysstat.kbmemfree;host=web1 1000000 1795515000",
				"sysstat.kbmemused;host=web1 3500000 1795515000",
				"sysstat.memused_pct;host=web1 43.75 1795515000",
				"sysstat.kbcommit;host=web1 5000000 1795515000",
				"sysstat.commit_pct;host=web1 50 1795515000",
				"sysstat.kbactive;host=web1 4000000 1795515000",
				"sysstat.kbinact;host=web1 2000000 1795515000",
				"sysstat.kbanonpg;host=web1 3000000 1795515000",
				"sysstat.kbslab;host=web1 300000 1795515000",
				"sysstat.kbkstack;host=web1 10000 1795515000",
				"sysstat.kbpgtbl;host=web1 20000 1795515000",
				"sysstat.kbvmused;host=web1 30000 1795515000",
			},
		},
		{
			name: "sar -r of sysstat 10: used is total - free, no kbavail",
			in: sadfHead + "kbmemfree;kbmemused;%memused;kbbuffers;kbcached;kbcommit;%commit\n" +
				at + "1000000;7000000;87.50;200000;3000000;5000000;50.00\n",
			catalogue: true,
			want: []string{
				"mem.used_pct;host=web1 47.5 1795515000",
				"mem.available_bytes;host=web1 4300800000 1795515000",
				"mem.total_bytes;host=web1 8192000000 1795515000",
				"mem.cached_bytes;host=web1 3072000000 1795515000",
				"mem.buffers_bytes;host=web1 204800000 1795515000",
			},
		},
		{
			name: "sar -r without ALL: no kbslab, no MemTotal",
			in: sadfHead + "kbmemfree;kbavail;kbmemused;%memused;kbbuffers;kbcached;kbcommit;%commit;kbactive;kbinact;kbdirty\n" +
				at + "1000000;4200000;3500000;43.75;200000;3000000;5000000;50.00;4000000;2000000;1000\n",
			catalogue: true,
			want: []string{
				"mem.available_bytes;host=web1 4300800000 1795515000",
				"mem.cached_bytes;host=web1 3072000000 1795515000",
				"mem.buffers_bytes;host=web1 204800000 1795515000",
				"mem.dirty_bytes;host=web1 1024000 1795515000",
			},
		},
		{
			name: "sar -S",
			in: sadfHead + "kbswpfree;kbswpused;%swpused;kbswpcad;%swpcad\n" +
				at + "1500000;500000;25.00;1000;0.20\n" +
				at + "0;0;0.00;0;0.00\n",
			want: []string{
				"swap.used_pct;host=web1 25 1795515000",
				"swap.total_bytes;host=web1 2048000000 1795515000",
				"sysstat.kbswpfree;host=web1 1500000 1795515000",
				"sysstat.kbswpused;host=web1 500000 1795515000",
				"sysstat.kbswpcad;host=web1 1000 1795515000",
				"sysstat.swpcad_pct;host=web1 0.2 1795515000",
				"swap.total_bytes;host=web1 0 1795515000",
				"sysstat.kbswpfree;host=web1 0 1795515000",
				"sysstat.kbswpused;host=web1 0 1795515000",
				"sysstat.kbswpcad;host=web1 0 1795515000",
				"sysstat.swpcad_pct;host=web1 0 1795515000",
			},
		},
		{
			name: "sar -n DEV,EDEV: KiB/s are bytes/s times 1024",
			in: sadfHead + "IFACE;rxpck/s;txpck/s;rxkB/s;txkB/s;rxcmp/s;txcmp/s;rxmcst/s;%ifutil\n" +
				at + "eth0;10.00;5.00;1.50;0.25;0.00;0.00;0.00;0.01\n" +
				sadfHead + "IFACE;rxerr/s;txerr/s;coll/s;rxdrop/s;txdrop/s;txcarr/s;rxfram/s;rxfifo/s;txfifo/s\n" +
				at + "eth0;0.10;0.20;0.00;0.50;0.75;0.00;0.00;0.00;0.00\n",
			want: []string{
				"net.rx_bytes_per_s;host=web1;iface=eth0 1536 1795515000",
				"net.tx_bytes_per_s;host=web1;iface=eth0 256 1795515000",
				"net.rx_packets_per_s;host=web1;iface=eth0 10 1795515000",
				"net.tx_packets_per_s;host=web1;iface=eth0 5 1795515000",
				"sysstat.rxcmp_per_s;host=web1;iface=eth0 0 1795515000",
				"sysstat.txcmp_per_s;host=web1;iface=eth0 0 1795515000",
				"sysstat.rxmcst_per_s;host=web1;iface=eth0 0 1795515000",
				"sysstat.ifutil_pct;host=web1;iface=eth0 0.01 1795515000",
				"net.errors_per_s;host=web1;iface=eth0 0.3 1795515000",
				"net.rx_drops_per_s;host=web1;iface=eth0 0.5 1795515000",
				"net.tx_drops_per_s;host=web1;iface=eth0 0.75 1795515000",
				"net.rx_errors_per_s;host=web1;iface=eth0 0.1 1795515000",
				"net.tx_errors_per_s;host=web1;iface=eth0 0.2 1795515000",
				"sysstat.coll_per_s;host=web1;iface=eth0 0 1795515000",
				"sysstat.txcarr_per_s;host=web1;iface=eth0 0 1795515000",
				"sysstat.rxfram_per_s;host=web1;iface=eth0 0 1795515000",
				"sysstat.rxfifo_per_s;host=web1;iface=eth0 0 1795515000",
				"sysstat.txfifo_per_s;host=web1;iface=eth0 0 1795515000",
			},
		},
		{
			name: "sar -d, and the sectors of older sysstat",
			in: sadfHead + "DEV;tps;rkB/s;wkB/s;dkB/s;areq-sz;aqu-sz;await;%util\n" +
				at + "sda;5.00;100.00;200.50;0.00;60.10;0.01;1.20;2.50\n" +
				sadfHead + "DEV;tps;rd_sec/s;wr_sec/s;avgrq-sz;avgqu-sz;await;svctm;%util\n" +
				at + "dev8-0;5.00;200.00;401.00;120.20;2.25;1.20;0.50;100.50\n",
			want: []string{
				"diskio.read_bytes_per_s;device=sda;host=web1 102400 1795515000",
				"diskio.write_bytes_per_s;device=sda;host=web1 205312 1795515000",
				"diskio.util_pct;device=sda;host=web1 2.5 1795515000",
				"diskio.queue_size;device=sda;host=web1 0.01 1795515000",
				"sysstat.tps;device=sda;host=web1 5 1795515000",
				"sysstat.dkB_per_s;device=sda;host=web1 0 1795515000",
				"sysstat.areq_sz;device=sda;host=web1 60.1 1795515000",
				"sysstat.await;device=sda;host=web1 1.2 1795515000",
				"diskio.read_bytes_per_s;device=dev8-0;host=web1 102400 1795515000",
				"diskio.write_bytes_per_s;device=dev8-0;host=web1 205312 1795515000",
				"diskio.util_pct;device=dev8-0;host=web1 100 1795515000",
				"diskio.queue_size;device=dev8-0;host=web1 2.25 1795515000",
				"sysstat.tps;device=dev8-0;host=web1 5 1795515000",
				"sysstat.avgrq_sz;device=dev8-0;host=web1 120.2 1795515000",
				"sysstat.await;device=dev8-0;host=web1 1.2 1795515000",
				"sysstat.svctm;device=dev8-0;host=web1 0.5 1795515000",
			},
		},
		{
			// 10000 MiB, 4000 used, 45 % not writable by users: 5500
			// available, and df's Use% 4000 / 9500.
			name: "sar -F MOUNT and -F",
			in: sadfHead + "MOUNTPOINT;MBfsfree;MBfsused;%fsused;%ufsused;Ifree;Iused;%Iused\n" +
				at + "/mnt/my disk;6000;4000;40.00;45.00;750;250;25.00\n" +
				sadfHead + "FILESYSTEM;MBfsfree;MBfsused;%fsused;%ufsused;Ifree;Iused;%Iused\n" +
				at + "/dev/sda1;6000;4000;40.00;45.00;0;0;0.00\n",
			want: []string{
				`disk.used_pct;host=web1;mount=/mnt/my\040disk 42.11 1795515000`,
				`disk.avail_bytes;host=web1;mount=/mnt/my\040disk 5767168000 1795515000`,
				`disk.size_bytes;host=web1;mount=/mnt/my\040disk 10485760000 1795515000`,
				`disk.inodes_used_pct;host=web1;mount=/mnt/my\040disk 25 1795515000`,
				`sysstat.MBfsfree;host=web1;mount=/mnt/my\040disk 6000 1795515000`,
				`sysstat.MBfsused;host=web1;mount=/mnt/my\040disk 4000 1795515000`,
				`sysstat.fsused_pct;host=web1;mount=/mnt/my\040disk 40 1795515000`,
				`sysstat.ufsused_pct;host=web1;mount=/mnt/my\040disk 45 1795515000`,
				`sysstat.Ifree;host=web1;mount=/mnt/my\040disk 750 1795515000`,
				`sysstat.Iused;host=web1;mount=/mnt/my\040disk 250 1795515000`,
				"disk.used_pct;filesystem=/dev/sda1;host=web1 42.11 1795515000",
				"disk.avail_bytes;filesystem=/dev/sda1;host=web1 5767168000 1795515000",
				"disk.size_bytes;filesystem=/dev/sda1;host=web1 10485760000 1795515000",
				"sysstat.MBfsfree;filesystem=/dev/sda1;host=web1 6000 1795515000",
				"sysstat.MBfsused;filesystem=/dev/sda1;host=web1 4000 1795515000",
				"sysstat.fsused_pct;filesystem=/dev/sda1;host=web1 40 1795515000",
				"sysstat.ufsused_pct;filesystem=/dev/sda1;host=web1 45 1795515000",
				"sysstat.Ifree;filesystem=/dev/sda1;host=web1 0 1795515000",
				"sysstat.Iused;filesystem=/dev/sda1;host=web1 0 1795515000",
				"sysstat.Iused_pct;filesystem=/dev/sda1;host=web1 0 1795515000",
			},
		},
		{
			name: "sar -P ALL: each CPU's busy share, none for an offline CPU",
			in: sadfHead + "CPU;%usr;%nice;%sys;%iowait;%steal;%irq;%soft;%guest;%gnice;%idle\n" +
				at + "1;8.00;1.00;4.00;2.00;0.50;0.25;0.75;2.00;0.50;81.00\n" +
				at + "2;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;100.00\n" +
				at + "3;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00\n",
			catalogue: true,
			want: []string{
				"cpu.percpu_busy_pct;cpu=1;host=web1 17 1795515000",
				"cpu.percpu_busy_pct;cpu=2;host=web1 0 1795515000",
			},
		},
		{
			name: "sar -w, -W, -B: rates, pgpgin/s in KiB",
			in: sadfHead + "proc/s;cswch/s\n" + at + "2.50;1234.56\n" +
				sadfHead + "pswpin/s;pswpout/s\n" + at + "1.25;3.00\n" +
				sadfHead + "pgpgin/s;pgpgout/s;fault/s;majflt/s;pgfree/s;pgscank/s;pgscand/s;pgsteal/s;%vmeff\n" +
				at + "10.50;200.00;3000.00;0.75;400.00;0.00;0.00;0.00;0.00\n",
			want: []string{
				"procs.forks_per_s;host=web1 2.5 1795515000",
				"cpu.context_switches_per_s;host=web1 1234.56 1795515000",
				"swap.in_pages_per_s;host=web1 1.25 1795515000",
				"swap.out_pages_per_s;host=web1 3 1795515000",
				"mem.page_in_bytes_per_s;host=web1 10752 1795515000",
				"mem.page_out_bytes_per_s;host=web1 204800 1795515000",
				"mem.major_faults_per_s;host=web1 0.75 1795515000",
				"sysstat.fault_per_s;host=web1 3000 1795515000",
				"sysstat.pgfree_per_s;host=web1 400 1795515000",
				"sysstat.pgscank_per_s;host=web1 0 1795515000",
				"sysstat.pgscand_per_s;host=web1 0 1795515000",
				"sysstat.pgsteal_per_s;host=web1 0 1795515000",
				"sysstat.vmeff_pct;host=web1 0 1795515000",
			},
		},
		{
			name: "sar -H, -v: huge pages in KiB, open files",
			in: sadfHead + "kbhugfree;kbhugused;%hugused;kbhugrsvd;kbhugsurp\n" + at + "2048;4096;66.67;0;0\n" +
				sadfHead + "dentunusd;file-nr;inode-nr;pty-nr\n" + at + "50000;4512;60000;2\n",
			want: []string{
				"mem.hugepages_used_bytes;host=web1 4194304 1795515000",
				"sysstat.kbhugfree;host=web1 2048 1795515000",
				"sysstat.hugused_pct;host=web1 66.67 1795515000",
				"sysstat.kbhugrsvd;host=web1 0 1795515000",
				"sysstat.kbhugsurp;host=web1 0 1795515000",
				"sys.open_files;host=web1 4512 1795515000",
				"sysstat.dentunusd;host=web1 50000 1795515000",
				"sysstat.inode_nr;host=web1 60000 1795515000",
				"sysstat.pty_nr;host=web1 2 1795515000",
			},
		},
		{
			name: "sar -n SOCK, UDP",
			in: sadfHead + "totsck;tcpsck;udpsck;rawsck;ip-frag;tcp-tw\n" + at + "300;20;5;0;0;7\n" +
				sadfHead + "idgm/s;odgm/s;noport/s;idgmerr/s\n" + at + "10.00;10.00;0.50;0.25\n",
			catalogue: true,
			want: []string{
				"net.tcp_timewait;host=web1 7 1795515000",
				"net.udp_errors_per_s;host=web1 0.25 1795515000",
			},
		},
		{
			name: "sadf -j: a machine's field, in a row of an instance, stays sysstat's",
			in: `{"sysstat": {"hosts": [{"nodename": "web1", "statistics": [` +
				`{"timestamp": {"date": "2026-11-24", "time": "10:10:00", "utc": 1, "interval": 600},` +
				` "something-new": [{"name": "a", "blocked": 2.00}], "queue": {"blocked": 1}}]}]}}`,
			want: []string{
				"sysstat.blocked;host=web1;name=a 2 1795515000",
				"procs.blocked;host=web1 1 1795515000",
			},
		},
		{
			name: "pressure",
			in: sadfHead + "%scpu-10;%scpu-60;%scpu-300;%scpu\n" + at + "1.00;2.00;3.00;4.50\n" +
				sadfHead + "%sio-10;%sio-60;%sio-300;%sio;%fio-10;%fio-60;%fio-300;%fio\n" + at + "0;0;0;1.25;0;0;0;0.75\n",
			catalogue: true,
			want: []string{
				"pressure.cpu_some_pct;host=web1 4.5 1795515000",
				"pressure.io_some_pct;host=web1 1.25 1795515000",
				"pressure.io_full_pct;host=web1 0.75 1795515000",
			},
		},
		{
			name: "interrupts, NFS, USB, a restart, a comment, and TCP's retrans/s",
			in: sadfHead + "INTR;CPU*\n" +
				at + "sum;300.00;100.00;200.00\n" +
				"web1;-1;2026-11-24 10:10:00 UTC;LINUX-RESTART\t(2 CPU)\n" +
				"web1;-1;2026-11-24 10:10:00 UTC;COM backup started\n" +
				sadfHead + "call/s;retrans/s;read/s;write/s;access/s;getatt/s\n" +
				at + "1.00;0.50;0.00;0.00;0.00;0.00\n" +
				sadfHead + "BUS;idvendor;idprod;maxpower;manufact;product\n" +
				at + "1;1d6b;0002;0;Linux Foundation;2.0 root hub\n" +
				sadfHead + "atmptf/s;estres/s;retrans/s;isegerr/s;orsts/s\n" +
				at + "0.00;0.00;2.00;0.00;0.00\n",
			want: []string{
				"cpu.interrupts_per_s;host=web1 300 1795515000",
				"sysstat.intr_per_s;cpu=0;host=web1;intr=sum 100 1795515000",
				"sysstat.intr_per_s;cpu=1;host=web1;intr=sum 200 1795515000",
				"sysstat.call_per_s;host=web1 1 1795515000",
				"sysstat.nfs_retrans_per_s;host=web1 0.5 1795515000",
				"sysstat.read_per_s;host=web1 0 1795515000",
				"sysstat.write_per_s;host=web1 0 1795515000",
				"sysstat.access_per_s;host=web1 0 1795515000",
				"sysstat.getatt_per_s;host=web1 0 1795515000",
				"net.tcp_retrans_per_s;host=web1 2 1795515000",
				"sysstat.atmptf_per_s;host=web1 0 1795515000",
				"sysstat.estres_per_s;host=web1 0 1795515000",
				"sysstat.isegerr_per_s;host=web1 0 1795515000",
				"sysstat.orsts_per_s;host=web1 0 1795515000",
			},
		},
		{
			name: "sadf -dh: one repeated group, then fixed columns",
			in: sadfHead + "CPU;%user;%idle[...];ldavg-1\n" +
				at + "-1;1.00;99.00;0;2.00;98.00;1;0.00;100.00;0.50\n",
			want: []string{
				"cpu.user_pct;host=web1 1 1795515000",
				"sysstat.user_pct;cpu=all;host=web1 1 1795515000",
				"sysstat.idle_pct;cpu=all;host=web1 99 1795515000",
				"sysstat.user_pct;cpu=0;host=web1 2 1795515000",
				"sysstat.idle_pct;cpu=0;host=web1 98 1795515000",
				"sysstat.user_pct;cpu=1;host=web1 0 1795515000",
				"sysstat.idle_pct;cpu=1;host=web1 100 1795515000",
				"load.1m;host=web1 0.5 1795515000",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := drain(t, "sadf", tc.in, Options{})
			if len(got.errs) > 0 {
				t.Errorf("errors: %q", got.errs)
			}
			recs := got.recs
			if tc.catalogue {
				recs = slices.DeleteFunc(recs, func(s string) bool { return strings.HasPrefix(s, "sysstat.") })
			}
			if !slices.Equal(recs, tc.want) {
				t.Errorf("records:\n%s\nwant:\n%s", strings.Join(recs, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestSadfForms reads the same sadc file as sadf wrote it in several
// forms: each pair must give the same records.
func TestSadfForms(t *testing.T) {
	sorted := func(name string) []string {
		got := drain(t, "sadf", readTestdata(t, name), Options{})
		if len(got.errs) > 0 {
			t.Errorf("%s: errors %q", name, got.errs)
		}
		slices.Sort(got.recs)
		return got.recs
	}
	for _, pair := range [][2]string{
		{"sadf/all.d", "sadf/all.json"},
		{"sadf/default.d", "sadf/default.json"},
		{"sadf/vertical.d", "sadf/horizontal.d"},
	} {
		a, b := sorted(pair[0]), sorted(pair[1])
		if !slices.Equal(a, b) {
			t.Errorf("%s and %s differ:\n%s\nand\n%s", pair[0], pair[1], strings.Join(a, "\n"), strings.Join(b, "\n"))
		}
		if len(a) == 0 {
			t.Errorf("%s: no records", pair[0])
		}
		// No series twice at one time: each field has one name.
		for i := 1; i < len(a); i++ {
			if seriesTime(a[i]) == seriesTime(a[i-1]) {
				t.Errorf("%s: %q and %q", pair[0], a[i-1], a[i])
			}
		}
	}
	// sadf -U gives the same times.
	all := sorted("sadf/all.d")
	for _, r := range sorted("sadf/epoch.d") {
		if _, found := slices.BinarySearch(all, r); !found {
			t.Errorf("sadf/epoch.d: %q is not in sadf/all.d", r)
		}
	}
	// A few figures checked by hand against the input: MemTotal of
	// 24684096 kB is kbmemfree 23815088 + kbbuffers 12824 + kbcached
	// 595408 + kbslab 159356 + kbmemused 101420.
	for _, want := range []string{
		"mem.total_bytes;host=web1 25276514304 1795582895",
		"mem.used_pct;host=web1 1.71 1795582895",
		"cpu.busy_pct;host=web1 15.4 1795582895",
		"procs.running;host=web1 2 1795582895",
		"net.rx_bytes_per_s;host=web1;iface=lo 9205.76 1795582895",
		"diskio.write_bytes_per_s;device=vda;host=web1 54556672 1795582895",
		"disk.used_pct;filesystem=/dev/vda;host=web1 21.51 1795582895",
		"pressure.io_some_pct;host=web1 3.57 1795582895",
		"sysstat.intr_per_s;cpu=1;host=web1;intr=LOC 177.5 1795582895",
		// 100 - %idle 68.53 - %iowait 4.06; kbcached 595408 KiB.
		"cpu.percpu_busy_pct;cpu=1;host=web1 27.41 1795582895",
		"cpu.context_switches_per_s;host=web1 503.5 1795582895",
		"cpu.interrupts_per_s;host=web1 453 1795582895",
		"mem.cached_bytes;host=web1 609697792 1795582895",
		"sys.open_files;host=web1 457 1795582895",
		"net.tcp_timewait;host=web1 16 1795582895",
		"sysstat.MHz;cpu=all;host=web1 2596.14 1795582899",
		"sysstat.blg_len;cpu=0;host=web1 0 1795582899",
	} {
		if _, found := slices.BinarySearch(all, want); !found {
			t.Errorf("sadf/all.d has no %q", want)
		}
	}
}

func seriesTime(rec string) string {
	i := strings.IndexByte(rec, ' ')
	j := strings.LastIndexByte(rec, ' ')
	return rec[:i] + rec[j:]
}

func TestSadfErrors(t *testing.T) {
	const at = "web1;600;2026-11-24 10:10:00 UTC;"
	for _, tc := range []struct {
		name, in string
		want     []string
		errs     []string
	}{
		{
			name: "rows without a good header",
			in: at + "1.00\n" +
				"# hello\n" +
				at + "1.00\n" +
				sadfHead + "ldavg-1\n" +
				at + "1.00\n",
			want: []string{"load.1m;host=web1 1 1795515000"},
			errs: []string{
				`in:1: row before any header ("# hostname;interval;timestamp;...")`,
				`in:2: bad header: want "# hostname;interval;timestamp;...", found "hello"`,
				"in:3: row under the bad header of line 2",
			},
		},
		{
			name: "bad headers",
			in: sadfHead + "CPU;%user[...];IFACE;rxpck/s[...]\n" +
				sadfHead + "%user[...]\n" +
				sadfHead + "INTR;CPU*[...]\n" +
				sadfHead + "ldavg-1;;blocked\n",
			errs: []string{
				`in:1: header has more than one repeated group ("[...]"): use sadf -d without -h`,
				"in:2: bad header: the repeated group has no instance column (CPU, IFACE, DEV...)",
				"in:3: bad header: CPU* only follows INTR, at the end of a header without [...]: use sadf -d without -h",
				"in:4: bad header: column 5 has no name",
			},
		},
		{
			name: "bad rows, the good fields still read",
			in: sadfHead + "IFACE;rxpck/s;txpck/s\n" +
				at + "eth0;1.00\n" +
				at + "eth0;x;2.00\n" +
				"web1;600\n" +
				"web1;x;2026-11-24 10:10:00 UTC;eth0;1;2\n" +
				"web1;600;2026-11-24 10:10:00;eth0;1;2\n" +
				"web1;600;24/11/2026;eth0;1;2\n" +
				"web1;600;99999999999999;eth0;1;2\n" +
				";600;2026-11-24 10:10:00 UTC;eth0;1;2\n" +
				at + "~eth0;1;2\n" +
				at + ";1;2\n" +
				sadfHead + "CPU;%idle[...];blocked\n" +
				at + "-1;99.00;0;98.00;1\n" +
				at + "-1;99.00;0;1\n",
			want: []string{
				"net.tx_packets_per_s;host=web1;iface=eth0 2 1795515000",
				// A leading "~" is carried escaped, as in a record line.
				`net.rx_packets_per_s;host=web1;iface=\176eth0 1 1795515000`,
				`net.tx_packets_per_s;host=web1;iface=\176eth0 2 1795515000`,
				"sysstat.idle_pct;cpu=all;host=web1 99 1795515000",
				"sysstat.idle_pct;cpu=0;host=web1 98 1795515000",
				"procs.blocked;host=web1 1 1795515000",
			},
			errs: []string{
				"in:2: row has 5 fields, the header 6",
				`in:3: rxpck/s: value "x" is not a number`,
				"in:4: want hostname;interval;timestamp;..., found 2 fields",
				`in:5: interval "x" is not a whole number`,
				`in:6: timestamp "2026-11-24 10:10:00" is local time, of no known zone (sadf -t or -T): run sadf without them, or with -U`,
				`in:7: timestamp "24/11/2026" is neither "2006-01-02 15:04:05 UTC" nor Unix seconds`,
				`in:8: timestamp "99999999999999" is after the year 9999 (milliseconds instead of seconds?)`,
				`in:9: tag "host" has an empty value`,
				`in:11: tag "iface" has an empty value`,
				"in:14: row has 7 fields, which the header's 6, 2 repeated, do not add up to",
			},
		},
		{
			name: "sadf -j cut short",
			in:   "{\"sysstat\": {\n\t\"hosts\": [\n\t\t{\n\t\t\t\"nodename\": \"web1\",\n\t\t\t\"statistics\": [\n",
			errs: []string{"in:5: JSON document cut short"},
		},
		{
			name: "sadf -j, bad JSON",
			in:   "{\"sysstat\": {\n\"hosts\": [\n{\"nodename\": \"web1\",\n\"statistics\": [\n{\"timestamp\": }\n]}]}}\n",
			errs: []string{"in:5: bad JSON: invalid character '}' looking for beginning of value"},
		},
		{
			name: "sadf -j, a bad literal",
			in:   "{\"sysstat\": {\n\"hosts\": [\n{\"nodename\": \"web1\",\n\"statistics\": [\n\n{\"x\": tru }\n]}]}}\n",
			errs: []string{"in:6: bad JSON: invalid character ' ' in literal true (expecting 'e')"},
		},
		{
			name: "sadf -j, bad parts",
			in: `{"sysstat": {"hosts": [{
"statistics": [{"timestamp": {"date": "2026-11-24", "time": "10:10:00", "utc": 1, "interval": 600}, "queue": {"ldavg-1": 1.00}}],
"nodename": "web1",
"statistics": [
{"timestamp": {"date": "2026-11-24", "time": "10:10:00", "utc": 0, "interval": 600}, "queue": {"ldavg-1": 1.00}},
{"queue": {"ldavg-1": 1.00}},
{"timestamp": {"date": "2026-11-24", "time": "10:10:00", "utc": 1, "interval": 600},
 "queue": {"ldavg-1": 1.00, "ldavg-5": "x", "ldavg-15": true, "blocked": 1e999},
 "cpu-load": [{"cpu": "all", "user": 1.00}, {"cpu": "~0", "user": 2.00}],
 "something-new": [{"name": "a b", "value-percent": 3.00}],
 "interrupts": [{"intr": "sum", "CPUx": 1.00}]
}
],
"restarts": [{"boot": {"date": "2026-11-24", "time": "10:00:00", "utc": 1, "cpu_count": 2}}]
}]}}
{}
`,
			want: []string{
				"load.1m;host=web1 1 1795515000",
				"sysstat.user_pct;cpu=all;host=web1 1 1795515000",
				`sysstat.user_pct;cpu=\1760;host=web1 2 1795515000`,
				`sysstat.value_pct;host=web1;name=a\040b 3 1795515000`,
			},
			errs: []string{
				`in:2: statistics before the host's "nodename"`,
				`in:5: timestamp "2026-11-24 10:10:00" is local time, of no known zone (sadf -t or -T): run sadf -j without them`,
				`in:6: statistics without a "timestamp" object`,
				"in:8: ldavg-5 is a string, not a number",
				`in:11: interrupt field "CPUx" is not a CPU's number`,
				"in:16: more after the end of the JSON document",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := drain(t, "sadf", tc.in, Options{})
			if !slices.Equal(got.recs, tc.want) {
				t.Errorf("records:\n%s\nwant:\n%s", strings.Join(got.recs, "\n"), strings.Join(tc.want, "\n"))
			}
			if !slices.Equal(got.errs, tc.errs) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got.errs, "\n"), strings.Join(tc.errs, "\n"))
			}
		})
	}
}

func TestSadfRaw(t *testing.T) {
	in := sadfHead + "ldavg-1;ldavg-5\nweb1;600;1795515000;1.00;x\n"
	got := drain(t, "sadf", in, Options{})
	want := []string{"web1;600;1795515000;1.00;x", "web1;600;1795515000;1.00;x"}
	if !slices.Equal(got.raws, want) {
		t.Errorf("Raw gave %q, want %q", got.raws, want)
	}
	got = drain(t, "sadf", readTestdata(t, "sadf/default.json"), Options{})
	for _, raw := range got.raws {
		if raw != "<nil>" {
			t.Fatalf("Raw of sadf -j is %q, want nil", raw)
		}
	}
}

func TestSadfBOM(t *testing.T) {
	for _, in := range []string{
		"\xef\xbb\xbf" + sadfHead + "ldavg-1\nweb1;600;1795515000;1.00\n",
		"\xef\xbb\xbf" + `{"sysstat": {"hosts": [{"nodename": "web1", "statistics": [{"timestamp": {"date": "2026-11-24", "time": "10:10:00", "utc": 1}, "queue": {"ldavg-1": 1.00}}]}]}}`,
	} {
		got := drain(t, "sadf", in, Options{})
		if want := []string{"load.1m;host=web1 1 1795515000"}; !slices.Equal(got.recs, want) || len(got.errs) > 0 {
			t.Errorf("%q: records %q, errors %q", in[:20], got.recs, got.errs)
		}
	}
}

// FuzzSadf is seeded with the small captures and with parts of the big
// ones: with seeds of tens of kilobytes the fuzzer hardly runs.
func FuzzSadf(f *testing.F) {
	for _, name := range []string{"epoch.d", "horizontal.d"} {
		f.Add([]byte(readTestdata(f, "sadf/"+name)))
	}
	all := readTestdata(f, "sadf/all.d")
	for _, part := range strings.SplitAfter(all, "\n# ")[1:12] {
		f.Add([]byte("# " + part))
	}
	f.Add([]byte(`{"sysstat": {"hosts": [{"nodename": "web1", "statistics": [
{"timestamp": {"date": "2026-11-24", "time": "10:10:00", "utc": 1, "interval": 600},
 "cpu-load": [{"cpu": "all", "usr": 1.00, "nice": 0.00, "sys": 2.00, "iowait": 0.50, "steal": 0.00, "irq": 0.00, "soft": 0.00, "guest": 0.00, "gnice": 0.00, "idle": 96.50}],
 "interrupts": [{"intr": "sum", "all": 665.00, "CPU0": 376.00, "CPU1": 289.00}],
 "io": {"tps": 173.5, "io-reads": {"rtps": 2.5, "bread": 20.0}},
 "memory": {"memfree": 23329884, "avail": 24176088, "memused": 183924, "memused-percent": 0.75, "buffers": 22780, "cached": 983424, "slab": 164084, "swpfree": 0, "swpused": 0},
 "queue": {"runq-sz": 0, "plist-sz": 84, "ldavg-1": 0.25, "ldavg-5": 1.02, "ldavg-15": 1.24, "blocked": 0},
 "disk": [{"disk-device": "vda", "tps": 173.5, "rd_sec": 20.0, "rkB": 10.0, "wkB": 4566.0, "util-percent": 0.8}],
 "network": {"net-dev": [{"iface": "lo", "rxkB": 1.0, "txkB": 2.0, "ifutil-percent": 0.0}], "softnet": [{"cpu": "all", "total": 0.0, "blg_len": 0}]},
 "power-management": {"cpu-frequency": [{"number": "all", "frequency": 2596.14}]},
 "filesystems": [{"mountpoint": "/", "MBfsfree": 237976, "MBfsused": 20043, "%fsused": 7.77, "%ufsused": 71.62, "Ifree": 16338126, "Iused": 439090, "%Iused": 2.62}],
 "psi": {"psi-cpu": {"some_avg10": 3.55, "some_avg": 1.02}}}
], "restarts": [{"boot": {"date": "2026-11-24", "time": "10:00:00", "utc": 1, "cpu_count": 2}}]}]}}
`))
	f.Add([]byte(`{"x": ` + strings.Repeat("[", 70)))
	f.Add([]byte("{\"sysstat\": {\"x\": [\"\\\"[\"]}}\n"))
	f.Add([]byte(`{"a": 1}`))
	f.Add([]byte("\n"))
	f.Add([]byte(sadfHead + "INTR;CPU*\nweb1;600;1795515000;sum;300.00;100.00;200.00\n"))
	f.Add([]byte(sadfHead + "MOUNTPOINT;MBfsfree;MBfsused;%fsused;%ufsused;Ifree;Iused;%Iused\nweb1;600;2026-11-24 10:10:00 UTC;/;1;2;3;4;5;6;7\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		drain(t, "sadf", string(b), Options{})
	})
}
