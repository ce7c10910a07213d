#!/usr/bin/env bash
# The GC death-spiral matrix: the sample target's GC workloads (sample-target GcPressure) under every collector on
# JDK 17 and JDK 25, per-second figures from scripts/hangs/GcFigures.java. Output: one file per run in OUT (default
# /tmp/gc-matrix). Usage: scripts/hangs/gc-matrix.sh [SECONDS] [HEAP] [OUT]
set -u
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN=${1:-60}
HEAP=${2:-256m}
OUT=${3:-/tmp/gc-matrix}
mkdir -p "$OUT"
CP=sample-target/target/classes
declare -A JDK=([17]=/usr/lib/jvm/java-17-openjdk-amd64/bin/java [25]=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
for v in 17 25; do
  for gc in G1 Parallel Serial Z Shenandoah; do
    for case in "spiral 0.90" "spiral 0.80" "alloc 0"; do
      set -- $case
      f="$OUT/jdk$v-$gc-$1-$2.tsv"
      nice -n 5 timeout $((SECONDS_PER_RUN + 60)) "${JDK[$v]}" -Xmx$HEAP -Xms$HEAP -XX:+Use${gc}GC -cp $CP scripts/hangs/GcFigures.java "$1" "$2" 2 "$SECONDS_PER_RUN" > "$f" 2>&1
      echo "$(date +%T) $f exit $?"
    done
  done
done
