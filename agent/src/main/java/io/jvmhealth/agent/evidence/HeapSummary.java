package io.jvmhealth.agent.evidence;

import io.jvmhealth.agent.base.AgentLog;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;

/**
 * What the heap looked like when the {@code heap} check turned unhealthy: heap and non-heap totals,
 * every memory pool (used, committed, max, and usage after the last collection where the pool
 * reports one) and every collector's collection count and accumulated time. A few dozen lines.
 */
final class HeapSummary {
    private static final long MIB = 1024 * 1024;

    private HeapSummary() {
    }

    static List<String> of(String title, String reason, MemoryMXBean memory, List<MemoryPoolMXBean> pools, List<GarbageCollectorMXBean> collectors) {
        List<String> lines = new ArrayList<>();
        lines.add(AgentLog.escape(title));
        if (reason != null) {
            lines.add(AgentLog.escape(reason));
        }
        MemoryUsage heap = memory.getHeapMemoryUsage();
        MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
        lines.add("heap: " + usage(heap));
        lines.add("non-heap: " + usage(nonHeap));
        lines.add("");
        lines.add("Memory pools:");
        for (MemoryPoolMXBean p : pools) {
            if (!p.isValid()) {
                continue;
            }
            StringBuilder b = new StringBuilder("  \"").append(p.getName()).append("\" (").append(p.getType().toString().toLowerCase(java.util.Locale.ROOT))
                    .append("): ").append(usage(p.getUsage()));
            MemoryUsage after = p.isCollectionUsageThresholdSupported() ? p.getCollectionUsage() : null;
            if (after != null) {
                b.append("; after last GC ").append(mib(after.getUsed()));
            }
            lines.add(AgentLog.escape(b.toString()));
        }
        lines.add("");
        lines.add("Garbage collectors:");
        for (GarbageCollectorMXBean gc : collectors) {
            lines.add(AgentLog.escape("  \"" + gc.getName() + "\": " + gc.getCollectionCount() + " collections, " + gc.getCollectionTime() + " ms in total"));
        }
        return lines;
    }

    private static String usage(MemoryUsage u) {
        if (u == null) {
            return "n/a";
        }
        return "used " + mib(u.getUsed()) + ", committed " + mib(u.getCommitted()) + ", max " + (u.getMax() < 0 ? "undefined" : mib(u.getMax()));
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "n/a" : (bytes * 10 / MIB) / 10.0 + " MiB";
    }
}
