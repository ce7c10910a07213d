#!/bin/bash
# timing.sh: JVM start -> first 200, 3 runs each, WildFly and Keycloak, JDK 17 and 25, no agent.
cd /tmp/srvx
W=/work/wt-apps-servers/agent/target/servers/wildfly-38.0.1.Final
T=/work/wt-apps-servers/agent/target/servers/keycloak-26.4.7-dev
for run in 1 2 3; do
 for jdk in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64; do
  v=$(basename $jdk | grep -o "[0-9][0-9]" | head -1)
  N=tw$v-$run; rm -rf $N && cp -r $W/standalone $N && rm -rf $N/data $N/log $N/tmp && cp slow.war $N/deployments/
  echo "$(date +%T) $(cut -d' ' -f1-3 /proc/loadavg) wildfly jdk$v run$run" >> timing-load.log
  timeout 600 java -cp /tmp/srvx Probe --timeout 500000 --after 0 --url http://127.0.0.1:18080/slow/ok --jvm org.jboss.as.standalone --log WFLYSRV0025 --log WFLYUT0006 --log ERROR --env JAVA_HOME=$jdk --env JBOSS_BASE_DIR=/tmp/srvx/$N --env "JAVA_OPTS=-Xms64m -Xmx512m -Djava.net.preferIPv4Stack=true -Djboss.modules.system.pkgs=org.jboss.byteman -Djava.awt.headless=true -Dstandalone.start.delay.millis=4000" -- $W/bin/standalone.sh -b 127.0.0.1 -bmanagement 127.0.0.1 -Djboss.http.port=18080 -Djboss.management.http.port=19990 -Djboss.https.port=18443 -Djboss.management.https.port=19993 > timing-$N.log 2>&1
  rm -rf $N
  N=tk$v-$run; rm -rf $N && mkdir -p $N/lib && for f in $T/*; do b=$(basename $f); [ "$b" != lib ] && [ "$b" != data ] && cp -a $f $N/; done; for f in $T/lib/*; do if [ "$(basename $f)" = lib ]; then ln -s $(readlink -f $f) $N/lib/lib; else cp -a $f $N/lib/; fi; done
  echo "$(date +%T) $(cut -d' ' -f1-3 /proc/loadavg) keycloak jdk$v run$run" >> timing-load.log
  timeout 900 java -cp /tmp/srvx Probe --timeout 800000 --after 0 --url http://127.0.0.1:18180/realms/master --jvm kc.config.built --log "Listening on" --log "ERROR" --log "Updating the configuration" --env JAVA_HOME=$jdk -- /tmp/srvx/$N/bin/kc.sh start-dev --http-port=18180 --http-host=127.0.0.1 > timing-$N.log 2>&1
  rm -rf $N
 done
done
echo "$(date +%T) $(cut -d' ' -f1-3 /proc/loadavg) done" >> timing-load.log
