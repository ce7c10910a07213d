#!/usr/bin/env bash
# The agent's cost on real applications (issue 24), measured side by side with scripts/bench/FirstAnswer.java (rounds of
# one launch per variant, the order rotating; medians, the 90 % interval of the median round, the worst round):
#   1. a large Spring Boot application (scripts/bench/large-spring: web, Actuator, Data JPA on H2, Security, validation;
#      built here with Maven from Central), without and with the agent (defaults), and without it again (A/A: the noise);
#   2. the generated host (GenHost) loading 5,000 / 20,000 / 50,000 generated classes (GenClasses, written at bench time)
#      before it serves: the agent's CPU against the number of classes;
#   3. RSS added by a gate that needs bytecode: a plain main with ready.after=Later#warmUp, and the recognized framework
#      hosts (embedded Tomcat and Jetty of sample-target/frameworks), each against no agent and the agent without gates.
# Usage: scripts/bench/cost.sh   (prints a Markdown section; scripts/bench.sh appends it to its results)
# Knobs: LARGE_ROUNDS (default 20), GEN_ROUNDS (10), GEN_SIZES ("5000 20000 50000"), GATE_ROUNDS (10), COST_PARTS
#        ("large gen gates": any subset), SPRING_BOOT_VERSION (the large host's, default its pom's).
# Raw per-launch figures: scripts/bench-work/cost-*.tsv.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SRC="$ROOT/scripts/bench"
WORK="$ROOT/scripts/bench-work"
AGENT_JAR="$ROOT/agent/target/jvm-health-agent.jar"
FRAMEWORKS="$ROOT/sample-target/frameworks/target"
JAVA="${JAVA:-$(command -v java)}"
LARGE_ROUNDS="${LARGE_ROUNDS:-20}"
GEN_ROUNDS="${GEN_ROUNDS:-10}"
GEN_SIZES="${GEN_SIZES:-5000 20000 50000}"
GATE_ROUNDS="${GATE_ROUNDS:-10}"
COST_PARTS="${COST_PARTS:-large gen gates}"
CLASSES="$WORK/cost-classes"
log() { printf '[cost %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
mkdir -p "$WORK" "$CLASSES"
[[ -f "$AGENT_JAR" ]] || { log "no $AGENT_JAR: build first (mvn -B -q -DskipTests package)"; exit 1; }
javac -d "$CLASSES" "$SRC/FirstAnswer.java" "$SRC/Medians.java" "$SRC/GenClasses.java" "$SRC/GenHost.java" "$SRC/Later.java"
AGENT="-javaagent:$AGENT_JAR=port={aport},host=127.0.0.1"

# spec NAME PATH WORDS... -> one FirstAnswer spec line (tab-separated)
spec() { local IFS=$'\t'; printf '%s\n' "$*"; }
run() { # title rounds rss_rounds spec_file tag
  "$JAVA" -cp "$CLASSES" FirstAnswer "$1" "$2" "$3" "$4" "$WORK/cost-$5.tsv" 2>>"$WORK/cost.log"
}
part() { [[ " $COST_PARTS " == *" $1 "* ]]; }
fa() { "$JAVA" -cp "$CLASSES" FirstAnswer "$@"; }

echo "## The agent's cost on real applications (issue 24: scripts/bench/cost.sh)"
echo
echo "Load average (1, 5, 15 min) at the start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; $("$JAVA" -version 2>&1 | sed -n 2p)."
echo

# --- 1. the large Spring Boot application --------------------------------------------------------------------------
if part large; then
  LARGE="$SRC/large-spring/target"
  if [[ ! -f "$LARGE/classpath.txt" || ! -f "$LARGE/large-spring.jar" ]]; then
    log "building the large Spring Boot host (scripts/bench/large-spring) from Maven Central"
    (cd "$SRC/large-spring" && mvn -B -q ${SPRING_BOOT_VERSION:+-Dspring-boot.version=$SPRING_BOOT_VERSION} package)
  fi
  LCP="$LARGE/large-spring.jar:$(cat "$LARGE/classpath.txt")"
  boot="$(tr ':' '\n' <"$LARGE/classpath.txt" | sed -n 's|.*/spring-boot-\([0-9][^/]*\)\.jar$|\1|p' | head -n 1)"
  f="$WORK/cost-large.spec"
  # `none-again` is the same launch as `none` (an A/A comparison): its "added" and worst round are what the machine's
  # launch-to-launch spread alone gives, the floor under which the agent's figures cannot be told from noise.
  { spec none / "$JAVA" -cp "$LCP" io.jvmhealth.bench.large.LargeApp '{port}'
    spec ours / "$JAVA" "$AGENT" -cp "$LCP" io.jvmhealth.bench.large.LargeApp '{port}'
    spec none-again / "$JAVA" -cp "$LCP" io.jvmhealth.bench.large.LargeApp '{port}'; } >"$f"
  log "large Spring Boot host: $LARGE_ROUNDS rounds"
  echo "Large application: Spring Boot $boot (scripts/bench/large-spring: Spring MVC on Tomcat, Actuator, Data JPA with Hibernate"
  echo "and HikariCP on an in-memory H2, Security, Bean Validation; $(tr ':' '\n' <"$LARGE/classpath.txt" | wc -l) jars), asked \`GET /\` (a JPA query)."
  echo "\`none-again\` launches exactly what \`none\` launches (an A/A comparison): its added time and worst round are this"
  echo "machine's launch-to-launch spread, what the agent's own figures are to be read against."
  echo
  run "Large Spring Boot application: without and with the agent (defaults)" "$LARGE_ROUNDS" 10 "$f" large
fi

# --- 2. the generated host: the agent's CPU against the number of classes --------------------------------------------
if part gen; then
  for n in $GEN_SIZES; do
    cpf="$WORK/gen/cp-$n.txt"
    if [[ ! -f "$cpf" ]]; then
      log "writing $n generated classes"; mkdir -p "$WORK/gen"
      "$JAVA" -cp "$CLASSES" GenClasses "$WORK/gen" "$n" >"$cpf"
    fi
    GCP="$CLASSES:$(cat "$cpf")"
    f="$WORK/cost-gen-$n.spec"
    { spec none / "$JAVA" -cp "$GCP" GenHost '{port}' "$n"
      spec ours / "$JAVA" "$AGENT" -cp "$GCP" GenHost '{port}' "$n"; } >"$f"
    log "generated host, $n classes: $GEN_ROUNDS rounds"
    run "Generated host, $n classes loaded before it serves" "$GEN_ROUNDS" "$GEN_ROUNDS" "$f" "gen-$n"
  done
  echo "The agent's CPU against the number of classes (median agent threads' CPU by the first answer and 3 s later):"
  echo
  echo "| classes loaded by the host | agent threads ms by the first answer | by +3 s | process CPU added ms |"
  echo "| --- | --- | --- | --- |"
  for n in $GEN_SIZES; do
    t="$WORK/cost-gen-$n.tsv"
    echo "| $n | $(fa --median "$t" ours agent_ms) | $(fa --median "$t" ours agent3_ms) | $(fa --added "$t" ours none cpu_ms) |"
  done
  echo
fi

# --- 3. RSS added by gates that need bytecode ---------------------------------------------------------------------------
if part gates; then
  f="$WORK/cost-later.spec"
  { spec none / "$JAVA" -cp "$CLASSES" Later '{port}' 1000
    spec ours / "$JAVA" "$AGENT" -cp "$CLASSES" Later '{port}' 1000
    spec ours-ready.after / "$JAVA" "$AGENT,ready.after=Later#warmUp" -cp "$CLASSES" Later '{port}' 1000; } >"$f"
  log "method gate on a plain main: $GATE_ROUNDS rounds"
  run "A method gate on a plain main (Later: warmUp sleeps 1 s, then the JDK's HttpServer answers)" "$GATE_ROUNDS" "$GATE_ROUNDS" "$f" later
  if [[ -f "$FRAMEWORKS/classpath.txt" ]]; then
    FCP="$FRAMEWORKS/gate-hosts.jar:$(cat "$FRAMEWORKS/classpath.txt")"
    for host in Tomcat Jetty; do
      f="$WORK/cost-$host.spec"
      { spec none / "$JAVA" -cp "$FCP" "io.jvmhealth.hosts.${host}Host" '{port}' 0
        spec ours-ready.auto=false / "$JAVA" "$AGENT,ready.auto=false" -cp "$FCP" "io.jvmhealth.hosts.${host}Host" '{port}' 0
        spec ours / "$JAVA" "$AGENT" -cp "$FCP" "io.jvmhealth.hosts.${host}Host" '{port}' 0; } >"$f"
      log "embedded $host (recognized: app:${host,,}): $GATE_ROUNDS rounds"
      run "Embedded $host (sample-target/frameworks ${host}Host): no agent, the agent without gates, the agent recognizing it" \
        "$GATE_ROUNDS" "$GATE_ROUNDS" "$f" "${host,,}"
    done
  else
    echo "(embedded Tomcat and Jetty not measured: sample-target/frameworks is not built; mvn -B -q -DskipTests package)"
    echo
  fi
  echo "RSS added by each gate over the agent without it (median round, MiB, VmRSS 3 s after the first answer; target <= 5 MB):"
  echo
  echo "| host | gate | RSS added over no agent | over the agent without the gate | VmHWM added over the agent without the gate |"
  echo "| --- | --- | --- | --- | --- |"
  for t in later tomcat jetty; do
    tsv="$WORK/cost-$t.tsv"
    [[ -f "$tsv" ]] || continue
    if [[ $t == later ]]; then plain=ours; gated=ours-ready.after; gate="ready.after=Later#warmUp"; else plain=ours-ready.auto=false; gated=ours; gate="app:$t"; fi
    mib() { awk -v k="$1" 'BEGIN { printf "%+.1f", k / 1024 }'; }
    echo "| $t | $gate | $(mib "$(fa --added "$tsv" "$gated" none rss3_kb)") | $(mib "$(fa --added "$tsv" "$gated" "$plain" rss3_kb)") | $(mib "$(fa --added "$tsv" "$gated" "$plain" hwm3_kb)") |"
  done
  echo
fi
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
