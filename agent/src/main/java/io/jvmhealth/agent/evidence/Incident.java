package io.jvmhealth.agent.evidence;

/**
 * One kind of incident (liveness failing, heap unhealthy): evidence is due when it begins, once per
 * incident, and at most once every {@code minGapNanos}. An incident ends when the condition is
 * observed false. Thread-safe (the evaluator and the watchdog both report).
 */
final class Incident {
    /** What an observation means for the evidence. */
    enum Decision { NONE, WRITE, SKIP_RATE }

    private final long minGapNanos;
    private boolean open;
    private boolean written;
    private long lastWrittenNanos;

    Incident(long minGapNanos) {
        this.minGapNanos = minGapNanos;
    }

    synchronized Decision observe(boolean failing, long nowNanos) {
        if (!failing) {
            open = false;
            return Decision.NONE;
        }
        if (open) {
            return Decision.NONE;
        }
        open = true;
        if (written && nowNanos - lastWrittenNanos < minGapNanos) {
            return Decision.SKIP_RATE;
        }
        written = true;
        lastWrittenNanos = nowNanos;
        return Decision.WRITE;
    }

    synchronized long sinceLastWrittenNanos(long nowNanos) {
        return nowNanos - lastWrittenNanos;
    }
}
