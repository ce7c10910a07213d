#!/usr/bin/env bash
# Virtual threads' cost to the agent (issue 22), on JDK 25: one evaluation of the default checks and one virtual-thread
# deadlock search at 0, 10,000 and 100,000 busy virtual threads, the paced search thread's and the scheduler sampler's
# share of a core, and the evidence's virtual-thread dump (VirtualThreadCost.java, inside a JVM running the agent).
# Usage: scripts/bench/vthreads.sh [N...]  (default 0 10000 100000; runs from bench.sh too, alone with
# BENCH_ONLY=vthreads scripts/bench.sh); prints a Markdown section. Needs a JDK 25: $JAVA25_HOME or /usr/lib/jvm/*25*.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
AGENT_JAR="$ROOT/agent/target/jvm-health-agent.jar"
SAMPLE_JAR="$ROOT/sample-target/target/sample-target.jar"
COUNTS=("$@"); ((${#COUNTS[@]})) || COUNTS=(0 10000 100000)
J25="${JAVA25_HOME:+$JAVA25_HOME/bin/java}"
if [[ -z "$J25" ]]; then
  for home in /usr/lib/jvm/*; do
    if grep -qs '^JAVA_VERSION="25' "$home/release" && [[ -x "$home/bin/java" ]]; then J25="$home/bin/java"; break; fi
  done
fi
echo "## Virtual threads (scripts/bench/vthreads.sh)"
echo
if [[ -z "$J25" ]]; then
  echo "Not measured: no JDK 25 found (set JAVA25_HOME)."
  exit 0
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
javac -cp "$AGENT_JAR:$SAMPLE_JAR" -d "$WORK" "$ROOT/scripts/bench/VirtualThreadCost.java" "$ROOT/scripts/bench/CallCpu.java"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
# VirtualThreadCost is its own agent too (its premain hands it an Instrumentation: the agent's own copy of
# AgentInstrumentation lives in the agent's loader, out of this program's sight).
printf 'Premain-Class: VirtualThreadCost\n' >"$WORK/vtc.mf"
jar cfm "$WORK/vtc.jar" "$WORK/vtc.mf" -C "$WORK" VirtualThreadCost.class
rows="$("$J25" -Xss512k -javaagent:"$WORK/vtc.jar" -javaagent:"$AGENT_JAR"=port=0,log=off,interval=1h -cp "$WORK:$AGENT_JAR:$SAMPLE_JAR" VirtualThreadCost "${COUNTS[@]}" \
  2>"$WORK/err")" || { cat "$WORK/err" >&2; exit 1; }
echo "$("$J25" -version 2>&1 | sed -n 2p); $(nproc) cores; load average (1, 5, 15 min) before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)."
echo "Busy virtual threads: 10,000 sleep 20-200 ms, 100,000 sleep 1-10 s, then each takes one of 16 monitors and one of 16"
echo "ReentrantLocks for a moment (sample-target's VirtualThreads.startBusy). The agent's evaluation runs at its default interval (5 s)."
echo
echo "| measure | figure | note |"
echo "| --- | --- | --- |"
echo "$rows"
