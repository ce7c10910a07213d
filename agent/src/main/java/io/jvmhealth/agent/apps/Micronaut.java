package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.HealthCheck;

import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * A Micronaut application (a main class that calls {@code Micronaut.run}, or its Netty HTTP server loaded at attach):
 * ready once this JVM listens on a port of its own, which {@code NettyHttpServer.start()} binds inside
 * {@code Micronaut.run}, after the context has started (see {@link ServerPortGate}); not ready while that port is
 * closed ({@code EmbeddedServer.stop()}). Without {@code micronaut-http-server-netty} on the class path (a command-line
 * or messaging application) there is no server to wait for and the gate passes at once. Micronaut's HTTP server runs
 * on Netty, whose gate this one covers.
 */
final class Micronaut extends Recognizer {
    static final String HTTP_SERVER = "io.micronaut.http.server.netty.NettyHttpServer";

    @Override
    public Set<String> covers() {
        return Collections.singleton("netty");
    }

    @Override
    public List<HealthCheck> plan(AppContext context) {
        return Collections.<HealthCheck>singletonList(new ServerPortGate(this, context, "Micronaut",
                "Micronaut's HTTP server to start (listening)", true, HTTP_SERVER));
    }
}
