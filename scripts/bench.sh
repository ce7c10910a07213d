#!/usr/bin/env bash
# Overhead and speed of the JVM Health Agent side by side with what operators would use instead,
# in ONE run: no agent, an empty agent (the floor of agent loading), a minimal JDK-HttpServer floor
# agent, ours, the Jolokia JVM agent and Prometheus jmx_exporter. Writes
# scripts/bench-results/YYYY-MM-DD-HHMM.md (every metric as median (min-max) and as a ratio to the
# floor agent, then the targets of issue 5). Usage: scripts/bench.sh  (root on Debian installs what
# is missing; about 10 minutes on 2 cores for the comparison, plus about 25 for the agent's cost on real applications,
# scripts/bench/cost.sh, and the shutdown, vthreads and appservers blocks' own). Environment knobs, for quick development runs only:
#   BENCH_QUICK=1        fewer runs and shorter wrk runs (results not comparable with a full run)
#   BENCH_ONLY=connections  only what issue 11 measures (docs/connections.md): launches of none/floor/ours
#                        (threads, RSS), wrk on floor and ours, the many-address slow-client run; no update of docs/performance.md
#   BENCH_COST=0        leave out the agent's cost on real applications (scripts/bench/cost.sh, issue 24)
#   BENCH_ONLY=shutdown     only SIGTERM -> /ready 503 (issue 20, scripts/bench/shutdown.sh): 20 launches per line
#                        (SHUTDOWN_LAUNCHES), JDK 17 and 25, with and without shutdown.drain; printed, no report file
#   BENCH_ONLY=vthreads  only what issue 22 measures (docs/performance.md#virtual-threads): one evaluation and one
#                        virtual-thread deadlock search at 0, 10,000 and 100,000 virtual threads on JDK 25
#                        (scripts/bench/vthreads.sh), written to scripts/bench-results/*-vthreads.md; nothing else
#   BENCH_ONLY=appservers  only the readiness window on WildFly and Keycloak (issue 21, scripts/bench/appservers.sh):
#                        APPSERVERS_LAUNCHES (10) launches each by standalone.sh and kc.sh start-dev, the server and /ready
#                        asked every 1 ms; written to scripts/bench-results/*-appservers.md; about 10-20 minutes; unpacks the
#                        distributions (mvn -pl agent dependency:unpack@servers) when agent/target/servers lacks them
#   BENCH_APPSERVERS=0  leave that block out of a full run
#   JOLOKIA_VERSION, JMX_EXPORTER_VERSION   peer versions (default: the newest releases Maven Central lists,
#                                           Jolokia 2.x; 2.6.0 and 1.0.1 when the list cannot be read)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$ROOT/scripts/bench-work"
OUT_DIR="$ROOT/scripts/bench-results"
SRC="$ROOT/scripts/bench"
AGENT_JAR="$ROOT/agent/target/jvm-health-agent.jar"
SAMPLE_JAR="$ROOT/sample-target/target/sample-target.jar"

if [[ "${BENCH_QUICK:-0}" == 1 ]]; then
  HELLO_ROUNDS=3; HELLO_PER_ROUND=5; LAUNCH_RUNS=3; WRK_REPEATS=1; WRK_SECONDS=2; ATTACH_RUNS=3; EVAL_THREADS="100 1000 10000"
else
  HELLO_ROUNDS=5; HELLO_PER_ROUND=4; LAUNCH_RUNS=7; WRK_REPEATS=3; WRK_SECONDS=4; ATTACH_RUNS=5; EVAL_THREADS="100 1000 10000"
fi
IDLE_MS=5000          # RSS and threads are read this long after the launch
WRK_CONNECTIONS=8        # keep-alive, all from 127.0.0.1 (issue 11: no per-address cap any more)
WRK_CLOSE_CONNECTIONS=8  # Connection: close, a new connection per request (as the kubelet probes), also 8 at once
SLOW_ADDRESSES=400       # the many-address slow-client run: one half-sent connection from each of 127.0.0.2 upwards
SLOW_PROBES=100
WRK_THREADS=1

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [[ "${BENCH_ONLY:-}" == shutdown ]]; then # needs only java, javac and a package build
  exec "$SRC/shutdown.sh" "${SHUTDOWN_LAUNCHES:-20}"
