package io.jvmhealth.agent.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The agent's server socket, bound by the agent before NanoHTTPD starts, so that a taken port is
 * reported at once (on the thread that starts the agent) and NanoHTTPD's own start-up never waits.
 *
 * <p>NanoHTTPD binds the socket from its listener thread; here that call finds the socket bound and
 * only names the thread (NanoHTTPD hard-codes another name). {@link #accept()} waits a little after a
 * failed accept (for example while the process is out of file descriptors) instead of letting
 * NanoHTTPD's loop spin, and closes connections over the per-address cap at once.
 */
public final class ListeningSocket extends ServerSocket {
    static final String ACCEPTOR_THREAD = "jvm-health-http-acceptor";
    static final long ACCEPT_FAILURE_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ConnectionLimiter limiter;

    private ListeningSocket(ConnectionLimiter limiter) throws IOException {
        this.limiter = limiter;
    }

    /**
     * Binds {@code host:port} now, on the caller's thread, so a taken port fails here. Loads no
     * NanoHTTPD class: that happens in {@link HealthServer#serve}, off the host's start-up thread.
     */
    public static ListeningSocket bind(String host, int port) throws IOException {
        ListeningSocket socket = new ListeningSocket(new ConnectionLimiter(HealthServer.PER_ADDRESS));
        try {
            socket.bindNow(host, port, HealthServer.BACKLOG);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        warmUpSocketClose();
        return socket;
    }

    /**
     * Closes one throwaway socket now. The JDK initializes the class that closes sockets
     * ({@code sun.nio.ch.FileDispatcherImpl}) on the first close, and that needs free file
     * descriptors: if it first happens while the host has exhausted them, the class stays unusable
     * for the life of the JVM and every later close throws NoClassDefFoundError.
     */
    private static void warmUpSocketClose() {
        try {
            new ServerSocket().close();
        } catch (Throwable ignored) {
            // nothing to warm on this JVM
        }
    }

    private void bindNow(String host, int port, int backlog) throws IOException {
        super.bind(new InetSocketAddress(host, port), backlog);
    }

    ConnectionLimiter limiter() {
        return limiter;
    }

    @Override
    public void bind(SocketAddress endpoint, int backlog) throws IOException {
        if (isBound()) {
            Thread.currentThread().setName(ACCEPTOR_THREAD);
            return;
        }
        super.bind(endpoint, backlog);
    }

    @Override
    public Socket accept() throws IOException {
        while (true) {
            Socket socket;
            try {
                socket = super.accept();
            } catch (IOException e) {
                if (!isClosed()) {
                    LockSupport.parkNanos(ACCEPT_FAILURE_BACKOFF_NANOS);
                }
                throw e;
            }
            if (limiter.tryAcquire(socket.getInetAddress())) {
                try {
                    socket.setTcpNoDelay(true);
                } catch (IOException ignored) {
                    // an already broken connection fails on its first read
                }
                return socket;
            }
            try {
                socket.setSoLinger(true, 0); // reset: no TIME_WAIT kept for a refused client
                socket.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
