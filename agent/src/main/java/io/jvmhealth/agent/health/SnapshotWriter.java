package io.jvmhealth.agent.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serializes evaluation results into the endpoints' JSON bodies, once per evaluation, straight to
 * bytes.
 *
 * <p>It writes JSON itself ({@link JsonBytes}) rather than through jackson, and formats the
 * timestamp itself rather than through {@code java.time}: measured with scripts/bench.sh, loading
 * and verifying jackson's generator classes alone added about 3.7 MB to the host's resident memory,
 * and {@code Instant.toString()} (the {@code java.time.format} machinery) about 0.2 to 0.7 MB, for
 * bodies of a few hundred bytes written once per interval.
 */
public final class SnapshotWriter {
    private static final int OK = 200;
    private static final int UNAVAILABLE = 503;

    private final long staleAfterNanos;
    private final Reply stale;
    private final Reply notStarted;

    /** @param staleAfterMillis how long without a completed evaluation before answers say "stalled" */
    public SnapshotWriter(long staleAfterMillis) {
        this.staleAfterNanos = staleAfterMillis * 1_000_000L;
        String stalled = "health evaluation stalled: no evaluation completed in the last " + staleAfterMillis + "ms";
        this.stale = reply(UNAVAILABLE, Status.UNHEALTHY, null, stalled, Collections.<String, CheckResult>emptyMap());
        this.notStarted = reply(UNAVAILABLE, Status.UNHEALTHY, null, "starting: the first health evaluation has not completed",
                Collections.<String, CheckResult>emptyMap());
    }

    /** The snapshot served before the first evaluation: alive, not started, not ready. */
    public Snapshot initial(long nowNanos) {
        Reply live = reply(OK, Status.HEALTHY, null, null, Collections.<String, CheckResult>emptyMap());
        return new Snapshot(nowNanos, staleAfterNanos, false, Status.UNHEALTHY,
                Collections.<Checked>emptyList(), live, notStarted, notStarted, notStarted, stale);
    }

    /**
     * Builds the snapshot for one evaluation; each endpoint is a view over {@code checks} by role
     * (see {@link Role}).
     *
     * @param checks every check's result, in report order
     * @param started the first evaluation is done and every gate has passed (latched by the caller)
     * @param pendingGates the gates not passed yet, or null when none
     */
    public Snapshot write(long nowNanos, long epochMillis, List<Checked> checks, boolean started, List<String> pendingGates) {
        String timestamp = JsonBytes.isoSeconds(epochMillis);
        Map<String, CheckResult> all = new LinkedHashMap<>();
        Map<String, CheckResult> liveness = new LinkedHashMap<>();
        Map<String, CheckResult> readiness = new LinkedHashMap<>();
        Map<String, CheckResult> gates = new LinkedHashMap<>();
        Status overall = Status.HEALTHY;
        Status readyStatus = Status.HEALTHY;
        boolean liveFailed = false;
        for (Checked c : checks) {
            CheckResult r = c.result();
            all.put(c.name(), r);
            overall = overall.worst(r.status());
            if (c.decidesLiveness()) {
                liveness.put(c.name(), r);
                liveFailed |= r.status() == Status.UNHEALTHY && !r.checkFailed();
            }
            if (c.role() == Role.STARTUP) {
                gates.put(c.name(), r);
            }
            if (c.decidesReadiness() || !started && c.role() == Role.STARTUP) {
                readiness.put(c.name(), r);
            }
            if (c.decidesReadiness()) {
                readyStatus = readyStatus.worst(r.status());
            }
        }
        String waiting = started ? null : "not started: waiting for " + String.join(", ", pendingGates);
        Reply live = reply(liveFailed ? UNAVAILABLE : OK, liveFailed ? Status.UNHEALTHY : Status.HEALTHY, timestamp, null, liveness);
        Reply health = reply(overall == Status.UNHEALTHY ? UNAVAILABLE : OK, overall, timestamp, null, all);
        Reply ready = started
                ? reply(readyStatus == Status.UNHEALTHY ? UNAVAILABLE : OK, readyStatus, timestamp, null, readiness)
                : reply(UNAVAILABLE, Status.UNHEALTHY, timestamp, waiting, readiness);
        Reply startedReply = started
                ? reply(OK, Status.HEALTHY, timestamp, null, gates)
                : reply(UNAVAILABLE, Status.UNHEALTHY, timestamp, waiting, gates);
        return new Snapshot(nowNanos, staleAfterNanos, started, overall, checks, live, ready, startedReply, health, stale);
    }

    private static Reply reply(int code, Status status, String timestamp, String reason, Map<String, CheckResult> checks) {
        return new Reply(code, body(status, timestamp, reason, checks, true), body(status, null, null, checks, false));
    }

    static byte[] body(Status status, String timestamp, String reason, Map<String, CheckResult> checks, boolean full) {
        JsonBytes g = new JsonBytes(full ? 512 : 32);
        g.startObject();
        g.field("status").string(status.json());
        if (full) {
            if (timestamp != null) {
                g.field("timestamp").string(timestamp);
            }
            if (reason != null) {
                g.field("reason").string(reason);
            }
            g.field("checks").startObject();
            for (Map.Entry<String, CheckResult> e : checks.entrySet()) {
                CheckResult r = e.getValue();
                g.field(e.getKey()).startObject();
                g.field("status").string(r.status().json());
                if (r.reason() != null) {
                    g.field("reason").string(r.reason());
                }
                if (!r.details().isEmpty()) {
                    g.field("details");
                    writeValue(g, r.details());
                }
                g.endObject();
            }
            g.endObject();
        }
        g.endObject();
        return g.toByteArray();
    }

    private static void writeValue(JsonBytes g, Object value) {
        if (value == null) {
            g.nullValue();
        } else if (value instanceof String) {
            g.string((String) value);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            g.number(((Number) value).longValue());
        } else if (value instanceof Number) {
            g.number(((Number) value).doubleValue());
        } else if (value instanceof Boolean) {
            g.bool((Boolean) value);
        } else if (value instanceof Map) {
            g.startObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                g.field(String.valueOf(e.getKey()));
                writeValue(g, e.getValue());
            }
            g.endObject();
        } else if (value instanceof List) {
            g.startArray();
            for (Object o : (List<?>) value) {
                writeValue(g, o);
            }
            g.endArray();
        } else {
            g.string(value.toString());
        }
    }
}
