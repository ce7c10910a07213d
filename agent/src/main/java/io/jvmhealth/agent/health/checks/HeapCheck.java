package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.config.OptionSpec;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.CheckType;
import io.jvmhealth.agent.health.MetricFamily;
import io.jvmhealth.agent.health.checks.platform.PlatformBeans;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.health.Thresholds;

import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Heap occupancy AFTER garbage collection, never the instantaneous {@code used} (which includes
 * garbage and so says nothing about a leak). Where the collector has an old generation (G1,
 * Parallel, Serial, generational ZGC and Shenandoah) that pool is measured; where it has one heap
 * pool (single-generation ZGC, Shenandoah) that pool is. A pool without a defined max is measured
 * against its committed size.
 *
 * <p>The after-GC figure comes from the latest GC notification that collected (see
 * {@link GcPauses#reportsUsageAfterCollection}), as in Micrometer's heap pressure: on JDK 17, G1's
 * "G1 Old Gen" collection usage is only updated by full and mixed collections and stays 0 while
 * young collections promote a leak into it (measured), but every young collection's notification
 * carries the old generation's usage after it. Before any notification, or on a JVM without them,
 * the pool's collection usage is used.
 *
 * <p>The notifications are subscribed once the agent has {@link #started()} (every startup gate
 * passed; {@code /ready} is 503 before, whatever this check says): building a {@code GcInfo} for each
 * collection costs the application's start CPU on the JVM's notification thread (docs/performance.md). At that
 * moment the latest collection's {@code GcInfo} ({@code getLastGcInfo}) seeds the after-GC figures,
 * so the first answers after the start judge what that collection left, as a notification would have.
 *
 * <p>The JVM builds each notification on the heap, and drops it when that allocation fails: with the heap
 * exhausted, the collections that found it full go unheard, exactly when this check matters (HostFaultsIT saw
 * 52 % from an earlier collection for 15 s, on a heap that was full after every collection since, with no
 * collection to come on an idle host). So each evaluation compares each collector's count with the last id it
 * heard of; a collection that had ended by the previous evaluation and is still unheard is read from that
 * collector's {@code getLastGcInfo}. That costs one {@code getCollectionCount} per collector an evaluation, and a
 * {@code GcInfo} only when notifications were lost.
 */
public final class HeapCheck implements HealthCheck {
    public static final MetricFamily USED_AFTER_GC_BYTES = MetricFamily.gauge("jvmhealth_check_used_after_gc_bytes",
            "Old generation (or whole heap) used after the last collection, in bytes.");
    public static final MetricFamily MAX_BYTES = MetricFamily.gauge("jvmhealth_check_max_bytes",
            "The maximum size of the heap (old generation) the check measures, in bytes.");
    public static final CheckType TYPE = CheckType.named("heap")
            .summary("old-generation occupancy after GC, as a fraction of max")
            .options(OptionSpec.ratio("heap.degraded", "0.85", "old-generation occupancy after GC (fraction of max) at which `heap` is degraded"),
                    OptionSpec.ratio("heap.unhealthy", "0.95", "old-generation occupancy after GC (fraction of max) at which `heap` is unhealthy (`/ready` 503)"))
            .thresholds("heap.degraded", "heap.unhealthy")
            .metrics(USED_AFTER_GC_BYTES, MAX_BYTES, MetricFamily.RATIO)
            .create(new CheckType.Factory() {
                @Override
                public HealthCheck create(Settings s) {
                    return new HeapCheck(PlatformBeans.memoryPools(), PlatformBeans.garbageCollectors(),
                            s.ratio("heap.degraded"), s.ratio("heap.unhealthy")).damped(Thresholds.of(TYPE, s));
                }
            });

    private final List<MemoryPoolMXBean> pools;
    private final String[] poolNames;
    /** Per measured pool: used bytes after the latest collection heard of (-1 before one), and that collection's end. */
    private final long[] heardUsed;
    private final long[] heardEnd;
    /** Per collector: the id (its collection count then) of its latest collection heard of. */
    private final long[] heardId;
    /** Per collector, the evaluator's own: its count when an evaluation found it ahead of what was heard, else 0. */
    private final long[] aheadAt;
    private final GcEvents events;
    private volatile boolean listening;
    private final List<GarbageCollectorMXBean> collectors;
    private final LastCollection lastCollection;
    private final double degradedAt;
    /** The thresholds with their flap damping (undamped unless {@link #damped}). */
    private Thresholds thresholds;
    private final double unhealthyAt;

    /** A collection as its collector's {@code GcInfo} describes it. */
    interface LastCollection {
        /**
         * Reports the collector's latest collection to {@code check} ({@link HeapCheck#heard}); nothing where the
         * collector has none or cannot say. May throw (no {@code com.sun.management}, no memory for the GcInfo).
         */
        void read(GarbageCollectorMXBean collector, int index, HeapCheck check);
    }

    /** {@code com.sun.management.GarbageCollectorMXBean#getLastGcInfo}, where the bean is one. */
    static final LastCollection GC_INFO = new LastCollection() {
        @Override
        public void read(GarbageCollectorMXBean collector, int index, HeapCheck check) {
            if (!(collector instanceof com.sun.management.GarbageCollectorMXBean) || collector.getCollectionCount() <= 0) {
                return; // no collection yet (an idle host): no GcInfo machinery loaded for it
            }
            com.sun.management.GcInfo info = ((com.sun.management.GarbageCollectorMXBean) collector).getLastGcInfo();
            if (info == null) {
                return;
            }
            Map<String, MemoryUsage> after = info.getMemoryUsageAfterGc();
            long[] used = new long[check.poolNames.length];
            for (int i = 0; i < used.length; i++) {
                MemoryUsage usage = after.get(check.poolNames[i]);
                used[i] = usage == null ? -1 : usage.getUsed();
            }
            check.heard(index, info.getId(), info.getEndTime(), used);
        }
    };

    public HeapCheck(List<MemoryPoolMXBean> allPools, List<GarbageCollectorMXBean> collectors,
                     double degradedAt, double unhealthyAt) {
        this(allPools, collectors, degradedAt, unhealthyAt, GC_INFO);
    }

    HeapCheck(List<MemoryPoolMXBean> allPools, List<GarbageCollectorMXBean> collectors,
              double degradedAt, double unhealthyAt, LastCollection lastCollection) {
        this.pools = Collections.unmodifiableList(longLivedPools(allPools));
        this.poolNames = new String[pools.size()];
        for (int i = 0; i < poolNames.length; i++) {
            poolNames[i] = pools.get(i).getName();
        }
        this.heardUsed = new long[poolNames.length];
        this.heardEnd = new long[poolNames.length];
        java.util.Arrays.fill(heardUsed, -1);
        java.util.Arrays.fill(heardEnd, Long.MIN_VALUE);
        this.heardId = new long[collectors.size()];
        this.aheadAt = new long[collectors.size()];
        this.lastCollection = lastCollection;
        this.degradedAt = degradedAt;
        this.unhealthyAt = unhealthyAt;
        this.thresholds = Thresholds.undamped(degradedAt, unhealthyAt);
        this.collectors = collectors;
        this.events = poolNames.length == 0 ? null : new GcEvents(collectors, new GcEvents.Sink() {
            @Override
            public void onGc(String bean, String action, String cause, CompositeData gcInfo) {
                record(bean, action, cause, gcInfo);
            }
        });
    }

    private void record(String bean, String action, String cause, CompositeData gcInfo) {
        int index = -1;
        for (int c = 0; c < collectors.size(); c++) {
            if (collectors.get(c).getName().equals(bean)) {
                index = c;
            }
        }
        if (index < 0 || !GcPauses.reportsUsageAfterCollection(bean)) {
            return;
        }
        TabularData after = (TabularData) gcInfo.get("memoryUsageAfterGc");
        long[] used = new long[poolNames.length];
        for (int i = 0; i < poolNames.length; i++) {
            CompositeData row = after.get(new Object[] {poolNames[i]});
            used[i] = row == null ? -1 : ((Number) ((CompositeData) row.get("value")).get("used")).longValue();
        }
        heard(index, ((Number) gcInfo.get("id")).longValue(), ((Number) gcInfo.get("endTime")).longValue(), used);
    }

    /**
     * Collection {@code id} of collector {@code index}, which ended at {@code endMillis} (since the JVM's start) and left
     * {@code used} bytes in each measured pool (-1: not reported): from a notification, or read after notifications
     * were lost. The latest collection's figures win, whichever way they came.
     */
    synchronized void heard(int index, long id, long endMillis, long[] used) {
        heardId[index] = Math.max(heardId[index], id);
        for (int i = 0; i < used.length; i++) {
            if (used[i] >= 0 && endMillis >= heardEnd[i]) {
                heardUsed[i] = used[i];
                heardEnd[i] = endMillis;
            }
        }
    }

    /** Subscribes to the GC notifications and seeds the after-GC figures from each collector's latest collection. */
    @Override
    public void started() {
        if (events == null) {
            return;
        }
        events.subscribe();
        for (int c = 0; c < collectors.size(); c++) {
            readLast(c);
        }
        listening = true;
    }

    /** The collector's latest collection, where it reports usage after one; nothing if that cannot be read now. */
    private void readLast(int c) {
        GarbageCollectorMXBean collector = collectors.get(c);
        if (!GcPauses.reportsUsageAfterCollection(collector.getName())) {
            return;
        }
        try {
            lastCollection.read(collector, c, this);
        } catch (Throwable e) {
            // no com.sun.management, a bean that failed, or no memory for the GcInfo: the next evaluation tries again
        }
    }

    /**
     * Reads the last collection of each collector whose notification was lost: one that had ended by the previous
     * evaluation (its count then) and is still unheard. One just ended may be on its way; it gets until the next.
     */
    private void catchUp() {
        for (int c = 0; c < collectors.size(); c++) {
            GarbageCollectorMXBean collector = collectors.get(c);
            if (!GcPauses.reportsUsageAfterCollection(collector.getName())) {
                continue; // its notifications are not heard either (the pauses of ZGC and Shenandoah)
            }
            long count;
            try {
                count = collector.getCollectionCount();
            } catch (RuntimeException e) {
                continue;
            }
            long heard;
            synchronized (this) {
                heard = heardId[c];
            }
            if (count <= heard) {
                aheadAt[c] = 0;
            } else if (aheadAt[c] == 0 || heard >= aheadAt[c]) {
                aheadAt[c] = count;
            } else {
                aheadAt[c] = 0;
                readLast(c);
            }
        }
    }

    @Override
    public void close() {
        if (events != null) {
            events.close();
        }
    }

    /** The pools whose after-GC usage measures retained heap; see the class comment. */
    static List<MemoryPoolMXBean> longLivedPools(List<MemoryPoolMXBean> allPools) {
        List<MemoryPoolMXBean> old = new ArrayList<>();
        List<MemoryPoolMXBean> whole = new ArrayList<>();
        for (MemoryPoolMXBean pool : allPools) {
            if (pool.getType() != MemoryType.HEAP || !pool.isValid() || !pool.isCollectionUsageThresholdSupported()) {
                continue;
            }
            String name = pool.getName().toLowerCase(Locale.ROOT);
            if (name.contains("old") || name.contains("tenured")) {
                old.add(pool);
            } else if (!name.contains("eden") && !name.contains("survivor") && !name.contains("young")) {
                whole.add(pool);
            }
        }
        return old.isEmpty() ? whole : old;
    }

    /** With flap damping ({@link Thresholds}): the factory's, from {@code <check>.recover.*}. */
    HeapCheck damped(Thresholds t) {
        this.thresholds = t;
        return this;
    }

    @Override
    public String name() {
        return TYPE.name();
    }

    @Override
    public List<MetricFamily> metricFamilies() {
        return TYPE.metrics();
    }

    @Override
    public CheckResult evaluate() {
        if (pools.isEmpty()) {
            return CheckResult.healthy(Collections.<String, Object>singletonMap("supported",
                    "no heap pool reports usage after GC on this JVM"));
        }
        if (listening) {
            catchUp();
        }
        long used = 0;
        long max = 0;
        List<Object> names = new ArrayList<>(pools.size());
        for (int i = 0; i < poolNames.length; i++) {
            MemoryPoolMXBean pool = pools.get(i);
            MemoryUsage now = pool.getUsage();
            long heard;
            synchronized (this) {
                heard = heardUsed[i];
            }
            if (heard >= 0) {
                used += heard;
            } else {
                MemoryUsage after = pool.getCollectionUsage();
                used += after == null ? 0 : after.getUsed();
            }
            max += now.getMax() > 0 ? now.getMax() : now.getCommitted();
            names.add(poolNames[i]);
        }
        double ratio = max > 0 ? (double) used / max : 0;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("usedAfterGcBytes", used);
        details.put("maxBytes", max);
        details.put("ratio", Math.round(ratio * 1000) / 1000.0);
        details.put("pools", names);
        Thresholds.Verdict v = thresholds.judge(ratio, System.nanoTime());
        Status status = v.status();
        return CheckResult.of(status, "heap after GC is " + percent(ratio) + " of max (" + status.json() + " at "
                + percent(v.limit()) + (v.held() == null ? "" : "; " + v.held()) + ")", details).with(used, max, Math.round(ratio * 1000) / 1000.0);
    }

    static String percent(double ratio) {
        return Math.round(ratio * 100) + "%";
    }
}