fi

# --- tools ------------------------------------------------------------------------------------
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v curl >/dev/null || need+=(curl)
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || need+=(maven)
if ((${#need[@]})); then
  log "installing ${need[*]} with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

mkdir -p "$WORK" "$OUT_DIR"
LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
CLASSES="$WORK/classes"
rm -rf "$CLASSES"; mkdir -p "$CLASSES"

# --- artifacts ----------------------------------------------------------------------------------
if [[ ! -f "$AGENT_JAR" || ! -f "$SAMPLE_JAR" ]]; then
  log "building the agent and sample-target jars"
  (cd "$ROOT" && mvn -B -q -DskipTests install)
fi

# --- virtual threads (issue 22): self-contained; BENCH_ONLY=vthreads runs it alone -------------------------
if [[ "${BENCH_ONLY:-}" == vthreads ]]; then
  result="$OUT_DIR/$(date -u +%Y-%m-%d-%H%M)-vthreads.md"
  log "virtual threads: one evaluation and one deadlock search at 0, 10,000 and 100,000 virtual threads (JDK 25)"
  "$SRC/vthreads.sh" >"$result"
  log "wrote $result"
  cat "$result"
  exit 0
fi

# --- readiness window on WildFly and Keycloak (issue 21): self-contained; BENCH_ONLY=appservers runs it alone -------------
if [[ "${BENCH_ONLY:-}" == appservers ]]; then
  result="$OUT_DIR/$(date -u +%Y-%m-%d-%H%M)-appservers.md"
  log "readiness window on WildFly and Keycloak: ${APPSERVERS_LAUNCHES:-10} launches each (scripts/bench/appservers.sh)"
  "$SRC/appservers.sh" "${APPSERVERS_LAUNCHES:-10}" >"$result"
  log "wrote $result"
  cat "$result"
  exit 0
fi

fetch() { # groupId artifactId version [classifier] -> $WORK/<artifactId>-<version>[-classifier].jar
  local g="$1" a="$2" v="$3" c="${4:-}" file
  file="$WORK/$a-$v${c:+-$c}.jar"
  if [[ ! -f "$file" ]]; then
    log "downloading $g:$a:$v${c:+:$c} from Maven Central"
    (cd "$WORK" && mvn -B -q dependency:copy -Dartifact="$g:$a:$v:jar${c:+:$c}" -DoutputDirectory="$WORK" \
      -Dmdep.overWriteIfNewer=true >/dev/null)
  fi
  printf '%s' "$file"
}
newest() { # groupId artifactId range version-prefix fallback -> the newest release Maven Central lists in range
  local g="$1" a="$2" range="$3" prefix="$4" fallback="$5" meta v=""
  # Resolving a version range makes Maven fetch the artifact's version list into the local repository.
  (cd "$WORK" && mvn -B -q dependency:get -Dartifact="$g:$a:$range" -Dtransitive=false >/dev/null 2>&1) || true
  meta="$HOME/.m2/repository/${g//.//}/$a/maven-metadata-central.xml"
  if [[ -f "$meta" ]]; then
    v="$(grep -o "<version>$prefix[^<]*</version>" "$meta" | sed 's/<[^>]*>//g' \
      | grep -Eiv -- '-(rc|m[0-9]|alpha|beta|snapshot)' | sort -V | tail -n 1 || true)"
  fi
  printf '%s' "${v:-$fallback}"
}
JOLOKIA_VERSION="${JOLOKIA_VERSION:-$(newest org.jolokia jolokia-agent-jvm '[2.0,3.0)' 2. 2.6.0)}"
JMX_EXPORTER_VERSION="${JMX_EXPORTER_VERSION:-$(newest io.prometheus.jmx jmx_prometheus_javaagent '[0.1,)' '' 1.0.1)}"
log "peers: Jolokia $JOLOKIA_VERSION, jmx_exporter $JMX_EXPORTER_VERSION"
JOLOKIA_JAR="$(fetch org.jolokia jolokia-agent-jvm "$JOLOKIA_VERSION" javaagent)"
JMX_JAR="$(fetch io.prometheus.jmx jmx_prometheus_javaagent "$JMX_EXPORTER_VERSION")"
JMX_CONFIG="$WORK/jmx_exporter.yaml"
printf 'rules:\n  - pattern: ".*"\n' > "$JMX_CONFIG"

log "compiling the helpers in scripts/bench"
javac -d "$CLASSES" "$SRC/Hello.java" "$SRC/EmptyAgent.java" "$SRC/FloorAgent.java" "$SRC/Probe.java" "$SRC/Report.java" \
  "$SRC/SlowClients.java"
javac -cp "$AGENT_JAR" -d "$CLASSES" "$SRC/EvalCost.java" "$SRC/CallCpu.java"
printf 'Premain-Class: EmptyAgent\n' > "$WORK/empty.mf"
printf 'Premain-Class: FloorAgent\n' > "$WORK/floor.mf"
EMPTY_JAR="$WORK/empty-agent.jar"; FLOOR_JAR="$WORK/floor-agent.jar"
jar cfm "$EMPTY_JAR" "$WORK/empty.mf" -C "$CLASSES" EmptyAgent.class
jar cfm "$FLOOR_JAR" "$WORK/floor.mf" -C "$CLASSES" FloorAgent.class

JAVA="$(command -v java)"
PROBE=("$JAVA" -cp "$CLASSES" Probe)
RAW="$WORK/samples.tsv"; : > "$RAW"

# Agent option for each subject; {port} is replaced by a free port.
agent_opt() {
  case "$1" in
    none)    echo "" ;;
    empty)   echo "-javaagent:$EMPTY_JAR" ;;
    floor)   echo "-javaagent:$FLOOR_JAR={port}" ;;
    ours)    echo "-javaagent:$AGENT_JAR=port={port},host=127.0.0.1" ;;
    jolokia) echo "-javaagent:$JOLOKIA_JAR=port={port},host=127.0.0.1" ;;
    jmx)     echo "-javaagent:$JMX_JAR=127.0.0.1:{port}:$JMX_CONFIG" ;;
  esac
}
# The path each subject serves as its liveness answer and as its full health/metrics answer.
live_path() {
  case "$1" in floor|ours) echo /live ;; jolokia) echo /jolokia/version ;; jmx) echo /-/healthy ;; *) echo - ;; esac
}
health_path() {
  case "$1" in ours) echo /health ;; jolokia) echo /jolokia/read/java.lang:type=Memory/HeapMemoryUsage ;; jmx) echo /metrics ;; *) echo - ;; esac
}
SUBJECTS=(none empty floor ours jolokia jmx)
HTTP_SUBJECTS=(floor ours jolokia jmx)
ONLY_CONNECTIONS=0
if [[ "${BENCH_ONLY:-}" == connections ]]; then
  ONLY_CONNECTIONS=1; SUBJECTS=(none floor ours); HTTP_SUBJECTS=(floor ours)
