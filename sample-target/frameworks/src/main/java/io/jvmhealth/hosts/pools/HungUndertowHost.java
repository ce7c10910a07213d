package io.jvmhealth.hosts.pools;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * Undertow with a small worker pool, for hung-pool figures: {@code /block}, {@code /sleep?ms=N}, {@code /} as
 * {@link HungTomcatHost}, each dispatched to a worker thread (blocking handlers). Arguments:
 * {@code PORT WORKERS STATISTICS [report]}: one I/O thread, WORKERS worker threads; STATISTICS {@code true} sets
 * {@code UndertowOptions.ENABLE_STATISTICS} (request counts per listener; off by default).
 */
public final class HungUndertowHost {
    static volatile Undertow server;

    private HungUndertowHost() {
    }

    public static void main(String[] args) throws Exception {
        int workers = Integer.parseInt(args[1]);
        HttpHandler handler = new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange exchange) {
                if (exchange.isInIoThread()) {
                    exchange.dispatch(this);
                    return;
                }
                String query = exchange.getQueryString();
                exchange.getResponseSender().send(Blocking.handle(exchange.getRequestPath(), query.isEmpty() ? null : query));
            }
        };
        server = Undertow.builder()
                .addHttpListener(Integer.parseInt(args[0]), "127.0.0.1")
                .setIoThreads(1)
                .setWorkerThreads(workers)
                .setServerOption(UndertowOptions.ENABLE_STATISTICS, Boolean.parseBoolean(args[2]))
                .setHandler(handler)
                .build();
        server.start();
        System.out.println("started");
        if (args.length > 3 && "report".equals(args[3])) {
            PoolReport.start();
        }
        Thread.currentThread().join();
    }
}
