package io.jvmhealth.agent.health;

import java.util.Collections;
import java.util.List;

/**
 * One check's place in a snapshot: its name, the role it declared, whether its result takes part
 * in {@code /ready}, and its result. Endpoints, verbose text, per-check paths and metrics are views
 * over the list of these; none of them knows a check by name.
 */
public final class Checked {
    private final String name;
    private final Role role;
    private final boolean decidesReadiness;
    private final boolean passed;
    private final CheckResult result;
    private final List<MetricFamily> families;
    private final long[] transitions;
    private final long lastTransitionMillis;
    private final long durationNanos;
    private static final long[] NONE = new long[Status.values().length];

    Checked(String name, Role role, boolean decidesReadiness, boolean passed, CheckResult result) {
        this(name, role, decidesReadiness, passed, result, Collections.<MetricFamily>emptyList());
    }

    Checked(String name, Role role, boolean decidesReadiness, boolean passed, CheckResult result, List<MetricFamily> families) {
        this(name, role, decidesReadiness, passed, result, families, NONE, 0, -1);
    }

    /**
     * @param transitions          how many times the check turned into each status (by {@link Status#ordinal()}) since the agent started
     * @param lastTransitionMillis when it last changed status (epoch milliseconds), 0 when never
     * @param durationNanos        how long its evaluation took, -1 when not measured
     */
    Checked(String name, Role role, boolean decidesReadiness, boolean passed, CheckResult result, List<MetricFamily> families,
            long[] transitions, long lastTransitionMillis, long durationNanos) {
        this.families = families;
        this.transitions = transitions;
        this.lastTransitionMillis = lastTransitionMillis;
        this.durationNanos = durationNanos;
        this.name = name;
        this.role = role;
        this.decidesReadiness = decidesReadiness;
        this.passed = passed;
        this.result = result;
    }

    public String name() {
        return name;
    }

    /** The same place with another result (a gate that stopped serving, published between evaluations). */
    Checked withResult(CheckResult other) {
        return new Checked(name, role, decidesReadiness, passed, other, families, transitions, lastTransitionMillis, durationNanos);
    }

    public Role role() {
        return role;
    }

    /**
     * True for liveness and readiness checks, and for a passed gate that keeps judging readiness
     * ({@link HealthCheck#judgesReadinessOncePassed()}).
     */
    public boolean decidesReadiness() {
        return decidesReadiness;
    }

    /** True when the liveness answer depends on this check. */
    public boolean decidesLiveness() {
        return role == Role.LIVENESS;
    }

    /** For a gate: true once it has passed (latched). False for other checks. */
    public boolean passed() {
        return passed;
    }

    public CheckResult result() {
        return result;
    }

    /** How many times the check turned into {@code status} since the agent started. */
    public long transitionsInto(Status status) {
        return transitions[status.ordinal()];
    }

    /** When the check last changed status (epoch milliseconds), 0 when it never did. */
    public long lastTransitionMillis() {
        return lastTransitionMillis;
    }

    /** How long its evaluation took (nanoseconds), -1 when not measured; a latched gate is not evaluated again. */
    public long durationNanos() {
        return durationNanos;
    }

    /** The metric families the check declared: the result's figures are theirs, in this order. */
    public List<MetricFamily> families() {
        return families;
    }
}
