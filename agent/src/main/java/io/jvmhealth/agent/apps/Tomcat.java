package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.checks.hang.RequestPools;

import java.util.Collections;
import java.util.List;

/**
 * Tomcat, embedded ({@code org.apache.catalina.startup.Tomcat}) or standalone ({@code catalina.sh}: main
 * class {@code Bootstrap}): ready once {@code StandardService.startInternal} has returned and every
 * connector it started listens in this JVM.
 */
final class Tomcat extends Recognizer {
    Tomcat() {
        super("tomcat", Signs.none().mainClass("org.apache.catalina.startup.Bootstrap", "org.apache.catalina.startup.Catalina")
                .refers("org.apache.catalina.startup.Tomcat").loaded("org.apache.catalina.core.StandardService"));
    }

    @Override
    public List<RequestPools> requestPools() {
        return Collections.<RequestPools>singletonList(new TomcatPools());
    }

    @Override
    public List<HealthCheck> plan(AppContext context) {
        return Collections.<HealthCheck>singletonList(context.methodGate(this, "org.apache.catalina.core.StandardService", "startInternal",
                "Tomcat's connectors to start and listen", new Connectors("findConnectors", context.ports()), true));
    }
}
