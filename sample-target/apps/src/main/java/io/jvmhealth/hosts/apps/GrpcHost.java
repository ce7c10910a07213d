package io.jvmhealth.hosts.apps;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;

import java.util.concurrent.TimeUnit;

/**
 * A grpc-java server (the Netty transport of grpc-netty-shaded) offering the standard health service
 * ({@code grpc.health.v1.Health}), built at once and started after {@code --delay-ms}: it listens when
 * {@code Server.start()} returns. {@code stop} calls {@code shutdown()} and waits for its termination (the JVM lives
 * on). Options: {@code --port=N [--delay-ms=N]}.
 */
public final class GrpcHost {
    private GrpcHost() {
    }

    public static void main(String[] args) throws Exception {
        Host host = new Host("grpc-host", args);
        HealthStatusManager health = new HealthStatusManager();
        Server server = ServerBuilder.forPort(host.port()).addService(health.getHealthService()).build();
        host.on("stop", a -> {
            server.shutdown();
            server.awaitTermination(30, TimeUnit.SECONDS);
        }).readCommands();
        host.delay();
        server.start();
        host.serving(server.getPort());
        Host.parkForever();
    }
}
