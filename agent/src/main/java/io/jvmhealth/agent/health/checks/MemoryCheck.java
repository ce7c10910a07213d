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
import io.jvmhealth.agent.health.checks.cgroup.Cgroup;
import io.jvmhealth.agent.base.ProcFile;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The container's memory as the kernel's OOM killer and the kubelet see it: the cgroup's working
 * set (usage less inactive file cache, the kubelet's {@code container_memory_working_set_bytes})
 * against the cgroup's limit. This is what gets a JVM pod OOMKilled, and the heap check cannot see
 * it: direct buffers, metaspace, code cache, thread stacks and native libraries all count. The
 * details say where the memory went (heap committed, non-heap pools, buffer pools) and which files
 * the figures come from.
 *
 * <p>Per evaluation: three small file reads (v2 {@code memory.current}, {@code memory.stat},
 * {@code memory.max}; v1 {@code memory.usage_in_bytes}, {@code memory.stat},
 * {@code memory.limit_in_bytes}). A v1 limit at or above 2^62 bytes is "no limit" (the kernel writes
 * about 2^63 there); v1 then also tries {@code hierarchical_memory_limit} (a parent's limit).
 */
public final class MemoryCheck implements HealthCheck {
    public static final MetricFamily WORKING_SET_BYTES = MetricFamily.gauge("jvmhealth_check_working_set_bytes",
            "The container's working set (usage less inactive file cache, as the kubelet computes it), in bytes.");
    public static final MetricFamily LIMIT_BYTES = MetricFamily.gauge("jvmhealth_check_limit_bytes",
            "The container's memory limit, in bytes (absent when there is none).");
    public static final MetricFamily USAGE_BYTES = MetricFamily.gauge("jvmhealth_check_usage_bytes",
            "The cgroup's memory usage, page cache included, in bytes.");
    public static final MetricFamily INACTIVE_FILE_BYTES = MetricFamily.gauge("jvmhealth_check_inactive_file_bytes",
            "The cgroup's inactive file cache, in bytes.");
    public static final MetricFamily HEAP_COMMITTED_BYTES = MetricFamily.gauge("jvmhealth_check_heap_committed_bytes",
            "The JVM's committed heap, in bytes.");
    public static final CheckType TYPE = CheckType.named("memory")
            .summary("the container's working set as a fraction of its memory limit")
            .options(OptionSpec.ratio("memory.degraded", "0.90", "container working set (fraction of the cgroup memory limit) at which `memory` is degraded"),
                    OptionSpec.ratio("memory.unhealthy", "0.97", "container working set (fraction of the cgroup memory limit) at which `memory` is unhealthy (`/ready` 503)"))
            .thresholds("memory.degraded", "memory.unhealthy")
            .metrics(WORKING_SET_BYTES, LIMIT_BYTES, MetricFamily.RATIO, USAGE_BYTES, INACTIVE_FILE_BYTES, HEAP_COMMITTED_BYTES)
            .create(new CheckType.Factory() {
                @Override
                public HealthCheck create(Settings s) {
                    return new MemoryCheck(Cgroup.ofThisProcess(), PlatformBeans.memory(), PlatformBeans.memoryPools(),
                            new java.util.concurrent.Callable<List<BufferPoolMXBean>>() {
                                @Override
                                public List<BufferPoolMXBean> call() {
                                    return PlatformBeans.bufferPools();
                                }
                            }, s.ratio("memory.degraded"), s.ratio("memory.unhealthy")).damped(Thresholds.of(TYPE, s));
                }
            });

    /** v1 "unlimited" is 2^63 rounded down to a page; anything this large is no limit. */
    static final long NO_LIMIT = 1L << 62;
    private static final long MIB = 1024 * 1024;

    private final Cgroup.Version version;
    private final ProcFile usage;
    private final ProcFile stat;
    private final ProcFile limit;
    private final MemoryMXBean memory;
    private final List<MemoryPoolMXBean> nonHeapPools;
    /** Supplies the buffer-pool beans, asked for once the working set first reaches {@code memory.degraded}. */
    private final java.util.concurrent.Callable<List<BufferPoolMXBean>> bufferPoolSource;
    private List<BufferPoolMXBean> bufferPools;
    private final double degradedAt;
    /** The thresholds with their flap damping (undamped unless {@link #damped}). */
    private Thresholds thresholds;
    private final double unhealthyAt;
    private final String unavailable;

    /**
     * @param bufferPools asked for only once the working set first reaches {@code degradedAt}: getting
     *        the platform's BufferPoolMXBeans ({@code ManagementFactory.getPlatformMXBeans}) spins method
     *        handles and lambdas in the JDK, resident memory in a host that has none of its own, which a
     *        healthy pod should not pay (docs/performance.md); the agent asks {@code PlatformBeans}, which
     *        avoids most of it where it can
     */
    public MemoryCheck(Cgroup cgroup, MemoryMXBean memory, List<MemoryPoolMXBean> pools,
                       java.util.concurrent.Callable<List<BufferPoolMXBean>> bufferPools, double degradedAt, double unhealthyAt) {
        this.version = cgroup.memoryVersion();
        this.memory = memory;
        List<MemoryPoolMXBean> nonHeap = new ArrayList<>();
        for (MemoryPoolMXBean p : pools) {
            if (p.getType() == MemoryType.NON_HEAP) {
                nonHeap.add(p);
            }
        }
        this.nonHeapPools = Collections.unmodifiableList(nonHeap);
        this.bufferPoolSource = bufferPools;
        this.degradedAt = degradedAt;
        this.unhealthyAt = unhealthyAt;
        this.thresholds = Thresholds.undamped(degradedAt, unhealthyAt);
        String dir = cgroup.memoryDir();
        if (version == null) {
            usage = stat = limit = null;
            unavailable = cgroup.problem() != null ? cgroup.problem() : "no memory cgroup controller found for this process";
        } else if (version == Cgroup.Version.V2) {
            usage = new ProcFile(dir + "/memory.current", 64);
            stat = new ProcFile(dir + "/memory.stat", 8192);
            limit = new ProcFile(cgroup.memoryLimitDir() + "/memory.max", 64);
            unavailable = null;
        } else {
            usage = new ProcFile(dir + "/memory.usage_in_bytes", 64);
            stat = new ProcFile(dir + "/memory.stat", 8192);
            limit = new ProcFile(dir + "/memory.limit_in_bytes", 64);
            unavailable = null;
        }
    }

    /** With flap damping ({@link Thresholds}): the factory's, from {@code <check>.recover.*}. */
    MemoryCheck damped(Thresholds t) {
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
        Map<String, Object> details = new LinkedHashMap<>();
        if (unavailable != null) {
            details.put("limitBytes", "none");
            details.put("note", "not measured: " + unavailable);
            long[] jvm = addJvm(details, false);
            return CheckResult.healthy(details).with(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, jvm[0]);
        }
        if (!usage.read() || !stat.read()) {
            return CheckResult.failed("cannot read " + usage.path() + " or " + stat.path());
        }
        long used = usage.first();
        long inactiveFile = stat.value(version == Cgroup.Version.V2 ? "inactive_file" : "total_inactive_file");
        if (inactiveFile == ProcFile.MISSING) {
            inactiveFile = stat.value("inactive_file");
        }
        long workingSet = Math.max(0, used - Math.max(0, inactiveFile == ProcFile.MISSING ? 0 : inactiveFile));
        long max = limit.read() ? limit.first() : ProcFile.MISSING; // v2 "max" parses as MISSING: no limit
        String limitSource = limit.path();
        if (version == Cgroup.Version.V1 && (max == ProcFile.MISSING || max >= NO_LIMIT)) {
            long hierarchical = stat.value("hierarchical_memory_limit");
            if (hierarchical != ProcFile.MISSING && hierarchical < NO_LIMIT) {
                max = hierarchical;
                limitSource = stat.path() + " hierarchical_memory_limit";
            }
        }
        boolean limited = max != ProcFile.MISSING && max > 0 && max < NO_LIMIT;
        details.put("workingSetBytes", workingSet);
        details.put("limitBytes", limited ? (Object) max : "none");
        double ratio = limited ? (double) workingSet / max : 0;
        if (limited) {
            details.put("ratio", Math.round(ratio * 1000) / 1000.0);
        }
        details.put("usageBytes", used);
        details.put("inactiveFileBytes", inactiveFile == ProcFile.MISSING ? 0 : inactiveFile);
        long[] jvm = addJvm(details, limited && ratio >= degradedAt);
        double[] figures = {workingSet, limited ? max : Double.NaN, limited ? Math.round(ratio * 1000) / 1000.0 : Double.NaN, used,
                inactiveFile == ProcFile.MISSING ? 0 : inactiveFile, jvm[0]};
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("cgroup", version.toString());
        source.put("usage", usage.path());
        source.put("inactiveFile", stat.path());
        source.put("limit", limitSource);
        source.put("jvm", "MemoryMXBean, MemoryPoolMXBean (non-heap), BufferPoolMXBean");
        details.put("source", source);
        if (!limited) {
            details.put("note", "no memory limit is set on this cgroup: nothing to judge against");
            return CheckResult.healthy(details).with(figures);
        }
        Thresholds.Verdict v = thresholds.judge(ratio, System.nanoTime());
        Status status = v.status();
        if (status == Status.HEALTHY) {
            return CheckResult.healthy(details).with(figures);
        }
        double at = v.limit();
        String reason = "container working set is " + HeapCheck.percent(ratio) + " of its memory limit (" + status.json() + " at "
                + HeapCheck.percent(at) + "): " + mib(workingSet) + " of " + mib(max) + "; heap committed " + mib(jvm[0])
                + ", non-heap " + mib(jvm[1]) + ", direct buffers " + mib(jvm[2]) + ", mapped " + mib(jvm[3])
                + ", rest (thread stacks, native, page cache) " + mib(Math.max(0, workingSet - jvm[0] - jvm[1] - jvm[2] - jvm[3]));
        if (v.held() != null) {
            reason += "; " + v.held();
        }
        return CheckResult.of(status, reason, details).with(figures);
    }

    /**
     * Adds the JVM's side; returns {heap committed, non-heap used, direct used, mapped used}. Buffer
     * pools are read once they have been asked for ({@code high}: at or above degraded), and from then on.
     */
    private long[] addJvm(Map<String, Object> details, boolean high) {
        long[] sums = new long[4];
        MemoryUsage heap = memory.getHeapMemoryUsage();
        sums[0] = heap.getCommitted();
        details.put("heapCommittedBytes", sums[0]);
        Map<String, Object> nonHeap = new LinkedHashMap<>();
        for (MemoryPoolMXBean p : nonHeapPools) {
            if (!p.isValid()) {
                continue;
            }
            MemoryUsage u = p.getUsage();
            if (u != null) {
                nonHeap.put(p.getName(), u.getUsed());
                sums[1] += u.getUsed();
            }
        }
        details.put("nonHeapUsedBytes", nonHeap);
        if (bufferPools == null && high) {
            try {
                bufferPools = bufferPoolSource.call();
            } catch (Exception | LinkageError e) {
                bufferPools = Collections.emptyList();
            }
        }
        if (bufferPools == null) {
            details.put("bufferPools", "read once the working set reaches memory.degraded");
            return sums;
        }
        Map<String, Object> buffers = new LinkedHashMap<>();
        for (BufferPoolMXBean b : bufferPools) {
            Map<String, Object> one = new LinkedHashMap<>();
            long usedBytes = b.getMemoryUsed();
            one.put("count", b.getCount());
            one.put("usedBytes", usedBytes);
            one.put("capacityBytes", b.getTotalCapacity());
            buffers.put(b.getName(), one);
            if (b.getName().equals("direct")) {
                sums[2] += Math.max(0, usedBytes);
            } else if (b.getName().startsWith("mapped")) {
                sums[3] += Math.max(0, usedBytes);
            }
        }
        details.put("bufferPools", buffers);
        return sums;
    }

    static String mib(long bytes) {
        return (bytes + MIB / 2) / MIB + " MiB";
    }
}
