#!/usr/bin/env bash
# The readiness window on WildFly's and Keycloak's own distributions (issue 21): LAUNCHES launches of each (default 10,
# after one not counted), WildFly by bin/standalone.sh with the agent in JAVA_OPTS, Keycloak by bin/kc.sh start-dev with
# the agent in JAVA_OPTS_APPEND; the server and the agent's /ready each asked every 1 ms from a thread of their own
# (scripts/bench/AppServerWindow.java). Prints a Markdown section. Usage: scripts/bench/appservers.sh [LAUNCHES]
# (runs from bench.sh too, alone with BENCH_ONLY=appservers scripts/bench.sh). About 10-20 minutes on 2 cores.
# The distributions are the ones the integration tests use (agent/target/servers, versions from agent/pom.xml); when they
# are not unpacked, `mvn -B -q -pl agent dependency:unpack@servers` unpacks them from Maven Central (about 420 MB), as
# the build's pre-integration-test phase does. Knobs: APPSERVERS="wildfly keycloak" (which), APPSERVERS_JAVA_HOME (the JDK
# the servers run on; default the JDK of `java`).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
WORK="$ROOT/scripts/bench-work/appservers"
AGENT_JAR="$ROOT/agent/target/jvm-health-agent.jar"
LAUNCHES="${1:-10}"
SERVERS_DIR="$ROOT/agent/target/servers"
log() { printf '[appservers %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
version() { sed -n "s:.*<standalone\.$1\.version>\(.*\)</standalone\.$1\.version>.*:\1:p" "$ROOT/agent/pom.xml"; }
WILDFLY_HOME="$SERVERS_DIR/wildfly-$(version wildfly)"
KEYCLOAK_HOME="$SERVERS_DIR/keycloak-$(version keycloak)"
JAVA_HOME_RUN="${APPSERVERS_JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
read -r -a WHICH <<<"${APPSERVERS:-wildfly keycloak}"

echo "## Readiness window on WildFly and Keycloak (scripts/bench/appservers.sh)"
echo
if [[ ! -f "$AGENT_JAR" ]]; then
  echo "Skipped: no $AGENT_JAR (build first: mvn -B -q -DskipTests package)."
  exit 0
fi
if [[ ! -x "$WILDFLY_HOME/bin/standalone.sh" || ! -x "$KEYCLOAK_HOME/bin/kc.sh" ]]; then
  log "unpacking WildFly's and Keycloak's distributions into agent/target/servers (mvn -pl agent dependency:unpack@servers)"
  if ! (cd "$ROOT" && mvn -B -q -pl agent dependency:unpack@servers >&2); then
    echo "Skipped: the distributions are not unpacked and \`mvn -B -q -pl agent dependency:unpack@servers\` failed (see the log)."
    exit 0
  fi
fi
if [[ ! -x "$WILDFLY_HOME/bin/standalone.sh" || ! -x "$KEYCLOAK_HOME/bin/kc.sh" ]]; then
  echo "Skipped: no $WILDFLY_HOME/bin/standalone.sh or $KEYCLOAK_HOME/bin/kc.sh after unpacking."
  exit 0
fi
mkdir -p "$WORK/classes"
rm -rf "$WORK/wildfly-base" # a fresh standalone base per run (a copy of standalone/configuration), reused by its launches
javac -d "$WORK/classes" "$ROOT/scripts/bench/AppServerWindow.java" "$ROOT/scripts/bench/FirstAnswer.java" \
  "$ROOT/scripts/bench/Medians.java"

# Keycloak runs in a home of its own, kept between runs: a copy of the distribution whose lib/lib (150 MB of jars, read
# only) links to the original's. start-dev writes into its home (it re-augments lib/quarkus and lib/app for dev mode on
# its first start, and creates its H2 database under data/): the launch not counted does both, once.
KC_DEV="$WORK/keycloak-$(version keycloak)-dev"
if [[ ! -f "$KC_DEV/.copied" ]]; then
  rm -rf "$KC_DEV"; mkdir -p "$KC_DEV/lib"
  for f in "$KEYCLOAK_HOME"/*; do [[ "$(basename "$f")" == lib ]] || cp -a "$f" "$KC_DEV/"; done
  for f in "$KEYCLOAK_HOME"/lib/*; do
    if [[ "$(basename "$f")" == lib ]]; then ln -s "$f" "$KC_DEV/lib/lib"; else cp -a "$f" "$KC_DEV/lib/"; fi
  done
  touch "$KC_DEV/.copied"
fi

args=()
for s in "${WHICH[@]}"; do
  case "$s" in
    wildfly) args+=("wildfly=$WILDFLY_HOME") ;;
    keycloak) args+=("keycloak=$KC_DEV") ;;
    *) log "APPSERVERS: wildfly or keycloak, not $s"; exit 1 ;;
  esac
done
log "${WHICH[*]} on $JAVA_HOME_RUN: $LAUNCHES launches each (after one not counted)"
"$JAVA_HOME_RUN/bin/java" -version 2>&1 | sed -n 1p >&2
java -cp "$WORK/classes" AppServerWindow "$LAUNCHES" "$WORK" "$AGENT_JAR" "$JAVA_HOME_RUN" "${args[@]}"
knobs="${APPSERVERS:+APPSERVERS=\"$APPSERVERS\" }${APPSERVERS_JAVA_HOME:+APPSERVERS_JAVA_HOME=$APPSERVERS_JAVA_HOME }"
echo "Command: \`${knobs}BENCH_ONLY=appservers scripts/bench.sh\` (scripts/bench/appservers.sh $LAUNCHES); $(nproc) cores, agent commit $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown); $(date -u '+%Y-%m-%d %H:%M UTC')."
