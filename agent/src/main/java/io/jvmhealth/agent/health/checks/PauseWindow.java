package io.jvmhealth.agent.health.checks;

/**
 * Stop-the-world pause time over a sliding window, in fixed memory: the window is cut into buckets;
 * a pause is added to the bucket of the moment it was reported; the fraction is the sum of the
 * buckets inside the window divided by min(time observed, window). Resolution is one bucket.
 * Thread-safe: GC notifications record, the evaluator reads.
 */
final class PauseWindow {
    private final long windowNanos;
    private final long bucketNanos;
    private final long startNanos;
    private final long[] sums;
    private final long[] stamps;

    PauseWindow(long windowNanos, int buckets, long startNanos) {
        this.windowNanos = windowNanos;
        this.bucketNanos = Math.max(1, windowNanos / buckets);
        this.startNanos = startNanos;
        this.sums = new long[buckets];
        this.stamps = new long[buckets];
        java.util.Arrays.fill(stamps, -1);
    }

    synchronized void record(long atNanos, long pauseNanos) {
        if (pauseNanos <= 0 || atNanos < startNanos) {
            return;
        }
        long index = (atNanos - startNanos) / bucketNanos;
        int slot = (int) (index % sums.length);
        if (stamps[slot] != index) {
            stamps[slot] = index;
            sums[slot] = 0;
        }
        sums[slot] += pauseNanos;
    }

    /** Pause time reported within the window ending at {@code nowNanos}. */
    synchronized long pausedNanos(long nowNanos) {
        long now = (nowNanos - startNanos) / bucketNanos;
        long total = 0;
        for (int i = 0; i < sums.length; i++) {
            long age = now - stamps[i];
            if (stamps[i] >= 0 && age >= 0 && age < sums.length) {
                total += sums[i];
            }
        }
        return total;
    }

    /** Time the window covers at {@code nowNanos}: min(time since start, window). */
    long observedNanos(long nowNanos) {
        return Math.max(0, Math.min(nowNanos - startNanos, windowNanos));
    }

    /** Fraction of wall time spent paused in the window, from 0 to 1. */
    double fraction(long nowNanos) {
        long observed = observedNanos(nowNanos);
        if (observed <= 0) {
            return 0;
        }
        return Math.min(1.0, (double) pausedNanos(nowNanos) / observed);
    }
}
