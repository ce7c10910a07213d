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
    private final Map<String, CheckResult> results;
    private final Reply live;
    private final Reply ready;
    private final Reply startedReply;
    private final Reply health;
    private final Reply stale;

    Snapshot(long completedAtNanos, long staleAfterNanos, boolean started, Status overall,
             Map<String, CheckResult> results, Reply live, Reply ready, Reply startedReply, Reply health, Reply stale) {
        this.completedAtNanos = completedAtNanos;
        this.staleAfterNanos = staleAfterNanos;
        this.started = started;
        this.overall = overall;
        this.results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
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

    public Map<String, CheckResult> results() {
        return results;
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
