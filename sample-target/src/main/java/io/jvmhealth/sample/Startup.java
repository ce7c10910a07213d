package io.jvmhealth.sample;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * Start-up steps for the agent's startup-gate tests: a method that returns after a delay, one that
 * throws after a delay, and listening ports opened and closed on command. A class of its own, so
 * that it is loaded only when one of these commands first runs (a gate test can watch it load).
 */
public final class Startup {
    private static final Map<Integer, ServerSocket> LISTENING = new HashMap<Integer, ServerSocket>();

    private Startup() {
    }

    /** Sleeps {@code millis}, then returns normally. */
    public static void returnAfter(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    /** Sleeps {@code millis}, then throws {@link IllegalStateException}. */
    public static void failAfter(long millis) throws InterruptedException {
        Thread.sleep(millis);
        throw new IllegalStateException("start-up failed on purpose");
    }

    /** Listens on {@code port} (all interfaces) until {@link #unlisten}; connections are never accepted. */
    static synchronized void listen(int port) throws IOException {
        if (LISTENING.containsKey(port)) {
            throw new IllegalArgumentException("bad argument for listen: " + port + " (already listening)");
        }
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(port));
        LISTENING.put(port, s);
    }

    static synchronized void unlisten(int port) throws IOException {
        ServerSocket s = LISTENING.remove(port);
        if (s == null) {
            throw new IllegalArgumentException("bad argument for unlisten: " + port + " (not listening)");
        }
        s.close();
    }
}
