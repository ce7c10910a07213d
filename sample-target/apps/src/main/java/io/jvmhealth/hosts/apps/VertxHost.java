package io.jvmhealth.hosts.apps;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;

import java.util.concurrent.TimeUnit;

/**
 * A Vert.x HTTP server answering every request with {@code ok}, deployed as a verticle whose start spends
 * {@code --delay-ms} on a Vert.x timer before {@code HttpServer.listen}: the deployment (and the main thread's
 * wait for it) completes when {@code listen} has completed. {@code stop} closes the server (the Vert.x instance
 * lives on). Options: {@code --port=N [--delay-ms=N]}.
 */
public final class VertxHost {
    private VertxHost() {
    }

    public static void main(String[] args) throws Exception {
        Host host = new Host("vertx-host", args);
        int port = host.port();
        long delay = host.delayMillis();
        Vertx vertx = Vertx.vertx();
        HttpServer[] server = new HttpServer[1];
        host.on("stop", a -> server[0].close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)).readCommands();
        vertx.deployVerticle(new VerticleBase() {
            @Override
            public Future<?> start() {
                server[0] = vertx.createHttpServer().requestHandler(request -> request.response().end("ok"));
                Future<?> waited = delay > 0 ? vertx.timer(delay) : Future.succeededFuture();
                return waited.compose(t -> server[0].listen(port)).onSuccess(s -> host.serving(s.actualPort()));
            }
        }).toCompletionStage().toCompletableFuture().get();
        Host.parkForever();
    }
}
