package io.jvmhealth.hosts.apps;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.server.EmbeddedServer;

/**
 * A Micronaut application ({@code Micronaut.run}) on its Netty HTTP server, with one controller
 * ({@link io.jvmhealth.hosts.apps.micronaut.OkController}: {@code GET /} answers {@code ok}). The start-up delay
 * is spent by a listener of Micronaut's {@code StartupEvent} ({@link io.jvmhealth.hosts.apps.micronaut.SlowStartup}),
 * that is inside {@code Micronaut.run}, after the context started and before the server binds.
 * {@code stop} stops the embedded server (the JVM lives on). Options: {@code --port=N [--delay-ms=N]}.
 */
public final class MicronautHost {
    /** Read by {@link io.jvmhealth.hosts.apps.micronaut.SlowStartup}. */
    public static volatile long delayMillis;

    private MicronautHost() {
    }

    public static void main(String[] args) throws Exception {
        Host host = new Host("micronaut-host", args);
        delayMillis = host.delayMillis();
        EmbeddedServer[] server = new EmbeddedServer[1];
        host.on("stop", a -> server[0].stop()).readCommands();
        ApplicationContext context = Micronaut.run(MicronautHost.class, "-micronaut.server.port=" + host.port());
        server[0] = context.getBean(EmbeddedServer.class);
        host.serving(server[0].getPort());
        Host.parkForever();
    }
}
