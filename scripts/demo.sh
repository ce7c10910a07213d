#!/usr/bin/env bash
# The agent on a demo host, end to end: build what is missing, start sample-target with the agent,
# show what each endpoint answers, make two threads deadlock, watch /live turn 503, clean up.
#   scripts/demo.sh            the agent starts with the JVM (-javaagent)
#   scripts/demo.sh --attach   sample-target starts without it; `java -jar jvm-health-agent.jar attach PID` loads it
# Needs: a JDK (17+) and Maven for the build; nothing else (HTTP is spoken with bash's /dev/tcp).
set -euo pipefail
MODE=javaagent
[ "${1:-}" = "--attach" ] && MODE=attach
cd "$(dirname "$0")/.."

AGENT=agent/target/jvm-health-agent.jar
SAMPLE=sample-target/target/sample-target.jar
INTERVAL=${INTERVAL:-1s}

needs_build() {
  [ -f "$AGENT" ] && [ -f "$SAMPLE" ] || return 0
  [ -n "$(find agent/src/main sample-target/src/main pom.xml agent/pom.xml sample-target/pom.xml -newer "$AGENT" -print -quit)" ]
}
if needs_build; then
  echo "== building the agent and sample-target (mvn -B -q -DskipTests package)"
  mvn -B -q -DskipTests package
fi

work=$(mktemp -d)
pid=""
cleanup() {
  exec 3>&- 2>/dev/null || true
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

mkfifo "$work/stdin"
if [ "$MODE" = javaagent ]; then
  echo "== java -javaagent:$AGENT=port=0,interval=$INTERVAL -jar $SAMPLE work"
  java -javaagent:"$AGENT"=port=0,interval=$INTERVAL -jar "$SAMPLE" work <"$work/stdin" >"$work/stdout" 2>"$work/stderr" &
else
  echo "== java -jar $SAMPLE work    (no agent yet)"
  java -jar "$SAMPLE" work <"$work/stdin" >"$work/stdout" 2>"$work/stderr" &
fi
pid=$!
exec 3>"$work/stdin"   # keeps sample-target's stdin open; commands are written here

url=""
if [ "$MODE" = attach ]; then
  for _ in $(seq 1 100); do grep -q "sample-target started" "$work/stdout" 2>/dev/null && break; sleep 0.1; done
  echo "== java -jar $AGENT attach $pid port=0,interval=$INTERVAL"
  url=$(java -jar "$AGENT" attach "$pid" "port=0,interval=$INTERVAL")
  echo "   $url"
fi
for _ in $(seq 1 200); do
  [ -n "$url" ] && break
  url=$(grep -o 'http://[^ ]*/' "$work/stderr" 2>/dev/null | head -n 1 || true)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "sample-target exited:"; cat "$work/stderr"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "the agent did not report its URL:"; cat "$work/stderr"; exit 1; }
hostport=${url#http://}; hostport=${hostport%/}
host=${hostport%:*}; port=${hostport##*:}

# GET with bash's /dev/tcp; prints "STATUS BODY"
get() {
  exec 4<>"/dev/tcp/$host/$port"
  printf 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$1" "$hostport" >&4
  local response; response=$(cat <&4); exec 4<&-
  local status; status=$(printf '%s' "$response" | head -n 1 | cut -d' ' -f2)
  printf '%s %s\n' "$status" "${response##*$'\r\n\r\n'}"
}

echo "== sample-target (pid $pid) runs with the agent; the agent's line on its stderr:"
grep '^\[jvm-health\]' "$work/stderr" | sed 's/^/   /'
for _ in $(seq 1 100); do [ "$(get /started | cut -d' ' -f1)" = 200 ] && break; sleep 0.1; done
for path in /live /ready /started /health; do
  echo; echo "== GET $url${path#/}"
  get "$path" | sed 's/^/   /'
done
for path in '/ready?verbose' /health/heap; do
  echo; echo "== GET $url${path#/}"
  get "$path" | sed 's/^/   /'
done
echo; echo "== GET ${url}metrics (Prometheus text format; the first 12 lines)"
get /metrics > "$work/metrics"   # whole, then cut: head closing a pipe would end the demo (SIGPIPE under pipefail)
head -n 12 "$work/metrics" | sed 's/^/   /'

echo; echo "== making threads deadlock-a and deadlock-b deadlock (sample-target command: deadlock monitor)"
echo "deadlock monitor" >&3
start=$(date +%s%N)
status=""
for _ in $(seq 1 150); do
  answer=$(get /live); status=${answer%% *}
  [ "$status" = 503 ] && break
  sleep 0.1
done
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
echo "== GET ${url}live answered $status after ${elapsed} ms (interval $INTERVAL):"
echo "$answer" | sed 's/^/   /'
echo; echo "== GET ${url}live?verbose"
get '/live?verbose' | sed 's/^/   /'
echo; echo "== the agent logged the change on stderr:"
grep "check 'deadlock'" "$work/stderr" | sed 's/^/   /' || true
# The evidence block (docs/evidence.md) is written off the evaluator thread: wait for its END line.
for _ in $(seq 1 50); do grep -q 'END evidence' "$work/stderr" && break; sleep 0.1; done
echo; echo "== and the evidence a restart would erase (the first 16 of its $(sed -n '/BEGIN evidence/,/END evidence/p' "$work/stderr" | wc -l) lines):"
sed -n '/BEGIN evidence/,/END evidence/p' "$work/stderr" > "$work/evidence"
head -n 16 "$work/evidence" | sed 's/^/   /'

echo "exit 0" >&3
wait "$pid" 2>/dev/null || true
pid=""
echo; echo "== sample-target stopped; its stdout was:"
sed 's/^/   /' "$work/stdout"
[ "$status" = 503 ] || { echo "FAILED: /live did not turn 503"; exit 1; }
