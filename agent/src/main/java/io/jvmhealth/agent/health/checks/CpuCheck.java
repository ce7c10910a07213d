package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.config.OptionSpec;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.CheckType;
import io.jvmhealth.agent.health.MetricFamily;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.health.Thresholds;
import io.jvmhealth.agent.health.checks.cgroup.Cgroup;
import io.jvmhealth.agent.base.ProcFile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU throttling: the fraction of CFS scheduling periods in which the cgroup hit its quota, over
 * {@code cpu.window}, from {@code cpu.stat} ({@code nr_periods}, {@code nr_throttled}, and the
 * throttled time: v2 {@code throttled_usec}, v1 {@code throttled_time} in ns). A throttled JVM
 * answers probes late (the usual cause of probe timeouts) and pauses longer in GC. Details add the
 * quota (v2 {@code cpu.max}, v1 {@code cpu.cfs_quota_us}/{@code cpu.cfs_period_us}) and the
 * process's own CPU use over the window against it (utime + stime of {@code /proc/self/stat}). No
 * quota: healthy, and the details say so.
 * By default it is degraded at most ({@code cpu.unhealthy=off}): taking a throttled pod out of
 * service only moves its load onto the others.
 *
 * <p>Per evaluation: three or four small file reads; the window is a ring of samples, one per
 * evaluation, allocated once.
 */
public final class CpuCheck implements HealthCheck {
    public static final MetricFamily QUOTA_CORES = MetricFamily.gauge("jvmhealth_check_quota_cores",
            "The container's CPU quota in cores (absent when there is none).");
    public static final MetricFamily PERIOD_SECONDS = MetricFamily.gauge("jvmhealth_check_period_seconds",
            "The CFS scheduling period, in seconds.");
    public static final MetricFamily THROTTLED_RATIO = MetricFamily.gauge("jvmhealth_check_throttled_ratio",
            "Fraction of CFS scheduling periods in which the container was throttled, over the window.");
    public static final MetricFamily PERIODS = MetricFamily.gauge("jvmhealth_check_periods",
            "CFS scheduling periods within the window.");
    public static final MetricFamily THROTTLED_PERIODS = MetricFamily.gauge("jvmhealth_check_throttled_periods",
            "Throttled CFS scheduling periods within the window.");
    public static final MetricFamily THROTTLED_SECONDS = MetricFamily.gauge("jvmhealth_check_throttled_seconds",
            "Time the container was throttled within the window, in seconds.");
    public static final MetricFamily PROCESS_CORES = MetricFamily.gauge("jvmhealth_check_process_cores",
            "The process's own CPU use over the window, in cores.");
    public static final MetricFamily PROCESS_OF_QUOTA = MetricFamily.gauge("jvmhealth_check_process_of_quota",
            "The process's own CPU use over the window as a fraction of the quota.");
    public static final CheckType TYPE = CheckType.named("cpu")
            .summary("the fraction of CFS scheduling periods in which the container was throttled, over a window")
            .options(OptionSpec.ratio("cpu.degraded", "0.25", "fraction of CFS periods throttled over `cpu.window` at which `cpu` is degraded"),
                    OptionSpec.ratioOrOff("cpu.unhealthy", "off", "fraction of CFS periods throttled over `cpu.window` at which `cpu` is unhealthy (`/ready` 503); `off`: never"),
                    OptionSpec.duration("cpu.window", "60s", 1000, 24 * 3_600_000L, "window for the throttled fraction (1 s to 24 h)"))
            .thresholds("cpu.degraded", "cpu.unhealthy")
            .metrics(QUOTA_CORES, PERIOD_SECONDS, THROTTLED_RATIO, PERIODS, THROTTLED_PERIODS, THROTTLED_SECONDS,
                    MetricFamily.WINDOW_SECONDS, PROCESS_CORES, PROCESS_OF_QUOTA)
            .create(new CheckType.Factory() {
                @Override
                public HealthCheck create(Settings s) {
                    return new CpuCheck(Cgroup.ofThisProcess(), s.ratio("cpu.degraded"), s.ratio("cpu.unhealthy"),
                            s.millis("cpu.window"), s.millis("interval")).damped(Thresholds.of(TYPE, s));
                }
            });

