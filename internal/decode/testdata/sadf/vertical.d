# hostname;interval;timestamp;CPU;%user;%nice;%system;%iowait;%steal;%idle
web1;2;2026-11-25 05:01:35 UTC;-1;2.02;0.00;13.38;2.02;0.00;82.58
web1;2;2026-11-25 05:01:35 UTC;0;1.51;0.00;2.01;0.00;0.00;96.48
web1;2;2026-11-25 05:01:35 UTC;1;2.54;0.00;24.87;4.06;0.00;68.53
web1;2;2026-11-25 05:01:37 UTC;-1;2.26;0.00;12.28;1.75;0.00;83.71
web1;2;2026-11-25 05:01:37 UTC;0;0.50;0.00;1.01;0.00;0.00;98.49
web1;2;2026-11-25 05:01:37 UTC;1;4.00;0.00;23.50;3.50;0.00;69.00
# hostname;interval;timestamp;kbmemfree;kbavail;kbmemused;%memused;kbbuffers;kbcached;kbcommit;%commit;kbactive;kbinact;kbdirty;kbanonpg;kbslab;kbkstack;kbpgtbl;kbvmused
web1;2;2026-11-25 05:01:35 UTC;23815088;24260812;101420;0.41;12824;595408;79884;0.32;461928;156700;6268;24324;159356;1408;1572;14204
web1;2;2026-11-25 05:01:37 UTC;23815412;24263188;99064;0.40;12824;597460;78852;0.32;461936;157820;128;23392;159336;1408;1444;14188
# hostname;interval;timestamp;kbswpfree;kbswpused;%swpused;kbswpcad;%swpcad
web1;2;2026-11-25 05:01:35 UTC;0;0;0.00;0;0.00
web1;2;2026-11-25 05:01:37 UTC;0;0;0.00;0;0.00
# hostname;interval;timestamp;runq-sz;plist-sz;ldavg-1;ldavg-5;ldavg-15;blocked
web1;2;2026-11-25 05:01:35 UTC;1;87;0.06;0.45;0.93;0
web1;2;2026-11-25 05:01:37 UTC;0;87;0.14;0.46;0.93;0
web1;-1;2026-11-25 05:01:37 UTC;LINUX-RESTART	(2 CPU)
# hostname;interval;timestamp;CPU;%user;%nice;%system;%iowait;%steal;%idle
web1;2;2026-11-25 05:01:39 UTC;-1;2.00;0.00;13.00;2.00;0.00;83.00
web1;2;2026-11-25 05:01:39 UTC;0;1.01;0.00;1.51;0.00;0.00;97.49
web1;2;2026-11-25 05:01:39 UTC;1;2.99;0.00;24.38;3.98;0.00;68.66
# hostname;interval;timestamp;kbmemfree;kbavail;kbmemused;%memused;kbbuffers;kbcached;kbcommit;%commit;kbactive;kbinact;kbdirty;kbanonpg;kbslab;kbkstack;kbpgtbl;kbvmused
web1;2;2026-11-25 05:01:39 UTC;23846156;24266336;96100;0.39;12000;570836;79884;0.32;447324;146032;2172;24332;159004;1408;1688;14204
# hostname;interval;timestamp;kbswpfree;kbswpused;%swpused;kbswpcad;%swpcad
web1;2;2026-11-25 05:01:39 UTC;0;0;0.00;0;0.00
# hostname;interval;timestamp;runq-sz;plist-sz;ldavg-1;ldavg-5;ldavg-15;blocked
web1;2;2026-11-25 05:01:39 UTC;1;87;0.14;0.46;0.93;0
