package io.jvmhealth.agent.health;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The immutable result of one evaluation, with every answer a request can ask for without
 * {@code ?exclude=} already serialized: each probe's JSON bodies and verbose texts, each check's
 * own body, and {@code /metrics} but for the lines that depend on the time of the request.
 * Published through a volatile reference; a request reads one snapshot and writes its bytes.
 */
public final class Snapshot {
    private final long completedAtNanos;
    private final long staleAfterNanos;
    private final boolean evaluated;
    private final boolean started;
    private final Status overall;
    private final String timestamp;
    private final long epochMillis;
    private final long durationNanos;
    private final List<Checked> checks;
    private final Map<String, CheckResult> results;
    private final Reply[] replies;
    private final Reply[] texts;
    private final Reply stale;
    private final Reply[] staleTexts;
    private final Map<String, Reply> perCheck;
    private final byte[] metricsFull;
    private final byte[] metricsBrief;
    private final Shutdown shutdown;
    private final String[] why;
    private final List<History.Transition> transitions;
    private final Reply history;
    private final Reply historyText;
    private final Series series;
    private final long seriesEnd;

    Snapshot(long completedAtNanos, long staleAfterNanos, boolean evaluated, boolean started, Status overall,
             String timestamp, long epochMillis, long durationNanos, List<Checked> checks, Reply[] replies, Reply[] texts,
             Reply stale, Reply[] staleTexts, Map<String, Reply> perCheck, byte[] metricsFull, byte[] metricsBrief,
             Shutdown shutdown, String[] why, List<History.Transition> transitions, Reply history, Reply historyText,
             Series series) {
        this.series = series;
        this.seriesEnd = series == null ? 0 : series.total();
        this.why = why;
        this.transitions = transitions;
        this.history = history;
        this.historyText = historyText;
        this.epochMillis = epochMillis;
        this.shutdown = shutdown;
        this.completedAtNanos = completedAtNanos;
        this.staleAfterNanos = staleAfterNanos;
        this.evaluated = evaluated;
        this.started = started;
        this.overall = overall;
        this.timestamp = timestamp;
        this.durationNanos = durationNanos;
        this.checks = Collections.unmodifiableList(new java.util.ArrayList<>(checks));
        Map<String, CheckResult> byName = new LinkedHashMap<>();
        for (Checked c : checks) {
            byName.put(c.name(), c.result());
        }
        this.results = Collections.unmodifiableMap(byName);
        this.replies = replies;
        this.texts = texts;
        this.stale = stale;
        this.staleTexts = staleTexts;
        this.perCheck = perCheck;
        this.metricsFull = metricsFull;
        this.metricsBrief = metricsBrief;
    }

    /** When no evaluation has completed for the stall limit, the evaluator is stalled. */
    public boolean isStale(long nowNanos) {
        return nowNanos - completedAtNanos > staleAfterNanos;
    }

    /** False only for the snapshot served before the first evaluation. */
    public boolean isEvaluated() {
        return evaluated;
    }

    public boolean isStarted() {
        return started;
    }

    public Status overall() {
        return overall;
    }

    /** The evaluation's time as written in bodies ({@code 2026-11-24T10:30:00Z}); null before the first. */
    public String timestamp() {
        return timestamp;
    }

    /** The evaluation's wall-clock time (epoch milliseconds); 0 before the first. */
    public long epochMillis() {
        return epochMillis;
    }

    /** When the evaluation completed ({@link System#nanoTime()}). */
    long completedAtNanos() {
        return completedAtNanos;
    }

    /** Why {@code probe} answers as this evaluation prepared it: its reason or the failing checks'; null when it passes. */
    public String why(Probe probe) {
        return why[probe.ordinal()];
    }

    /** The last transitions, oldest first, as of this snapshot (bounded: {@link History}). */
    public List<History.Transition> transitions() {
        return transitions;
    }

    /** {@code /health/history}: always 200; the brief body leaves reasons out. */
    public Reply history() {
        return history;
    }

    /** {@code /health/history?verbose}. */
    public Reply historyText() {
        return historyText;
    }

    /** The charted figures the evaluator keeps ({@link Series}), or null when it keeps none. */
    public Series series() {
        return series;
    }

    /** The charted figures as of this snapshot (a copy, oldest first), or null when the evaluator keeps none. */
    public Series.Points seriesPoints() {
        return series == null ? null : series.points(seriesEnd);
    }

