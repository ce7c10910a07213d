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

import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Degraded or unhealthy when the live thread count reaches the configured limits (a thread leak). */
public final class ThreadsCheck implements HealthCheck {
    public static final MetricFamily LIVE = MetricFamily.gauge("jvmhealth_check_live", "Live threads.");
    public static final MetricFamily PEAK = MetricFamily.gauge("jvmhealth_check_peak", "The most live threads since the JVM started.");
    public static final MetricFamily DAEMON = MetricFamily.gauge("jvmhealth_check_daemon", "Live daemon threads.");
    public static final CheckType TYPE = CheckType.named("threads")
            .summary("the live thread count (a thread leak)")
            .options(OptionSpec.integer("threads.degraded", "2000", 1, Integer.MAX_VALUE, "live thread count at which `threads` is degraded"),
                    OptionSpec.integer("threads.unhealthy", "5000", 1, Integer.MAX_VALUE, "live thread count at which `threads` is unhealthy (`/ready` 503)"))
            .thresholds("threads.degraded", "threads.unhealthy")
            .metrics(LIVE, PEAK, DAEMON)
            .create(new CheckType.Factory() {
                @Override
                public HealthCheck create(Settings s) {
                    return new ThreadsCheck(PlatformBeans.threads(), s.integer("threads.degraded"), s.integer("threads.unhealthy"))
                            .damped(Thresholds.of(TYPE, s));
                }
            });

    private final ThreadMXBean threads;
    private final int degradedAt;
    /** The thresholds with their flap damping (undamped unless {@link #damped}). */
    private Thresholds thresholds;
    private final int unhealthyAt;

    public ThreadsCheck(ThreadMXBean threads, int degradedAt, int unhealthyAt) {
        this.threads = threads;
        this.degradedAt = degradedAt;
        this.unhealthyAt = unhealthyAt;
        this.thresholds = Thresholds.undamped(degradedAt, unhealthyAt);
    }

    /** With flap damping ({@link Thresholds}): the factory's, from {@code <check>.recover.*}. */
    ThreadsCheck damped(Thresholds t) {
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
        int live = threads.getThreadCount();
        int peak = threads.getPeakThreadCount();
        int daemon = threads.getDaemonThreadCount();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("live", live);
        details.put("peak", peak);
        details.put("daemon", daemon);
        Thresholds.Verdict v = thresholds.judge(live, System.nanoTime());
        Status status = v.status();
        return CheckResult.of(status, live + " live threads (" + status.json() + " at " + (int) v.limit()
                + (v.held() == null ? "" : "; " + v.held()) + ")", details).with(live, peak, daemon);
    }
}