fi

# --- 1. Hello start-up ----------------------------------------------------------------------------
# In rounds (every subject in turn, HELLO_PER_ROUND runs each) so that noise from other work on the
# machine spreads over all subjects instead of landing on one.
rm -f "$WORK"/hyperfine-*.json
((ONLY_CONNECTIONS)) && HELLO_ROUNDS=0 || log "Hello wall time: hyperfine, $((HELLO_ROUNDS * HELLO_PER_ROUND)) runs per subject in $HELLO_ROUNDS rounds"
for ((r = 1; r <= HELLO_ROUNDS; r++)); do
  hf=(hyperfine -N --style basic --warmup 1 --runs "$HELLO_PER_ROUND" --export-json "$WORK/hyperfine-$r.json")
  for s in "${SUBJECTS[@]}"; do
    port="$("${PROBE[@]}" freeport)"
    opt="$(agent_opt "$s")"; opt="${opt//\{port\}/$port}"
    hf+=(-n "$s" "$JAVA ${opt:+$opt }-cp $CLASSES Hello")
  done
  "${hf[@]}" >"$WORK/hyperfine.txt" 2>&1 || { cat "$WORK/hyperfine.txt" >&2; exit 1; }
done

# --- 2. launch to first 200, idle RSS and threads ---------------------------------------------------
log "launch to first 200, RSS and threads: $LAUNCH_RUNS rounds, each launching every subject once"
spec="$WORK/launch.spec"; : >"$spec"
for s in "${SUBJECTS[@]}"; do
  opt="$(agent_opt "$s")"
  # shellcheck disable=SC2086
  (IFS=$'\t'; printf '%s\n' "$s	$(live_path "$s")	$(printf '%s\t' "$JAVA" $opt -jar "$SAMPLE_JAR" idle | sed 's/\t$//')") >>"$spec"
