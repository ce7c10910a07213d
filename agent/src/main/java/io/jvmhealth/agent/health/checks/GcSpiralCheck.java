package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.config.OptionSpec;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.CheckType;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.MetricFamily;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.health.checks.hang.GcSpiralJudge;
import io.jvmhealth.agent.health.checks.hang.Verdict;
import io.jvmhealth.agent.health.checks.platform.PlatformBeans;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A GC death spiral (liveness): nearly all wall time in stop-the-world GC pauses over a whole window, with the old
 * generation still nearly full after its major collections; on ZGC, which stalls allocating threads instead of
 * pausing, major cycles running several a second with the heap nearly full after them. Such a JVM completes almost
 * no work and does not recover by itself; a restart gives it an empty heap. Judged by {@link GcSpiralJudge}.
 *
 * <p>Read by polling, no GC notification: per evaluation, the collection time of the pause beans ({@link GcPauses}),
 * the collection count of the major ones ({@link GcPauses#isMajor}), and, only when a major collection ended since
 * the last evaluation, that collection's {@code GcInfo} (the old generation's usage after it). So nothing runs on the
 * JVM's notification thread, the check judges from the first evaluation on (a JVM spiralling while it starts is
 * seen too), and an idle or young-only JVM builds no {@code GcInfo} at all. Samples are taken at most
 * {@link #SAMPLES_PER_WINDOW} times a window (a short {@code interval} does not shorten the judge's reach back).
 */
public final class GcSpiralCheck implements HealthCheck {
    static final int SAMPLES_PER_WINDOW = 120;
    public static final MetricFamily MAJOR_COLLECTIONS = MetricFamily.gauge("jvmhealth_check_major_collections",
            "Major collections (full GCs, whole old-generation or major cycles) over the check's window.");
    public static final MetricFamily AFTER_MAJOR_RATIO = MetricFamily.gauge("jvmhealth_check_after_major_gc_ratio",
            "The old generation (or whole heap) used after the latest major collection, as a fraction of its max.");
    public static final OptionSpec WINDOW = OptionSpec.duration("gc-spiral.window", "60s", 10_000, 3_600_000L,
            "how long the JVM must spiral before `gc-spiral` fails `/live` (10 s to 1 h; half of it: degraded)");
    public static final OptionSpec PAUSE = OptionSpec.ratio("gc-spiral.pause", "0.70",
            "fraction of wall time in stop-the-world GC pauses, over `gc-spiral.window` and its last quarter, that a spiral takes");
    public static final OptionSpec OCCUPANCY = OptionSpec.ratio("gc-spiral.occupancy", "0.70",
            "old generation used after the latest major collection (fraction of max) that a spiral leaves");
    public static final OptionSpec CYCLES = OptionSpec.integer("gc-spiral.cycles", "4", 1, 1000,
            "ZGC (which stalls instead of pausing): major cycles a second, over `gc-spiral.window` and its last quarter, that a spiral runs");
    public static final OptionSpec CYCLES_OCCUPANCY = OptionSpec.ratio("gc-spiral.cycles.occupancy", "0.90",
            "ZGC: old generation used after its major cycles (fraction of max, averaged over the window) that a spiral leaves");
    public static final CheckType TYPE = CheckType.named("gc-spiral")
            .role(Role.LIVENESS)
            .summary("a GC death spiral: nearly all time in GC with the heap still nearly full after major collections (`/live` 503)")
            .options(WINDOW, PAUSE, OCCUPANCY, CYCLES, CYCLES_OCCUPANCY)
            .metrics(GcCheck.PAUSE_RATIO, MetricFamily.WINDOW_SECONDS, MAJOR_COLLECTIONS, AFTER_MAJOR_RATIO)
            .create(new CheckType.Factory() {
                @Override
                public HealthCheck create(Settings s) {
                    return new GcSpiralCheck(PlatformBeans.garbageCollectors(), PlatformBeans.memoryPools(), s.millis(WINDOW.key()),
                            s.ratio(PAUSE.key()), s.ratio(OCCUPANCY.key()), s.integer(CYCLES.key()), s.ratio(CYCLES_OCCUPANCY.key()),
                            s.intervalMillis);
                }
            });

    private final List<GarbageCollectorMXBean> pauseBeans = new ArrayList<GarbageCollectorMXBean>();
    private final List<GarbageCollectorMXBean> majorBeans = new ArrayList<GarbageCollectorMXBean>();
    private final long[] majorCounts;
    private final String[] poolNames;
    private final long[] poolMax;
    private final List<MemoryPoolMXBean> pools;
    private final GcSpiralJudge judge;
    private final long windowMillis;
    private final long sampleEveryNanos;
    private final boolean withoutPauses;
    private long lastSample = Long.MIN_VALUE;
    private double afterMajor = -1;
    private long afterMajorEnd = -1;

    /**
     * @param cyclesPerSecond   for a collector that spirals without pausing (ZGC): major cycles a second
     * @param cycleOccupancyAt  its old generation after them, on average over the window
     */
    public GcSpiralCheck(List<GarbageCollectorMXBean> collectors, List<MemoryPoolMXBean> allPools, long windowMillis,
                         double pauseAt, double occupancyAt, int cyclesPerSecond, double cycleOccupancyAt, long intervalMillis) {
        boolean zgc = false;
        for (GarbageCollectorMXBean bean : collectors) {
            if (GcPauses.isPauseBean(bean.getName())) {
                pauseBeans.add(bean);
            }
            if (GcPauses.isMajor(bean.getName())) {
                majorBeans.add(bean);
                zgc |= GcPauses.spiralsWithoutPauses(bean.getName());
            }
        }
        this.withoutPauses = zgc;
        this.majorCounts = new long[majorBeans.size()];
        java.util.Arrays.fill(majorCounts, -1);
        this.pools = HeapCheck.longLivedPools(allPools);
        this.poolNames = new String[pools.size()];
        this.poolMax = new long[pools.size()];
        for (int i = 0; i < poolNames.length; i++) {
            poolNames[i] = pools.get(i).getName();
        }
        this.windowMillis = windowMillis;
        long window = TimeUnit.MILLISECONDS.toNanos(windowMillis);
        this.sampleEveryNanos = window / SAMPLES_PER_WINDOW;
        long spacing = Math.max(sampleEveryNanos, TimeUnit.MILLISECONDS.toNanos(intervalMillis));
        this.judge = new GcSpiralJudge(window, pauseAt, occupancyAt, 3 * spacing + TimeUnit.SECONDS.toNanos(1));
        if (zgc) {
            judge.cycles(cyclesPerSecond, cycleOccupancyAt);
        }
    }

    @Override
    public String name() {
        return TYPE.name();
    }

    @Override
    public Role role() {
        return Role.LIVENESS;
    }

    @Override
    public List<MetricFamily> metricFamilies() {
        return TYPE.metrics();
    }

    @Override
    public CheckResult evaluate() {
        return evaluate(System.nanoTime());
    }

    /** At {@code now} (tests drive the clock). */
    CheckResult evaluate(long now) {
        if (majorBeans.isEmpty() || poolNames.length == 0) {
            Map<String, Object> details = new LinkedHashMap<String, Object>();
            details.put("supported", majorBeans.isEmpty() ? "no collector of this JVM is known to collect the old generation as a whole"
                    : "no heap pool reports usage after GC on this JVM");
            return CheckResult.healthy(details);
        }
        if (lastSample == Long.MIN_VALUE || now - lastSample >= sampleEveryNanos) {
            sample(now);
        }
        Verdict v = judge.verdict(now);
        Map<String, Object> details = judge.details();
        details.put("pauseCollectors", names(pauseBeans));
        details.put("majorCollectors", names(majorBeans));
        if (withoutPauses) {
            details.put("rule", "major cycles a second and the old generation after them (this collector stalls threads instead of pausing)");
        }
        Status status = v == Verdict.UNHEALTHY ? Status.UNHEALTHY : v == Verdict.DEGRADED ? Status.DEGRADED : Status.HEALTHY;
        double pause = judge.pauseFraction(TimeUnit.MILLISECONDS.toNanos(windowMillis));
        return CheckResult.of(status, status == Status.HEALTHY ? null : judge.reason(now), details)
                .with(pause < 0 ? Double.NaN : round(pause), windowMillis / 1000.0,
                        judge.majorCollections(TimeUnit.MILLISECONDS.toNanos(windowMillis)) < 0 ? Double.NaN
                                : judge.majorCollections(TimeUnit.MILLISECONDS.toNanos(windowMillis)),
                        afterMajor < 0 ? Double.NaN : round(afterMajor));
    }

    private void sample(long now) {
        lastSample = now;
        long paused = 0;
        for (GarbageCollectorMXBean bean : pauseBeans) {
            paused += Math.max(0, bean.getCollectionTime());
        }
        long majors = 0;
        GarbageCollectorMXBean ended = null;
        for (int i = 0; i < majorBeans.size(); i++) {
            long c = Math.max(0, majorBeans.get(i).getCollectionCount());
            if (c != majorCounts[i] && c > 0) {
                ended = majorBeans.get(i); // a collector has one major bean (G1 Old Generation, PS MarkSweep, ZGC Major Cycles, ...)
            }
            majorCounts[i] = c;
            majors += c;
        }
        if (ended != null) {
            readAfterMajor(ended);
        }
        judge.sample(now, TimeUnit.MILLISECONDS.toNanos(paused), majors, afterMajor);
    }

    /** The old generation after {@code bean}'s latest collection, from its {@code GcInfo}. */
    private void readAfterMajor(GarbageCollectorMXBean bean) {
        try {
            if (!(bean instanceof com.sun.management.GarbageCollectorMXBean)) {
                return;
            }
            com.sun.management.GcInfo info = ((com.sun.management.GarbageCollectorMXBean) bean).getLastGcInfo();
            if (info == null || info.getEndTime() == afterMajorEnd) {
                return;
            }
            Map<String, MemoryUsage> after = info.getMemoryUsageAfterGc();
            long used = 0;
            long max = 0;
            for (int i = 0; i < poolNames.length; i++) {
                MemoryUsage u = after.get(poolNames[i]);
                if (u == null) {
                    continue;
                }
                used += u.getUsed();
                if (poolMax[i] <= 0) {
                    poolMax[i] = pools.get(i).getUsage().getMax();
                }
                max += poolMax[i] > 0 ? poolMax[i] : u.getCommitted();
            }
            if (max > 0) {
                afterMajor = (double) used / max;
                afterMajorEnd = info.getEndTime();
            }
        } catch (Throwable e) {
            // no com.sun.management, or a bean that failed: the last figure stands
        }
    }

    private static List<Object> names(List<GarbageCollectorMXBean> beans) {
        List<Object> names = new ArrayList<Object>();
        for (GarbageCollectorMXBean bean : beans) {
            names.add(bean.getName());
        }
        return names;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