    private final Cgroup.Version version;
    private final ProcFile stat;
    private final ProcFile quota;
    private final ProcFile period;
    /** {@code /proc/self/stat}: utime and stime, fields 14 and 15, in clock ticks. */
    private final ProcFile procStat;
    /** Linux reports /proc times in USER_HZ, 100 per second on every architecture it runs the JVM on. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    private final double degradedAt;
    /** The thresholds with their flap damping (undamped unless {@link #damped}). */
    private Thresholds thresholds;
    private final double unhealthyAt;
    private final long windowNanos;
    private final String unavailable;
    // the ring of samples: time, periods, throttled periods, throttled ns, process cpu ns
    private final long[] at;
    private final long[] periods;
    private final long[] throttled;
    private final long[] throttledNanos;
    private final long[] cpuNanos;
    private int count;
    private int next;

    /** @param unhealthyAt a ratio, or {@link Double#POSITIVE_INFINITY} for never ({@code cpu.unhealthy=off}) */
    public CpuCheck(Cgroup cgroup, double degradedAt, double unhealthyAt, long windowMillis, long intervalMillis) {
        this.version = cgroup.cpuVersion();
        this.procStat = new ProcFile("/proc/self/stat", 1024);
        this.degradedAt = degradedAt;
        this.unhealthyAt = unhealthyAt;
        this.thresholds = Thresholds.undamped(degradedAt, unhealthyAt);
        this.windowNanos = windowMillis * 1_000_000L;
        int capacity = (int) Math.min(256, Math.max(2, windowMillis / Math.max(1, intervalMillis) + 2));
        at = new long[capacity];
        periods = new long[capacity];
        throttled = new long[capacity];
        throttledNanos = new long[capacity];
        cpuNanos = new long[capacity];
        String dir = cgroup.cpuDir();
        if (version == null) {
            stat = quota = period = null;
            unavailable = cgroup.problem() != null ? cgroup.problem() : "no cpu cgroup controller found for this process";
        } else if (version == Cgroup.Version.V2) {
            stat = new ProcFile(dir + "/cpu.stat", 1024);
            quota = new ProcFile(dir + "/cpu.max", 64);
            period = null;
            unavailable = null;
        } else {
            stat = new ProcFile(dir + "/cpu.stat", 1024);
            quota = new ProcFile(dir + "/cpu.cfs_quota_us", 64);
            period = new ProcFile(dir + "/cpu.cfs_period_us", 64);
            unavailable = null;
        }
    }

    /** With flap damping ({@link Thresholds}): the factory's, from {@code <check>.recover.*}. */
    CpuCheck damped(Thresholds t) {
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
        return evaluate(System.nanoTime());
    }

    CheckResult evaluate(long now) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (unavailable != null) {
            details.put("quotaCores", "none");
            details.put("note", "not measured: " + unavailable);
            return CheckResult.healthy(details);
        }
        if (!stat.read()) {
            return CheckResult.failed("cannot read " + stat.path());
        }
        long quotaMicros;
        long periodMicros;
        quota.read();
        if (version == Cgroup.Version.V2) {
            quotaMicros = quota.wordIs(0, "max") ? -1 : quota.word(0);
            periodMicros = quota.word(1);
        } else {
            quotaMicros = quota.first();
            periodMicros = period.read() ? period.first() : ProcFile.MISSING;
        }
        long p = stat.value("nr_periods");
        long t = stat.value("nr_throttled");
        long tn = version == Cgroup.Version.V2 ? times(stat.value("throttled_usec"), 1000) : stat.value("throttled_time");
        long cpu = processCpuNanos();
        // the oldest sample still within the window (or the oldest there is)
        int oldest = -1;
        for (int k = count; k >= 1; k--) {
            int i = Math.floorMod(next - k, at.length);
            if (now - at[i] <= windowNanos) {
                oldest = i;
                break;
            }
        }
        if (oldest < 0 && count > 0) {
            oldest = Math.floorMod(next - 1, at.length); // the window is shorter than an interval: the last one
        }
        at[next] = now;
        periods[next] = p;
        throttled[next] = t;
        throttledNanos[next] = tn;
        cpuNanos[next] = cpu;
        next = (next + 1) % at.length;
        count = Math.min(count + 1, at.length);