done
"${PROBE[@]}" launch "$LAUNCH_RUNS" "$IDLE_MS" "$RAW" "$spec"

# --- 3. HTTP with wrk, host CPU per request ---------------------------------------------------------
latency_ms() { # wrk latency like 362.00us, 1.23ms, 2.00s -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.4f", n }'
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
CLK_TCK="$(getconf CLK_TCK)"

wrk_run() { # subject endpoint(live|health) mode(ka|close) url pid [record]
  local s="$1" ep="$2" mode="$3" url="$4" pid="$5" record="${6:-1}" out before after hdr=() c="$WRK_CONNECTIONS"
  [[ "$mode" == close ]] && hdr=(-H "Connection: close") && c="$WRK_CLOSE_CONNECTIONS"
  before="$(cpu_ticks "$pid")"
  out="$(wrk -t"$WRK_THREADS" -c"$c" -d"${WRK_SECONDS}s" --latency "${hdr[@]}" "$url" 2>&1)"
  after="$(cpu_ticks "$pid")"
  [[ "$record" == 1 ]] || return 0
  local rps requests p50 p99 errors
  rps="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")"
  requests="$(awk '/requests in/ { print $1 }' <<<"$out")"
  p50="$(latency_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")"
  p99="$(latency_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"
  errors="$(awk '/Socket errors/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } /Non-2xx/ { n += $NF } END { print n + 0 }' <<<"$out")"
  if [[ -z "$rps" || -z "$requests" || "$requests" == 0 ]]; then
    log "wrk failed for $s $url: $out"; return 0
  fi
  printf 'rps_%s_%s\t%s\t%s\n' "$ep" "$mode" "$s" "$rps" >>"$RAW"
  printf 'p50_%s_%s\t%s\t%s\n' "$ep" "$mode" "$s" "$p50" >>"$RAW"
  printf 'p99_%s_%s\t%s\t%s\n' "$ep" "$mode" "$s" "$p99" >>"$RAW"
  printf 'errors_%s_%s\t%s\t%s\n' "$ep" "$mode" "$s" "$errors" >>"$RAW"
  awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="$requests" -v k="cpu1k_${ep}_${mode}" -v s="$s" \
    'BEGIN { printf "%s\t%s\t%.2f\n", k, s, t * 1000 / hz / n * 1000 }' >>"$RAW"
}

# All four hosts run at once (idle when not measured); the wrk runs go round-robin over them so
# that noise from other work on the machine spreads over all subjects.
declare -A PID BASE
for s in "${HTTP_SUBJECTS[@]}"; do
  port="$("${PROBE[@]}" freeport)"
  opt="$(agent_opt "$s")"; opt="${opt//\{port\}/$port}"
  # shellcheck disable=SC2086
  "$JAVA" $opt -jar "$SAMPLE_JAR" idle </dev/null >"$WORK/host-$s.log" 2>&1 &
  PID[$s]=$!
  BASE[$s]="http://127.0.0.1:$port"
