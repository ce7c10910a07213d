package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.checks.hang.RequestPools;

import java.util.Collections;
import java.util.List;

/**
 * Jetty, embedded ({@code org.eclipse.jetty.server.Server}) or its distribution ({@code start.jar}, and the
 * command line {@code --dry-run} prints, which starts with {@code XmlConfiguration}): ready once
 * {@code Server.doStart} has returned and every connector listens in this JVM.
 */
final class Jetty extends Recognizer {
    Jetty() {
        super("jetty", Signs.none().mainClass("org.eclipse.jetty.start.Main", "org.eclipse.jetty.xml.XmlConfiguration")
                .refers("org.eclipse.jetty.server.Server").loaded("org.eclipse.jetty.server.Server"));
    }

    @Override
    public List<RequestPools> requestPools() {
        return Collections.<RequestPools>singletonList(new JettyPools());
    }

    @Override
    public List<HealthCheck> plan(AppContext context) {
        return Collections.<HealthCheck>singletonList(context.methodGate(this, "org.eclipse.jetty.server.Server", "doStart",
                "Jetty's connectors to start and listen", new Connectors("getConnectors", context.ports()), true));
    }
}
