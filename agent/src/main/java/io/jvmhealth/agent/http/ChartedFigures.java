package io.jvmhealth.agent.http;

import io.jvmhealth.agent.health.MetricFamily;
import io.jvmhealth.agent.health.Series;
import io.jvmhealth.agent.health.checks.GcCheck;
import io.jvmhealth.agent.health.checks.HeapCheck;
import io.jvmhealth.agent.health.checks.MemoryCheck;
import io.jvmhealth.agent.health.checks.ThreadsCheck;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The figures the page at {@code /} charts, each the figure of one family a built-in check declares, chosen by
 * check name and family ({@link MetricFamily#RATIO} is declared by several checks). The evaluator keeps them
 * from the start ({@link io.jvmhealth.agent.health.Series}), so this small class is loaded with the server;
 * the page's own classes are not, until the first request for {@code /}.
 */
final class ChartedFigures {
    /** Heap after GC as a fraction of max. */
    static final int HEAP = 0;
    /** Fraction of wall time in GC pauses over the gc check's window. */
    static final int GC = 1;
    /** Live threads. */
    static final int THREADS = 2;
    /** The container's working set as a fraction of its memory limit (NaN where there is none). */
    static final int MEMORY = 3;

    /** In the order of the indexes above. */
    static final List<Series.Line> LINES = Collections.unmodifiableList(Arrays.asList(
            new Series.Line(HeapCheck.TYPE.name(), MetricFamily.RATIO),
            new Series.Line(GcCheck.TYPE.name(), GcCheck.PAUSE_RATIO),
            new Series.Line(ThreadsCheck.TYPE.name(), ThreadsCheck.LIVE),
            new Series.Line(MemoryCheck.TYPE.name(), MetricFamily.RATIO)));

    private ChartedFigures() {
    }
}
