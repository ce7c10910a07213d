#!/usr/bin/env bash
# Idle cost of evidence: the agent's threads and the host's RSS 5 s after launch, with evidence on
# (the default: a jvm-health-watchdog thread) and with evidence=off, sample-target idle, N rounds
# (default 5) interleaved. Usage: scripts/bench/idle-evidence.sh [ROUNDS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
AGENT_JAR="$ROOT/agent/target/jvm-health-agent.jar"
SAMPLE_JAR="$ROOT/sample-target/target/sample-target.jar"
ROUNDS="${1:-5}"
for r in $(seq "$ROUNDS"); do
  for opt in "port=0" "port=0,evidence=off"; do
    java -javaagent:"$AGENT_JAR=$opt" -jar "$SAMPLE_JAR" idle </dev/null >/dev/null 2>&1 &
    pid=$!
    sleep 5   # a fixed idle period, as scripts/bench.sh's IDLE_MS
    rss_kb="$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")"
    all="$(ls "/proc/$pid/task" | wc -l)"
    ours="$(cat /proc/$pid/task/*/comm | grep -c '^jvm-health' || true)"
    names="$(cat /proc/$pid/task/*/comm | grep '^jvm-health' | sort | tr '\n' ' ')"
    printf 'round %s\t%-22s\trss_kb %s\tthreads %s\tagent threads %s: %s\n' "$r" "$opt" "$rss_kb" "$all" "$ours" "$names"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done
