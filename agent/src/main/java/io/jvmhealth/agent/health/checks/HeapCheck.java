package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Status;

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
 * Heap occupancy AFTER garbage collection: the long-lived pool's collection usage, which counts only
 * what survived the last collection, never the instantaneous {@code used} (which includes garbage
 * and so says nothing about a leak). Where the collector has an old generation (G1, Parallel,
 * Serial, generational ZGC) that pool is used; where it has one heap pool (single-generation ZGC,
 * Shenandoah) that pool is. A pool without a defined max is measured against its committed size.
 */
public final class HeapCheck implements HealthCheck {
    private final List<MemoryPoolMXBean> pools;
    private final double degradedAt;
    private final double unhealthyAt;

    public HeapCheck(List<MemoryPoolMXBean> allPools, double degradedAt, double unhealthyAt) {
        this.pools = Collections.unmodifiableList(longLivedPools(allPools));
        this.degradedAt = degradedAt;
        this.unhealthyAt = unhealthyAt;
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

    @Override
    public String name() {
        return "heap";
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
        for (MemoryPoolMXBean pool : pools) {
            MemoryUsage after = pool.getCollectionUsage();
            if (after == null) {
                continue;
            }
            used += after.getUsed();
            long poolMax = after.getMax() > 0 ? after.getMax() : pool.getUsage().getMax();
            max += poolMax > 0 ? poolMax : after.getCommitted();
            names.add(pool.getName());
        }
        double ratio = max > 0 ? (double) used / max : 0;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("usedAfterGcBytes", used);
        details.put("maxBytes", max);
        details.put("ratio", Math.round(ratio * 1000) / 1000.0);
        details.put("pools", names);
        Status status = Status.of(ratio, degradedAt, unhealthyAt);
        double limit = status == Status.UNHEALTHY ? unhealthyAt : degradedAt;
        return CheckResult.of(status, "heap after GC is " + percent(ratio) + " of max (" + status.json() + " at "
                + percent(limit) + ")", details);
    }

    static String percent(double ratio) {
        return Math.round(ratio * 100) + "%";
    }
}
