package report

import "strings"

// sysstatOrder is sysstat's activities as sadf -j names them, in the
// order sar -A prints them: the groups of sysstat.* series.
var sysstatOrder = []string{
	"cpu", "task", "interrupts", "swap-pages", "paging", "io", "memory", "swap", "hugepages", "kernel",
	"queue", "serial", "disk", "net-dev", "net-edev", "net-nfs", "net-nfsd", "net-sock", "net-ip", "net-eip",
	"net-icmp", "net-eicmp", "net-tcp", "net-etcp", "net-udp", "net-sock6", "net-ip6", "net-eip6",
	"net-icmp6", "net-eicmp6", "net-udp6", "softnet", "net-fc", "power", "filesystems", "psi",
}

// sysstatFields are the fields each activity prints, as sadf -d heads
// its columns, named as sm-store --from sadf names them: a leading %
// a trailing _pct, /s _per_s, other characters _ (%steal is steal_pct,
// rxpck/s rxpck_per_s). Older sysstat's names are there too.
var sysstatFields = map[string]string{
	"cpu":         "usr_pct nice_pct sys_pct iowait_pct steal_pct irq_pct soft_pct guest_pct gnice_pct idle_pct user_pct system_pct",
	"task":        "proc_per_s cswch_per_s",
	"interrupts":  "intr_per_s",
	"swap-pages":  "pswpin_per_s pswpout_per_s",
	"paging":      "pgpgin_per_s pgpgout_per_s fault_per_s majflt_per_s pgfree_per_s pgscank_per_s pgscand_per_s pgsteal_per_s vmeff_pct",
	"io":          "tps rtps wtps dtps bread_per_s bwrtn_per_s bdscd_per_s",
	"memory":      "kbmemfree kbavail kbmemused memused_pct kbbuffers kbcached kbcommit commit_pct kbactive kbinact kbdirty kbanonpg kbslab kbkstack kbpgtbl kbvmused",
	"swap":        "kbswpfree kbswpused swpused_pct kbswpcad swpcad_pct",
	"hugepages":   "kbhugfree kbhugused hugused_pct kbhugrsvd kbhugsurp",
	"kernel":      "dentunusd file_nr inode_nr pty_nr",
	"queue":       "runq_sz plist_sz ldavg_1 ldavg_5 ldavg_15 blocked",
	"serial":      "rcvin_per_s xmtin_per_s framerr_per_s prtyerr_per_s brk_per_s ovrun_per_s",
	"disk":        "rkB_per_s wkB_per_s dkB_per_s areq_sz aqu_sz await util_pct rd_sec_per_s wr_sec_per_s dc_sec_per_s avgrq_sz avgqu_sz svctm",
	"net-dev":     "rxpck_per_s txpck_per_s rxkB_per_s txkB_per_s rxcmp_per_s txcmp_per_s rxmcst_per_s ifutil_pct",
	"net-edev":    "rxerr_per_s txerr_per_s coll_per_s rxdrop_per_s txdrop_per_s txcarr_per_s rxfram_per_s rxfifo_per_s txfifo_per_s",
	"net-nfs":     "call_per_s nfs_retrans_per_s read_per_s write_per_s access_per_s getatt_per_s",
	"net-nfsd":    "scall_per_s badcall_per_s packet_per_s udp_per_s tcp_per_s hit_per_s miss_per_s sread_per_s swrite_per_s saccess_per_s sgetatt_per_s",
	"net-sock":    "totsck tcpsck udpsck rawsck ip_frag tcp_tw",
	"net-ip":      "irec_per_s fwddgm_per_s idel_per_s orq_per_s asmrq_per_s asmok_per_s fragok_per_s fragcrt_per_s",
	"net-eip":     "ihdrerr_per_s iadrerr_per_s iukwnpr_per_s idisc_per_s odisc_per_s onort_per_s asmf_per_s fragf_per_s",
	"net-icmp":    "imsg_per_s omsg_per_s iech_per_s iechr_per_s oech_per_s oechr_per_s itm_per_s itmr_per_s otm_per_s otmr_per_s iadrmk_per_s iadrmkr_per_s oadrmk_per_s oadrmkr_per_s",
	"net-eicmp":   "ierr_per_s oerr_per_s idstunr_per_s odstunr_per_s itmex_per_s otmex_per_s iparmpb_per_s oparmpb_per_s isrcq_per_s osrcq_per_s iredir_per_s oredir_per_s",
	"net-tcp":     "active_per_s passive_per_s iseg_per_s oseg_per_s",
	"net-etcp":    "atmptf_per_s estres_per_s retrans_per_s isegerr_per_s orsts_per_s",
	"net-udp":     "idgm_per_s odgm_per_s noport_per_s idgmerr_per_s",
	"net-sock6":   "tcp6sck udp6sck raw6sck ip6_frag",
	"net-ip6":     "irec6_per_s fwddgm6_per_s idel6_per_s orq6_per_s asmrq6_per_s asmok6_per_s imcpck6_per_s omcpck6_per_s fragok6_per_s fragcr6_per_s",
	"net-eip6":    "ihdrer6_per_s iadrer6_per_s iukwnp6_per_s i2big6_per_s idisc6_per_s odisc6_per_s inort6_per_s onort6_per_s asmf6_per_s fragf6_per_s itrpck6_per_s",
	"net-icmp6":   "imsg6_per_s omsg6_per_s iech6_per_s iechr6_per_s oechr6_per_s igmbq6_per_s igmbr6_per_s ogmbr6_per_s igmbrd6_per_s ogmbrd6_per_s irtsol6_per_s ortsol6_per_s irtad6_per_s inbsol6_per_s onbsol6_per_s inbad6_per_s onbad6_per_s",
	"net-eicmp6":  "ierr6_per_s idtunr6_per_s odtunr6_per_s itmex6_per_s otmex6_per_s iprmpb6_per_s oprmpb6_per_s iredir6_per_s oredir6_per_s ipck2b6_per_s opck2b6_per_s",
	"net-udp6":    "idgm6_per_s odgm6_per_s noport6_per_s idgmer6_per_s",
	"softnet":     "total_per_s dropd_per_s squeezd_per_s rx_rps_per_s flw_lim_per_s blg_len",
	"net-fc":      "fch_rxf_per_s fch_txf_per_s fch_rxw_per_s fch_txw_per_s",
	"power":       "MHz rpm drpm degC temp_pct inV in_pct",
	"filesystems": "MBfsfree MBfsused fsused_pct ufsused_pct Ifree Iused Iused_pct",
	"psi": "scpu_10_pct scpu_60_pct scpu_300_pct scpu_pct sio_10_pct sio_60_pct sio_300_pct sio_pct " +
		"fio_10_pct fio_60_pct fio_300_pct fio_pct smem_10_pct smem_60_pct smem_300_pct smem_pct " +
		"fmem_10_pct fmem_60_pct fmem_300_pct fmem_pct",
}

// sysstatActivity maps a field to its activity, built from
// sysstatFields.
var sysstatActivityOf = func() map[string]string {
	m := map[string]string{}
	for act, fields := range sysstatFields {
		for _, f := range strings.Fields(fields) {
			m[f] = act
		}
	}
	return m
}()

// sysstatActivity returns the activity of sysstat.FIELD with its tags,
// "other" for a field it does not know. A field's name says it, but
// for tps, which the io activity and the disk one both print: a device
// tag says disk.
func sysstatActivity(field string, tags map[string]string) string {
	if _, ok := tags["device"]; ok && field == "tps" {
		return "disk"
	}
	if act, ok := sysstatActivityOf[field]; ok {
		return act
	}
	return "other"
}
