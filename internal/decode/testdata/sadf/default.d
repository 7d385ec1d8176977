# hostname;interval;timestamp;CPU;%user;%nice;%system;%iowait;%steal;%idle
web1;2;2026-11-25 05:01:35 UTC;-1;2.02;0.00;13.38;2.02;0.00;82.58
web1;2;2026-11-25 05:01:37 UTC;-1;2.26;0.00;12.28;1.75;0.00;83.71
# hostname;interval;timestamp;pswpin/s;pswpout/s
web1;2;2026-11-25 05:01:35 UTC;0.00;0.00
web1;2;2026-11-25 05:01:37 UTC;0.00;0.00
# hostname;interval;timestamp;kbmemfree;kbavail;kbmemused;%memused;kbbuffers;kbcached;kbcommit;%commit;kbactive;kbinact;kbdirty
web1;2;2026-11-25 05:01:35 UTC;23815088;24260812;101420;0.41;12824;595408;79884;0.32;461928;156700;6268
web1;2;2026-11-25 05:01:37 UTC;23815412;24263188;99064;0.40;12824;597460;78852;0.32;461936;157820;128
# hostname;interval;timestamp;kbswpfree;kbswpused;%swpused;kbswpcad;%swpcad
web1;2;2026-11-25 05:01:35 UTC;0;0;0.00;0;0.00
web1;2;2026-11-25 05:01:37 UTC;0;0;0.00;0;0.00
# hostname;interval;timestamp;runq-sz;plist-sz;ldavg-1;ldavg-5;ldavg-15;blocked
web1;2;2026-11-25 05:01:35 UTC;1;87;0.06;0.45;0.93;0
web1;2;2026-11-25 05:01:37 UTC;0;87;0.14;0.46;0.93;0
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
# hostname;interval;timestamp;MOUNTPOINT;MBfsfree;MBfsused;%fsused;%ufsused;Ifree;Iused;%Iused
web1;2;2026-11-25 05:01:35 UTC;/;237962;20058;7.77;71.63;16337689;439527;2.62
web1;2;2026-11-25 05:01:37 UTC;/;237960;20060;7.77;71.63;16337689;439527;2.62
web1;-1;2026-11-25 05:01:37 UTC;LINUX-RESTART	(2 CPU)
# hostname;interval;timestamp;CPU;%user;%nice;%system;%iowait;%steal;%idle
web1;2;2026-11-25 05:01:39 UTC;-1;2.00;0.00;13.00;2.00;0.00;83.00
# hostname;interval;timestamp;pswpin/s;pswpout/s
web1;2;2026-11-25 05:01:39 UTC;0.00;0.00
# hostname;interval;timestamp;kbmemfree;kbavail;kbmemused;%memused;kbbuffers;kbcached;kbcommit;%commit;kbactive;kbinact;kbdirty
web1;2;2026-11-25 05:01:39 UTC;23846156;24266336;96100;0.39;12000;570836;79884;0.32;447324;146032;2172
# hostname;interval;timestamp;kbswpfree;kbswpused;%swpused;kbswpcad;%swpcad
web1;2;2026-11-25 05:01:39 UTC;0;0;0.00;0;0.00
# hostname;interval;timestamp;runq-sz;plist-sz;ldavg-1;ldavg-5;ldavg-15;blocked
web1;2;2026-11-25 05:01:39 UTC;1;87;0.14;0.46;0.93;0
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
# hostname;interval;timestamp;MOUNTPOINT;MBfsfree;MBfsused;%fsused;%ufsused;Ifree;Iused;%Iused
web1;2;2026-11-25 05:01:39 UTC;/;237966;20054;7.77;71.63;16337689;439527;2.62
