package io.jvmhealth.agent.health.checks.hang;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Judges the virtual-thread scheduler ({@code jdk.management:type=VirtualThreadScheduler}, JDK 24+: attributes
 * {@code Parallelism}, {@code PoolSize}, {@code MountedVirtualThreadCount}, {@code QueuedVirtualThreadCount}) starved:
 * virtual threads queued while every carrier is busy ({@code mounted >= parallelism} and {@code queued > 0}) in every
 * sample for {@code degradedAfter} -> {@link Verdict#DEGRADED}, for {@code unhealthyAfter} -> {@link Verdict#UNHEALTHY}
 * (readiness: a starved scheduler serves nobody, but load that passes is not a reason for a restart).
 *
 * <p>Any sample with a free carrier or an empty queue ends a starvation; so does a gap between samples longer than
 * {@code maxGap} (what happened in between is not known). Measured on JDK 25, 2 shared cores (scripts/hangs/
 * SchedulerFigures.java): 10,000 busy virtual threads (sleeps and short locks, 45,000-92,000 rounds a second, the CPU
 * saturated) showed both carriers mounted with 13 to 8,989 queued in most samples, but an idle moment at least every
 * 3 s; starved (2 CPU-spinning virtual threads on 2 carriers) showed mounted 2 and queued 11,000 unchanging, 0
 * rounds a second. Samples must therefore be dense (about a second apart): the sparse evaluations of a busy but
 * healthy JVM would find it saturated twice in a row by chance. Pure: the caller samples and says when.
 */
public final class SchedulerStarvation {
    private final long degradedAfter;
    private final long unhealthyAfter;
    private final long maxGap;
    private long since = -1;
    private long lastSample = -1;
    private int samples;
    private int parallelism;
    private int poolSize;
    private int mounted;
    private long queued;
    private long maxQueued;

    public SchedulerStarvation(long degradedAfterNanos, long unhealthyAfterNanos, long maxGapNanos) {
        this.degradedAfter = degradedAfterNanos;
        this.unhealthyAfter = unhealthyAfterNanos;
        this.maxGap = maxGapNanos;
    }

    /** One reading of the scheduler bean at {@code now}; -1 for a figure the bean says it does not know. */
    public void sample(long now, int parallelism, int poolSize, int mounted, long queued) {
        boolean saturated = parallelism > 0 && mounted >= parallelism && queued > 0;
        boolean continuous = lastSample >= 0 && now - lastSample <= maxGap;
        if (!saturated) {
            since = -1;
            samples = 0;
            maxQueued = 0;
        } else if (since < 0 || !continuous) {
            since = now;
            samples = 1;
            maxQueued = queued;
        } else {
            samples++;
            maxQueued = Math.max(maxQueued, queued);
        }
        lastSample = now;
        this.parallelism = parallelism;
        this.poolSize = poolSize;
        this.mounted = mounted;
        this.queued = queued;
    }

    public Verdict verdict(long now) {
        if (since < 0 || samples < 2 || now - lastSample > maxGap) {
            return Verdict.OK;
        }
        long lasted = lastSample - since;
        if (lasted >= unhealthyAfter) {
            return Verdict.UNHEALTHY;
        }
        return lasted >= degradedAfter ? Verdict.DEGRADED : Verdict.OK;
    }

    /** Why, when {@link #verdict} is not OK. */
    public String reason(long now) {
        return "virtual threads queued (" + queued + ", up to " + maxQueued + ") while all " + parallelism
                + " carrier threads were busy for " + seconds(lastSample - since) + "s (" + verdict(now).name().toLowerCase(java.util.Locale.ROOT)
                + " after " + seconds(verdict(now) == Verdict.UNHEALTHY ? unhealthyAfter : degradedAfter) + "s)";
    }

    public Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<String, Object>();
        d.put("parallelism", parallelism);
        d.put("poolSize", poolSize);
        d.put("mountedVirtualThreads", mounted);
        d.put("queuedVirtualThreads", queued);
        d.put("saturatedSeconds", since < 0 ? 0 : seconds(lastSample - since));
        d.put("source", "jdk.management:type=VirtualThreadScheduler");
        return d;
    }

    private static long seconds(long nanos) {
        return nanos / 1_000_000_000L;
    }
}
