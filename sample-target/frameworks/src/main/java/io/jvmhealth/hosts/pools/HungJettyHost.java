package io.jvmhealth.hosts.pools;

import org.eclipse.jetty.jmx.MBeanContainer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Embedded Jetty 12 with a small thread pool, for hung-pool tests: {@code /block}, {@code /sleep?ms=N}, {@code /} as
 * {@link HungTomcatHost}. Arguments: {@code PORT THREADS MBEANS STATISTICS [report]}: a QueuedThreadPool of THREADS
 * threads (one acceptor, one selector, no reserved threads: THREADS - 2 run requests); MBEANS {@code true} registers
 * Jetty's MBeans (jetty-jmx's MBeanContainer); STATISTICS {@code true} wraps the handler in a StatisticsHandler
 * (request counts; Jetty counts none without it). A blocking handler (not {@code Handler.Abstract.NonBlocking}, which
 * Jetty may run on the selector thread itself): each request holds a pool thread.
 */
public final class HungJettyHost {
    private HungJettyHost() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[1]);
        QueuedThreadPool pool = new QueuedThreadPool(threads, threads);
        pool.setReservedThreads(0);
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setPort(Integer.parseInt(args[0]));
        server.addConnector(connector);
        Handler handler = new Handler.Abstract() { // blocking: run on a pool thread, never on the selector
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String body = Blocking.handle(Request.getPathInContext(request), request.getHttpURI().getQuery());
                response.setStatus(200);
                response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        };
        if (Boolean.parseBoolean(args[3])) {
            StatisticsHandler statistics = new StatisticsHandler();
            statistics.setHandler(handler);
            handler = statistics;
        }
        server.setHandler(handler);
        if (Boolean.parseBoolean(args[2])) {
            MBeanContainer mbeans = new MBeanContainer(ManagementFactory.getPlatformMBeanServer());
            server.addEventListener(mbeans);
            server.addBean(mbeans);
        }
        server.start();
        System.out.println("started");
        if (args.length > 4 && "report".equals(args[4])) {
            PoolReport.start();
        }
        server.join();
    }
}
