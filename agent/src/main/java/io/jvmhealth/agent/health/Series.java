package io.jvmhealth.agent.health;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A bounded history of a few figures for the page's charts, kept by the evaluator: one point per
 * evaluation but at most one per {@link #stepMillis() step} (5 s, or the interval when that is longer;
 * a later evaluation in the same step replaces the step's point, so the newest point is always the last
 * evaluation), at most one hour of points ({@link #MAX_POINTS}).
 *
 * <p>Each figure is a {@link Line}: the figure of one declared {@link MetricFamily} in the result of the
 * check with one name, never anything parsed from details. A check that is absent or a figure that is
 * not known (NaN) leaves a gap.
 *
 * <p>Allocated once, when the series is created: a ring of primitive arrays, {@code long} times (epoch
 * milliseconds) and one {@code float} column per line, so {@code capacity * (8 + 4 * lines)} bytes
 * (17,280 for 720 points of 4 lines) and nothing allocated per evaluation. Written on the evaluator
 * thread; {@link #points(long)} copies under the same lock for a reader (the page, once per snapshot).
 */
public final class Series {
    /** Points are at least this far apart. */
    public static final long MIN_STEP_MILLIS = 5000;
    /** The span the series covers (the charts show the last hour). */
    public static final long SPAN_MILLIS = 3_600_000;
    /** An hour at the minimum step. */
    public static final int MAX_POINTS = (int) (SPAN_MILLIS / MIN_STEP_MILLIS);

    /** One charted figure: the figure of {@code family} in the result of the check named {@code check}. */
    public static final class Line {
        private final String check;
        private final MetricFamily family;

        public Line(String check, MetricFamily family) {
            this.check = check;
            this.family = family;
        }

        public String check() {
            return check;
        }

        public MetricFamily family() {
            return family;
        }

        /** The figure in {@code checks}, or NaN when that check is absent, does not declare the family, or does not know it. */
        double figureIn(List<Checked> checks) {
            for (int i = 0; i < checks.size(); i++) {
                Checked c = checks.get(i);
                if (!c.name().equals(check)) {
                    continue;
                }
                List<MetricFamily> families = c.families();
                for (int f = 0; f < families.size(); f++) {
                    if (families.get(f) == family) {
                        return c.result().figure(f);
                    }
                }
                return Double.NaN;
            }
            return Double.NaN;
        }
    }

    private final List<Line> lines;
    private final long stepNanos;
    private final long stepMillis;
    private final long originNanos;
    private final long[] times;
    private final float[][] values;
    /** Points ever written (the next point's sequence number). Guarded by {@code this}. */
    private long total;
    private long lastStep;

    /**
     * @param lines      the figures to keep
     * @param intervalMillis the evaluation interval: a step is {@link #MIN_STEP_MILLIS} or this, whichever is longer
     * @param originNanos    {@link System#nanoTime()} at which steps are counted from
     */
    public Series(List<Line> lines, long intervalMillis, long originNanos) {
        this.lines = Collections.unmodifiableList(new ArrayList<Line>(lines));
        this.stepMillis = Math.max(MIN_STEP_MILLIS, intervalMillis);
        this.stepNanos = stepMillis * 1_000_000L;
        this.originNanos = originNanos;
        int capacity = (int) Math.max(2, Math.min(MAX_POINTS, (SPAN_MILLIS + stepMillis - 1) / stepMillis));
        this.times = new long[capacity];
        this.values = new float[lines.size()][capacity];
    }

    public List<Line> lines() {
        return lines;
    }

    /** How far apart points are at least (milliseconds). */
    public long stepMillis() {
        return stepMillis;
    }

    /** How many points the ring holds. */
    public int capacity() {
        return times.length;
    }

    /** The bytes of the ring's arrays' contents (their headers aside). */
    public long bytes() {
        return (long) times.length * (8 + 4 * lines.size());
    }

    /** Points ever written; a snapshot remembers it, so that a reader draws the points as of that snapshot. */
    public synchronized long total() {
        return total;
    }

    /** Records one evaluation's figures (evaluator thread); replaces the last point when it falls in the same step. */
    void record(long nowNanos, long epochMillis, List<Checked> checks) {
        long step = Math.floorDiv(nowNanos - originNanos, stepNanos);
        int n = lines.size();
        synchronized (this) {
            int at;
            if (total > 0 && step == lastStep) {
                at = (int) ((total - 1) % times.length);
            } else {
                at = (int) (total % times.length);
                total++;
                lastStep = step;
            }
            times[at] = epochMillis;
            for (int i = 0; i < n; i++) {
                values[i][at] = (float) lines.get(i).figureIn(checks);
            }
        }
    }

    /** A copy of the points written before {@code end} ({@link #total()} at some moment) that the ring still holds, oldest first. */
    public synchronized Points points(long end) {
        long last = Math.min(end, total);
        long first = Math.max(0, Math.max(last - times.length, total - times.length));
        int count = (int) (last - first);
        long[] t = new long[count];
        float[][] v = new float[lines.size()][count];
        for (int k = 0; k < count; k++) {
            int at = (int) ((first + k) % times.length);
            t[k] = times[at];
            for (int i = 0; i < v.length; i++) {
                v[i][k] = values[i][at];
            }
        }
        return new Points(t, v, stepMillis);
    }

    /** Copied points: times (epoch milliseconds, oldest first) and one column of values per line (NaN: not known). */
    public static final class Points {
        private final long[] times;
        private final float[][] values;
        private final long stepMillis;

        public Points(long[] times, float[][] values, long stepMillis) {
            this.times = times;
            this.values = values;
            this.stepMillis = stepMillis;
        }

        public int size() {
            return times.length;
        }

        public long time(int k) {
            return times[k];
        }

        /** The value of line {@code line} at point {@code k} (NaN when not known). */
        public double value(int line, int k) {
            return values[line][k];
        }

        public long stepMillis() {
            return stepMillis;
        }
    }
}
