#!/usr/bin/env bash
# Issue 11's before/after: wrk against the agent built from another commit (BEFORE_JAR) and this
# worktree's agent, 8 connections from 127.0.0.1, keep-alive and Connection: close, ROUNDS rounds of
# SECONDS s, interleaved so that the machine's other load falls on both. Usage:
#   scripts/bench/connections-before-after.sh BEFORE_JAR [ROUNDS] [SECONDS]
# Build BEFORE_JAR without touching the worktree, e.g.:
#   git archive 4ef102f | tar -x -C /tmp/before && (cd /tmp/before && mvn -B -q -o package -DskipTests -pl agent -am)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BEFORE_JAR="$1"; ROUNDS="${2:-3}"; SECONDS_EACH="${3:-4}"
AFTER_JAR="$ROOT/agent/target/jvm-health-agent.jar"
SAMPLE_JAR="$ROOT/sample-target/target/sample-target.jar"
declare -A PID URL
start() { # name jar
  local log="/tmp/connections-$1.log"
  java -javaagent:"$2"=port=0,host=127.0.0.1 -jar "$SAMPLE_JAR" idle </dev/null >/dev/null 2>"$log" &
  PID[$1]=$!
  for _ in $(seq 1 200); do
    URL[$1]="$(grep -o 'http://[0-9.:]*/' "$log" | head -1 || true)"
    [[ -n "${URL[$1]}" ]] && return 0
    sleep 0.05
  done
  echo "$1 did not start: $(cat "$log")" >&2; exit 1
}
start before "$BEFORE_JAR"; start after "$AFTER_JAR"
trap 'kill "${PID[@]}" 2>/dev/null || true' EXIT
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
for s in before after; do wrk -t1 -c8 -d2s "${URL[$s]}live" >/dev/null; done  # warm-up
printf 'round\tagent\tmode\treq/s\tp99\tsocket errors\thost CPU ms per 1,000 requests\n'
for ((r = 1; r <= ROUNDS; r++)); do
  for mode in ka close; do
    for s in before after; do
      hdr=(); [[ $mode == close ]] && hdr=(-H "Connection: close")
      a="$(ticks "${PID[$s]}")"
      out="$(wrk -t1 -c8 -d"${SECONDS_EACH}s" --latency "${hdr[@]}" "${URL[$s]}live" 2>&1)"
      b="$(ticks "${PID[$s]}")"
      n="$(awk '/requests in/ { print $1 }' <<<"$out")"
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$s" "$mode" "$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")" \
        "$(awk '$1 == "99%" { print $2 }' <<<"$out")" \
        "$(awk '/Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$out")" \
        "$(awk -v t=$((b - a)) -v hz="$(getconf CLK_TCK)" -v n="$n" 'BEGIN { printf "%.0f", t * 1000 / hz / n * 1000 }')"
    done
  done
done
for s in before after; do
  printf '%s: threads named jvm-health-*: %s\n' "$s" "$(cat /proc/"${PID[$s]}"/task/*/comm | grep -c '^jvm-health-' || true)"
done
