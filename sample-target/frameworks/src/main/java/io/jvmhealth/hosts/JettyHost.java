package io.jvmhealth.hosts;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Embedded Jetty answering {@code GET /} with {@code ok}. Arguments: {@code PORT DELAY_MS}: the
 * server object exists at once, and is started (connectors opened) after DELAY_MS. Then stdin: {@code stop} stops
 * the server while the JVM lives on, {@code start} starts it again (see {@link Stdin}).
 */
public final class JettyHost {
    private JettyHost() {
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server(Integer.parseInt(args[0]));
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                response.write(true, ByteBuffer.wrap("ok".getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        Thread.sleep(Long.parseLong(args[1]));
        server.start();
        Stdin.commands(java.util.Map.of("stop", server::stop, "start", server::start));
        server.join();
    }
}
