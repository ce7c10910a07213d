package io.jvmhealth.agent.http;

import fi.iki.elonen.NanoHTTPD;
import io.jvmhealth.agent.config.Details;
import io.jvmhealth.agent.health.Evaluator;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The health endpoints on NanoHTTPD, with its unsafe defaults replaced.
 *
 * <p>NanoHTTPD provides the listener thread, its lifecycle and the runner hook. Each connection is
 * served by {@link Exchange} instead of NanoHTTPD's {@code HTTPSession}, which would resolve every
 * non-loopback client's host name (a reverse DNS lookup per probe), build header maps and format a
 * date per response, and spool request bodies to temporary files. Here a request costs a parse into
 * a reused buffer and one write of bytes prepared by the last evaluation.
 *
 * <p>Limits: {@link #WORKERS} threads, {@link #QUEUE} waiting connections, {@link #PER_ADDRESS}
 * connections per client address, {@link #HEAD_TIMEOUT_MILLIS} to receive a request head,
 * {@link #KEEP_ALIVE_MILLIS} of idleness on a kept-alive connection, {@value RequestReader#MAX_HEAD_BYTES}
 * bytes of request head, no request bodies, a listen backlog of {@link #BACKLOG}. With these, 400
 * idle or half-sent connections from one address leave probes from another answered in
 * milliseconds (SlowClientsIT).
 *
 * <p>Containment: nothing a connection or the host's state does ends the accept loop (it restarts
 * after any Throwable, backing off), a worker survives an OutOfMemoryError in its connection, a
 * connection that cannot get a new worker thread waits in the queue for an existing one, and closing
 * a socket never throws. The serving path is exercised once at start (a request to itself), while
 * the host still has descriptors to spare.
 */
public final class HealthServer extends NanoHTTPD {
    static final int WORKERS = 8;
    static final int QUEUE = 32;
    static final int PER_ADDRESS = 4;
    static final long HEAD_TIMEOUT_MILLIS = 2000;
    static final long KEEP_ALIVE_MILLIS = 5000;
    /**
     * Pending connections the kernel keeps for the acceptor. Large, so that a burst of connections
     * (which the acceptor refuses in microseconds when over the per-address cap) cannot fill the
     * queue: a full queue drops a probe's SYN, and the client retries only after a second.
     */
    static final int BACKLOG = 1024;
    private static final long WORKER_IDLE_SECONDS = 30;

    private final ListeningSocket socket;
    private final ConnectionLimiter limiter;
    private final WorkerPool pool;
    private final Evaluator evaluator;
    private final Details details;
    private final byte[] token;

    private HealthServer(ListeningSocket socket, Evaluator evaluator, Details details, byte[] token) {
        super(socket.getInetAddress().getHostAddress(), socket.getLocalPort());
        this.socket = socket;
        this.limiter = socket.limiter();
        this.evaluator = evaluator;
        this.details = details;
        this.token = token;
        this.pool = new WorkerPool(WORKERS, QUEUE, WORKER_IDLE_SECONDS);
        setServerSocketFactory(new ServerSocketFactory() {
            @Override
            public java.net.ServerSocket create() {
                return socket;
            }
        });
        setAsyncRunner(pool);
    }

    /**
     * Starts serving on a socket bound by {@link ListeningSocket#bind}: creates the server and its
     * listener thread (a daemon). Called from the evaluator thread.
     */
    public static HealthServer serve(ListeningSocket socket, Evaluator evaluator, Details details, byte[] token) throws IOException {
        HealthServer server = create(socket, evaluator, details, token);
        server.start(0, true);
        server.warmUp();
        return server;
    }

    /** The server, not yet started (tests drive its handler directly). */
    static HealthServer create(ListeningSocket socket, Evaluator evaluator, Details details, byte[] token) {
        return new HealthServer(socket, evaluator, details, token);
    }

    int port() {
        return socket.getLocalPort();
    }

    /**
     * Sends one request to this server and reads the answer, so that every JDK class on the serving
     * path (accept, timed read, write, close, on both ends) is loaded and initialized now, while the
     * host still has file descriptors to spare: some of them need one the first time (see
     * ListeningSocket#bind), and a host that runs out later must not find them broken.
     * Bounded by 1 s; any failure is ignored.
     */
    private void warmUp() {
        InetAddress bound = socket.getInetAddress();
        InetAddress target = bound.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bound;
        try (Socket s = new Socket()) {
            s.connect(new java.net.InetSocketAddress(target, port()), 1000);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write(WARM_UP_REQUEST);
            out.flush();
            InputStream in = s.getInputStream();
            byte[] sink = new byte[1024];
            while (in.read(sink) >= 0) {
                // until the server closes
            }
        } catch (Throwable ignored) {
            // the server works without it; only the first connection may cost more
        }
    }

    private static final byte[] WARM_UP_REQUEST =
            "GET /live HTTP/1.1\r\nHost: warm-up\r\nConnection: close\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Closes the socket and every connection, and ends the listener and every worker thread. */
    @Override
    public void stop() {
        super.stop();
        pool.shutdown(2000);
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed by NanoHTTPD
        }
    }

    /**
     * NanoHTTPD's accept loop ends at the first exception that is not an IOException (for example
     * an OutOfMemoryError when the host has exhausted its heap or native threads), which would leave
     * the port open but never answered. This loop restarts it until the socket is closed.
     */
    @Override
    protected ServerRunnable createServerRunnable(int timeout) {
        return new ServerRunnable(timeout) {
            @Override
            public void run() {
                while (true) {
                    try {
                        super.run();
                    } catch (Throwable e) {
                        LockSupport.parkNanos(ListeningSocket.ACCEPT_FAILURE_BACKOFF_NANOS);
                    }
                    if (socket.isClosed()) {
                        return;
                    }
                }
            }
        };
    }

    /** If even this fails (a full heap), the connection is closed and its address's slot freed before the accept loop restarts. */
    @Override
    protected ClientHandler createClientHandler(Socket finalAccept, InputStream inputStream) {
        try {
            return new Exchange(inputStream, finalAccept);
        } catch (Throwable e) {
            try {
                finalAccept.close();
            } catch (Throwable ignored) {
                // closed as far as it can be
            }
            limiter.release(finalAccept.getInetAddress());
            throw e;
        }
    }

    /** Never called: {@link Exchange} answers every request itself. */
    @Override
    public Response serve(IHTTPSession session) {
        return newFixedLengthResponse(Response.Status.NOT_FOUND, "application/json", "{\"error\":\"not found\"}");
    }

    /** Serves one connection: request heads in, prepared bytes out, within the limits above. */
    final class Exchange extends ClientHandler {
        private final InputStream in;
        private final Socket client;
        private final InetAddress remote;
        private final AtomicBoolean released = new AtomicBoolean();

        Exchange(InputStream in, Socket client) {
            super(in, client);
            this.in = in;
            this.client = client;
            this.remote = client.getInetAddress();
        }

        @Override
        public void run() {
            try {
                OutputStream out = client.getOutputStream();
                RequestReader reader = new RequestReader(in, client);
                ResponseWriter writer = new ResponseWriter(out);
                long wait = TimeUnit.MILLISECONDS.toNanos(HEAD_TIMEOUT_MILLIS);
                while (reader.next(System.nanoTime() + wait)) {
                    if (!answer(reader, writer)) {
                        break;
                    }
                    wait = TimeUnit.MILLISECONDS.toNanos(KEEP_ALIVE_MILLIS);
                }
            } catch (Throwable ignored) {
                // A client that goes away or misbehaves only loses its own connection; so does an
                // OutOfMemoryError of a host that filled its heap: the worker lives on.
            } finally {
                close();
                pool.closed(this);
            }
        }

        /** Writes the answer; returns whether the connection stays open. */
        private boolean answer(RequestReader r, ResponseWriter w) throws IOException {
            if (r.error != 0 || r.method == RequestReader.OTHER_METHOD || r.hasBody || !r.keepAlive) {
                // This is the connection's last answer: free the address's slot before the client can
                // see it, so a client that reconnects at once (a prober without keep-alive) is never
                // refused because this worker has not yet got round to closing.
                releaseSlot();
            }
            if (r.error != 0) {
                w.write(r.error, ResponseWriter.errorBody(r.error), 1, true);
                return false;
            }
            if (r.method == RequestReader.OTHER_METHOD) {
                w.write(405, ResponseWriter.METHOD_NOT_ALLOWED_BODY, 1, true);
                return false;
            }
            boolean withBody = r.method == RequestReader.GET;
            if (r.hasBody) {
                w.write(413, ResponseWriter.PAYLOAD_TOO_LARGE_BODY, 1, withBody);
                return false;
            }
            int connection = !r.keepAlive ? 1 : r.http10KeepAlive ? 2 : 0;
            if (!r.hasTarget()) {
                w.write(404, ResponseWriter.NOT_FOUND_BODY, connection, withBody);
                return r.keepAlive;
            }
            boolean full = details == Details.ALWAYS || details == Details.AUTHORIZED && r.bearerMatches(token);
            Answer answer = Router.route(r.buffer(), r.targetFrom, r.targetTo, full, evaluator.current(), System.nanoTime());
            w.write(answer.code, answer.contentType, answer.body, connection, withBody);
            return r.keepAlive;
        }

        /** Never throws (even an Error from the JDK's close), and always releases the address's slot. */
        @Override
        public void close() {
            try {
                super.close();
            } catch (Throwable ignored) {
                // the socket is as closed as it can be
            } finally {
                releaseSlot();
            }
        }

        private void releaseSlot() {
            if (released.compareAndSet(false, true)) {
                limiter.release(remote);
            }
        }
    }
}
