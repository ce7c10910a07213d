package io.jvmhealth.agent.health;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Serializes evaluation results into the endpoints' JSON bodies, once per evaluation, straight to
 * bytes.
 *
 * <p>It writes JSON itself ({@link JsonBytes}) rather than through a JSON library, and formats the
 * timestamp itself ({@link UtcTime}) rather than through {@code java.time}: for bodies of a few hundred
 * bytes written once per interval, either library would cost the host more resident memory than the
 * whole answer is worth (the figures are in docs/performance.md).
 */
public final class SnapshotWriter {
    private static final int OK = Reply.OK;
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int UNAVAILABLE = Reply.UNAVAILABLE;
    /** The answer-level condition named in verbose text when no check line explains a failure. */
    private static final String EVALUATION = "evaluation";
    private static final String STARTED = "started";
    private static final String SHUTDOWN = "shutdown";
    private static final String STARTING = "starting: the first health evaluation has not completed";

    private final long staleAfterNanos;
    private final String stalled;
    private final Reply stale;
    private final Reply[] staleTexts;
    private final Reply notStarted;
    private final Reply[] notStartedTexts;
    /** The charted figures the evaluator keeps, or null (set once, before or between evaluations). */
    private volatile Series series;

    /** @param staleAfterMillis how long without a completed evaluation before answers say "stalled" */
    public SnapshotWriter(long staleAfterMillis) {
        this.staleAfterNanos = staleAfterMillis * 1_000_000L;
        this.stalled = "health evaluation stalled: no evaluation completed in the last " + staleAfterMillis + "ms";
        this.stale = reply(UNAVAILABLE, Status.UNHEALTHY, null, stalled, Collections.<String, CheckResult>emptyMap());
        this.notStarted = reply(UNAVAILABLE, Status.UNHEALTHY, null, STARTING, Collections.<String, CheckResult>emptyMap());
        Probe[] probes = Probe.values();
        this.staleTexts = new Reply[probes.length];
        this.notStartedTexts = new Reply[probes.length];
        for (Probe p : probes) {
            staleTexts[p.ordinal()] = text(failure(p, stalled), Collections.<String>emptyList());
            notStartedTexts[p.ordinal()] = text(failure(p, STARTING), Collections.<String>emptyList());
        }
    }

    /** Snapshots written from now on carry {@code series} (the page's charts). */
    void keep(Series series) {
        this.series = series;
    }

    /** The snapshot served before the first evaluation: alive, not started, not ready. */
    public Snapshot initial(long nowNanos) {
        return initial(nowNanos, Shutdown.RUNNING);
    }

    private Snapshot initial(long nowNanos, Shutdown shutdown) {
        Reply live = reply(OK, Status.HEALTHY, null, null, Collections.<String, CheckResult>emptyMap());
        View liveView = new View(Probe.LIVE, OK, Status.HEALTHY, null, null, Collections.<Checked>emptyList());
        Reply[] replies = {live, notStarted, notStarted, notStarted};
        Reply[] texts = notStartedTexts.clone();
        texts[Probe.LIVE.ordinal()] = text(liveView, Collections.<String>emptyList());
        List<History.Transition> none = Collections.emptyList();
        return new Snapshot(nowNanos, staleAfterNanos, false, false, Status.UNHEALTHY, null, 0, -1,
                Collections.<Checked>emptyList(), replies, texts, stale, staleTexts,
                Collections.<String, Reply>emptyMap(), MetricsText.prepare(Collections.<Checked>emptyList(), -1, true, shutdown),
                MetricsText.prepare(Collections.<Checked>emptyList(), -1, false, shutdown), shutdown,
                new String[] {null, STARTING, STARTING, STARTING}, none, History.reply(none, 0), History.text(none), series);
    }

