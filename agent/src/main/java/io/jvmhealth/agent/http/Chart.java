package io.jvmhealth.agent.http;

import io.jvmhealth.agent.health.Series;
import io.jvmhealth.agent.health.UtcTime;

/**
 * One chart of the page: a line of the {@link Series} over the last hour, drawn on the server as inline SVG
 * (so it reads without JavaScript and needs nothing the page's Content-Security-Policy forbids: no style
 * attribute, no script, no image). The y axis starts at 0; ratios are drawn in percent, to 100 % or to a round
 * ceiling above the highest point; the x axis is the hour before the snapshot, labelled in UTC every 15 minutes;
 * the y axis's label is above it.
 * A point further than {@link #GAP_STEPS} steps from the one before starts a new segment (the agent was not
 * evaluating, or the figure was not known), a segment of one point is drawn as a dot, and the newest point is
 * marked.
 */
final class Chart {
    static final int WIDTH = 640;
    static final int HEIGHT = 220;
    static final int LEFT = 56;
    static final int RIGHT = 16;
    static final int TOP = 22;
    static final int BOTTOM = 30;
    static final int PLOT_WIDTH = WIDTH - LEFT - RIGHT;
    static final int PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
    private static final double[] ROUND = {1, 2, 4, 6, 8, 10};
    /** A gap longer than this many steps between two points breaks the line. */
    static final double GAP_STEPS = 2.5;

    /** How a line's values are drawn. */
    enum Unit {
        /** A fraction, drawn 0 % to 100 %. */
        PERCENT_OF_ONE,
        /** A fraction, drawn 0 % to a round ceiling above the highest point (at least 1 %). */
        PERCENT_SCALED,
        /** A count, drawn 0 to a round ceiling above the highest point (at least 4). */
        COUNT
    }

    private Chart() {
    }

    /**
     * Appends the SVG of line {@code line} of {@code points} for the hour ending at {@code endMillis}.
     *
     * @param label what the y axis measures, e.g. "% of max heap" (ours, escaped anyway)
     * @param empty what the chart says when it has no point
     */
    static void svg(StringBuilder b, Series.Points points, int line, long endMillis, Unit unit, String label, String empty) {
        long startMillis = endMillis - Series.SPAN_MILLIS;
        double top = top(points, line, startMillis, unit);
        b.append("<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"");
        Html.text(b, label);
        b.append(", last hour\">");
        // horizontal grid lines and y labels: 0, 1/4, 1/2, 3/4 and all of the axis
        for (int i = 0; i <= 4; i++) {
            double y = TOP + PLOT_HEIGHT - PLOT_HEIGHT * i / 4.0;
            b.append("<line class=\"").append(i == 0 ? "axis" : "grid").append("\" x1=\"").append(LEFT).append("\" x2=\"")
                    .append(LEFT + PLOT_WIDTH).append("\" y1=\"");
            coordinate(b, y).append("\" y2=\"");
            coordinate(b, y).append("\"/>");
            b.append("<text class=\"y\" x=\"").append(LEFT - 6).append("\" y=\"");
            coordinate(b, y + 4).append("\">");
            tick(b, top * i / 4, unit);
            b.append("</text>");
        }
        b.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT).append("\" y1=\"").append(TOP)
                .append("\" y2=\"").append(TOP + PLOT_HEIGHT).append("\"/>");
        // x labels: every 15 minutes back from the end, in UTC
        for (int i = 0; i <= 4; i++) {
            long t = startMillis + Series.SPAN_MILLIS * i / 4;
            double x = LEFT + PLOT_WIDTH * i / 4.0;
            b.append("<text class=\"x").append(i == 0 ? " first" : i == 4 ? " last" : "").append("\" x=\"");
            coordinate(b, x).append("\" y=\"").append(HEIGHT - 10).append("\">").append(UtcTime.iso(t), 11, 16)
                    .append(i == 4 ? " UTC" : "").append("</text>");
        }
        b.append("<text class=\"unit\" x=\"").append(LEFT).append("\" y=\"").append(TOP - 7).append("\">");
        Html.text(b, label);
        b.append("</text>");
        String d = path(points, line, startMillis, top);
        if (d.isEmpty()) {
            b.append("<text class=\"empty\" x=\"").append(LEFT + PLOT_WIDTH / 2).append("\" y=\"").append(TOP + PLOT_HEIGHT / 2)
                    .append("\">");
            Html.text(b, empty);
            b.append("</text>");
        } else {
            b.append("<path class=\"line\" d=\"").append(d).append("\"/>");
            int k = lastInWindow(points, line, startMillis);
            if (k >= 0) { // the newest point, marked: the reading of now
                b.append("<circle class=\"now\" cx=\"");
                coordinate(b, x(points.time(k), startMillis)).append("\" cy=\"");
                coordinate(b, y(points.value(line, k), top)).append("\" r=\"3.5\"/>");
            }
        }
        b.append("</svg>");
    }

