import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The bench's generated host: loads and initializes N generated classes ({@code gen.C0 ..}, written by
 * {@link GenClasses} into jars on the class path) on its main thread, then serves {@code GET /} with {@code ok N} on the
 * JDK's HttpServer. So the application's start grows with N, and whatever the agent does per loaded class shows.
 *
 * <pre>java -cp CLASSES:GEN_JARS GenHost PORT N</pre>
 */
public final class GenHost {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        ClassLoader loader = GenHost.class.getClassLoader();
        for (int i = 0; i < n; i++) {
            Class.forName("gen.C" + i, true, loader);
        }
        byte[] body = ("ok " + n).getBytes(StandardCharsets.US_ASCII);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }
}
