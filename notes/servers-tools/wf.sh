#!/bin/bash
# usage: wf.sh NAME "EXTRA JAVA_OPTS" [JAVA_HOME] [after-ms]
W=/work/wt-apps-servers/agent/target/servers/wildfly-38.0.1.Final
cd /tmp/srvx && rm -rf $1 && cp -r $W/standalone $1 && rm -rf $1/data $1/log $1/tmp && cp slow.war $1/deployments/
JH=${3:-/usr/lib/jvm/java-17-openjdk-amd64}
uptime
java -cp /tmp/srvx Probe --timeout 900000 --after ${4:-0} --url http://127.0.0.1:18080/slow/ok --jvm jboss-modules.jar --log WFLYSRV --log WFLYUT0006 --log WFLYUT0021 --log "[watch]" --log ERROR --log Exception --log FATAL --env JAVA_HOME=$JH --env JBOSS_BASE_DIR=/tmp/srvx/$1 --env "JAVA_OPTS=-Xms64m -Xmx512m -Djava.net.preferIPv4Stack=true -Djboss.modules.system.pkgs=org.jboss.byteman -Djava.awt.headless=true -Dstandalone.start.delay.millis=4000 $2" -- $W/bin/standalone.sh -b 127.0.0.1 -bmanagement 127.0.0.1 -Djboss.http.port=18080 -Djboss.management.http.port=19990 -Djboss.https.port=18443 -Djboss.management.https.port=19993 2>&1 | stdbuf -oL cut -c1-400
