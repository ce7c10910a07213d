import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A plain main with a start-up method to gate on ({@code ready.after=Later#warmUp}): {@code warmUp} sleeps DELAY_MS and
 * returns, then {@code GET /} is answered with {@code ok} on the JDK's HttpServer. No framework, nothing to recognize.
 *
 * <pre>java -cp CLASSES Later PORT DELAY_MS</pre>
 */
public final class Later {
    public static void main(String[] args) throws Exception {
        warmUp(Long.parseLong(args[1]));
        byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 50);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    static void warmUp(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }
}
