#!/bin/sh
# Remakes the rrdtool dumps and exports in this folder (rrdtool 1.7.2).
# The RRD files themselves are binary and machine-dependent, so only
# their XML is kept.
set -e
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# gauge: one DS, step 60, a fine and a coarse AVERAGE archive and a MAX
# one; minutes 8 to 10 unknown (U), so that some rows are NaN.
rrdtool create "$tmp/gauge.rrd" --start 1000000000 --step 60 \
	DS:temp:GAUGE:120:U:U \
	RRA:AVERAGE:0.5:1:5 RRA:AVERAGE:0.5:3:4 RRA:MAX:0.5:3:4
for i in $(seq 1 20); do
	v=$i
	[ "$i" -ge 8 ] && [ "$i" -le 10 ] && v=U
	rrdtool update "$tmp/gauge.rrd" $((1000000000 + i * 60)):$v
done
rrdtool dump "$tmp/gauge.rrd" >gauge.xml
rrdtool xport --showtime --start 1000000500 --end 1000001200 \
	DEF:a="$tmp/gauge.rrd":temp:AVERAGE XPORT:a:"temp" >gauge-xport.xml

# munin: Munin's layout (one DS named 42, step 300, AVERAGE, MIN and
# MAX at 1, 6, 24 and 288 steps a row), with fewer rows than Munin's
# 576, 432, 540 and 450, over five days of a sawtooth.
rrdtool create "$tmp/munin.rrd" --start 1764028800 --step 300 \
	DS:42:GAUGE:600:U:U \
	RRA:AVERAGE:0.5:1:12 RRA:MIN:0.5:1:12 RRA:MAX:0.5:1:12 \
	RRA:AVERAGE:0.5:6:8 RRA:MIN:0.5:6:8 RRA:MAX:0.5:6:8 \
	RRA:AVERAGE:0.5:24:6 RRA:MIN:0.5:24:6 RRA:MAX:0.5:24:6 \
	RRA:AVERAGE:0.5:288:4 RRA:MIN:0.5:288:4 RRA:MAX:0.5:288:4
t=1764028800
args=
for i in $(seq 1 1440); do
	args="$args $((t + i * 300)):$((i % 12))"
	if [ $((i % 144)) -eq 0 ]; then
		rrdtool update "$tmp/munin.rrd" $args
		args=
	fi
done
rrdtool dump "$tmp/munin.rrd" >munin.xml

# collectd: if_octets with DERIVE counters rx and tx, step 10, and
# memory with one GAUGE named value; collectd's AVERAGE, MIN and MAX
# at 1 and 8 steps a row (1200 rows each in collectd, 12 and 6 here).
rrdtool create "$tmp/if_octets.rrd" --start 1764028800 --step 10 \
	DS:rx:DERIVE:20:0:U DS:tx:DERIVE:20:0:U \
	RRA:AVERAGE:0.1:1:12 RRA:MIN:0.1:1:12 RRA:MAX:0.1:1:12 \
	RRA:AVERAGE:0.1:8:6 RRA:MIN:0.1:8:6 RRA:MAX:0.1:8:6
rrdtool create "$tmp/memory-used.rrd" --start 1764028800 --step 10 \
	DS:value:GAUGE:20:0:U \
	RRA:AVERAGE:0.1:1:12 RRA:MIN:0.1:1:12 RRA:MAX:0.1:1:12 \
	RRA:AVERAGE:0.1:8:6 RRA:MIN:0.1:8:6 RRA:MAX:0.1:8:6
rx=0 tx=0
for i in $(seq 1 60); do
	rx=$((rx + 1000 * i)) tx=$((tx + 250 * i))
	rrdtool update "$tmp/if_octets.rrd" $((1764028800 + i * 10)):$rx:$tx
	rrdtool update "$tmp/memory-used.rrd" $((1764028800 + i * 10)):$((400000000 + i * 4096))
done
rrdtool dump "$tmp/if_octets.rrd" >if_octets.xml
rrdtool dump "$tmp/memory-used.rrd" >memory-used.xml
rrdtool xport --start 1764029200 --end 1764029400 \
	DEF:rx="$tmp/if_octets.rrd":rx:AVERAGE DEF:tx="$tmp/if_octets.rrd":tx:AVERAGE \
	XPORT:rx:"rx" XPORT:tx:"tx" >if_octets-xport.xml