    /**
     * The same evaluation's snapshot with another shutdown state: what {@code /ready} says the moment the JVM's
     * shutdown or a drain begins, without waiting for an evaluation. Its age is the evaluation's, not the
     * moment of the rewrite (it vouches for nothing newer).
     */
    public Snapshot rewrite(Snapshot previous, Shutdown shutdown, History history) {
        if (!previous.isEvaluated()) {
            return initial(previous.completedAtNanos(), shutdown);
        }
        return write(previous.completedAtNanos(), previous.epochMillis(), previous.checks(), previous.isStarted(), null,
                previous.durationNanos(), shutdown, history);
    }

    /** As {@link #write(long, long, List, boolean, List, long)} without a measured duration. */
    public Snapshot write(long nowNanos, long epochMillis, List<Checked> checks, boolean started, List<String> pendingGates) {
        return write(nowNanos, epochMillis, checks, started, pendingGates, -1);
    }

    /**
     * Builds the snapshot for one evaluation; each probe is a view over {@code checks} by role
     * (see {@link Role} and {@link #view}). Everything a request can ask for without a query
     * parameter that changes the set of checks is prepared here: JSON bodies, verbose texts,
     * per-check bodies and most of {@code /metrics}.
     *
     * @param checks every check's result, in report order
     * @param started the first evaluation is done and every gate has passed (latched by the caller)
     * @param pendingGates the gates not passed yet, or null when none
     * @param durationNanos how long the evaluation took, or -1 when not measured
     */
    public Snapshot write(long nowNanos, long epochMillis, List<Checked> checks, boolean started, List<String> pendingGates,
                          long durationNanos) {
        return write(nowNanos, epochMillis, checks, started, pendingGates, durationNanos, Shutdown.RUNNING);
    }

    /** As above, in a JVM whose end may have begun ({@code shutdown}: {@code /ready} 503 unless running). */
    public Snapshot write(long nowNanos, long epochMillis, List<Checked> checks, boolean started, List<String> pendingGates,
                          long durationNanos, Shutdown shutdown) {
        return write(nowNanos, epochMillis, checks, started, pendingGates, durationNanos, shutdown, null);
    }

    /** As above, with the transitions so far ({@code /health/history}; null: none kept). */
    public Snapshot write(long nowNanos, long epochMillis, List<Checked> checks, boolean started, List<String> pendingGates,
                          long durationNanos, Shutdown shutdown, History history) {
        String timestamp = JsonBytes.isoSeconds(epochMillis);
        String[] why = new String[Probe.values().length];
        Set<String> none = Collections.emptySet();
        Probe[] probes = Probe.values();
        Reply[] replies = new Reply[probes.length];
        Reply[] texts = new Reply[probes.length];
        for (Probe probe : probes) {
            View v = view(probe, checks, started, pendingGates, none, shutdown);
            replies[probe.ordinal()] = reply(v, timestamp, shutdown);
            why[probe.ordinal()] = why(v);
            texts[probe.ordinal()] = text(v, Collections.<String>emptyList());
        }
        Status overall = Status.HEALTHY;
        Map<String, Reply> perCheck = new LinkedHashMap<>();
        for (Checked c : checks) {
            CheckResult r = c.result();
            overall = overall.worst(r.status());
            perCheck.put(c.name(), new Reply(r.status() == Status.UNHEALTHY ? UNAVAILABLE : OK,
                    checkBody(r, true), checkBody(r, false)));
        }
        List<History.Transition> transitions = history == null ? Collections.<History.Transition>emptyList() : history.entries();
        long total = history == null ? 0 : history.total();
        return new Snapshot(nowNanos, staleAfterNanos, true, started, overall, timestamp, epochMillis, durationNanos, checks,
                replies, texts, stale, staleTexts, perCheck,
                MetricsText.prepare(checks, durationNanos, true, shutdown), MetricsText.prepare(checks, durationNanos, false, shutdown),
                shutdown, why, transitions, history == null ? History.reply(transitions, total) : history.reply(),
                history == null ? History.text(transitions) : history.text(), series);
    }

