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
import java.util.concurrent.atomic.AtomicLongArray;

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
    /** Latest after-GC used bytes per pool from notifications; -1 until one arrives. */
    private final AtomicLongArray notifiedUsed;
    private final GcEvents events;
    private final List<GarbageCollectorMXBean> collectors;
    private final double degradedAt;
    /** The thresholds with their flap damping (undamped unless {@link #damped}). */
    private Thresholds thresholds;
    private final double unhealthyAt;

    public HeapCheck(List<MemoryPoolMXBean> allPools, List<GarbageCollectorMXBean> collectors,
                     double degradedAt, double unhealthyAt) {
        this.pools = Collections.unmodifiableList(longLivedPools(allPools));
        this.poolNames = new String[pools.size()];
        for (int i = 0; i < poolNames.length; i++) {
            poolNames[i] = pools.get(i).getName();
        }
        this.notifiedUsed = new AtomicLongArray(poolNames.length);
        for (int i = 0; i < poolNames.length; i++) {
            notifiedUsed.set(i, -1);
        }
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
        if (!GcPauses.reportsUsageAfterCollection(bean)) {
            return;
        }
        TabularData after = (TabularData) gcInfo.get("memoryUsageAfterGc");
        for (int i = 0; i < poolNames.length; i++) {
            CompositeData row = after.get(new Object[] {poolNames[i]});
            if (row != null) {
                notifiedUsed.set(i, ((Number) ((CompositeData) row.get("value")).get("used")).longValue());
            }
        }
    }

    /** Subscribes to the GC notifications and seeds the after-GC figures from the latest collection before. */
    @Override
    public void started() {
        if (events == null) {
            return;
        }
        events.subscribe();
        seedFromLastCollection();
    }

    /**
     * The after-GC usage of each measured pool from the {@code GcInfo} of the collection that ended last (of the
     * beans that report usage after a collection), where no notification has set one yet.
     */
    private void seedFromLastCollection() {
        com.sun.management.GcInfo latest = null;
        try {
            for (GarbageCollectorMXBean bean : collectors) {
                if (!GcPauses.reportsUsageAfterCollection(bean.getName()) || bean.getCollectionCount() <= 0
                        || !(bean instanceof com.sun.management.GarbageCollectorMXBean)) {
                    continue; // no collection yet (an idle host): nothing to seed, and no GcInfo machinery loaded for it
                }
                com.sun.management.GcInfo info = ((com.sun.management.GarbageCollectorMXBean) bean).getLastGcInfo();
                if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                    latest = info;
                }
            }
            if (latest == null) {
                return;
            }
            Map<String, MemoryUsage> after = latest.getMemoryUsageAfterGc();
            for (int i = 0; i < poolNames.length; i++) {
                MemoryUsage usage = after.get(poolNames[i]);
                if (usage != null) {
                    notifiedUsed.compareAndSet(i, -1, usage.getUsed()); // a notification that came meanwhile is newer
                }
            }
        } catch (Throwable e) {
            // no com.sun.management on this JVM, or a bean that failed: the pools' collection usage until the next notification
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
        long used = 0;
        long max = 0;
        List<Object> names = new ArrayList<>(pools.size());
        for (int i = 0; i < poolNames.length; i++) {
            MemoryPoolMXBean pool = pools.get(i);
            MemoryUsage now = pool.getUsage();
            long notified = notifiedUsed.get(i);
            if (notified >= 0) {
                used += notified;
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
