package io.jvmhealth.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loop of the framework gate tests (FrameworkGatesIT, StandaloneServersIT): from the agent's start until both
 * the application serves on its own port and the agent's {@code /started} and {@code /ready} answer 200, each round
 * reads the agent first and then asks the application (an agent 200 followed by an application that does not serve
 * is an early answer). While the application does not serve, {@code /started} and {@code /ready} must be 503;
 * {@code /live} must be 200 throughout. {@link Result#report} then prints the {@code MEASURED} line and asserts the
 * window between the application's first answer and the agent's 200.
 */
public final class GateWindow {
    /** What one {@code GET /} on the application's port got. */
    public enum Answer {
        /** No connection (nothing listens). */
        REFUSED,
        /** Connected (the port listens), but no status line within the read timeout, or closed without one. */
        SILENT,
        /** A status line other than 200. */
        HTTP,
        /** {@code HTTP/1.1 200}. */
        OK;

        /** Whether the server answered HTTP at all. */
        public boolean answered() {
            return this == HTTP || this == OK;
        }
    }

    private GateWindow() {
    }

    /** One {@code GET /} to 127.0.0.1:port: connect within 500 ms, then a status line within {@code readTimeout}. */
    public static Answer probe(int port, Duration readTimeout) {
        return probe(port, "/", readTimeout);
    }

    /** One {@code GET path} to 127.0.0.1:port: connect within 500 ms, then a status line within {@code readTimeout}. */
    public static Answer probe(int port, String path, Duration readTimeout) {
        try (Socket s = new Socket()) {
            try {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            } catch (IOException e) {
                return Answer.REFUSED;
            }
            try {
                s.setSoTimeout((int) readTimeout.toMillis());
                s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                byte[] head = new byte[12];
                int n = readFully(s.getInputStream(), head);
                if (n < 12 || !new String(head, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.")) {
                    return Answer.SILENT;
                }
                return new String(head, StandardCharsets.ISO_8859_1).endsWith(" 200") ? Answer.OK : Answer.HTTP;
            } catch (SocketTimeoutException e) {
                return Answer.SILENT;
            }
        } catch (IOException e) {
            return Answer.SILENT; // connected, then reset or closed before a status line
        }
    }

    private static int readFully(InputStream in, byte[] into) throws IOException {
        int off = 0;
        while (off < into.length) {
            int n = in.read(into, off, into.length - off);
            if (n < 0) {
                break;
            }
            off += n;
        }
        return off;
    }

    /**
     * Polls every 5 ms (plus the time the probes take) until the application serves ({@code serving}) and the agent
     * at {@code url} answers 200 on {@code /started} and {@code /ready}, or {@code timeout}; asserts on every round as
     * the class comment says, and that the host is alive.
     */
    public static Result watch(TargetJvm host, String url, String gate, BooleanSupplier serving, Duration timeout) throws IOException {
        return watch(host, url, gate, serving, timeout, Duration.ZERO);
    }

    /**
     * As above, for an application that says it serves only some time after it does: Kafka Streams sets its state to
     * RUNNING, then calls its state listeners, whose line is {@code serving}; the agent reads the state and may see it
     * between the two. An agent 200 before the application says it serves passes when the application says so within
     * {@code announcedLate} (the window is then counted as 0).
     */
    public static Result watch(TargetJvm host, String url, String gate, BooleanSupplier serving, Duration timeout,
                               Duration announcedLate) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long appServing = 0;
        long agentReady = 0;
        boolean sawGateWaiting = false;
        String waitingReason = null;
        while (System.nanoTime() < deadline && (appServing == 0 || agentReady == 0)) {
            assertTrue(host.process().isAlive(), () -> "the host exited while starting: " + host); // built only on a failure: every 5 ms
            Http.Response started = Http.get(url, "/started");
            int ready = Http.get(url, "/ready").status;
            assertEquals(200, Http.get(url, "/live").status, "/live while starting");
            boolean servingNow = serving.getAsBoolean();
            if (!servingNow && started.status == 200 && !announcedLate.isZero()) {
                long lateUntil = System.nanoTime() + announcedLate.toNanos();
                while (!servingNow && System.nanoTime() < lateUntil) {
                    LockSupport.parkNanos(1_000_000);
                    servingNow = serving.getAsBoolean();
                }
            }
            if (!servingNow) {
                assertEquals(503, started.status, "/started before the application serves: " + started);
                assertEquals(503, ready, "/ready before the application serves");
                if ("unhealthy".equals(Json.at(started.json(), "checks", gate, "status"))) {
                    sawGateWaiting = true;
                    waitingReason = String.valueOf(Json.at(started.json(), "checks", gate, "reason"));
                }
            }
            long now = System.nanoTime();
            if (servingNow && appServing == 0) {
                appServing = now;
            }
            if (started.status == 200 && ready == 200 && agentReady == 0) {
                agentReady = now;
            }
            LockSupport.parkNanos(5_000_000);
        }
        assertTrue(appServing != 0 && agentReady != 0, "application and agent both ready within " + timeout.getSeconds()
                + " s (application " + (appServing != 0) + ", agent " + (agentReady != 0) + "): " + host);
        assertTrue(sawGateWaiting, "the /started body listed " + gate + " as waiting");
        return new Result(url, gate, appServing, agentReady, waitingReason);
    }

    /** The timings of one {@link #watch}. */
    public static final class Result {
        private final String url;
        private final String gate;
        /** {@link System#nanoTime} of the round in which the application first served. */
        public final long appServingNanos;
        /** {@link System#nanoTime} of the round in which the agent first answered 200 on /started and /ready. */
        public final long agentReadyNanos;
        /** The gate's reason in the last round in which it waited and the application did not serve. */
        public final String waitingReason;

        Result(String url, String gate, long appServingNanos, long agentReadyNanos, String waitingReason) {
            this.url = url;
            this.gate = gate;
            this.appServingNanos = appServingNanos;
            this.agentReadyNanos = agentReadyNanos;
            this.waitingReason = waitingReason;
        }

        /** Agent ready minus application serving, in ms. */
        public long windowMillis() {
            return (agentReadyNanos - appServingNanos) / 1_000_000;
        }

        /**
         * Prints {@code MEASURED label (java, decidedBy): ...note} and asserts that the agent was never ready before the
         * application served, was ready within {@code limitMillis} after, that the gate is healthy and {@code /live} 200.
         */
        public Http.Response report(String label, Path java, String note, long limitMillis) throws IOException {
            long window = windowMillis();
            Http.Response r = Http.get(url, "/started");
            System.err.println("MEASURED " + label + " (" + java + ", " + Json.at(r.json(), "checks", gate, "details", "decidedBy")
                    + "): agent /ready 200 " + window + " ms after the application first answered (interval 5 s)" + note);
            assertTrue(window >= 0, "never ready before the application serves: " + window + " ms");
            assertTrue(window <= limitMillis, "agent ready " + window + " ms after the application served");
            assertEquals("healthy", Json.at(r.json(), "checks", gate, "status"), r.body);
            assertEquals(200, Http.get(url, "/live").status);
            return r;
        }
    }
}
