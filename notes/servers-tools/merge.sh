#!/bin/bash
# merge.sh NAME: timeline by wall clock, relative to the server JVM start
N=$1
{
grep -v "domain appeared\|WFLYSRV0039\|WFLYSRV0027" probe-$N.log | sed -n 's/^ *[0-9]* ms (wall \([0-9]*\)) \(.*\)/\1 PROBE \2/p'
sed -n 's/^\[watch\] wall=\([0-9]*\) up=[0-9]* \(.*\)/\1 WATCH \2/p' watch-$N.log
sed -n 's/^\([0-9]\{13\}\) \(CLI.*\)/\1 \2/p' cli-$N.log 2>/dev/null
} | sort -n > merged-$N.txt
S=$(grep -m1 "script started" merged-$N.txt | cut -d' ' -f1)
J=$(grep -m1 "server JVM pid" merged-$N.txt | sed 's/.*started at +\([0-9]*\) ms.*/\1/')
T0=$((S + J))
awk -v t0=$T0 '{ printf "%7d %s\n", $1 - t0, substr($0, 15) }' merged-$N.txt | sed 's/\x1b\[[0-9;]*m//g' | cut -c1-230
