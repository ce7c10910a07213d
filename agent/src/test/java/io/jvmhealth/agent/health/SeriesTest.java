package io.jvmhealth.agent.health;

import io.jvmhealth.agent.testing.StubCheck;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The page's series: one point per step, an hour at most, figures by check name and declared family. */
class SeriesTest {
    private static final MetricFamily LIVE = MetricFamily.gauge("jvmhealth_check_live", "Live threads.");
    private static final MetricFamily USED = MetricFamily.gauge("jvmhealth_check_used_after_gc_bytes", "used");
    private static final List<Series.Line> LINES = Arrays.asList(
            new Series.Line("heap", MetricFamily.RATIO), new Series.Line("threads", LIVE), new Series.Line("memory", MetricFamily.RATIO));
    private static final long S = 1_000_000_000L;

    private static List<Checked> checks(double heapRatio, double fdsRatio, double live) {
        List<Checked> c = new ArrayList<>();
        c.add(new Checked("fds", Role.READINESS, true, false, CheckResult.healthy(null).with(fdsRatio),
                Collections.singletonList(MetricFamily.RATIO)));
        c.add(new Checked("heap", Role.READINESS, true, false, CheckResult.healthy(null).with(123, heapRatio),
                Arrays.asList(USED, MetricFamily.RATIO)));
        c.add(new Checked("threads", Role.READINESS, true, false, CheckResult.healthy(null).with(live), Collections.singletonList(LIVE)));
        return c;
    }

    @Test
    void figuresAreTakenByCheckNameAndDeclaredFamilyAndAnAbsentCheckIsAGap() {
        Series series = new Series(LINES, 1000, 0);
        series.record(0, 1_000, checks(0.25, 0.75, 42));
        Series.Points p = series.points(series.total());
        assertEquals(1, p.size());
        assertEquals(1_000, p.time(0));
        assertEquals(0.25, p.value(0, 0), 1e-6, "heap's ratio, not fds' (the same family, another check)");
        assertEquals(42, p.value(1, 0), 1e-6);
        assertTrue(Double.isNaN(p.value(2, 0)), "no memory check: NaN");
    }

    @Test
    void onePointPerStepTheLastEvaluationOfAStepReplacingItsPoint() {
        Series series = new Series(LINES, 1000, 0);
        assertEquals(5000, series.stepMillis(), "5 s at least");
        series.record(0, 1_000, checks(0.1, 0, 1));
        series.record(2 * S, 3_000, checks(0.2, 0, 2));
        series.record(4 * S, 5_000, checks(0.3, 0, 3)); // still the first step
        series.record(5 * S, 6_000, checks(0.4, 0, 4));
        series.record(12 * S, 13_000, checks(0.5, 0, 5)); // a step skipped: no point for it
        Series.Points p = series.points(series.total());
        assertEquals(3, p.size());
        assertEquals(Arrays.asList(5_000L, 6_000L, 13_000L), Arrays.asList(p.time(0), p.time(1), p.time(2)));
        assertEquals(3, p.value(1, 0), 1e-6);
        assertEquals(5, p.value(1, 2), 1e-6);
    }

    @Test
    void anHourAtMostAllocatedOnceAsARing() {
        Series series = new Series(LINES, 2000, 0);
        assertEquals(720, series.capacity());
        assertEquals(720 * (8 + 4 * 3), series.bytes());
        for (int i = 0; i < 1000; i++) {
            series.record(i * 5 * S, i * 5_000L, checks(i / 1000.0, 0, i));
        }
        Series.Points p = series.points(series.total());
        assertEquals(720, p.size(), "the oldest points went");
        assertEquals(280 * 5_000L, p.time(0));
        assertEquals(999 * 5_000L, p.time(719));
        assertEquals(999, p.value(1, 719), 1e-6);
        assertEquals(60, new Series(LINES, 60_000, 0).capacity(), "one point per interval when it is longer than 5 s: an hour is 60");
    }

    @Test
    void pointsAreAsOfTheSnapshotThatAsks() {
        Series series = new Series(LINES, 1000, 0);
        series.record(0, 1_000, checks(0.1, 0, 1));
        long end = series.total();
        series.record(5 * S, 6_000, checks(0.2, 0, 2));
        assertEquals(1, series.points(end).size(), "a point written after the snapshot is not its");
        assertEquals(2, series.points(series.total()).size());
    }

    @Test
    void theEvaluatorKeepsTheSeriesOnceAskedAndEverySnapshotCarriesIt() {
        StubCheck threads = StubCheck.readiness("threads").families(LIVE);
        threads.set(CheckResult.healthy(null).with(17));
        Evaluator evaluator = new Evaluator(Collections.<HealthCheck>singletonList(threads), 1000);
        assertNull(evaluator.evaluateOnce().seriesPoints(), "not kept unless asked");
        Series series = evaluator.keepSeries(LINES);
        assertEquals(series, evaluator.keepSeries(Collections.<Series.Line>emptyList()), "once");
        Snapshot s = evaluator.evaluateOnce();
        assertEquals(series, s.series());
        Series.Points p = s.seriesPoints();
        assertEquals(1, p.size());
        assertEquals(17, p.value(1, 0), 1e-6);
        assertEquals(s.epochMillis(), p.time(0));
    }
}
