package io.jvmhealth.agent.health;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Serializes evaluation results into the endpoints' JSON bodies, once per evaluation, with one
 * shared {@link JsonFactory} writing straight to bytes.
 */
public final class SnapshotWriter {
    private static final JsonFactory JSON = new JsonFactory();
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
                Collections.<String, CheckResult>emptyMap(), live, notStarted, notStarted, notStarted, stale);
    }

    /**
     * Builds the snapshot for one evaluation.
     *
     * @param results check name -&gt; result, in report order
     * @param liveness the subset of results that decide {@code /live}
     * @param deadlocked true when a liveness check observed (not failed to observe) an unhealthy state
     */
    public Snapshot write(long nowNanos, long epochMillis, Map<String, CheckResult> results,
                          Map<String, CheckResult> liveness, boolean deadlocked) {
        String timestamp = Instant.ofEpochSecond(epochMillis / 1000).toString();
        Status overall = Status.HEALTHY;
        for (CheckResult r : results.values()) {
            overall = overall.worst(r.status());
        }
        Status liveStatus = deadlocked ? Status.UNHEALTHY : Status.HEALTHY;
        Reply live = reply(deadlocked ? UNAVAILABLE : OK, liveStatus, timestamp, null, liveness);
        Reply health = reply(overall == Status.UNHEALTHY ? UNAVAILABLE : OK, overall, timestamp, null, results);
        Reply started = reply(OK, Status.HEALTHY, timestamp, null, Collections.<String, CheckResult>emptyMap());
        return new Snapshot(nowNanos, staleAfterNanos, true, overall, results, live, health, started, health, stale);
    }

    private static Reply reply(int code, Status status, String timestamp, String reason, Map<String, CheckResult> checks) {
        return new Reply(code, body(status, timestamp, reason, checks, true), body(status, null, null, checks, false));
    }

    static byte[] body(Status status, String timestamp, String reason, Map<String, CheckResult> checks, boolean full) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(full ? 512 : 32);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("status", status.json());
            if (full) {
                if (timestamp != null) {
                    g.writeStringField("timestamp", timestamp);
                }
                if (reason != null) {
                    g.writeStringField("reason", reason);
                }
                g.writeObjectFieldStart("checks");
                for (Map.Entry<String, CheckResult> e : checks.entrySet()) {
                    CheckResult r = e.getValue();
                    g.writeObjectFieldStart(e.getKey());
                    g.writeStringField("status", r.status().json());
                    if (r.reason() != null) {
                        g.writeStringField("reason", r.reason());
                    }
                    if (!r.details().isEmpty()) {
                        g.writeFieldName("details");
                        writeValue(g, r.details());
                    }
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize health body", e);
        }
        return out.toByteArray();
    }

    private static void writeValue(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String) {
            g.writeString((String) value);
        } else if (value instanceof Integer || value instanceof Long) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Number) {
            g.writeNumber(((Number) value).doubleValue());
        } else if (value instanceof Boolean) {
            g.writeBoolean((Boolean) value);
        } else if (value instanceof Map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof List) {
            g.writeStartArray();
            for (Object o : (List<?>) value) {
                writeValue(g, o);
            }
            g.writeEndArray();
        } else {
            g.writeString(value.toString());
        }
    }
}
