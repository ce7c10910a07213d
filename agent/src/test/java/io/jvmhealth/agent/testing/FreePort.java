package io.jvmhealth.agent.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A port that a test names explicitly (to take it, reuse it or hand it to a second process). Picked
 * below Linux's ephemeral range (32768 and up), where no client connection of a busy machine gets it
 * by chance between the moment it is found free and the moment it is used; {@code new ServerSocket(0)}
 * would return an ephemeral port, which outgoing connections of parallel tests may occupy.
 */
public final class FreePort {
    private FreePort() {
    }

    public static int find() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20000, 32000);
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port found in 20000-32000");
    }
}
