package io.jvmhealth.agent.health.checks.hang;

/**
 * When the next thread dump may be taken: never sooner than {@code minSpacing} after the last one began, and never
 * sooner than {@code costFactor} times the last dump's cost after it (100: the dumps take at most 1 % of one core
 * over time). Measured on JDK 25 (2 shared cores): 10,000 virtual threads cost 250-330 ms of CPU a dump (a dump at
 * most every 25-33 s), 100,000 cost 2.4 s (every 4 minutes). Pure: the caller says what time it is.
 */
public final class DumpPacing {
    private final long minSpacingNanos;
    private final long costFactor;
    private long lastStart;
    private long lastCost;
    private boolean any;

    public DumpPacing(long minSpacingNanos, long costFactor) {
        this.minSpacingNanos = minSpacingNanos;
        this.costFactor = costFactor;
    }

    public boolean allowed(long now) {
        return !any || now - lastStart >= spacing();
    }

    /** Nanoseconds from the last dump's start to the next allowed one. */
    public long spacing() {
        long byCost = costFactor == 0 ? 0 : lastCost > Long.MAX_VALUE / costFactor ? Long.MAX_VALUE : lastCost * costFactor;
        return Math.max(minSpacingNanos, byCost);
    }

    /** Nanoseconds until the next dump is allowed (0: now). */
    public long remaining(long now) {
        return any ? Math.max(0, spacing() - (now - lastStart)) : 0;
    }

    /** A dump began at {@code start} and cost {@code costNanos} (CPU where known, else wall time). */
    public void taken(long start, long costNanos) {
        any = true;
        lastStart = start;
        lastCost = Math.max(0, costNanos);
    }
}