done
trap 'kill "${PID[@]}" 2>/dev/null || true' EXIT
for s in "${HTTP_SUBJECTS[@]}"; do
  if ! "${PROBE[@]}" wait "${BASE[$s]}$(live_path "$s")" 30000; then
    log "$s did not answer on ${BASE[$s]}$(live_path "$s")"; exit 1
  fi
done
sleep 1
log "wrk: $WRK_REPEATS rounds of ${WRK_SECONDS}s runs over every subject, endpoint and mode"
for s in "${HTTP_SUBJECTS[@]}"; do  # warm-up, not recorded
  for ep in live health; do
    path="$([[ $ep == live ]] && live_path "$s" || health_path "$s")"
    [[ "$path" == - ]] || wrk_run "$s" "$ep" ka "${BASE[$s]}$path" "${PID[$s]}" 0
  done
done
for ((r = 0; r < WRK_REPEATS; r++)); do
  for ep in live health; do
    for mode in ka close; do
      for s in "${HTTP_SUBJECTS[@]}"; do
        path="$([[ $ep == live ]] && live_path "$s" || health_path "$s")"
        [[ "$path" == - ]] || wrk_run "$s" "$ep" "$mode" "${BASE[$s]}$path" "${PID[$s]}"
      done
    done
  done
done
# The many-address slow-client run (issue 11): floor and ours, each while the others idle.
for s in floor ours; do
  log "slow clients: $SLOW_ADDRESSES addresses holding half-sent heads, $SLOW_PROBES probes of $s"
  "$JAVA" -cp "$CLASSES" SlowClients "${BASE[$s]}" "$(live_path "$s")" "$SLOW_ADDRESSES" "$SLOW_PROBES" "$RAW" "$s" \
    2>>"$WORK/slow-clients.log" || log "slow-client run failed for $s (see $WORK/slow-clients.log)"
done
kill "${PID[@]}" 2>/dev/null || true
wait 2>/dev/null || true
trap - EXIT

# --- 4. one evaluation's CPU time -------------------------------------------------------------------
if ((ONLY_CONNECTIONS)); then EVAL_THREADS=""; ATTACH_RUNS=0; fi
[[ -z "$EVAL_THREADS" ]] || log "one evaluation's CPU time at $EVAL_THREADS threads"
# shellcheck disable=SC2086
[[ -z "$EVAL_THREADS" ]] || "$JAVA" -Xss256k -cp "$CLASSES:$AGENT_JAR" EvalCost "$RAW" $EVAL_THREADS 2>"$WORK/evalcost.log" || { cat "$WORK/evalcost.log" >&2; exit 1; }

# --- 4b. the resource checks one by one, and evidence's idle cost (issue 10) ----------------------------
# Printed and kept in $WORK (not in the report's table): CPU and bytes per evaluate() of memory, fds and
# cpu, then the agent's threads and RSS at idle with evidence on (its watchdog thread) and off.
log "resource checks (memory, fds, cpu): CPU and allocation per evaluate(); evidence's idle cost"
javac -cp "$AGENT_JAR" -d "$CLASSES" "$SRC/ResourceCost.java"
"$JAVA" -cp "$CLASSES:$AGENT_JAR" ResourceCost 5000 | tee "$WORK/resourcecost.log" >&2
"$SRC/idle-evidence.sh" 3 | tee -a "$WORK/resourcecost.log" >&2

# --- 5. attach to first 200 -------------------------------------------------------------------------
# grep without -q reads to the end: with -q it would exit at the match, unzip would die of SIGPIPE, and
# pipefail would turn the pipeline into a failure
if ((ATTACH_RUNS == 0)); then
  :
elif unzip -l "$AGENT_JAR" 2>/dev/null | grep 'io/jvmhealth/agent/cli/Cli.class' >/dev/null; then
  log "attach to first 200: $ATTACH_RUNS runs"
  "${PROBE[@]}" attach "$ATTACH_RUNS" "$RAW" "$AGENT_JAR" -- "$JAVA" -jar "$SAMPLE_JAR" idle
