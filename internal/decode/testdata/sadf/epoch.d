# hostname;interval;timestamp;kbmemfree;kbavail;kbmemused;%memused;kbbuffers;kbcached;kbcommit;%commit;kbactive;kbinact;kbdirty;kbanonpg;kbslab;kbkstack;kbpgtbl;kbvmused
web1;2;1795582895;23815088;24260812;101420;0.41;12824;595408;79884;0.32;461928;156700;6268;24324;159356;1408;1572;14204
web1;2;1795582897;23815412;24263188;99064;0.40;12824;597460;78852;0.32;461936;157820;128;23392;159336;1408;1444;14188
# hostname;interval;timestamp;runq-sz;plist-sz;ldavg-1;ldavg-5;ldavg-15;blocked
web1;2;1795582895;1;87;0.06;0.45;0.93;0
web1;2;1795582897;0;87;0.14;0.46;0.93;0
web1;-1;1795582897;LINUX-RESTART	(2 CPU)
# hostname;interval;timestamp;kbmemfree;kbavail;kbmemused;%memused;kbbuffers;kbcached;kbcommit;%commit;kbactive;kbinact;kbdirty;kbanonpg;kbslab;kbkstack;kbpgtbl;kbvmused
web1;2;1795582899;23846156;24266336;96100;0.39;12000;570836;79884;0.32;447324;146032;2172;24332;159004;1408;1688;14204
# hostname;interval;timestamp;runq-sz;plist-sz;ldavg-1;ldavg-5;ldavg-15;blocked
web1;2;1795582899;1;87;0.14;0.46;0.93;0
