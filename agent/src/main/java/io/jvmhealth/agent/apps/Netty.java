package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.HealthCheck;

import java.util.Collections;
import java.util.List;

/**
 * A Netty TCP server (a main class that uses {@code ServerBootstrap}, or that class loaded at attach): ready once this
 * JVM listens on a port of its own, the moment a {@code ServerBootstrap} is bound (see {@link ServerPortGate}); not
 * ready while that port is closed. Netty clients ({@code Bootstrap} only) are not recognized. Netty is inside many
 * servers: Vert.x, gRPC, Micronaut, ZooKeeper and Spring Boot cover this gate with theirs.
 */
final class Netty extends Recognizer {
    static final String SERVER_BOOTSTRAP = "io.netty.bootstrap.ServerBootstrap";

    @Override
    public List<HealthCheck> plan(AppContext context) {
        return Collections.<HealthCheck>singletonList(new ServerPortGate(this, context, "Netty",
                "Netty to listen (a ServerBootstrap to be bound)", false, SERVER_BOOTSTRAP));
    }
}