else
  log "attach: the attach CLI (io.jvmhealth.agent.cli.Cli) is not in the jar: reported as n/a"
  printf 'attach_ms\tours\tNA\n' >>"$RAW"
fi

# --- 6. startup gates on Spring Boot (issue 8) ------------------------------------------------------
# A real Spring Boot web application (sample-target/frameworks' SpringHost), built here; SPRING_RUNS rounds of one launch
# without and one with the agent: time to the application's first answer, the readiness window, RSS
# (scripts/bench/SpringWindow.java). 30 rounds: one launch alone varies by 5-10 % on two busy cores, and the cost is
# judged against 3 % by the median of the rounds' ratios, with its bootstrap interval.
SPRING_RUNS="${SPRING_RUNS:-$([[ "${BENCH_QUICK:-0}" == 1 ]] && echo 3 || echo 30)}"
SPRING_MD="$WORK/spring.md"; : >"$SPRING_MD"
FRAMEWORKS="$ROOT/sample-target/frameworks/target"
if [[ ! -f "$FRAMEWORKS/classpath.txt" ]]; then
  log "building the Spring Boot host (sample-target/frameworks)"
  (cd "$ROOT" && mvn -B -q -DskipTests install -pl :gate-hosts -am)
fi
log "startup gates on Spring Boot: $SPRING_RUNS rounds of a launch without and one with the agent"
javac -d "$CLASSES" "$SRC/SpringWindow.java" "$SRC/Medians.java"
"$JAVA" -cp "$CLASSES" SpringWindow "$JAVA" "$AGENT_JAR" \
  "$FRAMEWORKS/gate-hosts.jar:$(cat "$FRAMEWORKS/classpath.txt")" "$SPRING_RUNS" >"$SPRING_MD" \
  || { log "the Spring Boot gate benchmark failed"; echo "## Startup gates on Spring Boot: failed (see the log)" >"$SPRING_MD"; }

# --- report -----------------------------------------------------------------------------------------
stamp="$(date -u +%Y-%m-%d-%H%M)$( ((ONLY_CONNECTIONS)) && echo -connections || true)"
result="$OUT_DIR/$stamp.md"
mem_gb="$(awk '/MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)"
jdk="$("$JAVA" -version 2>&1 | sed -n 2p)"
cpu="$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
{
  echo "# Benchmark $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`$( ((ONLY_CONNECTIONS)) && echo 'BENCH_ONLY=connections ')scripts/bench.sh\`$([[ "${BENCH_QUICK:-0}" == 1 ]] && echo ' (BENCH_QUICK=1: fewer runs, not comparable)')."
  echo "Machine: $(nproc) cores ($cpu), ${mem_gb} GiB memory, $jdk; $(uname -sr)."
  echo "Peers: Jolokia JVM agent $JOLOKIA_VERSION (javaagent), jmx_exporter javaagent $JMX_EXPORTER_VERSION; agent commit $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)."
  echo "Load average (1, 5, 15 min) at the start: $LOAD_AT_START; at the end: $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine: other work ran beside the benchmark)."
  echo "One run's medians on this machine: Hello $((HELLO_ROUNDS * HELLO_PER_ROUND)) runs per subject ($HELLO_ROUNDS rounds over all subjects), $LAUNCH_RUNS launches of"
  echo "sample-target per subject in rounds (first 200 polled every 1 ms; RSS and threads read ${IDLE_MS} ms after launch), wrk"
  echo "$WRK_REPEATS rounds x ${WRK_SECONDS} s per subject, endpoint and mode with $WRK_THREADS thread: keep-alive with $WRK_CONNECTIONS connections, and"
  echo "\`Connection: close\` (a new connection per request, as the kubelet probes) with $WRK_CLOSE_CONNECTIONS; host CPU from /proc/PID/stat."
  echo "Peers' paths: /live is Jolokia's \`/jolokia/version\` and jmx_exporter's \`/-/healthy\`; /health is Jolokia's"
  echo "\`/jolokia/read/java.lang:type=Memory/HeapMemoryUsage\` and jmx_exporter's \`/metrics\`; the floor agent has /live only."
  echo
  hfj=("$WORK"/hyperfine-*.json); [[ -e "${hfj[0]}" ]] || hfj=()
  "$JAVA" -cp "$CLASSES" Report "$RAW" "${hfj[@]}"
  echo
  cat "$SPRING_MD"
} >"$result"
# --- JMX rules (issue 9): self-contained, appended to the result --------------------------------------
log "JMX rules: 100 rules over 1,000 MBeans, RSS with presets"
"$SRC/rules.sh" "$LAUNCH_RUNS" >>"$result" || log "JMX rules block failed (see above)"
# --- the agent's cost on real applications (issue 24): self-contained, appended to the result -------------------------
# A large Spring Boot application (built here from scripts/bench/large-spring), the generated host at 5,000 / 20,000 /
# 50,000 classes, and RSS added by gates that need bytecode; about 25 minutes on 2 cores with the default rounds
# (LARGE_ROUNDS, GEN_ROUNDS, GATE_ROUNDS, COST_PARTS: see scripts/bench/cost.sh). BENCH_COST=0 leaves it out.
if [[ "${BENCH_COST:-1}" == 1 ]] && ((ONLY_CONNECTIONS == 0)); then
  log "the agent's cost on real applications (scripts/bench/cost.sh)"
  if [[ "${BENCH_QUICK:-0}" == 1 ]]; then
    export LARGE_ROUNDS="${LARGE_ROUNDS:-3}" GEN_ROUNDS="${GEN_ROUNDS:-2}" GATE_ROUNDS="${GATE_ROUNDS:-2}"
  fi
  "$SRC/cost.sh" >>"$result" || log "the cost block failed (see scripts/bench-work/cost.log)"
