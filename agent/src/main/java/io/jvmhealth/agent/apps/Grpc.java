package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.HealthCheck;

import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * A grpc-java server (a main class that uses {@code ServerBuilder}, {@code Server} or a Netty server builder, shaded
 * or not; at attach, {@code io.grpc.internal.ServerImpl} loaded): ready once this JVM listens on a port of its own,
 * which {@code Server.start()} binds before it returns (see {@link ServerPortGate}); not ready after
 * {@code shutdown()}, which closes the listener at once. gRPC clients are not recognized. grpc-netty (not shaded)
 * runs on Netty, whose gate this one covers.
 */
final class Grpc extends Recognizer {
    static final String SERVER_IMPL = "io.grpc.internal.ServerImpl";

    @Override
    public Set<String> covers() {
        return Collections.singleton("netty");
    }

    @Override
    public List<HealthCheck> plan(AppContext context) {
        return Collections.<HealthCheck>singletonList(new ServerPortGate(this, context, "gRPC",
                "gRPC to listen (Server.start to bind its port and return)", false, SERVER_IMPL));
    }
}
