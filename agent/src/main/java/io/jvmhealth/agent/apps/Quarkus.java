package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.HealthCheck;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Quarkus application (Keycloak among them), launched by Quarkus' own launchers: {@code quarkus-run.jar}'s
 * {@code io.quarkus.bootstrap.runner.QuarkusEntryPoint} (the fast-jar, and every JVM {@code kc.sh} starts) or a legacy
 * jar's {@code io.quarkus.runner.GeneratedMain}; at attach, {@code io.quarkus.runtime.Application} loaded. Ready once its
 * application has started ({@link QuarkusGate}), which in Quarkus is after its HTTP port opened; a JVM of the launcher
 * that only builds never answers ready.
 */
final class Quarkus extends Recognizer {

    /** Quarkus runs its HTTP server on Vert.x and Netty (and its gRPC server inside its start): its start covers theirs. */
    @Override
    public Set<String> covers() {
        return new HashSet<String>(Arrays.asList("vertx", "netty", "grpc"));
    }

    @Override
    public List<HealthCheck> plan(AppContext context) {
        return Collections.<HealthCheck>singletonList(new QuarkusGate(this, context.instrumentation()));
    }
}