    /** Where the JVM is in its end: running, draining or stopping. */
    public Shutdown shutdown() {
        return shutdown;
    }

    /** How long the evaluation took, or -1 when not measured. */
    public long durationNanos() {
        return durationNanos;
    }

    /** Time since this snapshot was published (since the agent started, before the first evaluation). */
    public long ageNanos(long nowNanos) {
        return nowNanos - completedAtNanos;
    }

    /** Every check's result by name, in report order. */
    public Map<String, CheckResult> results() {
        return results;
    }

    /** Every check with its role and result, in report order: what the endpoints are views of. */
    public List<Checked> checks() {
        return checks;
    }

    public boolean hasCheck(String name) {
        return results.containsKey(name);
    }

    /** The prepared JSON answer of {@code probe} at {@code nowNanos} ("stalled" once stale; {@code /started} never is). */
    public Reply reply(Probe probe, long nowNanos) {
        return probe != Probe.STARTED && isStale(nowNanos) ? stale : replies[probe.ordinal()];
    }

    /** The answer of {@code probe} as this evaluation prepared it, stale or not. */
    public Reply prepared(Probe probe) {
        return replies[probe.ordinal()];
    }

    /** The prepared verbose text ({@code ?verbose}) of {@code probe} at {@code nowNanos}. */
    public Reply text(Probe probe, long nowNanos) {
        return probe != Probe.STARTED && isStale(nowNanos) ? staleTexts[probe.ordinal()] : texts[probe.ordinal()];
    }

    /** The answer for {@code /live}, {@code /ready}, {@code /started} or {@code /health} at {@code nowNanos}. */
    public Reply live(long nowNanos) {
        return reply(Probe.LIVE, nowNanos);
    }

    public Reply ready(long nowNanos) {
        return reply(Probe.READY, nowNanos);
    }

    public Reply started() {
        return replies[Probe.STARTED.ordinal()];
    }

    public Reply health(long nowNanos) {
        return reply(Probe.HEALTH, nowNanos);
    }

    /**
     * {@code /health/<name>}: that check alone (200 unless unhealthy), or null when no check has that
     * name. Before the first evaluation every name gets the "starting" answer, and once stale the
     * "stalled" one: no result is served that the evaluation no longer vouches for.
     */
    public Reply check(String name, long nowNanos) {
        if (!evaluated) {
            return replies[Probe.HEALTH.ordinal()];
        }
        Reply r = perCheck.get(name);
        if (r == null) {
            return null;
        }
        return isStale(nowNanos) ? stale : r;
    }

    /** {@code /health/<name>?verbose}: that check's line and {@code /health/<name> check passed|failed}; null when no such check. */
    public Reply checkText(String name, long nowNanos) {
        Reply answer = check(name, nowNanos);
        if (answer == null) {
            return null;
        }
        String path = Probe.HEALTH.path() + "/" + SnapshotWriter.oneLine(name);
        String reason = null;
        String lineName = name;
        boolean ok = answer.code() == Reply.OK;
        if (!evaluated || isStale(nowNanos)) {
            lineName = "evaluation";
            reason = evaluated ? "health evaluation stalled" : "starting: the first health evaluation has not completed";
        } else {
            reason = results.get(name).reason();
        }
        StringBuilder full = new StringBuilder(96);
        SnapshotWriter.checkLine(full, lineName, ok, reason);
        StringBuilder brief = new StringBuilder(64);
        SnapshotWriter.checkLine(brief, lineName, ok, null);
        String last = path + (ok ? " check passed\n" : " check failed\n");
        return new Reply(answer.code(), full.append(last).toString().getBytes(StandardCharsets.UTF_8),
                brief.append(last).toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code /metrics} at {@code nowNanos}: the lines that depend on the time of the request
     * ({@code jvmhealth_up}, the evaluation's age) followed by the part prepared by the evaluation.
     *
     * @param full whether figures may be shown ({@code details} policy); see {@link MetricsText}
     */
    public byte[] metrics(boolean full, long nowNanos) {
        byte[] prepared = full ? metricsFull : metricsBrief;
        StringBuilder b = new StringBuilder(512);
        MetricsText.requestLines(b, this, nowNanos);
        byte[] head = b.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + prepared.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(prepared, 0, all, head.length, prepared.length);
        return all;
    }
}
