package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.checks.hang.RequestPools;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * WildFly and JBoss EAP, standalone ({@code standalone.sh}: {@code java -jar jboss-modules.jar -mp modules
 * org.jboss.as.standalone ...}) or a domain's server JVM (module {@code org.jboss.as.server}); at attach, its
 * {@code ServerService} loaded. jboss-modules also launches jboss-cli ({@code org.jboss.as.cli}), the domain's host and
 * process controllers and anyone's modules: the module name on the command line tells the server apart. Ready while
 * its own state says it serves ({@link WildFlyGate}: {@code jboss.root:type=state}, RunningState normal).
 */
final class WildFly extends Recognizer {

    /**
     * Deployments run inside the server, whose boot waits for them (a Spring Boot WAR's {@code SpringApplication}, a
     * bundled Jetty or Tomcat, Netty or Vert.x under a subsystem): WildFly's state covers them, their own gates are
     * dropped (they would be found at attach, among the loaded classes).
     */
    @Override
    public Set<String> covers() {
        return new HashSet<String>(Arrays.asList("spring-boot", "tomcat", "jetty", "vertx", "netty", "grpc"));
    }

    /**
     * The XNIO worker its stock Undertow listeners serve requests with, {@code default}, by its MBeans (not WildFly's
     * management model: see {@link UndertowPools}); WildFly turns on the jboss-threads statistics they need
     * ({@code jboss.threads.eqe.statistics}) itself.
     */
    @Override
    public List<RequestPools> requestPools() {
        return Collections.<RequestPools>singletonList(new UndertowPools("default"));
    }

    @Override
    public List<HealthCheck> plan(AppContext context) {
        return Collections.<HealthCheck>singletonList(new WildFlyGate(this, context));
    }
}
