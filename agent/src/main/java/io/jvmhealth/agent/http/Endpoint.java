package io.jvmhealth.agent.http;

import io.jvmhealth.agent.health.Probe;

import java.nio.charset.StandardCharsets;

/**
 * The paths the agent serves; routing is by this enum, never by position in an array. Besides
 * these exact paths, {@code /health/<check>} ({@link #CHECK_PREFIX}) names one check.
 */
enum Endpoint {
    LIVE("/live", Probe.LIVE),
    READY("/ready", Probe.READY),
    STARTED("/started", Probe.STARTED),
    HEALTH("/health", Probe.HEALTH),
    /** The last status transitions (not a check: a rule may not be named {@code history}). */
    HISTORY("/health/history", null),
    METRICS("/metrics", null),
    /** The page for people ({@link Page}). */
    PAGE("/", null);

    /** {@code /health/<check>}: one check alone. */
    static final String CHECK_PREFIX = "/health/";
    private static final byte[] CHECK_PREFIX_BYTES = CHECK_PREFIX.getBytes(StandardCharsets.US_ASCII);
    /** {@code values()} copies its array on every call: matching a request must not allocate. */
    private static final Endpoint[] ALL = values();

    final String path;
    final byte[] pathBytes;
    /** The health answer this path serves; null for {@code /health/history}, {@code /metrics} and {@code /}. */
    final Probe probe;

    Endpoint(String path, Probe probe) {
        this.path = path;
        this.pathBytes = path.getBytes(StandardCharsets.US_ASCII);
        this.probe = probe;
    }

    /** Every path served, as the 404 body lists them: the endpoints, and {@code /health/<check>}. */
    static String[] documentedPaths() {
        String[] paths = new String[ALL.length + 1];
        int i = 0;
        for (Endpoint e : ALL) {
            if (e == HISTORY) {
                paths[i++] = CHECK_PREFIX + "<check>";
            }
            paths[i++] = e.path;
        }
        return paths;
    }

    /** The endpoint whose path is exactly {@code buf[from, to)}, or null. */
    static Endpoint match(byte[] buf, int from, int to) {
        for (Endpoint e : ALL) {
            if (to - from == e.pathBytes.length && startsWith(buf, from, to, e.pathBytes)) {
                return e;
            }
        }
        return null;
    }

    /** Whether {@code buf[from, to)} is {@code /health/} followed by at least one character. */
    static boolean isCheckPath(byte[] buf, int from, int to) {
        return to - from > CHECK_PREFIX_BYTES.length && startsWith(buf, from, to, CHECK_PREFIX_BYTES);
    }

    private static boolean startsWith(byte[] buf, int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buf[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
