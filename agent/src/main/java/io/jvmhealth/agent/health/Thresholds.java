package io.jvmhealth.agent.health;

import io.jvmhealth.agent.config.Settings;

/**
 * A check's two thresholds (degraded, unhealthy; a higher figure is worse), with flap damping: a check
 * that became degraded or unhealthy returns to a better status only once its figure is back below the
 * threshold by its margin ({@code <check>.recover.margin}, a fraction of the threshold: 0.05 takes a
 * heap unhealthy at 95 % back below 90.25 %), or has stayed below the threshold for
 * {@code <check>.recover.after}. A figure that sits on its threshold (94 %, 96 %, 94 %, ...) so holds
 * its worse status instead of flipping readiness at each evaluation; the reason says when a status is
 * held and what ends the hold. One instance per check, used on the evaluator thread.
 */
public final class Thresholds {
    private final double degradedAt;
    private final double unhealthyAt;
    private final double margin;
    private final long afterNanos;
    private Status held = Status.HEALTHY;
    /** When the figure first came back under the held status's threshold (without clearing its margin); 0 when it has not. */
    private long backSince;

    /** A judgement: the status, the threshold it is judged against, and the damping note (null when not held). */
    public static final class Verdict {
        private final Status status;
        private final double limit;
        private final String held;

        Verdict(Status status, double limit, String held) {
            this.status = status;
            this.limit = limit;
            this.held = held;
        }

        public Status status() {
            return status;
        }

        /** The threshold of the status (unhealthy's when unhealthy, else degraded's): what a reason quotes. */
        public double limit() {
            return limit;
        }

        /** Null unless the damping holds the status: then what ends the hold, for the reason. */
        public String held() {
            return held;
        }
    }

    /**
     * @param margin     a fraction of the threshold the figure must fall below it by to recover at once
     * @param afterMillis how long the figure must stay below the threshold to recover without the margin
     */
    public Thresholds(double degradedAt, double unhealthyAt, double margin, long afterMillis) {
        this.degradedAt = degradedAt;
        this.unhealthyAt = unhealthyAt;
        this.margin = margin;
        this.afterNanos = afterMillis * 1_000_000L;
    }

    /** The thresholds {@code type} declares ({@link CheckType.Builder#thresholds}) with its damping, from the settings. */
    public static Thresholds of(CheckType type, Settings settings) {
        String[] keys = type.ordered().get(0);
        return new Thresholds(settings.ratio(keys[0]), settings.ratio(keys[1]),
                settings.ratio(type.name() + CheckType.RECOVER_MARGIN), settings.millis(type.name() + CheckType.RECOVER_AFTER));
    }

    /** Without damping (tests, and checks judged once). */
    public static Thresholds undamped(double degradedAt, double unhealthyAt) {
        return new Thresholds(degradedAt, unhealthyAt, 0, 0);
    }

    /** The status of {@code value} now: {@link Status#of} as it is, or the worse status it held while it recovers. */
    public Verdict judge(double value, long nowNanos) {
        Status raw = Status.of(value, degradedAt, unhealthyAt);
        if (raw.ordinal() >= held.ordinal()) {
            held = raw;
            backSince = 0;
            return new Verdict(raw, limit(raw), null);
        }
        // Better than held: recover at once as far as the margin is cleared, else only after the hold time.
        Status cleared = Status.of(value, degradedAt * (1 - margin), unhealthyAt * (1 - margin)); // never better than raw
        if (cleared.ordinal() < held.ordinal()) {
            held = cleared;
            backSince = 0;
        }
        if (held.ordinal() > raw.ordinal()) {
            if (backSince == 0) {
                backSince = nowNanos == 0 ? 1 : nowNanos;
            }
            long back = nowNanos - backSince;
            if (back >= afterNanos) {
                held = raw;
                backSince = 0;
            } else {
                double threshold = limit(held);
                return new Verdict(held, threshold, "held " + held.json() + " by flap damping: back under " + show(threshold) + " for "
                        + back / 1_000_000_000L + " s; " + raw.json() + " once under " + show(threshold * (1 - margin)) + " or after "
                        + afterNanos / 1_000_000_000L + " s under " + show(threshold));
            }
        }
        return new Verdict(held, limit(held), null);
    }

    private double limit(Status s) {
        return s == Status.UNHEALTHY ? unhealthyAt : degradedAt;
    }

    /** A ratio as a percentage, any other figure as a number. */
    private String show(double v) {
        if (unhealthyAt <= 1 && degradedAt <= 1) {
            return Math.round(v * 1000) / 10.0 + "%";
        }
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(Math.round(v * 100) / 100.0);
    }
}
