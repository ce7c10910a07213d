#!/usr/bin/env bash
# Hung-pool figures: each host (sample-target/frameworks io.jvmhealth.hosts.pools) under scripts/hangs/PoolLoad.java:
# 8 clients of 100 ms requests for 10 s, then 4 /block requests and 15 s more. The host prints its MBeans' and the
# reflected pools' figures every second (stderr); output in OUT (default /tmp/pool-figures).
set -u
cd "$(dirname "$0")/../.."
OUT=${1:-/tmp/pool-figures}
JAVA=${JAVA:-java}
mkdir -p "$OUT"
CP="sample-target/frameworks/target/gate-hosts.jar:$(cat sample-target/frameworks/target/classpath.txt)"
run() {
  local name=$1; shift
  local port=$((20000 + RANDOM % 20000))
  $JAVA --add-opens java.base/java.lang=ALL-UNNAMED -cp "$CP" "$1" "$port" "${@:2}" report > "$OUT/$name.host" 2>&1 &
  local pid=$!
  for i in $(seq 1 100); do grep -q started "$OUT/$name.host" && break; sleep 0.2; done
  $JAVA scripts/hangs/PoolLoad.java "$port" 8 100 10 4 15 > "$OUT/$name.load" 2>&1
  kill $pid; wait $pid 2>/dev/null
  echo "$name done"
}
run tomcat-mbeans io.jvmhealth.hosts.pools.HungTomcatHost 4 true
run tomcat-nombeans io.jvmhealth.hosts.pools.HungTomcatHost 4 false
run jetty-mbeans-stats io.jvmhealth.hosts.pools.HungJettyHost 6 true true
run jetty-mbeans io.jvmhealth.hosts.pools.HungJettyHost 6 true false
run jetty-nombeans io.jvmhealth.hosts.pools.HungJettyHost 6 false false
run undertow-stats io.jvmhealth.hosts.pools.HungUndertowHost 4 true
run undertow io.jvmhealth.hosts.pools.HungUndertowHost 4 false
