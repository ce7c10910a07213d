#!/usr/bin/env bash
# SIGTERM -> /ready 503 (issue 20): LAUNCHES launches per line of a host whose shutdown takes a while
# (ShutdownHost wait, its hook sleeping 1 s), on JDK 17 and JDK 25, with and without shutdown.drain
# (scripts/bench/ShutdownLatency.java). Prints a Markdown section. Target: median <= 20 ms, max <= 50 ms.
# Usage: scripts/bench/shutdown.sh [LAUNCHES]   (after a package build; also run by scripts/bench.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LAUNCHES="${1:-20}"
WORK="$ROOT/scripts/bench-work/shutdown"
mkdir -p "$WORK"
AGENT_JAR="$ROOT/agent/target/jvm-health-agent.jar"
HOSTS="$ROOT/sample-target/frameworks/target"
CP="$HOSTS/gate-hosts.jar"
JAVA17="$(command -v java)"
JAVA25="${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
if [[ ! -f "$AGENT_JAR" || ! -f "$CP" ]]; then
  echo "build first: mvn -B -DskipTests package (needs $AGENT_JAR and $CP)" >&2
  exit 1
fi
javac -d "$WORK" "$ROOT/scripts/bench/ShutdownLatency.java"
echo "## SIGTERM -> /ready 503 (issue 20)"
echo
echo "$LAUNCHES launches per line of sample-target/frameworks' ShutdownHost (\`wait\`; its own shutdown hook sleeps 1 s), agent"
echo "\`port=0,interval=5s\`. *Published*: the agent's /health/history time of /ready 200 -> 503 minus the epoch ms just before"
echo "SIGTERM (1 ms resolution). *Seen*: the first 503 at a thread asking /ready in a tight loop, minus System.nanoTime just"
echo "before SIGTERM. *Host hook*: when the host's own shutdown hook ran (the JDK's part of the path). Target: median <= 20 ms,"
echo "max <= 50 ms. Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| JVM | launches | published median | published max | seen median | seen max | host hook median / max | exit codes |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
"$JAVA17" -cp "$WORK" ShutdownLatency "$JAVA17" "$AGENT_JAR" "$CP" "$LAUNCHES" "JDK 17" ""
if [[ -x "$JAVA25" ]]; then
  "$JAVA25" -cp "$WORK" ShutdownLatency "$JAVA25" "$AGENT_JAR" "$CP" "$LAUNCHES" "JDK 25" ""
  "$JAVA25" -cp "$WORK" ShutdownLatency "$JAVA25" "$AGENT_JAR" "$CP" "$LAUNCHES" "JDK 25, shutdown.drain=200ms" "shutdown.drain=200ms"
else
  echo "| JDK 25 | not installed ($JAVA25) | | | | | | |"
fi
"$JAVA17" -cp "$WORK" ShutdownLatency "$JAVA17" "$AGENT_JAR" "$CP" "$LAUNCHES" "JDK 17, shutdown.drain=200ms" "shutdown.drain=200ms"
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