    /**
     * One probe's answer over {@code checks}, leaving out the checks named in {@code excluded}
     * (only {@link Probe#acceptsExclude() where excluding applies}): the same role logic for every
     * probe, for prepared answers and for {@code ?exclude=} alike.
     * <ul>
     *   <li>{@code /live}: the liveness checks; fails on an observed unhealthy result (a check that
     *       could not run never fails it);</li>
     *   <li>{@code /ready}: the checks that decide readiness, and the pending gates while not started;
     *       fails while not started or when one of them is unhealthy;</li>
     *   <li>{@code /started}: the gates; fails until started;</li>
     *   <li>{@code /health}: every check; fails when one is unhealthy.</li>
     * </ul>
     */
    static View view(Probe probe, List<Checked> checks, boolean started, List<String> pendingGates, Set<String> excluded,
                     Shutdown shutdown) {
        boolean exclude = probe.acceptsExclude() && !excluded.isEmpty();
        List<Checked> deciding = new ArrayList<>(checks.size());
        Status status = Status.HEALTHY;
        boolean liveFailed = false;
        List<String> pending = null;
        for (Checked c : checks) {
            if (c.role() == Role.STARTUP && !c.passed()) {
                if (pending == null) {
                    pending = new ArrayList<>();
                }
                pending.add(c.name());
            }
            if (exclude && excluded.contains(c.name())) {
                continue;
            }
            CheckResult r = c.result();
            switch (probe) {
                case LIVE:
                    if (c.decidesLiveness()) {
                        deciding.add(c);
                        liveFailed |= r.status() == Status.UNHEALTHY && !r.checkFailed();
                    }
                    break;
                case STARTED:
                    if (c.role() == Role.STARTUP) {
                        deciding.add(c);
                    }
                    break;
                case READY:
                    if (c.decidesReadiness() || !started && c.role() == Role.STARTUP) {
                        deciding.add(c);
                    }
                    if (c.decidesReadiness()) {
                        status = status.worst(r.status());
                    }
                    break;
                case HEALTH:
                default:
                    deciding.add(c);
                    status = status.worst(r.status());
                    break;
            }
        }
        if (pending == null && pendingGates != null && !pendingGates.isEmpty()) {
            pending = pendingGates;
        }
        String waiting = started ? null : "not started: waiting for " + (pending == null ? "the first evaluation" : String.join(", ", pending));
        switch (probe) {
            case LIVE:
                return new View(probe, liveFailed ? UNAVAILABLE : OK, liveFailed ? Status.UNHEALTHY : Status.HEALTHY, null, null, deciding);
            case STARTED:
                return started
                        ? new View(probe, OK, Status.HEALTHY, null, null, deciding)
                        : new View(probe, UNAVAILABLE, Status.UNHEALTHY, waiting, STARTED, deciding);
            case READY:
                if (!shutdown.isRunning()) {
                    return new View(probe, UNAVAILABLE, Status.UNHEALTHY, shutdown.reason(), SHUTDOWN, deciding);
                }
                return started
                        ? new View(probe, status == Status.UNHEALTHY ? UNAVAILABLE : OK, status, null, null, deciding)
                        : new View(probe, UNAVAILABLE, Status.UNHEALTHY, waiting, STARTED, deciding);
            case HEALTH:
            default:
                return new View(probe, status == Status.UNHEALTHY ? UNAVAILABLE : OK, status, null, null, deciding);
        }
    }

    /**
     * The answer of {@code probe} at {@code nowNanos} without the checks named in {@code excluded}
     * (built per request: {@code ?exclude=}). {@code unknown} receives the excluded names that are
     * not checks of this snapshot.
     *
     * @param verbose true: the verbose text (with a {@code warn:} line for unknown names); false: JSON
     */
    public static Reply excluding(Snapshot snapshot, Probe probe, Collection<String> excluded, boolean verbose, long nowNanos) {
        List<String> unknown = new ArrayList<>();
        for (String name : excluded) {
            if (probe.acceptsExclude() && !snapshot.hasCheck(name) && !unknown.contains(name)) {
                unknown.add(name);
            }
        }
        boolean anyKnown = false;
        for (String name : excluded) {
            anyKnown |= snapshot.hasCheck(name);
        }
        if (!anyKnown || !snapshot.isEvaluated() || snapshot.isStale(nowNanos) || !probe.acceptsExclude()) {
            return verbose ? withWarning(snapshot.text(probe, nowNanos), unknown) : snapshot.reply(probe, nowNanos);
        }
        View v = view(probe, snapshot.checks(), snapshot.isStarted(), null, new java.util.HashSet<>(excluded), snapshot.shutdown());
        return verbose ? text(v, unknown) : reply(v, snapshot.timestamp(), snapshot.shutdown());
    }

