package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.HealthCheck;

import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Vert.x (its launchers {@code io.vertx.launcher.application.VertxApplication} of Vert.x 5 and
 * {@code io.vertx.core.Launcher} of Vert.x 4, a main class that uses {@code Vertx} or a verticle, or its HTTP or TCP
 * server loaded at attach): ready once this JVM listens on a port of its own, the moment an HTTP or TCP server's
 * {@code listen} completes (see {@link ServerPortGate}); not ready while that port is closed. Vert.x runs on Netty,
 * whose gate its own covers.
 */
final class Vertx extends Recognizer {
    static final String HTTP_SERVER = "io.vertx.core.http.impl.HttpServerImpl";
    static final String NET_SERVER = "io.vertx.core.net.impl.NetServerImpl";

    @Override
    public Set<String> covers() {
        return Collections.singleton("netty");
    }

    @Override
    public List<HealthCheck> plan(AppContext context) {
        return Collections.<HealthCheck>singletonList(new ServerPortGate(this, context, "Vert.x",
                "Vert.x to listen (an HTTP or TCP server's listen to complete)", false, HTTP_SERVER, NET_SERVER));
    }
}
