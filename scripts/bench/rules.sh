#!/usr/bin/env bash
# JMX rules cost (issue 9): one evaluation of 100 rules over 1,000 MBeans (RulesCost.java), and the
# resident memory that the presets add to a host without their libraries (sample-target idle,
# presets=none vs presets=all, interleaved, RSS read IDLE_MS after the agent serves).
# Usage: scripts/bench/rules.sh [RUNS]  (runs from bench.sh too); prints a Markdown section.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
AGENT_JAR="$ROOT/agent/target/jvm-health-agent.jar"
SAMPLE_JAR="$ROOT/sample-target/target/sample-target.jar"
RUNS="${1:-7}"
IDLE_MS=5000
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
javac -cp "$AGENT_JAR" -d "$WORK" "$ROOT/scripts/bench/RulesCost.java"
eval_line="$(java -cp "$WORK:$AGENT_JAR" RulesCost 300 2>"$WORK/rulescost.log")" || { cat "$WORK/rulescost.log" >&2; exit 1; }

rss() { # presets -> VmRSS in KiB of sample-target idle, IDLE_MS after the agent serves
  local err="$WORK/err-$1" pid kb
  java -javaagent:"$AGENT_JAR"=port=0,interval=1s,presets="$1" -jar "$SAMPLE_JAR" idle </dev/null >/dev/null 2>"$err" &
  pid=$!
  for _ in $(seq 1 200); do grep -q 'serving' "$err" 2>/dev/null && break; sleep 0.05; done
  sleep "$(awk -v ms=$IDLE_MS 'BEGIN { print ms / 1000 }')"
  kb="$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status")"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  printf '%s' "$kb"
}
none=(); all=()
for _ in $(seq 1 "$RUNS"); do none+=("$(rss none)"); all+=("$(rss all)"); done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
range() { printf '%s\n' "$@" | sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "-" hi }'; }
mn="$(median "${none[@]}")"; ma="$(median "${all[@]}")"
echo "## JMX rules (scripts/bench/rules.sh)"
echo
echo "Load average (1, 5, 15 min) at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores."
echo
echo "| measure | figure | target |"
echo "| --- | --- | --- |"
echo "| one evaluation, 100 rules over 1,000 MBeans: until every read is judged (ms) | $(echo "$eval_line" | sed -n 's/^rules_eval_wall_ms\t//p') | p50 <= 10 ms |"
echo "| the same: CPU of the jvm-health-jmx reader thread (ms) | $(echo "$eval_line" | sed -n 's/^rules_eval_reader_cpu_ms\t//p') | |"
echo "| the same: evaluator thread's CPU in the 100 evaluate() calls (ms) | $(echo "$eval_line" | sed -n 's/^rules_eval_evaluator_cpu_ms\t//p') | |"
echo "| RSS of sample-target idle, presets=none (KiB) | median $mn ($(range "${none[@]}")), $RUNS runs | |"
echo "| RSS of sample-target idle, presets=all (KiB) | median $ma ($(range "${all[@]}")), $RUNS runs | unchanged within noise |"
echo "| RSS added by the presets (KiB) | $((ma - mn)) (medians) | |"