fi
# --- SIGTERM -> /ready 503 (issue 20): self-contained, appended to the result ------------------------
if ((ONLY_CONNECTIONS == 0)); then
  log "SIGTERM -> /ready 503: ${SHUTDOWN_LAUNCHES:-20} launches per line"
  { echo; "$SRC/shutdown.sh" "${SHUTDOWN_LAUNCHES:-20}"; } >>"$result" || log "the shutdown block failed (see above)"
fi
# --- virtual threads (issue 22): self-contained, appended to the result ----------------------------------
if ((ONLY_CONNECTIONS == 0)); then
  log "virtual threads: one evaluation and one deadlock search at 0, 10,000 and 100,000 virtual threads (JDK 25)"
  { echo; "$SRC/vthreads.sh"; } >>"$result" || log "virtual threads block failed (see above)"
fi
# --- readiness window on WildFly and Keycloak (issue 21): self-contained, appended to the result ---------------------
if ((ONLY_CONNECTIONS == 0)) && [[ "${BENCH_APPSERVERS:-1}" == 1 ]]; then
  log "readiness window on WildFly and Keycloak: ${APPSERVERS_LAUNCHES:-10} launches each"
  { echo; "$SRC/appservers.sh" "${APPSERVERS_LAUNCHES:-10}"; } >>"$result" || log "the appservers block failed (see above)"
fi
cp "$RAW" "$WORK/samples-$stamp.tsv"
log "wrote $result"
# docs/performance.md shows the latest full run (between the bench-table markers).
PAGE="$ROOT/docs/performance.md"
if [[ "${BENCH_QUICK:-0}" != 1 ]] && ((ONLY_CONNECTIONS == 0)) && grep -q '^<!-- /bench-table -->' "$PAGE"; then
  awk -v table="$result" '
    /^<!-- bench-table/ { print; while ((getline line < table) > 0) if (line !~ /^# /) print line; skip = 1; next }
    /^<!-- \/bench-table -->/ { skip = 0 }
    !skip { print }' "$PAGE" >"$WORK/performance.md" && cat "$WORK/performance.md" >"$PAGE"
  log "docs/performance.md: the last full run's table updated"
fi
cat "$result"
