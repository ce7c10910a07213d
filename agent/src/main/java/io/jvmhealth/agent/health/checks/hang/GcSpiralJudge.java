package io.jvmhealth.agent.health.checks.hang;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Judges a GC death spiral: nearly all wall time in stop-the-world GC pauses over a whole {@code window} (and over
 * its most recent quarter: still so now), with the old generation still nearly full after collecting. Such a JVM
 * completes almost no work and does not recover by itself; a restart gives it back an empty heap.
 *
 * <p>Inputs, per evaluation: the cumulative stop-the-world pause time (as {@code GcPauses} counts it: never the
 * concurrent cycles of ZGC and Shenandoah, which run back to back in a healthy allocation-heavy JVM too), the
 * cumulative count of major collections (full GCs; whole old or major cycles), at least {@link #MIN_MAJORS} of which
 * the window must hold, and the old generation's occupancy after the latest of them, as a fraction of its max (never
 * after a young collection: Parallel's old generation after a young collection reached 89 % in a healthy
 * allocation-heavy run, 16-21 % after its full collections). Verdicts: {@link Verdict#DEGRADED}
 * when half a window already qualifies; {@link Verdict#UNHEALTHY} (liveness) when the whole window does. A JVM younger
 * than the window, or a gap in the samples, cannot qualify. Bounded: at most {@link #MAX_SAMPLES} samples kept.
 * Thresholds and the false-positive analysis: notes/hangs-findings.md. Pure: the caller samples.
 */
public final class GcSpiralJudge {
    static final int MAX_SAMPLES = 256;
    /** Major collections the window must hold: the occupancy after them is fresh, and the old generation is what is collected. */
    static final int MIN_MAJORS = 2;

    private final long window;
    private final double pauseAt;
    private final double occupancyAt;
    private final long maxGap;
    private final long[] times = new long[MAX_SAMPLES];
    private final long[] pauses = new long[MAX_SAMPLES];
    private final long[] majors = new long[MAX_SAMPLES];
    private int first;
    private int count;
    private double occupancy = -1;

    /**
     * @param pauseAt fraction of wall time in pauses (e.g. 0.90)
     * @param occupancyAt old generation after GC as a fraction of its max (e.g. 0.70)
     */
    public GcSpiralJudge(long windowNanos, double pauseAt, double occupancyAt, long maxGapNanos) {
        this.window = windowNanos;
        this.pauseAt = pauseAt;
        this.occupancyAt = occupancyAt;
        this.maxGap = maxGapNanos;
    }

    /**
     * @param pausedNanos cumulative stop-the-world pause time so far
     * @param majorCollections cumulative major collections so far (full GCs, whole old or major cycles)
     * @param occupancyAfterMajor old generation after the latest major collection / its max; negative when none yet
     */
    public void sample(long now, long pausedNanos, long majorCollections, double occupancyAfterMajor) {
        if (count > 0 && now - times[(first + count - 1) % MAX_SAMPLES] > maxGap) {
            count = 0; // a gap: what happened in it is not known
        }
        if (count == MAX_SAMPLES) {
            first = (first + 1) % MAX_SAMPLES;
            count--;
        }
        int at = (first + count) % MAX_SAMPLES;
        times[at] = now;
        pauses[at] = pausedNanos;
        majors[at] = majorCollections;
        count++;
        occupancy = occupancyAfterMajor;
    }

    /** The sample at least {@code span} before the latest, or -1 when the samples do not reach back that far. */
    private int before(long span) {
        if (count < 2) {
            return -1;
        }
        long now = times[(first + count - 1) % MAX_SAMPLES];
        for (int i = count - 1; i >= 0; i--) {
            int k = (first + i) % MAX_SAMPLES;
            if (now - times[k] >= span) {
                return k;
            }
        }
        return -1;
    }

    /** Major collections over the last {@code span}, or -1 when the samples do not reach back that far. */
    public long majorCollections(long span) {
        int from = before(span);
        return from < 0 ? -1 : majors[(first + count - 1) % MAX_SAMPLES] - majors[from];
    }

    /** Pause time / wall time over the last {@code span}, or -1 when the samples do not reach back that far. */
    public double pauseFraction(long span) {
        int from = before(span);
        if (from < 0) {
            return -1;
        }
        int last = (first + count - 1) % MAX_SAMPLES;
        long wall = times[last] - times[from];
        return wall <= 0 ? -1 : Math.min(1.0, Math.max(0, (double) (pauses[last] - pauses[from]) / wall));
    }

    public Verdict verdict(long now) {
        if (count == 0 || now - times[(first + count - 1) % MAX_SAMPLES] > maxGap || occupancy < occupancyAt) {
            return Verdict.OK;
        }
        double recent = pauseFraction(window / 4);
        if (recent < pauseAt) {
            return Verdict.OK;
        }
        if (pauseFraction(window) >= pauseAt && majorCollections(window) >= MIN_MAJORS) {
            return Verdict.UNHEALTHY;
        }
        return pauseFraction(window / 2) >= pauseAt && majorCollections(window / 2) >= MIN_MAJORS ? Verdict.DEGRADED : Verdict.OK;
    }

    public String reason(long now) {
        double f = pauseFraction(window);
        long span = f >= 0 ? window : window / 2;
        double shown = f >= 0 ? f : pauseFraction(window / 2);
        return "GC pauses took " + Math.round(shown * 100) + "% of the last " + span / 1_000_000_000L + "s with the old generation "
                + Math.round(occupancy * 100) + "% full after " + majorCollections(span) + " major collections (a death spiral at "
                + Math.round(pauseAt * 100) + "% for " + window / 1_000_000_000L + "s with " + Math.round(occupancyAt * 100) + "% after a major GC)";
    }

    public Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<String, Object>();
        d.put("pauseFraction", round(pauseFraction(window)));
        d.put("recentPauseFraction", round(pauseFraction(window / 4)));
        d.put("windowSeconds", window / 1_000_000_000L);
        d.put("majorCollections", majorCollections(window));
        d.put("oldAfterMajorGc", round(occupancy));
        return d;
    }

    private static double round(double v) {
        return v < 0 ? v : Math.round(v * 1000) / 1000.0;
    }
}
