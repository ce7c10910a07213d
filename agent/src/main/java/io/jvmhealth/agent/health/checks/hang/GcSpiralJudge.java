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
 *
 * <p>A second rule, for a collector that spirals without pausing ({@link #cycles}: ZGC, whose allocating threads stall
 * instead): major cycles running at least {@code cyclesPerSecond} over the whole window and its last quarter, with
 * the old generation after them at least {@code cycleOccupancyAt} on average over the window's samples (each sample
 * takes the latest major cycle's figure; a cycle's "after" includes what was allocated while it ran, so the figures
 * scatter: 87-98 % in the recorded ZGC spiral).
 * Thresholds and the false-positive analysis: docs/checks.md ({@code gc-spiral}). Pure: the caller samples.
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
    private final double[] occupancies = new double[MAX_SAMPLES];
    private double cyclesPerSecond = -1;
    private double cycleOccupancyAt = 2;
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
     * Also judges the spiral of a collector that does not pause (ZGC): major cycles at {@code perSecond} or more over the
     * window and its last quarter, the old generation at {@code occupancyAt} or more after them on average.
     */
    public GcSpiralJudge cycles(double perSecond, double occupancyAt) {
        this.cyclesPerSecond = perSecond;
        this.cycleOccupancyAt = occupancyAt;
        return this;
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
        occupancies[at] = occupancyAfterMajor;
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

    /** Major collections a second over the last {@code span}, or -1 when the samples do not reach back that far. */
    public double majorsPerSecond(long span) {
        int from = before(span);
        if (from < 0) {
            return -1;
        }
        int last = (first + count - 1) % MAX_SAMPLES;
        long wall = times[last] - times[from];
        return wall <= 0 ? -1 : (majors[last] - majors[from]) * 1e9 / wall;
    }

    /** The mean of the samples' occupancy after the latest major collection over the last {@code span}; -1 when unknown. */
    public double meanOccupancy(long span) {
        int from = before(span);
        if (from < 0) {
            return -1;
        }
        double sum = 0;
        int n = 0;
        for (int i = count - 1; i >= 0; i--) {
            int k = (first + i) % MAX_SAMPLES;
            if (occupancies[k] < 0) {
                return -1;
            }
            sum += occupancies[k];
            n++;
            if (k == from) {
                break;
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    public Verdict verdict(long now) {
        if (count == 0 || now - times[(first + count - 1) % MAX_SAMPLES] > maxGap) {
            return Verdict.OK;
        }
        Verdict byPauses = byPauses();
        return byPauses != Verdict.OK ? byPauses : byCycles();
    }

    /** True when the verdict comes from the cycle rule (the pause rule does not hold). */
    private boolean cyclesDecide() {
        return byPauses() == Verdict.OK && byCycles() != Verdict.OK;
    }

    private Verdict byCycles() {
        if (cyclesPerSecond <= 0 || occupancy < 0 || majorsPerSecond(window / 4) < cyclesPerSecond) {
            return Verdict.OK;
        }
        if (majorsPerSecond(window) >= cyclesPerSecond && meanOccupancy(window) >= cycleOccupancyAt) {
            return Verdict.UNHEALTHY;
        }
        return majorsPerSecond(window / 2) >= cyclesPerSecond && meanOccupancy(window / 2) >= cycleOccupancyAt ? Verdict.DEGRADED : Verdict.OK;
    }

    private Verdict byPauses() {
        if (occupancy < occupancyAt) {
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
        if (cyclesDecide()) {
            double r = majorsPerSecond(window);
            long span = r >= 0 ? window : window / 2;
            return "major GC cycles ran " + Math.round(majorsPerSecond(span) * 10) / 10.0 + " a second for the last " + span / 1_000_000_000L
                    + "s with the old generation " + Math.round(meanOccupancy(span) * 100) + "% full after them (a death spiral without pauses at "
                    + Math.round(cyclesPerSecond) + " a second for " + window / 1_000_000_000L + "s with " + Math.round(cycleOccupancyAt * 100)
                    + "% after them)";
        }
        double f = pauseFraction(window);
        long span = f >= 0 ? window : window / 2;
        double shown = f >= 0 ? f : pauseFraction(window / 2);
        return "GC pauses took " + Math.round(shown * 100) + "% of the last " + span / 1_000_000_000L + "s with the old generation "
                + Math.round(occupancy * 100) + "% full after " + majorCollections(span) + " major collections (a death spiral at "
                + Math.round(pauseAt * 100) + "% for " + window / 1_000_000_000L + "s with " + Math.round(occupancyAt * 100) + "% after a major GC)";
    }

    /** The figures over the window; those the samples do not reach back to yet are left out, and {@code observedSeconds} says how far they do. */
    public Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<String, Object>();
        put(d, "pauseFraction", pauseFraction(window));
        put(d, "recentPauseFraction", pauseFraction(window / 4));
        d.put("windowSeconds", window / 1_000_000_000L);
        if (count > 0) {
            d.put("observedSeconds", (times[(first + count - 1) % MAX_SAMPLES] - times[first]) / 1_000_000_000L);
        }
        long m = majorCollections(window);
        if (m >= 0) {
            d.put("majorCollections", m);
        }
        put(d, "oldAfterMajorGc", occupancy);
        if (cyclesPerSecond > 0) {
            put(d, "majorsPerSecond", majorsPerSecond(window));
            put(d, "meanOldAfterMajorGc", meanOccupancy(window));
        }
        return d;
    }

    private static void put(Map<String, Object> d, String key, double v) {
        if (v >= 0) {
            d.put(key, round(v));
        }
    }

    private static double round(double v) {
        return v < 0 ? v : Math.round(v * 1000) / 1000.0;
    }
}