        boolean hasQuota = quotaMicros > 0 && periodMicros > 0;
        double quotaCores = hasQuota ? Math.round((double) quotaMicros / periodMicros * 1000) / 1000.0 : Double.NaN;
        // the figures of TYPE's metric families, in their order: quota, period, throttled ratio, periods,
        // throttled periods, throttled seconds, window, process cores, process of quota
        double[] figures = {quotaCores, hasQuota ? periodMicros / 1e6 : Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN};
        details.put("quotaCores", hasQuota ? (Object) quotaCores : "none");
        if (hasQuota) {
            details.put("periodMicros", periodMicros);
        }
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("cgroup", version.toString());
        source.put("stat", stat.path());
        source.put("quota", period == null ? quota.path() : quota.path() + ", " + period.path());
        source.put("processCpu", procStat.path() + " utime+stime");
        if (!hasQuota) {
            details.put("note", "no CPU quota is set on this cgroup: it cannot be throttled");
            details.put("source", source);
            return CheckResult.healthy(details).with(figures);
        }
        if (oldest < 0 || p == ProcFile.MISSING || t == ProcFile.MISSING) {
            details.put("note", p == ProcFile.MISSING ? stat.path() + " has no nr_periods" : "first sample: the window fills from the next evaluation");
            details.put("source", source);
            return CheckResult.healthy(details).with(figures);
        }
        long seconds = now - at[oldest];
        long dPeriods = p - periods[oldest];
        long dThrottled = t - throttled[oldest];
        double fraction = dPeriods > 0 ? (double) dThrottled / dPeriods : 0;
        figures[2] = Math.round(fraction * 1000) / 1000.0;
        figures[3] = dPeriods;
        figures[4] = dThrottled;
        details.put("throttledFraction", figures[2]);
        details.put("periods", dPeriods);
        details.put("throttledPeriods", dThrottled);
        if (tn != ProcFile.MISSING && throttledNanos[oldest] != ProcFile.MISSING) {
            long throttledMillis = (tn - throttledNanos[oldest]) / 1_000_000;
            figures[5] = throttledMillis / 1000.0;
            details.put("throttledMillis", throttledMillis);
        }
        figures[6] = Math.round(seconds / 1e8) / 10.0;
        details.put("windowSeconds", figures[6]);
        if (cpu >= 0 && cpuNanos[oldest] >= 0 && seconds > 0) {
            double cores = (double) (cpu - cpuNanos[oldest]) / seconds;
            figures[7] = Math.round(cores * 1000) / 1000.0;
            figures[8] = Math.round(cores / ((double) quotaMicros / periodMicros) * 1000) / 1000.0;
            details.put("processCores", figures[7]);
            details.put("processOfQuota", figures[8]);
        }
        details.put("source", source);
        Thresholds.Verdict v = thresholds.judge(fraction, now);
        Status status = v.status();
        return CheckResult.of(status, "CPU throttled in " + HeapCheck.percent(fraction) + " of scheduling periods over the last "
                + Math.round(seconds / 1e9) + "s (" + status.json() + " at " + HeapCheck.percent(v.limit())
                + (v.held() == null ? "" : "; " + v.held()) + "; quota "
                + details.get("quotaCores") + " cores)", details).with(figures);
    }

    /** The process's CPU time from /proc/self/stat (no MXBean: see {@link FdsCheck}); -1 when unreadable. */
    private long processCpuNanos() {
        if (!procStat.read()) {
            return -1;
        }
        // after "pid (comm)": state is word 0, utime word 11, stime word 12
        long utime = procStat.wordAfterLast(')', 11);
        long stime = procStat.wordAfterLast(')', 12);
        return utime == ProcFile.MISSING || stime == ProcFile.MISSING ? -1 : (utime + stime) * NANOS_PER_TICK;
    }

    private static long times(long v, long factor) {
        return v == ProcFile.MISSING ? v : v * factor;
    }
}
