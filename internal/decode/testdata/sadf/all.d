# hostname;interval;timestamp;CPU;%usr;%nice;%sys;%iowait;%steal;%irq;%soft;%guest;%gnice;%idle
web1;2;2026-11-25 05:01:35 UTC;-1;2.02;0.00;13.38;2.02;0.00;0.00;0.00;0.00;0.00;82.58
web1;2;2026-11-25 05:01:35 UTC;0;1.51;0.00;2.01;0.00;0.00;0.00;0.00;0.00;0.00;96.48
web1;2;2026-11-25 05:01:35 UTC;1;2.54;0.00;24.87;4.06;0.00;0.00;0.00;0.00;0.00;68.53
web1;2;2026-11-25 05:01:37 UTC;-1;2.26;0.00;12.28;1.75;0.00;0.00;0.00;0.00;0.00;83.71
web1;2;2026-11-25 05:01:37 UTC;0;0.50;0.00;1.01;0.00;0.00;0.00;0.00;0.00;0.00;98.49
web1;2;2026-11-25 05:01:37 UTC;1;4.00;0.00;23.50;3.50;0.00;0.00;0.00;0.00;0.00;69.00
# hostname;interval;timestamp;proc/s;cswch/s
web1;2;2026-11-25 05:01:35 UTC;27.00;503.50
web1;2;2026-11-25 05:01:37 UTC;26.50;433.00
# hostname;interval;timestamp;INTR;CPU*
web1;2;2026-11-25 05:01:35 UTC;sum;453.00;198.00;255.00
web1;2;2026-11-25 05:01:35 UTC;24;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;25;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;26;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;28;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;29;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;30;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;31;0.50;0.00;0.50
web1;2;2026-11-25 05:01:35 UTC;32;0.50;0.50;0.00
web1;2;2026-11-25 05:01:35 UTC;33;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;34;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;35;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;36;44.50;0.00;44.50
web1;2;2026-11-25 05:01:35 UTC;37;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;38;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;39;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;40;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;41;1.50;1.50;0.00
web1;2;2026-11-25 05:01:35 UTC;42;3.50;0.00;3.50
web1;2;2026-11-25 05:01:35 UTC;43;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;NMI;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;LOC;329.00;151.50;177.50
web1;2;2026-11-25 05:01:35 UTC;SPU;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;PMI;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;IWI;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;RTR;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;RES;13.50;5.50;8.00
web1;2;2026-11-25 05:01:35 UTC;CAL;47.50;33.00;14.50
web1;2;2026-11-25 05:01:35 UTC;TLB;12.50;6.00;6.50
web1;2;2026-11-25 05:01:35 UTC;TRM;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;HYP;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;ERR;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;MIS;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;PIN;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;NPI;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;PIW;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;sum;384.00;146.00;238.00
web1;2;2026-11-25 05:01:37 UTC;24;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;25;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;26;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;28;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;29;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;30;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;31;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;32;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;33;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;34;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;35;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;36;27.50;0.00;27.50
web1;2;2026-11-25 05:01:37 UTC;37;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;38;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;39;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;40;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;41;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;42;0.50;0.00;0.50
web1;2;2026-11-25 05:01:37 UTC;43;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;NMI;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;LOC;298.00;112.50;185.50
web1;2;2026-11-25 05:01:37 UTC;SPU;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;PMI;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;IWI;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;RTR;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;RES;14.00;4.50;9.50
web1;2;2026-11-25 05:01:37 UTC;CAL;33.50;23.00;10.50
web1;2;2026-11-25 05:01:37 UTC;TLB;10.50;6.00;4.50
web1;2;2026-11-25 05:01:37 UTC;TRM;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;HYP;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;ERR;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;MIS;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;PIN;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;NPI;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;PIW;0.00;0.00;0.00
# hostname;interval;timestamp;pswpin/s;pswpout/s
web1;2;2026-11-25 05:01:35 UTC;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;0.00;0.00
# hostname;interval;timestamp;pgpgin/s;pgpgout/s;fault/s;majflt/s;pgfree/s;pgscank/s;pgscand/s;pgsteal/s;%vmeff
web1;2;2026-11-25 05:01:35 UTC;1850.00;53278.00;8260.50;12.50;19272.50;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;0.00;57372.00;7823.50;0.00;19171.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;tps;rtps;wtps;dtps;bread/s;bwrtn/s;bdscd/s
web1;2;2026-11-25 05:01:35 UTC;218.50;185.00;27.00;6.50;3700.00;106556.00;106496.00
web1;2;2026-11-25 05:01:37 UTC;34.50;0.00;28.00;6.50;0.00;114744.00;106496.00
# hostname;interval;timestamp;kbmemfree;kbavail;kbmemused;%memused;kbbuffers;kbcached;kbcommit;%commit;kbactive;kbinact;kbdirty;kbanonpg;kbslab;kbkstack;kbpgtbl;kbvmused
web1;2;2026-11-25 05:01:35 UTC;23815088;24260812;101420;0.41;12824;595408;79884;0.32;461928;156700;6268;24324;159356;1408;1572;14204
web1;2;2026-11-25 05:01:37 UTC;23815412;24263188;99064;0.40;12824;597460;78852;0.32;461936;157820;128;23392;159336;1408;1444;14188
# hostname;interval;timestamp;kbswpfree;kbswpused;%swpused;kbswpcad;%swpcad
web1;2;2026-11-25 05:01:35 UTC;0;0;0.00;0;0.00
web1;2;2026-11-25 05:01:37 UTC;0;0;0.00;0;0.00
# hostname;interval;timestamp;kbhugfree;kbhugused;%hugused;kbhugrsvd;kbhugsurp
web1;2;2026-11-25 05:01:35 UTC;0;0;0.00;0;0
web1;2;2026-11-25 05:01:37 UTC;0;0;0.00;0;0
# hostname;interval;timestamp;dentunusd;file-nr;inode-nr;pty-nr
web1;2;2026-11-25 05:01:35 UTC;93146;457;67043;0
web1;2;2026-11-25 05:01:37 UTC;93147;455;67044;0
# hostname;interval;timestamp;runq-sz;plist-sz;ldavg-1;ldavg-5;ldavg-15;blocked
web1;2;2026-11-25 05:01:35 UTC;1;87;0.06;0.45;0.93;0
web1;2;2026-11-25 05:01:37 UTC;0;87;0.14;0.46;0.93;0
# hostname;interval;timestamp;TTY;rcvin/s;xmtin/s;framerr/s;prtyerr/s;brk/s;ovrun/s
web1;2;2026-11-25 05:01:35 UTC;0;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;0;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;DEV;tps;rkB/s;wkB/s;dkB/s;areq-sz;aqu-sz;await;%util
web1;2;2026-11-25 05:01:35 UTC;vda;218.50;1850.00;53278.00;53248.00;496.00;0.20;0.92;4.60
web1;2;2026-11-25 05:01:37 UTC;vda;34.50;0.00;57372.00;53248.00;3206.38;0.08;2.26;4.20
# hostname;interval;timestamp;IFACE;rxpck/s;txpck/s;rxkB/s;txkB/s;rxcmp/s;txcmp/s;rxmcst/s;%ifutil
web1;2;2026-11-25 05:01:35 UTC;lo;85.00;85.00;8.99;8.99;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;ifb0;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;ifb1;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;eth0;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;lo;78.00;78.00;8.32;8.32;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;ifb0;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;ifb1;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;eth0;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;IFACE;rxerr/s;txerr/s;coll/s;rxdrop/s;txdrop/s;txcarr/s;rxfram/s;rxfifo/s;txfifo/s
web1;2;2026-11-25 05:01:35 UTC;lo;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;ifb0;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;ifb1;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:35 UTC;eth0;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;lo;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;ifb0;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;ifb1;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;eth0;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;call/s;retrans/s;read/s;write/s;access/s;getatt/s
web1;2;2026-11-25 05:01:35 UTC;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;scall/s;badcall/s;packet/s;udp/s;tcp/s;hit/s;miss/s;sread/s;swrite/s;saccess/s;sgetatt/s
web1;2;2026-11-25 05:01:35 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;totsck;tcpsck;udpsck;rawsck;ip-frag;tcp-tw
web1;2;2026-11-25 05:01:35 UTC;13;2;0;0;0;16
web1;2;2026-11-25 05:01:37 UTC;13;2;0;0;0;29
# hostname;interval;timestamp;irec/s;fwddgm/s;idel/s;orq/s;asmrq/s;asmok/s;fragok/s;fragcrt/s
web1;2;2026-11-25 05:01:35 UTC;85.00;0.00;85.00;85.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;78.00;0.00;78.00;78.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;ihdrerr/s;iadrerr/s;iukwnpr/s;idisc/s;odisc/s;onort/s;asmf/s;fragf/s
web1;2;2026-11-25 05:01:35 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;imsg/s;omsg/s;iech/s;iechr/s;oech/s;oechr/s;itm/s;itmr/s;otm/s;otmr/s;iadrmk/s;iadrmkr/s;oadrmk/s;oadrmkr/s
web1;2;2026-11-25 05:01:35 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;ierr/s;oerr/s;idstunr/s;odstunr/s;itmex/s;otmex/s;iparmpb/s;oparmpb/s;isrcq/s;osrcq/s;iredir/s;oredir/s
web1;2;2026-11-25 05:01:35 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;active/s;passive/s;iseg/s;oseg/s
web1;2;2026-11-25 05:01:35 UTC;7.00;7.00;85.00;85.00
web1;2;2026-11-25 05:01:37 UTC;6.50;6.50;78.00;78.00
# hostname;interval;timestamp;atmptf/s;estres/s;retrans/s;isegerr/s;orsts/s
web1;2;2026-11-25 05:01:35 UTC;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;idgm/s;odgm/s;noport/s;idgmerr/s
web1;2;2026-11-25 05:01:35 UTC;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;tcp6sck;udp6sck;raw6sck;ip6-frag
web1;2;2026-11-25 05:01:35 UTC;0;0;0;0
web1;2;2026-11-25 05:01:37 UTC;0;0;0;0
# hostname;interval;timestamp;irec6/s;fwddgm6/s;idel6/s;orq6/s;asmrq6/s;asmok6/s;imcpck6/s;omcpck6/s;fragok6/s;fragcr6/s
web1;2;2026-11-25 05:01:35 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;ihdrer6/s;iadrer6/s;iukwnp6/s;i2big6/s;idisc6/s;odisc6/s;inort6/s;onort6/s;asmf6/s;fragf6/s;itrpck6/s
web1;2;2026-11-25 05:01:35 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;imsg6/s;omsg6/s;iech6/s;iechr6/s;oechr6/s;igmbq6/s;igmbr6/s;ogmbr6/s;igmbrd6/s;ogmbrd6/s;irtsol6/s;ortsol6/s;irtad6/s;inbsol6/s;onbsol6/s;inbad6/s;onbad6/s
web1;2;2026-11-25 05:01:35 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;ierr6/s;idtunr6/s;odtunr6/s;itmex6/s;otmex6/s;iprmpb6/s;oprmpb6/s;iredir6/s;oredir6/s;ipck2b6/s;opck2b6/s
web1;2;2026-11-25 05:01:35 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;idgm6/s;odgm6/s;noport6/s;idgmer6/s
web1;2;2026-11-25 05:01:35 UTC;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;CPU;total/s;dropd/s;squeezd/s;rx_rps/s;flw_lim/s;blg_len
web1;2;2026-11-25 05:01:35 UTC;-1;85.00;0.00;0.00;0.00;0.00;0
web1;2;2026-11-25 05:01:35 UTC;0;37.00;0.00;0.00;0.00;0.00;0
web1;2;2026-11-25 05:01:35 UTC;1;48.00;0.00;0.00;0.00;0.00;0
web1;2;2026-11-25 05:01:37 UTC;-1;78.00;0.00;0.00;0.00;0.00;0
web1;2;2026-11-25 05:01:37 UTC;0;27.00;0.00;0.00;0.00;0.00;0
web1;2;2026-11-25 05:01:37 UTC;1;51.00;0.00;0.00;0.00;0.00;0
# hostname;interval;timestamp;CPU;MHz
web1;2;2026-11-25 05:01:35 UTC;-1;2596.14
web1;2;2026-11-25 05:01:35 UTC;0;2596.14
web1;2;2026-11-25 05:01:35 UTC;1;2596.14
web1;2;2026-11-25 05:01:37 UTC;-1;2596.14
web1;2;2026-11-25 05:01:37 UTC;0;2596.14
web1;2;2026-11-25 05:01:37 UTC;1;2596.14
# hostname;interval;timestamp;FILESYSTEM;MBfsfree;MBfsused;%fsused;%ufsused;Ifree;Iused;%Iused
web1;2;2026-11-25 05:01:35 UTC;/dev/vda;237962;20058;7.77;71.63;16337689;439527;2.62
web1;2;2026-11-25 05:01:37 UTC;/dev/vda;237960;20060;7.77;71.63;16337689;439527;2.62
# hostname;interval;timestamp;%scpu-10;%scpu-60;%scpu-300;%scpu
web1;2;2026-11-25 05:01:35 UTC;0.18;0.51;4.09;1.50
web1;2;2026-11-25 05:01:37 UTC;0.32;0.52;4.07;1.47
# hostname;interval;timestamp;%sio-10;%sio-60;%sio-300;%sio;%fio-10;%fio-60;%fio-300;%fio
web1;2;2026-11-25 05:01:35 UTC;0.54;0.15;0.39;3.57;0.54;0.14;0.34;3.49
web1;2;2026-11-25 05:01:37 UTC;0.98;0.25;0.41;3.67;0.98;0.24;0.36;3.59
# hostname;interval;timestamp;%smem-10;%smem-60;%smem-300;%smem;%fmem-10;%fmem-60;%fmem-300;%fmem
web1;2;2026-11-25 05:01:35 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;-1;2026-11-25 05:01:37 UTC;LINUX-RESTART	(2 CPU)
# hostname;interval;timestamp;CPU;%usr;%nice;%sys;%iowait;%steal;%irq;%soft;%guest;%gnice;%idle
web1;2;2026-11-25 05:01:39 UTC;-1;2.00;0.00;12.50;2.00;0.00;0.00;0.50;0.00;0.00;83.00
web1;2;2026-11-25 05:01:39 UTC;0;1.01;0.00;1.01;0.00;0.00;0.00;0.50;0.00;0.00;97.49
web1;2;2026-11-25 05:01:39 UTC;1;2.99;0.00;23.88;3.98;0.00;0.00;0.50;0.00;0.00;68.66
# hostname;interval;timestamp;proc/s;cswch/s
web1;2;2026-11-25 05:01:39 UTC;27.50;451.50
# hostname;interval;timestamp;INTR;CPU*
web1;2;2026-11-25 05:01:39 UTC;sum;412.00;177.50;234.50
web1;2;2026-11-25 05:01:39 UTC;24;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;25;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;26;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;28;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;29;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;30;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;31;0.50;0.00;0.50
web1;2;2026-11-25 05:01:39 UTC;32;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;33;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;34;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;35;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;36;30.50;0.00;30.50
web1;2;2026-11-25 05:01:39 UTC;37;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;38;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;39;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;40;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;41;0.50;0.50;0.00
web1;2;2026-11-25 05:01:39 UTC;42;1.00;0.00;1.00
web1;2;2026-11-25 05:01:39 UTC;43;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;NMI;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;LOC;316.50;138.00;178.50
web1;2;2026-11-25 05:01:39 UTC;SPU;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;PMI;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;IWI;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;RTR;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;RES;10.00;4.00;6.00
web1;2;2026-11-25 05:01:39 UTC;CAL;40.00;28.00;12.00
web1;2;2026-11-25 05:01:39 UTC;TLB;13.00;7.00;6.00
web1;2;2026-11-25 05:01:39 UTC;TRM;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;HYP;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;ERR;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;MIS;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;PIN;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;NPI;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;PIW;0.00;0.00;0.00
# hostname;interval;timestamp;pswpin/s;pswpout/s
web1;2;2026-11-25 05:01:39 UTC;0.00;0.00
# hostname;interval;timestamp;pgpgin/s;pgpgout/s;fault/s;majflt/s;pgfree/s;pgscank/s;pgscand/s;pgsteal/s;%vmeff
web1;2;2026-11-25 05:01:39 UTC;102.00;53274.00;8302.00;3.50;23018.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;tps;rtps;wtps;dtps;bread/s;bwrtn/s;bdscd/s
web1;2;2026-11-25 05:01:39 UTC;38.50;5.50;26.00;7.00;204.00;106548.00;114688.00
# hostname;interval;timestamp;kbmemfree;kbavail;kbmemused;%memused;kbbuffers;kbcached;kbcommit;%commit;kbactive;kbinact;kbdirty;kbanonpg;kbslab;kbkstack;kbpgtbl;kbvmused
web1;2;2026-11-25 05:01:39 UTC;23846156;24266336;96100;0.39;12000;570836;79884;0.32;447324;146032;2172;24332;159004;1408;1688;14204
# hostname;interval;timestamp;kbswpfree;kbswpused;%swpused;kbswpcad;%swpcad
web1;2;2026-11-25 05:01:39 UTC;0;0;0.00;0;0.00
# hostname;interval;timestamp;kbhugfree;kbhugused;%hugused;kbhugrsvd;kbhugsurp
web1;2;2026-11-25 05:01:39 UTC;0;0;0.00;0;0
# hostname;interval;timestamp;dentunusd;file-nr;inode-nr;pty-nr
web1;2;2026-11-25 05:01:39 UTC;93147;457;67044;0
# hostname;interval;timestamp;runq-sz;plist-sz;ldavg-1;ldavg-5;ldavg-15;blocked
web1;2;2026-11-25 05:01:39 UTC;1;87;0.14;0.46;0.93;0
# hostname;interval;timestamp;TTY;rcvin/s;xmtin/s;framerr/s;prtyerr/s;brk/s;ovrun/s
web1;2;2026-11-25 05:01:39 UTC;0;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;DEV;tps;rkB/s;wkB/s;dkB/s;areq-sz;aqu-sz;await;%util
web1;2;2026-11-25 05:01:39 UTC;vda;38.50;102.00;53274.00;57344.00;2875.84;0.07;1.91;4.80
# hostname;interval;timestamp;IFACE;rxpck/s;txpck/s;rxkB/s;txkB/s;rxcmp/s;txcmp/s;rxmcst/s;%ifutil
web1;2;2026-11-25 05:01:39 UTC;lo;84.00;84.00;8.96;8.96;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;ifb0;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;ifb1;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;eth0;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;IFACE;rxerr/s;txerr/s;coll/s;rxdrop/s;txdrop/s;txcarr/s;rxfram/s;rxfifo/s;txfifo/s
web1;2;2026-11-25 05:01:39 UTC;lo;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;ifb0;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;ifb1;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
web1;2;2026-11-25 05:01:39 UTC;eth0;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;call/s;retrans/s;read/s;write/s;access/s;getatt/s
web1;2;2026-11-25 05:01:39 UTC;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;scall/s;badcall/s;packet/s;udp/s;tcp/s;hit/s;miss/s;sread/s;swrite/s;saccess/s;sgetatt/s
web1;2;2026-11-25 05:01:39 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;totsck;tcpsck;udpsck;rawsck;ip-frag;tcp-tw
web1;2;2026-11-25 05:01:39 UTC;13;2;0;0;0;43
# hostname;interval;timestamp;irec/s;fwddgm/s;idel/s;orq/s;asmrq/s;asmok/s;fragok/s;fragcrt/s
web1;2;2026-11-25 05:01:39 UTC;84.00;0.00;84.00;84.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;ihdrerr/s;iadrerr/s;iukwnpr/s;idisc/s;odisc/s;onort/s;asmf/s;fragf/s
web1;2;2026-11-25 05:01:39 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;imsg/s;omsg/s;iech/s;iechr/s;oech/s;oechr/s;itm/s;itmr/s;otm/s;otmr/s;iadrmk/s;iadrmkr/s;oadrmk/s;oadrmkr/s
web1;2;2026-11-25 05:01:39 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;ierr/s;oerr/s;idstunr/s;odstunr/s;itmex/s;otmex/s;iparmpb/s;oparmpb/s;isrcq/s;osrcq/s;iredir/s;oredir/s
web1;2;2026-11-25 05:01:39 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;active/s;passive/s;iseg/s;oseg/s
web1;2;2026-11-25 05:01:39 UTC;7.00;7.00;84.00;84.00
# hostname;interval;timestamp;atmptf/s;estres/s;retrans/s;isegerr/s;orsts/s
web1;2;2026-11-25 05:01:39 UTC;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;idgm/s;odgm/s;noport/s;idgmerr/s
web1;2;2026-11-25 05:01:39 UTC;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;tcp6sck;udp6sck;raw6sck;ip6-frag
web1;2;2026-11-25 05:01:39 UTC;0;0;0;0
# hostname;interval;timestamp;irec6/s;fwddgm6/s;idel6/s;orq6/s;asmrq6/s;asmok6/s;imcpck6/s;omcpck6/s;fragok6/s;fragcr6/s
web1;2;2026-11-25 05:01:39 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;ihdrer6/s;iadrer6/s;iukwnp6/s;i2big6/s;idisc6/s;odisc6/s;inort6/s;onort6/s;asmf6/s;fragf6/s;itrpck6/s
web1;2;2026-11-25 05:01:39 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;imsg6/s;omsg6/s;iech6/s;iechr6/s;oechr6/s;igmbq6/s;igmbr6/s;ogmbr6/s;igmbrd6/s;ogmbrd6/s;irtsol6/s;ortsol6/s;irtad6/s;inbsol6/s;onbsol6/s;inbad6/s;onbad6/s
web1;2;2026-11-25 05:01:39 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;ierr6/s;idtunr6/s;odtunr6/s;itmex6/s;otmex6/s;iprmpb6/s;oprmpb6/s;iredir6/s;oredir6/s;ipck2b6/s;opck2b6/s
web1;2;2026-11-25 05:01:39 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;idgm6/s;odgm6/s;noport6/s;idgmer6/s
web1;2;2026-11-25 05:01:39 UTC;0.00;0.00;0.00;0.00
# hostname;interval;timestamp;CPU;total/s;dropd/s;squeezd/s;rx_rps/s;flw_lim/s;blg_len
web1;2;2026-11-25 05:01:39 UTC;-1;84.00;0.00;0.00;0.00;0.00;0
web1;2;2026-11-25 05:01:39 UTC;0;32.00;0.00;0.00;0.00;0.00;0
web1;2;2026-11-25 05:01:39 UTC;1;52.00;0.00;0.00;0.00;0.00;0
# hostname;interval;timestamp;CPU;MHz
web1;2;2026-11-25 05:01:39 UTC;-1;2596.14
web1;2;2026-11-25 05:01:39 UTC;0;2596.14
web1;2;2026-11-25 05:01:39 UTC;1;2596.14
# hostname;interval;timestamp;FILESYSTEM;MBfsfree;MBfsused;%fsused;%ufsused;Ifree;Iused;%Iused
web1;2;2026-11-25 05:01:39 UTC;/dev/vda;237966;20054;7.77;71.63;16337689;439527;2.62
# hostname;interval;timestamp;%scpu-10;%scpu-60;%scpu-300;%scpu
web1;2;2026-11-25 05:01:39 UTC;0.45;0.54;4.05;1.64
# hostname;interval;timestamp;%sio-10;%sio-60;%sio-300;%sio;%fio-10;%fio-60;%fio-300;%fio
web1;2;2026-11-25 05:01:39 UTC;1.35;0.34;0.43;3.55;1.35;0.33;0.37;3.48
# hostname;interval;timestamp;%smem-10;%smem-60;%smem-300;%smem;%fmem-10;%fmem-60;%fmem-300;%fmem
web1;2;2026-11-25 05:01:39 UTC;0.00;0.00;0.00;0.00;0.00;0.00;0.00;0.00
