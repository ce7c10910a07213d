package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.base.AgentLog;
import io.jvmhealth.agent.base.AgentThreads;
import io.jvmhealth.agent.config.OptionSpec;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.CheckType;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.MetricFamily;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.health.checks.hang.SchedulerStarvation;
import io.jvmhealth.agent.health.checks.hang.Verdict;
import io.jvmhealth.agent.health.checks.platform.VirtualThreadPresence;

import java.lang.management.ManagementFactory;
import java.lang.management.PlatformManagedObject;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The virtual-thread scheduler starved: virtual threads queued while every carrier thread is busy, for
 * {@code vthreads.degraded} (degraded) and {@code vthreads.unhealthy} (unhealthy: {@code /ready} 503). Readiness only:
 * a starved scheduler serves nobody while it lasts, but load passes, and a restart does not make CPU-bound virtual
 * threads yield.
 *
 * <p>From the JDK's {@code jdk.management:type=VirtualThreadScheduler} bean (JDK 24+: {@code Parallelism},
 * {@code PoolSize}, {@code MountedVirtualThreadCount}, {@code QueuedVirtualThreadCount}), read, never written, and only
 * once the JVM has used virtual threads ({@link VirtualThreadPresence}): reading it creates the scheduler. Sampled every
 * {@link #SAMPLE_MILLIS} on a thread of its own, {@code jvm-health-vt-scheduler} (started then, not before), because a
 * busy but healthy JVM shows every carrier busy with threads queued in most samples (measured on JDK 25: up to ~3 s in
 * a row, with 10,000 busy virtual threads on 2 cores): only dense samples tell busy from starved. The judge is
 * {@link SchedulerStarvation}: any sample with a free carrier or an empty queue, or a gap of more than
 * {@link #MAX_GAP_MILLIS} between samples, ends a starvation. Where the JDK has no such bean (JDK 21 to 23): healthy, and
 * the details say so.
 */
public final class VirtualThreadsCheck implements HealthCheck {
    public static final MetricFamily PARALLELISM = MetricFamily.gauge("jvmhealth_check_scheduler_parallelism",
            "The virtual-thread scheduler's parallelism: how many carrier threads it keeps busy at most.");
    public static final MetricFamily POOL_SIZE = MetricFamily.gauge("jvmhealth_check_scheduler_pool_size",
            "Carrier threads the virtual-thread scheduler has now, busy or not.");
    public static final MetricFamily MOUNTED = MetricFamily.gauge("jvmhealth_check_mounted_virtual_threads",
            "Virtual threads mounted on a carrier thread at the last sample.");
    public static final MetricFamily QUEUED = MetricFamily.gauge("jvmhealth_check_queued_virtual_threads",
            "Virtual threads queued for a carrier thread at the last sample.");
    public static final MetricFamily SATURATED_SECONDS = MetricFamily.gauge("jvmhealth_check_saturated_seconds",
            "How long every carrier thread has been busy with virtual threads queued, in seconds (0 when not).");
    public static final CheckType TYPE = CheckType.named("vthreads")
            .summary("virtual threads queued while every carrier thread is busy (the JDK 24+ scheduler bean, sampled every second)")
            .options(OptionSpec.duration("vthreads.degraded", "10s", 1000, 24 * 3_600_000L,
                            "`vthreads` is degraded once every carrier thread has been busy with virtual threads queued this long (1 s to 24 h)"),
                    OptionSpec.duration("vthreads.unhealthy", "60s", 1000, 24 * 3_600_000L,
                            "`vthreads` is unhealthy (`/ready` 503) once every carrier thread has been busy with virtual threads queued this long"))
            .ordered("vthreads.degraded", "vthreads.unhealthy")
            .metrics(PARALLELISM, POOL_SIZE, MOUNTED, QUEUED, SATURATED_SECONDS)
            .create(new CheckType.Factory() {
                @Override
                public HealthCheck create(Settings s) {
                    return new VirtualThreadsCheck(new SchedulerBean(), s.millis("vthreads.degraded"), s.millis("vthreads.unhealthy"), true);
                }
            });

    /** How often the scheduler is sampled. */
    static final long SAMPLE_MILLIS = 1000;
    /** A longer gap between samples ends a starvation (what happened in between is not known). */
    static final long MAX_GAP_MILLIS = 3000;
    /** The sampler thread's name after {@code jvm-health-}. */
    public static final String THREAD_NAME = "vt-scheduler";
    private static final String SOURCE = "jdk.management:type=VirtualThreadScheduler";

    /** Where the scheduler's figures come from; {@link SchedulerBean} is the real one. */
    interface Scheduler {
        /** Whether the JVM has used virtual threads (until then the bean is not read). */
        boolean used();

        /** Null when the figures can be read; else why not (asked once virtual threads are used). */
        String unavailable();

        /** {parallelism, pool size, mounted, queued}. */
        long[] read() throws Exception;
    }

    private final Scheduler scheduler;
    private final long degradedAfterNanos;
    private final long unhealthyAfterNanos;
    private final boolean ownThread;
    /** Made once virtual threads are used (nothing of the hang package is loaded before). */
    private SchedulerStarvation judge;
    private String unavailable;
    private String readProblem;
    private long samples;
    private boolean started;
    private volatile boolean closed;
    private Thread sampler;

    /**
     * @param ownThread false: nobody samples but {@link #sample(long)} (tests)
     */
    VirtualThreadsCheck(Scheduler scheduler, long degradedAfterMillis, long unhealthyAfterMillis, boolean ownThread) {
        this.scheduler = scheduler;
        this.degradedAfterNanos = TimeUnit.MILLISECONDS.toNanos(degradedAfterMillis);
        this.unhealthyAfterNanos = TimeUnit.MILLISECONDS.toNanos(unhealthyAfterMillis);
        this.ownThread = ownThread;
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
        return evaluate(System.nanoTime());
    }

    synchronized CheckResult evaluate(long now) {
        double[] none = {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        if (!started) {
            if (!scheduler.used()) {
                details.put("virtualThreads", VirtualThreadPresence.jdkHasThem() ? "none used: the scheduler is not read"
                        : "none on this JDK (JDK 21+)");
                return CheckResult.healthy(details).with(none);
            }
            start();
        }
        if (unavailable != null) {
            details.put("note", "not measured: " + unavailable);
            return CheckResult.healthy(details).with(none);
        }
        if (samples == 0) {
            details.put("note", readProblem != null ? "not measured: " + readProblem : "the first sample is under way");
            return CheckResult.healthy(details).with(none);
        }
        details.putAll(judge.details());
        details.put("sampledEveryMillis", SAMPLE_MILLIS);
        if (readProblem != null) {
            details.put("lastReadFailed", readProblem);
        }
        double[] figures = {num(details.get("parallelism")), num(details.get("poolSize")), num(details.get("mountedVirtualThreads")),
                num(details.get("queuedVirtualThreads")), num(details.get("saturatedSeconds"))};
        Verdict v = judge.verdict(now);
        if (v == Verdict.OK) {
            return CheckResult.healthy(details).with(figures);
        }
        return CheckResult.of(v == Verdict.UNHEALTHY ? Status.UNHEALTHY : Status.DEGRADED, judge.reason(now), details).with(figures);
    }

    /** Once virtual threads are used: the judge, the bean, the sampler. */
    private void start() {
        started = true;
        unavailable = scheduler.unavailable();
        if (unavailable != null) {
            return;
        }
        judge = new SchedulerStarvation(degradedAfterNanos, unhealthyAfterNanos, TimeUnit.MILLISECONDS.toNanos(MAX_GAP_MILLIS));
        if (!ownThread) {
            return;
        }
        try {
            sampler = AgentThreads.start(THREAD_NAME, new Runnable() {
                @Override
                public void run() {
                    long next = System.nanoTime();
                    while (!closed) {
                        sample(System.nanoTime());
                        next += TimeUnit.MILLISECONDS.toNanos(SAMPLE_MILLIS);
                        long now = System.nanoTime();
                        if (next - now < 0) {
                            next = now; // late (a pause, no CPU): sample at once, and never catch up in a burst
                        }
                        while (!closed && next - System.nanoTime() > 0) {
                            LockSupport.parkNanos(this, next - System.nanoTime());
                        }
                    }
                }
            });
        } catch (Throwable e) {
            unavailable = "the sampler thread could not be started: " + AgentLog.describe(e);
        }
    }

    /** One reading of the scheduler (the sampler thread's, or a test's). */
    void sample(long now) {
        synchronized (this) {
            if (judge == null) {
                return; // not started: the bean is not read
            }
        }
        long[] f;
        try {
            f = scheduler.read();
        } catch (Throwable e) {
            synchronized (this) {
                readProblem = SOURCE + " could not be read: " + AgentLog.describe(e);
            }
            return;
        }
        synchronized (this) {
            judge.sample(now, (int) f[0], (int) f[1], (int) f[2], f[3]);
            samples++;
            readProblem = null;
        }
    }

    private static double num(Object o) {
        return o instanceof Number ? ((Number) o).doubleValue() : Double.NaN;
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = sampler;
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The JDK's {@code jdk.management.VirtualThreadSchedulerMXBean} (JDK 24+), found by name, read by reflection. */
    static final class SchedulerBean implements Scheduler {
        private Object bean;
        private Method[] getters;

        @Override
        public boolean used() {
            return VirtualThreadPresence.used();
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public synchronized String unavailable() {
            try {
                Class<?> type = Class.forName("jdk.management.VirtualThreadSchedulerMXBean");
                Object b = ManagementFactory.getPlatformMXBean((Class) type.asSubclass(PlatformManagedObject.class));
                if (b == null) {
                    return "no " + SOURCE + " bean on this JVM";
                }
                Method[] g = {type.getMethod("getParallelism"), type.getMethod("getPoolSize"), type.getMethod("getMountedVirtualThreadCount"),
                        type.getMethod("getQueuedVirtualThreadCount")};
                bean = b;
                getters = g;
                return null;
            } catch (ClassNotFoundException e) {
                return "this JDK has no " + SOURCE + " (JDK 24+)";
            } catch (Throwable e) {
                return SOURCE + " cannot be read: " + AgentLog.describe(e);
            }
        }

        @Override
        public long[] read() throws Exception {
            Object b;
            Method[] g;
            synchronized (this) {
                b = bean;
                g = getters;
            }
            long[] f = new long[4];
            for (int i = 0; i < 4; i++) {
                f[i] = ((Number) g[i].invoke(b)).longValue();
            }
            return f;
        }
    }
}
