import com.sun.net.httpserver.HttpServer;

import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The minimal floor agent: the least a health agent can be with only the JDK. JDK HttpServer with
 * TCP_NODELAY, one daemon worker, answering {@code /live} with a fixed body. Option: the port.
 * The server is created on a daemon thread so its dispatcher thread is a daemon too (it inherits).
 */
public final class FloorAgent {
    private static final byte[] BODY = "{\"status\":\"healthy\"}".getBytes(StandardCharsets.US_ASCII);

    public static void premain(String args, Instrumentation instrumentation) {
        int port = Integer.parseInt(args.trim());
        Thread starter = new Thread(() -> start(port), "floor-agent-start");
        starter.setDaemon(true);
        starter.start();
    }

    private static void start(int port) {
        try {
            System.setProperty("sun.net.httpserver.nodelay", "true");
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
            ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "floor-agent-worker");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(worker);
            server.createContext("/live", exchange -> {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, BODY.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(BODY);
                }
            });
            server.start();
        } catch (Exception e) {
            System.err.println("floor agent failed: " + e);
        }
    }
}
