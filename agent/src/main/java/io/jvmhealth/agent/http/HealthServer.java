package io.jvmhealth.agent.http;

import io.jvmhealth.agent.base.AgentThreads;
import io.jvmhealth.agent.config.Details;
import io.jvmhealth.agent.base.ProcFile;
import io.jvmhealth.agent.health.Evaluator;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The health endpoints on one selector thread ({@code jvm-health-http}): it accepts connections, reads
 * request heads from non-blocking channels and writes the bytes the last evaluation prepared. A
 * connection is a small {@link Connection} (a head buffer of 1 to 8 KiB and a deadline), so a client
 * that is slow, idle or half-sent costs bytes, never a thread.
 *
 * <p>Limits (docs/connections.md): a head must be complete within {@link #HEAD_TIMEOUT_MILLIS} of
 * the connection's accept or of its first byte, and an answer must be taken by the client within as
 * long; a kept-alive connection may idle {@link #KEEP_ALIVE_MILLIS}; at most {@link #MAX_CONNECTIONS}
 * are open (fewer where the process's descriptor limit is low): a connection past that closes the
 * longest idle one and is served. No client is refused for its address. Every connection gets one
 * read per loop turn, so connections from any number of addresses leave a probe waiting at most one
 * turn.
 *
 * <p>Containment: the loop survives any Throwable (a host's OutOfMemoryError included; it backs
 * off and goes on); a failure while serving one connection closes that connection only; a failed
 * accept (the process out of file descriptors) pauses accepting for
 * {@link #ACCEPT_FAILURE_BACKOFF_MILLIS} instead of spinning, while open connections are served on.
 * The serving path is exercised once at start (a request to itself), while the host still has
 * descriptors to spare.
 */
public final class HealthServer {
    static final String THREAD = "http";
    static final long HEAD_TIMEOUT_MILLIS = 2000;
    static final long KEEP_ALIVE_MILLIS = 15_000;
    static final int MAX_CONNECTIONS = 1024;
    /** Pending connections the kernel keeps for the loop: a full queue drops a probe's SYN, and the client retries only after a second. */
    static final int BACKLOG = 1024;
    static final long ACCEPT_FAILURE_BACKOFF_MILLIS = 100;
    /** Connections accepted per loop turn, so a connection flood cannot delay reads of open ones. */
    private static final int ACCEPTS_PER_TURN = 64;
    private static final long FAILURE_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final ListeningSocket socket;
    private final ServerSocketChannel listener;
    private final Evaluator evaluator;
    private final Details details;
    private final byte[] token;
    private final int maxConnections;
    private final long headNanos;
    private final long idleNanos;

    private final ResponseWriter writer = new ResponseWriter();
    /** Connections reading a head or waiting for their answer to be taken, oldest first. */
    private final Connection.Queue busy = new Connection.Queue();
    /** Kept-alive connections between requests, longest idle first. */
    private final Connection.Queue idle = new Connection.Queue();
    /** Written by the loop only; volatile so that tests can read it. */
    private volatile int open;
    private volatile long closedByLimit;
    private SelectionKey acceptKey;
    private long acceptResumesAt;
    private boolean acceptPaused;

    private volatile Selector selector;
    private volatile Thread thread;
    private volatile boolean stopping;

    private HealthServer(ListeningSocket socket, Evaluator evaluator, Details details, byte[] token,
                         int maxConnections, long headMillis, long idleMillis) {
        this.socket = socket;
        this.listener = socket.channel();
        this.evaluator = evaluator;
        this.details = details;
        this.token = token;
        this.maxConnections = maxConnections;
        this.headNanos = TimeUnit.MILLISECONDS.toNanos(headMillis);
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
    }

    /**
     * Starts serving on a socket bound by {@link ListeningSocket#bind}: opens the selector and starts its thread (a
     * daemon). It answers at once, from the evaluator's snapshot: its first ("starting") one until the first
     * evaluation. Unless {@code details=never}, asks the evaluator to keep the figures the page charts. The caller
     * then sends it one request ({@link #warmUp}) before it tells anyone where it listens.
     */
    public static HealthServer serve(ListeningSocket socket, Evaluator evaluator, Details details, byte[] token) throws IOException {
        if (details != Details.NEVER) {
            evaluator.keepSeries(ChartedFigures.LINES); // the page's charts; with details=never it shows none
        }
        evaluator.prepareSnapshot();
        HealthServer server = create(socket, evaluator, details, token);
        server.start();
        return server;
    }

    /** The server, not yet started. */
    static HealthServer create(ListeningSocket socket, Evaluator evaluator, Details details, byte[] token) {
        return create(socket, evaluator, details, token, connectionLimit(), HEAD_TIMEOUT_MILLIS, KEEP_ALIVE_MILLIS);
    }

    /** With other limits (tests). */
    static HealthServer create(ListeningSocket socket, Evaluator evaluator, Details details, byte[] token,
                               int maxConnections, long headMillis, long idleMillis) {
        return new HealthServer(socket, evaluator, details, token, maxConnections, headMillis, idleMillis);
    }

    /**
     * {@link #MAX_CONNECTIONS}, or a quarter of the process's descriptor limit when that is lower
     * (at least 64): the agent must not be the one that exhausts the host's descriptors.
     */
    static int connectionLimit() {
        long fds = descriptorLimit();
        return fds > 0 ? (int) Math.max(64, Math.min(MAX_CONNECTIONS, fds / 4)) : MAX_CONNECTIONS;
    }

    /** The soft "Max open files" of this process from /proc/self/limits; -1 where unknown or unlimited. */
    private static long descriptorLimit() {
        ProcFile limits = new ProcFile(ProcFile.LIMITS, 4096);
        long soft = limits.read() ? limits.value(ProcFile.MAX_OPEN_FILES) : ProcFile.MISSING;
        return soft == ProcFile.MISSING ? -1 : soft;
    }

    /** Opens the selector and starts the loop's thread. */
    public synchronized void start() throws IOException {
        if (thread != null) {
            return;
        }
        Selector s = listener.provider().openSelector(); // the listening channel's own provider (http/Transport)
        try {
            acceptKey = listener.register(s, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        selector = s;
        Thread t = AgentThreads.create(THREAD, new Runnable() {
            @Override
            public void run() {
                loop();
            }
        }, null);
        try {
            t.start();
        } catch (Throwable e) { // no native thread to be had: nothing is left open
            selector = null;
            s.close();
            throw e;
        }
        thread = t;
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Connections open now (for tests; read on another thread, so approximate). */
    int openConnections() {
        return open;
    }

    /** Connections closed so far to make room for a new one (for tests). */
    long closedByLimit() {
        return closedByLimit;
    }

    /**
     * Closes the socket and every connection and ends the loop's thread (waits up to 2 s for it).
     * Safe to call more than once, and before {@link #start}.
     */
    public void stop() {
        stopping = true;
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly(socket);
    }

    private void loop() {
        try {
            while (!stopping) {
                try {
                    turn();
                } catch (Throwable e) {
                    // Whatever went wrong (an OutOfMemoryError of a host that filled its heap, a JDK
                    // bug), the port stays answered: back off a little and go on.
                    if (!stopping) {
                        LockSupport.parkNanos(FAILURE_BACKOFF_NANOS);
                    }
                }
            }
        } finally {
            closeEverything();
        }
    }

    /** One loop turn: wait for readiness or the next deadline, serve what is ready, enforce deadlines. */
    private void turn() throws IOException {
        long now = System.nanoTime();
        selector.select(timeoutMillis(now));
        if (stopping) {
            return;
        }
        now = System.nanoTime();
        Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
        while (ready.hasNext()) {
            SelectionKey key = ready.next();
            ready.remove();
            if (key == acceptKey) {
                if (key.isValid()) {
                    acceptAll(now);
                }
            } else {
                Connection c = (Connection) key.attachment();
                if (key.isValid()) {
                    serveSafely(c, now);
                } else {
                    close(c);
                }
            }
        }
        now = System.nanoTime();
        expire(now);
        if (acceptPaused && now - acceptResumesAt >= 0) {
            acceptPaused = false;
            acceptKey.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    /** Milliseconds until the earliest deadline (0: none, wait for readiness only). */
    private long timeoutMillis(long now) {
        long wait = Long.MAX_VALUE;
        if (busy.head != null) {
            wait = Math.min(wait, busy.head.since + headNanos - now);
        }
        if (idle.head != null) {
            wait = Math.min(wait, idle.head.since + idleNanos - now);
        }
        if (acceptPaused) {
            wait = Math.min(wait, acceptResumesAt - now);
        }
        if (wait == Long.MAX_VALUE) {
            return 0;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait) + 1);
    }

    private void acceptAll(long now) {
        for (int i = 0; i < ACCEPTS_PER_TURN; i++) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                // Typically EMFILE: the process is out of descriptors. The connection stays in the
                // kernel's queue; stop asking for a while instead of spinning on it.
                acceptPaused = true;
                acceptResumesAt = now + TimeUnit.MILLISECONDS.toNanos(ACCEPT_FAILURE_BACKOFF_MILLIS);
                acceptKey.interestOps(0);
                return;
            }
            if (channel == null) {
                return;
            }
            Connection c = admit(channel, now);
            if (c != null) {
                serveSafely(c, now); // the head has usually arrived with the connection: no turn lost waiting for it
            }
        }
    }

    /** Registers a new connection, first closing the longest idle one when at the maximum; null if it could not be. */
    private Connection admit(SocketChannel channel, long now) {
        try {
            if (open >= maxConnections) {
                Connection oldest = longestIdle();
                if (oldest != null) {
                    close(oldest);
                    closedByLimit++;
                }
            }
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, Boolean.TRUE);
            Connection c = new Connection(channel);
            c.key = channel.register(selector, SelectionKey.OP_READ, c);
            open++;
            busy.add(c, now);
            return c;
        } catch (Throwable e) {
            closeQuietly(channel);
            return null;
        }
    }

    /** The connection that has waited longest since its accept, its last answer or the first byte of its head. */
    private Connection longestIdle() {
        Connection a = idle.head;
        Connection b = busy.head;
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.since - b.since <= 0 ? a : b;
    }

    private void expire(long now) {
        Connection c;
        while ((c = busy.head) != null && now - c.since >= headNanos) {
            close(c);
        }
        while ((c = idle.head) != null && now - c.since >= idleNanos) {
            close(c);
        }
    }

    /** A failure while serving one connection (a bad client, a full heap) closes that connection only. */
    private void serveSafely(Connection c, long now) {
        try {
            serve(c, now);
        } catch (Throwable e) {
            close(c);
        }
    }

    private void serve(Connection c, long now) throws IOException {
        if (c.pending != null) {
            if (!flush(c)) {
                return;
            }
            if (c.closeAfterWrite) {
                close(c);
                return;
            }
            c.key.interestOps(SelectionKey.OP_READ);
        } else {
            int n = c.reader.readFrom(c.channel);
            if (n < 0) {
                c.endOfInput = true;
            } else if (n > 0 && c.queue == idle) {
                busy.add(c, now); // the first byte of a new head: its deadline starts now
            }
        }
        boolean answered = false;
        RequestReader r = c.reader;
        while (r.next()) {
            answered = true;
            boolean keepOpen = answer(c, r, now);
            if (c.pending != null) {
                c.closeAfterWrite = !keepOpen;
                c.key.interestOps(SelectionKey.OP_WRITE);
                busy.add(c, now); // the client has as long as for a head to take its answer
                return;
            }
            if (!keepOpen) {
                close(c);
                return;
            }
        }
        if (c.endOfInput) {
            close(c); // the client sent all it will (heads answered above); a partial head is dropped
            return;
        }
        if (answered) {
            if (r.hasBuffered()) {
                busy.add(c, now);
            } else {
                idle.add(c, now);
            }
        }
    }

    /** Writes the answer to the head just parsed (what does not fit in the socket stays pending); returns whether the connection stays open. */
    private boolean answer(Connection c, RequestReader r, long now) throws IOException {
        boolean withBody = r.method == RequestReader.GET;
        if (r.error != 0) {
            send(c, writer.write(r.error, HttpStatus.errorBody(r.error), ResponseWriter.ConnectionHeader.CLOSE, r.method != RequestReader.HEAD));
            return false;
        }
        if (r.method == RequestReader.OTHER_METHOD) {
            send(c, writer.write(HttpStatus.METHOD_NOT_ALLOWED, HttpStatus.METHOD_NOT_ALLOWED_BODY, ResponseWriter.ConnectionHeader.CLOSE, true));
            return false;
        }
        if (r.hasBody) {
            send(c, writer.write(HttpStatus.PAYLOAD_TOO_LARGE, HttpStatus.PAYLOAD_TOO_LARGE_BODY, ResponseWriter.ConnectionHeader.CLOSE, withBody));
            return false;
        }
        ResponseWriter.ConnectionHeader connection = !r.keepAlive ? ResponseWriter.ConnectionHeader.CLOSE
                : r.http10KeepAlive ? ResponseWriter.ConnectionHeader.KEEP_ALIVE : ResponseWriter.ConnectionHeader.NONE;
        if (!r.hasTarget()) {
            send(c, writer.write(HttpStatus.NOT_FOUND, HttpStatus.NOT_FOUND_BODY, connection, withBody));
            return r.keepAlive;
        }
        boolean full = details == Details.ALWAYS || details == Details.AUTHORIZED && r.bearerMatches(token);
        Answer answer = Router.route(r.buffer(), r.targetFrom, r.targetTo, full, evaluator.current(), now);
        send(c, writer.write(answer.code, answer.contentType, answer.body, answer.headers, connection, withBody));
        return r.keepAlive;
    }

    /** One non-blocking write; what the socket does not take now is kept for OP_WRITE. */
    private static void send(Connection c, ByteBuffer bytes) throws IOException {
        c.channel.write(bytes);
        if (bytes.hasRemaining()) {
            byte[] rest = new byte[bytes.remaining()];
            bytes.get(rest);
            c.pending = rest;
            c.pendingFrom = 0;
        }
    }

    /** Writes what is pending; true when all of it is written. */
    private static boolean flush(Connection c) throws IOException {
        ByteBuffer rest = ByteBuffer.wrap(c.pending, c.pendingFrom, c.pending.length - c.pendingFrom);
        c.channel.write(rest);
        c.pendingFrom = rest.position();
        if (rest.hasRemaining()) {
            return false;
        }
        c.pending = null;
        return true;
    }

    private void close(Connection c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        open--;
        if (c.queue != null) {
            c.queue.remove(c);
        }
        if (c.key != null) {
            c.key.cancel();
        }
        closeQuietly(c.channel);
    }

    private void closeEverything() {
        Selector s = selector;
        if (s != null) {
            try {
                for (SelectionKey key : s.keys()) {
                    Object a = key.attachment();
                    if (a instanceof Connection) {
                        close((Connection) a);
                    }
                }
            } catch (Throwable ignored) {
                // closing the selector below closes what is left registered
            }
        }
        closeQuietly(socket);
        if (s != null) {
            try {
                s.close();
            } catch (Throwable ignored) {
                // nothing more to free
            }
        }
    }

    /** Never throws, even an Error from the JDK's close. */
    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (Throwable ignored) {
            // as closed as it can be
        }
    }

    private static void closeQuietly(ListeningSocket s) {
        try {
            s.close();
        } catch (Throwable ignored) {
            // as closed as it can be
        }
    }

    /**
     * Sends one request to this server and reads the answer, so that every JDK class on the serving
     * path (accept, non-blocking read and write, close, key cancellation) is loaded and initialized
     * now, while the host still has file descriptors to spare: some of them need one the first time
     * (see ListeningSocket#bind), and a host that runs out later must not find them broken.
     * Through a socket channel (already loaded for the server), not {@code java.net.Socket}, whose
     * implementation, proxy selector and socket-options classes would cost the host about 40 more
     * classes. Bounded by {@link #WARM_UP_MILLIS}; any failure is ignored.
     */
    public void warmUp() {
        InetAddress bound = socket.getInetAddress();
        InetAddress target = bound.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bound;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WARM_UP_MILLIS);
        SocketChannel s = null;
        try {
            s = listener.provider().openSocketChannel();
            s.configureBlocking(false);
            boolean connected = s.connect(new InetSocketAddress(target, port()));
            while (!connected && !expired(deadline)) {
                LockSupport.parkNanos(WARM_UP_POLL_NANOS);
                connected = s.finishConnect();
            }
            ByteBuffer request = ByteBuffer.wrap(WARM_UP_REQUEST);
            while (connected && request.hasRemaining() && !expired(deadline)) {
                if (s.write(request) == 0) {
                    LockSupport.parkNanos(WARM_UP_POLL_NANOS);
                }
            }
            ByteBuffer sink = ByteBuffer.allocate(1024);
            while (connected && !expired(deadline)) { // until the server closes
                sink.clear();
                int n = s.read(sink);
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    LockSupport.parkNanos(WARM_UP_POLL_NANOS);
                }
            }
        } catch (Throwable ignored) {
            // the server works without it; only the first connection may cost more
        } finally {
            if (s != null) {
                closeQuietly(s);
            }
        }
    }

    private static boolean expired(long deadline) {
        return System.nanoTime() - deadline >= 0;
    }

    private static final long WARM_UP_MILLIS = 1000;
    private static final long WARM_UP_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private static final byte[] WARM_UP_REQUEST =
            "GET /live HTTP/1.1\r\nHost: warm-up\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
}
