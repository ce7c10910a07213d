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
import java.lang.management.GarbageCollectorMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The fraction of wall time spent in stop-the-world GC pauses over a sliding window.
 *
 * <p>Pause durations come from GC notifications ({@link GcEvents}); concurrent cycles are left
 * out as {@link GcPauses} decides. Where a collector bean does not emit notifications, its
 * collection-time delta between evaluations is used instead, and so it is for every pause bean until
 * the agent has told it {@link #started()} (one interval after the start): the notifications would cost
 * the application's start the JVM's building of every collection's {@code GcInfo} on its notification
 * thread (docs/performance.md). Listeners are removed by {@link #close()}.
 */
public final class GcCheck implements HealthCheck {
    public static final MetricFamily PAUSE_RATIO = MetricFamily.gauge("jvmhealth_check_pause_ratio",
            "Fraction of wall time spent in stop-the-world GC pauses over the window.");
    public static final MetricFamily OBSERVED_SECONDS = MetricFamily.gauge("jvmhealth_check_observed_seconds",
            "How much of the window has been observed so far, in seconds.");
    public static final MetricFamily PAUSED_SECONDS = MetricFamily.gauge("jvmhealth_check_paused_seconds",
            "Time spent in stop-the-world GC pauses within the window, in seconds.");
    public static final CheckType TYPE = CheckType.named("gc")
            .summary("the fraction of wall time spent in stop-the-world GC pauses over a sliding window")
            .options(OptionSpec.ratio("gc.degraded", "0.10", "fraction of wall time in stop-the-world GC pauses over `gc.window` at which `gc` is degraded"),
                    OptionSpec.ratio("gc.unhealthy", "0.30", "fraction of wall time in stop-the-world GC pauses over `gc.window` at which `gc` is unhealthy (`/ready` 503)"),
                    OptionSpec.duration("gc.window", "60s", 1000, 24 * 3_600_000L, "sliding window for the GC fraction (1 s to 24 h)"))
            .thresholds("gc.degraded", "gc.unhealthy")
            .metrics(PAUSE_RATIO, MetricFamily.WINDOW_SECONDS, OBSERVED_SECONDS, PAUSED_SECONDS)
            .create(new CheckType.Factory() {
                @Override
                public HealthCheck create(Settings s) {
                    return new GcCheck(PlatformBeans.garbageCollectors(), s.ratio("gc.degraded"), s.ratio("gc.unhealthy"),
                            s.millis("gc.window")).damped(Thresholds.of(TYPE, s));
                }
            });

    private static final int BUCKETS = 60;

    private final double degradedAt;
    /** The thresholds with their flap damping (undamped unless {@link #damped}). */
    private Thresholds thresholds;
    private final double unhealthyAt;
    private final long windowMillis;
    private final PauseWindow window;
    private final GcEvents events;
    private final List<GarbageCollectorMXBean> pauseCollectors = new ArrayList<>();
    /** The beans whose collection time is polled: every pause bean until {@link #started()}, the silent ones after. */
    private List<GarbageCollectorMXBean> polled;
    private final List<Object> pauseBeans;
    private final List<Object> concurrentBeans = new ArrayList<>();
    private long polledTotalMillis = -1;

    public GcCheck(List<GarbageCollectorMXBean> collectors, double degradedAt, double unhealthyAt, long windowMillis) {
        this.degradedAt = degradedAt;
        this.unhealthyAt = unhealthyAt;
        this.thresholds = Thresholds.undamped(degradedAt, unhealthyAt);
        this.windowMillis = windowMillis;
        this.window = new PauseWindow(TimeUnit.MILLISECONDS.toNanos(windowMillis), BUCKETS, System.nanoTime());
        this.events = new GcEvents(collectors, new GcEvents.Sink() {
            @Override
            public void onGc(String bean, String action, String cause, CompositeData gcInfo) {
                record(bean, action, cause, gcInfo);
            }
        });
        for (GarbageCollectorMXBean bean : collectors) {
            if (GcPauses.isPauseBean(bean.getName())) {
                pauseCollectors.add(bean);
            } else {
                concurrentBeans.add(bean.getName());
            }
        }
        pauseBeans = names(pauseCollectors);
        polled = pauseCollectors;
    }

    /**
     * Subscribes to the notifications: the polled beans' time up to now is recorded first, then only
     * the beans without notifications stay polled (a collection ending in between is not counted:
     * microseconds, and never counted twice).
     */
    @Override
    public void started() {
        pollCollectionTime(System.nanoTime());
        events.subscribe();
        List<GarbageCollectorMXBean> silent = new ArrayList<>();
        for (GarbageCollectorMXBean bean : pauseCollectors) {
            if (events.silentBeans().contains(bean.getName())) {
                silent.add(bean);
            }
        }
        polled = silent;
        polledTotalMillis = -1;
        pollCollectionTime(System.nanoTime()); // the silent beans' baseline
    }

    private void pollCollectionTime(long now) {
        if (polled.isEmpty()) {
            return;
        }
        long total = 0;
        for (GarbageCollectorMXBean bean : polled) {
            total += Math.max(0, bean.getCollectionTime());
        }
        if (polledTotalMillis >= 0 && total > polledTotalMillis) {
            window.record(now, TimeUnit.MILLISECONDS.toNanos(total - polledTotalMillis));
        }
        polledTotalMillis = total;
    }

    private void record(String bean, String action, String cause, CompositeData gcInfo) {
        if (GcPauses.isPause(bean, action, cause)) {
            long durationMillis = ((Number) gcInfo.get("duration")).longValue();
            window.record(System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(durationMillis));
        }
    }

    /** With flap damping ({@link Thresholds}): the factory's, from {@code <check>.recover.*}. */
    GcCheck damped(Thresholds t) {
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
        long now = System.nanoTime();
        pollCollectionTime(now);
        double fraction = window.fraction(now);
        double pauseRatio = Math.round(fraction * 10000) / 10000.0;
        double observedSeconds = Math.round(window.observedNanos(now) / 1e6) / 1000.0;
        long pausedMillis = TimeUnit.NANOSECONDS.toMillis(window.pausedNanos(now));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("pauseFraction", pauseRatio);
        details.put("windowSeconds", windowMillis % 1000 == 0 ? (Object) (windowMillis / 1000) : (Object) (windowMillis / 1000.0));
        details.put("observedSeconds", observedSeconds);
        details.put("pausedMillis", pausedMillis);
        details.put("pauseCollectors", pauseBeans);
        if (!concurrentBeans.isEmpty()) {
            details.put("concurrentCollectors", concurrentBeans);
        }
        if (!polled.isEmpty()) {
            details.put("polledCollectors", names(polled));
        }
        Thresholds.Verdict v = thresholds.judge(fraction, now);
        Status status = v.status();
        return CheckResult.of(status, "GC pauses took " + HeapCheck.percent(fraction) + " of the last "
                + Math.round(window.observedNanos(now) / 1e9) + "s (" + status.json() + " at " + HeapCheck.percent(v.limit())
                + (v.held() == null ? "" : "; " + v.held()) + ")",
                details).with(pauseRatio, windowMillis / 1000.0, observedSeconds, pausedMillis / 1000.0);
    }

    private static List<Object> names(List<GarbageCollectorMXBean> beans) {
        List<Object> names = new ArrayList<>();
        for (GarbageCollectorMXBean bean : beans) {
            names.add(bean.getName());
        }
        return names;
    }

    @Override
    public void close() {
        events.close();
    }
}