    /** Re-renders a prepared text with a warning line before its last line (for names that matched nothing). */
    private static Reply withWarning(Reply text, List<String> unknown) {
        if (unknown.isEmpty()) {
            return text;
        }
        return new Reply(text.code(), insertWarning(text.fullBody(), unknown), insertWarning(text.briefBody(), unknown));
    }

    private static byte[] insertWarning(byte[] text, List<String> unknown) {
        String s = new String(text, StandardCharsets.UTF_8);
        int last = s.lastIndexOf('\n', s.length() - 2) + 1;
        return (s.substring(0, last) + warning(unknown) + s.substring(last)).getBytes(StandardCharsets.UTF_8);
    }

    private static String warning(List<String> unknown) {
        StringBuilder b = new StringBuilder("warn: some health checks cannot be excluded: no matches for ");
        for (int i = 0; i < unknown.size(); i++) {
            b.append(i == 0 ? "" : ",").append('"').append(oneLine(unknown.get(i))).append('"');
        }
        return b.append('\n').toString();
    }

    /** Why a view's answer is what it is, for its transition: its own reason, or the failing checks' (null when it passes). */
    private static String why(View v) {
        if (v.code == OK) {
            return null;
        }
        if (v.reason != null) {
            return v.reason;
        }
        StringBuilder b = new StringBuilder();
        for (Checked c : v.deciding) {
            if (!passes(v.probe, c)) {
                b.append(b.length() == 0 ? "" : "; ").append(c.name());
                if (c.result().reason() != null) {
                    b.append(": ").append(c.result().reason());
                }
            }
        }
        return b.length() == 0 ? null : b.toString();
    }

    /** The answer with JSON bodies (full and brief) for a view; {@code /ready} and {@code /health} say a shutdown. */
    private static Reply reply(View v, String timestamp, Shutdown shutdown) {
        Map<String, CheckResult> checks = new LinkedHashMap<>();
        for (Checked c : v.deciding) {
            checks.put(c.name(), c.result());
        }
        Shutdown said = v.probe == Probe.READY || v.probe == Probe.HEALTH ? shutdown : Shutdown.RUNNING;
        return new Reply(v.code, body(v.status, timestamp, v.reason, checks, true, said), body(v.status, null, null, checks, false, said));
    }

    private static View failure(Probe probe, String reason) {
        return new View(probe, UNAVAILABLE, Status.UNHEALTHY, reason, EVALUATION, Collections.<Checked>emptyList());
    }

    /**
     * The verbose text for a view, as kube-apiserver writes it: one line per check that decided the
     * answer ({@code [+]name ok}, {@code [-]name failed: reason}), a {@code [-]started failed} or
     * {@code [-]evaluation failed} line when the answer fails for a reason that is not one check's,
     * a {@code warn:} line naming excluded names that matched no check, and the last line
     * {@code <path> check passed|failed}. The brief text leaves reasons out. Every line is one line.
     */
    static Reply text(View v, List<String> unknown) {
        return new Reply(v.code, textBytes(v, unknown, true), textBytes(v, unknown, false));
    }

