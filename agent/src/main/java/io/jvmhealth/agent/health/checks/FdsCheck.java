package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.config.OptionSpec;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.CheckType;
import io.jvmhealth.agent.health.MetricFamily;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.health.Thresholds;
import io.jvmhealth.agent.base.ProcFile;

import java.io.File;
import java.lang.management.OperatingSystemMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Open file descriptors against the process's limit ({@code RLIMIT_NOFILE}). A JVM that runs out
 * accepts no connection and opens no file ("Too many open files"), which often looks like a hang.
 * Read from {@code /proc/self/fd} (a directory listing: one short string per open descriptor) and the
 * "Max open files" line of {@code /proc/self/limits} (one small file read); where there is no
 * {@code /proc}, from the JDK's {@code UnixOperatingSystemMXBean}. Not the bean first: creating the
 * platform OperatingSystemMXBean loads the JDK's own container-metrics classes, resident memory the
 * host keeps for good (docs/performance.md).
 */
public final class FdsCheck implements HealthCheck {
    public static final MetricFamily OPEN = MetricFamily.gauge("jvmhealth_check_open", "Open file descriptors of this process.");
    public static final MetricFamily MAX = MetricFamily.gauge("jvmhealth_check_max", "This process's limit of open file descriptors.");
    public static final CheckType TYPE = CheckType.named("fds")
            .summary("open file descriptors as a fraction of the process's limit")
            .options(OptionSpec.ratio("fds.degraded", "0.80", "open file descriptors (fraction of the process limit) at which `fds` is degraded"),
                    OptionSpec.ratio("fds.unhealthy", "0.95", "open file descriptors (fraction of the process limit) at which `fds` is unhealthy (`/ready` 503)"))
            .thresholds("fds.degraded", "fds.unhealthy")
            .metrics(OPEN, MAX, MetricFamily.RATIO)
            .create(new CheckType.Factory() {
                @Override
                public HealthCheck create(Settings s) {
                    return new FdsCheck(new java.util.concurrent.Callable<OperatingSystemMXBean>() {
                        @Override
                        public OperatingSystemMXBean call() {
                            return java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                        }
                    }, s.ratio("fds.degraded"), s.ratio("fds.unhealthy")).damped(Thresholds.of(TYPE, s));
                }
            });

    private static final File PROC_FD = new File("/proc/self/fd");
    private final com.sun.management.UnixOperatingSystemMXBean unix;
    private final ProcFile limits;
    private final double degradedAt;
    /** The thresholds with their flap damping (undamped unless {@link #damped}). */
    private Thresholds thresholds;
    private final double unhealthyAt;

    /** @param os supplies the bean, asked for only where there is no {@code /proc/self/fd} */
    public FdsCheck(java.util.concurrent.Callable<OperatingSystemMXBean> os, double degradedAt, double unhealthyAt) {
        com.sun.management.UnixOperatingSystemMXBean u = null;
        ProcFile l = null;
        if (PROC_FD.isDirectory()) {
            l = new ProcFile(ProcFile.LIMITS, 4096);
        } else {
            try {
                OperatingSystemMXBean bean = os.call();
                if (bean instanceof com.sun.management.UnixOperatingSystemMXBean) {
                    u = (com.sun.management.UnixOperatingSystemMXBean) bean;
                }
            } catch (Exception | LinkageError e) {
                // a JVM without com.sun.management: not measured
            }
        }
        this.unix = u;
        this.limits = l;
        this.degradedAt = degradedAt;
        this.unhealthyAt = unhealthyAt;
        this.thresholds = Thresholds.undamped(degradedAt, unhealthyAt);
    }

    /** With flap damping ({@link Thresholds}): the factory's, from {@code <check>.recover.*}. */
    FdsCheck damped(Thresholds t) {
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
        long open;
        long max;
        String source;
        if (limits != null) {
            String[] fds = PROC_FD.list();
            open = fds == null ? -1 : fds.length - 1; // less the descriptor that lists the directory
            max = limits.read() ? limits.value(ProcFile.MAX_OPEN_FILES) : ProcFile.MISSING;
            if (max == ProcFile.MISSING) {
                max = -1; // "unlimited", or unreadable
            }
            source = "/proc/self/fd, /proc/self/limits";
        } else if (unix != null) {
            open = unix.getOpenFileDescriptorCount();
            max = unix.getMaxFileDescriptorCount();
            source = "UnixOperatingSystemMXBean (getrlimit RLIMIT_NOFILE)";
        } else {
            open = -1;
            max = -1;
            source = "none: no /proc and no UnixOperatingSystemMXBean";
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("open", open);
        details.put("max", max);
        details.put("source", source);
        if (open < 0 && max > 0) {
            // counting needs a descriptor (for /proc/self/fd): failing to get one is what exhaustion looks like
            return CheckResult.of(Status.UNHEALTHY, "cannot count open file descriptors: opening /proc/self/fd failed, as it does when "
                    + "all " + max + " allowed are in use", details).with(Double.NaN, max, Double.NaN);
        }
        if (open < 0 || max <= 0) {
            details.put("note", "this JVM reports no descriptor count or limit: not judged");
            return CheckResult.healthy(details).with(open < 0 ? Double.NaN : open, max <= 0 ? Double.NaN : max, Double.NaN);
        }
        double ratio = (double) open / max;
        double rounded = Math.round(ratio * 1000) / 1000.0;
        details.put("ratio", rounded);
        Thresholds.Verdict v = thresholds.judge(ratio, System.nanoTime());
        Status status = v.status();
        return CheckResult.of(status, open + " of " + max + " file descriptors open (" + HeapCheck.percent(ratio) + "; "
                + status.json() + " at " + HeapCheck.percent(v.limit()) + (v.held() == null ? "" : "; " + v.held()) + ")", details).with(open, max, rounded);
    }
}