    /**
     * The path's {@code d}: {@code M x y} at the first point of each segment, {@code L x y} for the next ones,
     * {@code h0} closing a segment of one point (drawn as a dot by the round line cap). Coordinates to 0.1.
     */
    static String path(Series.Points points, int line, long startMillis, double top) {
        StringBuilder d = new StringBuilder(points.size() * 14);
        long gapMillis = (long) (points.stepMillis() * GAP_STEPS);
        long previous = Long.MIN_VALUE;
        int inSegment = 0;
        for (int k = 0; k < points.size(); k++) {
            long t = points.time(k);
            double v = points.value(line, k);
            if (t < startMillis || Double.isNaN(v) || Double.isInfinite(v)) {
                if (inSegment == 1) {
                    d.append(" h0");
                }
                inSegment = 0;
                continue;
            }
            boolean starts = inSegment == 0 || t - previous > gapMillis;
            if (starts && inSegment == 1) {
                d.append(" h0");
            }
            if (d.length() > 0) {
                d.append(' ');
            }
            d.append(starts ? 'M' : 'L');
            coordinate(d, x(t, startMillis)).append(' ');
            coordinate(d, y(v, top));
            inSegment = starts ? 1 : inSegment + 1;
            previous = t;
        }
        if (inSegment == 1) {
            d.append(" h0");
        }
        return d.toString();
    }

    private static double x(long t, long startMillis) {
        return Math.min(LEFT + PLOT_WIDTH, LEFT + (double) (t - startMillis) * PLOT_WIDTH / Series.SPAN_MILLIS);
    }

    /** {@code v} clamped to the axis. */
    private static double y(double v, double top) {
        return TOP + PLOT_HEIGHT - Math.max(0, Math.min(top, v)) * PLOT_HEIGHT / top;
    }

    /** The index of the newest known point in the window, or -1. */
    private static int lastInWindow(Series.Points points, int line, long startMillis) {
        for (int k = points.size() - 1; k >= 0 && points.time(k) >= startMillis; k--) {
            double v = points.value(line, k);
            if (!Double.isNaN(v) && !Double.isInfinite(v)) {
                return k;
            }
        }
        return -1;
    }

    /** The top of the y axis: 1 for {@link Unit#PERCENT_OF_ONE}, else a round ceiling above the highest point in the window. */
    static double top(Series.Points points, int line, long startMillis, Unit unit) {
        if (unit == Unit.PERCENT_OF_ONE) {
            return 1;
        }
        double max = 0;
        for (int k = 0; k < points.size(); k++) {
            double v = points.value(line, k);
            if (points.time(k) >= startMillis && !Double.isNaN(v) && !Double.isInfinite(v)) {
                max = Math.max(max, v);
            }
        }
        return unit == Unit.COUNT ? roundUp(Math.max(4, max)) : Math.min(1, roundUp(Math.max(0.01, max)));
    }

    /** The smallest 1, 2, 4, 6 or 8 times a power of ten that is at least {@code v} (v &gt; 0): its quarters read well. */
    static double roundUp(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double s : ROUND) {
            if (s * p >= v * (1 - 1e-9)) {
                return s * p;
            }
        }
        return 10 * p;
    }

    /** The last known value of {@code line} in the window, or NaN. */
    static double last(Series.Points points, int line, long startMillis) {
        int k = lastInWindow(points, line, startMillis);
        return k < 0 ? Double.NaN : points.value(line, k);
    }

    /** A y-axis label: percent for fractions, a number for counts, without needless decimals. */
    static StringBuilder tick(StringBuilder b, double v, Unit unit) {
        if (unit == Unit.COUNT) {
            return number(b, v);
        }
        return number(b, v * 100).append(" %");
    }

    /** {@code v} with at most two decimals, trailing zeros dropped ({@code 12.5}, {@code 0.25}, {@code 3}). */
    static StringBuilder number(StringBuilder b, double v) {
        long hundredths = Math.round(v * 100);
        if (hundredths < 0) {
            b.append('-');
            hundredths = -hundredths;
        }
        b.append(hundredths / 100);
        long frac = hundredths % 100;
        if (frac != 0) {
            b.append('.').append(frac / 10);
            if (frac % 10 != 0) {
                b.append(frac % 10);
            }
        }
        return b;
    }

    /** {@code v} to one decimal ({@code 12.3}, {@code 12}). */
    static StringBuilder coordinate(StringBuilder b, double v) {
        long tenths = Math.round(v * 10);
        if (tenths < 0) {
            b.append('-');
            tenths = -tenths;
        }
        b.append(tenths / 10);
        if (tenths % 10 != 0) {
            b.append('.').append(tenths % 10);
        }
        return b;
    }
}
