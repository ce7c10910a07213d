#!/bin/bash
# usage: sigterm.sh NAME JAVA_HOME TARGET(jvm|script)
W=/work/wt-apps-servers/agent/target/servers/wildfly-38.0.1.Final
N=$1; JH=${2:-/usr/lib/jvm/java-17-openjdk-amd64}
rm -f /tmp/srvx/watch-$N.log /tmp/srvx/cli-$N.log
/tmp/srvx/wf.sh $N "-Dwatch.out=/tmp/srvx/watch-$N.log -javaagent:/tmp/srvx/watch/watch.jar=jboss.root:type=state@10@ProcessState,RunningState\|jboss.as:management-root=server@250@serverState,suspendState,runningMode" $JH 600000 > /tmp/srvx/probe-$N.log 2>&1 &
PROBE=$!
until grep -q " -> 200" /tmp/srvx/probe-$N.log; do sleep 0.2; done
sleep 2
JVM=$(pgrep -f "jboss.server.base.dir=/tmp/srvx/$N" | while read p; do [ "$(cat /proc/$p/comm)" = java ] && echo $p; done)
SCRIPT=$(ps -o ppid= -p $JVM | tr -d " ")
echo "$(date +%s%3N) CLI SIGTERM to $3 (jvm $JVM script $SCRIPT)" >> /tmp/srvx/cli-$N.log
if [ "$3" = script ]; then kill -TERM $SCRIPT; else kill -TERM $JVM; fi
for i in $(seq 1 100); do sleep 0.1; kill -0 $JVM 2>/dev/null || break; done
echo "$(date +%s%3N) CLI jvm alive: $(kill -0 $JVM 2>/dev/null && echo yes || echo no); script alive: $(kill -0 $SCRIPT 2>/dev/null && echo yes || echo no)" >> /tmp/srvx/cli-$N.log
ps -o pid,ppid,args -p $JVM | cut -c1-80 >> /tmp/srvx/cli-$N.log
kill -TERM $JVM 2>/dev/null
wait $PROBE
