#!/bin/bash
# usage: scenario.sh NAME JAVA_HOME  -> runs start, suspend, resume, reload, shutdown; prints merged timeline
W=/work/wt-apps-servers/agent/target/servers/wildfly-38.0.1.Final
N=$1; JH=${2:-/usr/lib/jvm/java-17-openjdk-amd64}
rm -f /tmp/srvx/watch-$N.log /tmp/srvx/cli-$N.log
/tmp/srvx/wf.sh $N "-Dwatch.out=/tmp/srvx/watch-$N.log -javaagent:/tmp/srvx/watch/watch.jar=jboss.root:type=state@10@ProcessState,RunningState\|jboss.as:management-root=server@250@serverState,suspendState,runningMode" $JH 600000 > /tmp/srvx/probe-$N.log 2>&1 &
PROBE=$!
until grep -q " -> 200" /tmp/srvx/probe-$N.log; do sleep 0.2; done
cli() { echo "$(date +%s%3N) CLI begin $*" >> /tmp/srvx/cli-$N.log; JAVA_HOME=$JH JAVA_OPTS= $W/bin/jboss-cli.sh --connect --controller=remote+http://127.0.0.1:19990 --command="$*" >> /tmp/srvx/cli-$N.log 2>&1; echo "$(date +%s%3N) CLI end $* rc=$?" >> /tmp/srvx/cli-$N.log; }
sleep 2; cli ":suspend"
sleep 3; cli ":resume"
sleep 3; cli ":reload"
n=$(grep -c " -> 200" /tmp/srvx/probe-$N.log); until [ $(grep -c " -> 200" /tmp/srvx/probe-$N.log) -gt $n ]; do sleep 0.2; done
sleep 3; cli ":shutdown"
wait $PROBE
