package io.jvmhealth.agent.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The immutable result of one evaluation, with every endpoint's answer already serialized.
 * Published through a volatile reference; a request reads one snapshot and writes its bytes.
 */
public final class Snapshot {
    private final long completedAtNanos;
    private final long staleAfterNanos;
    private final boolean started;
    private final Status overall;
    private final java.util.List<Checked> checks;
    private final Map<String, CheckResult> results;
    private final Reply live;
    private final Reply ready;
    private final Reply startedReply;
    private final Reply health;
    private final Reply stale;

    Snapshot(long completedAtNanos, long staleAfterNanos, boolean started, Status overall,
             java.util.List<Checked> checks, Reply live, Reply ready, Reply startedReply, Reply health, Reply stale) {
        this.completedAtNanos = completedAtNanos;
        this.staleAfterNanos = staleAfterNanos;
        this.started = started;
        this.overall = overall;
        this.checks = Collections.unmodifiableList(new java.util.ArrayList<>(checks));
        Map<String, CheckResult> byName = new LinkedHashMap<>();
        for (Checked c : checks) {
            byName.put(c.name(), c.result());
        }
        this.results = Collections.unmodifiableMap(byName);
        this.live = live;
        this.ready = ready;
        this.startedReply = startedReply;
        this.health = health;
        this.stale = stale;
    }

    /** When no evaluation has completed for the stall limit, the evaluator is stalled. */
    public boolean isStale(long nowNanos) {
        return nowNanos - completedAtNanos > staleAfterNanos;
    }

    public boolean isStarted() {
        return started;
    }

    public Status overall() {
        return overall;
    }

    /** Every check's result by name, in report order. */
    public Map<String, CheckResult> results() {
        return results;
    }

    /** Every check with its role and result, in report order: what the endpoints are views of. */
    public java.util.List<Checked> checks() {
        return checks;
    }

    /** The answer for {@code /live}, {@code /ready}, {@code /started} or {@code /health} at {@code nowNanos}. */
    public Reply live(long nowNanos) {
        return isStale(nowNanos) ? stale : live;
    }

    public Reply ready(long nowNanos) {
        return isStale(nowNanos) ? stale : ready;
    }

    public Reply started() {
        return startedReply;
    }

    public Reply health(long nowNanos) {
        return isStale(nowNanos) ? stale : health;
    }
}
