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
final class ListeningSocket extends ServerSocket {
    static final String ACCEPTOR_THREAD = "jvm-health-http-acceptor";
    static final long ACCEPT_FAILURE_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ConnectionLimiter limiter;

    ListeningSocket(ConnectionLimiter limiter) throws IOException {
        this.limiter = limiter;
    }

    /** Binds now, on the caller's thread. */
    void bindNow(String host, int port, int backlog) throws IOException {
        super.bind(new InetSocketAddress(host, port), backlog);
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