    private static byte[] textBytes(View v, List<String> unknown, boolean full) {
        StringBuilder b = new StringBuilder(64 + 48 * v.deciding.size());
        boolean anyFailed = false;
        for (Checked c : v.deciding) {
            boolean ok = passes(v.probe, c);
            anyFailed |= !ok;
            checkLine(b, c.name(), ok, full ? c.result().reason() : null);
        }
        if (v.code != OK && !anyFailed && v.condition != null) {
            checkLine(b, v.condition, false, full ? v.reason : null);
        }
        if (!unknown.isEmpty()) {
            b.append(warning(unknown));
        }
        b.append(v.probe.path()).append(v.code == OK ? " check passed\n" : " check failed\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static void checkLine(StringBuilder b, String name, boolean ok, String reason) {
        b.append(ok ? "[+]" : "[-]").append(oneLine(name)).append(ok ? " ok" : " failed");
        if (!ok && reason != null) {
            b.append(": ").append(oneLine(reason));
        }
        b.append('\n');
    }

    /** Whether a check's line in {@code probe}'s verbose text is {@code [+]}. */
    static boolean passes(Probe probe, Checked c) {
        CheckResult r = c.result();
        if (probe == Probe.LIVE) {
            return r.status() != Status.UNHEALTHY || r.checkFailed();
        }
        if (probe == Probe.STARTED) {
            return c.passed() || r.status() != Status.UNHEALTHY;
        }
        return r.status() != Status.UNHEALTHY;
    }

    /** Control characters escaped ({@code \n} as the two characters {@code \} and {@code n}), so a line stays one line. */
    static String oneLine(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < 0x20 || s.charAt(i) == 0x7f) {
                StringBuilder b = new StringBuilder(s.length() + 8);
                for (int j = 0; j < s.length(); j++) {
                    char c = s.charAt(j);
                    if (c == '\n') {
                        b.append("\\n");
                    } else if (c == '\r') {
                        b.append("\\r");
                    } else if (c == '\t') {
                        b.append("\\t");
                    } else if (c < 0x20 || c == 0x7f) {
                        b.append("\\u00").append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        b.append(c);
                    }
                }
                return b.toString();
            }
        }
        return s;
    }

    /** {@code /health/<check>}: that check alone, {@code {"status", "reason"?, "details"?}}. */
    static byte[] checkBody(CheckResult r, boolean full) {
        JsonBytes g = new JsonBytes(full ? 256 : 24);
        g.startObject();
        g.field("status").string(r.status().json());
        if (full) {
            if (r.reason() != null) {
                g.field("reason").string(r.reason());
            }
            if (!r.details().isEmpty()) {
                g.field("details");
                writeValue(g, r.details());
            }
        }
        g.endObject();
        return g.toByteArray();
    }

    /** One probe's view: the checks that decided it (in report order), its code and status. */
    static final class View {
        final Probe probe;
        final int code;
        final Status status;
        /** The answer's own reason (not started, stalled), or null. */
        final String reason;
        /** What the verbose text names when the answer fails for {@link #reason}: "started" or "evaluation". */
        final String condition;
        final List<Checked> deciding;

        View(Probe probe, int code, Status status, String reason, String condition, List<Checked> deciding) {
            this.probe = probe;
            this.code = code;
            this.status = status;
            this.reason = reason;
            this.condition = condition;
            this.deciding = deciding;
        }
    }

    private static Reply reply(int code, Status status, String timestamp, String reason, Map<String, CheckResult> checks) {
        return new Reply(code, body(status, timestamp, reason, checks, true), body(status, null, null, checks, false));
    }

    static byte[] body(Status status, String timestamp, String reason, Map<String, CheckResult> checks, boolean full) {
        return body(status, timestamp, reason, checks, full, Shutdown.RUNNING);
    }

    /** A probe's JSON body; {@code "shutdown":{"state", "reason", "endsAt"?}} while the JVM's end has begun. */
    static byte[] body(Status status, String timestamp, String reason, Map<String, CheckResult> checks, boolean full, Shutdown shutdown) {
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
            if (!shutdown.isRunning()) {
                g.field("shutdown").startObject();
                g.field("state").string(shutdown.state().word());
                g.field("reason").string(shutdown.reason());
                if (shutdown.endsAtMillis() > 0) {
                    g.field("endsAt").string(UtcTime.iso(shutdown.endsAtMillis()));
                }
                g.endObject();
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
