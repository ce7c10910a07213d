package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Status;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
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
 * <p>Pause durations come from GC notifications, read straight from their {@link CompositeData}
 * (no {@code com.sun.management} classes needed, nothing allocated per memory pool); concurrent
 * cycles are left out as {@link GcPauses} decides. Where a collector bean does not emit
 * notifications, its collection-time delta between evaluations is used instead. Listeners are
 * removed by {@link #close()}.
 */
public final class GcCheck implements HealthCheck {
    private static final String GC_NOTIFICATION = "com.sun.management.gc.notification";
    private static final int BUCKETS = 60;

    private final double degradedAt;
    private final double unhealthyAt;
    private final long windowMillis;
    private final PauseWindow window;
    private final List<Registration> registrations = new ArrayList<>();
    private final List<GarbageCollectorMXBean> polled = new ArrayList<>();
    private final List<Object> pauseBeans = new ArrayList<>();
    private final List<Object> concurrentBeans = new ArrayList<>();
    private long polledTotalMillis = -1;

    public GcCheck(List<GarbageCollectorMXBean> collectors, double degradedAt, double unhealthyAt, long windowMillis) {
        this.degradedAt = degradedAt;
        this.unhealthyAt = unhealthyAt;
        this.windowMillis = windowMillis;
        this.window = new PauseWindow(TimeUnit.MILLISECONDS.toNanos(windowMillis), BUCKETS, System.nanoTime());
        for (GarbageCollectorMXBean bean : collectors) {
            (GcPauses.isPauseBean(bean.getName()) ? pauseBeans : concurrentBeans).add(bean.getName());
            if (bean instanceof NotificationEmitter && listen((NotificationEmitter) bean)) {
                continue;
            }
            if (GcPauses.isPauseBean(bean.getName())) {
                polled.add(bean);
            }
        }
    }

    private boolean listen(NotificationEmitter emitter) {
        // An anonymous class, not a lambda: each lambda is a class spun at run time (measured
        // cost in the host's memory); this one is loaded from the jar like the rest.
        NotificationListener listener = new NotificationListener() {
            @Override
            public void handleNotification(Notification notification, Object handback) {
                onNotification(notification);
            }
        };
        try {
            emitter.addNotificationListener(listener, null, null);
            registrations.add(new Registration(emitter, listener));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Runs on the JVM's notification thread: cheap, allocation-light, never throws. */
    private void onNotification(Notification notification) {
        try {
            if (!GC_NOTIFICATION.equals(notification.getType()) || !(notification.getUserData() instanceof CompositeData)) {
                return;
            }
            CompositeData data = (CompositeData) notification.getUserData();
            String bean = (String) data.get("gcName");
            if (!GcPauses.isPause(bean, (String) data.get("gcAction"), (String) data.get("gcCause"))) {
                return;
            }
            long durationMillis = ((Number) ((CompositeData) data.get("gcInfo")).get("duration")).longValue();
            window.record(System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(durationMillis));
        } catch (RuntimeException ignored) {
            // A notification we cannot read is skipped; it must never disturb the JVM's notification thread.
        }
    }

    @Override
    public String name() {
        return "gc";
    }

    @Override
    public CheckResult evaluate() {
        long now = System.nanoTime();
        if (!polled.isEmpty()) {
            long total = 0;
            for (GarbageCollectorMXBean bean : polled) {
                total += Math.max(0, bean.getCollectionTime());
            }
            if (polledTotalMillis >= 0 && total > polledTotalMillis) {
                window.record(now, TimeUnit.MILLISECONDS.toNanos(total - polledTotalMillis));
            }
            polledTotalMillis = total;
        }
        double fraction = window.fraction(now);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("pauseFraction", Math.round(fraction * 10000) / 10000.0);
        details.put("windowSeconds", windowMillis % 1000 == 0 ? (Object) (windowMillis / 1000) : (Object) (windowMillis / 1000.0));
        details.put("observedSeconds", Math.round(window.observedNanos(now) / 1e6) / 1000.0);
        details.put("pausedMillis", TimeUnit.NANOSECONDS.toMillis(window.pausedNanos(now)));
        details.put("pauseCollectors", pauseBeans);
        if (!concurrentBeans.isEmpty()) {
            details.put("concurrentCollectors", concurrentBeans);
        }
        if (!polled.isEmpty()) {
            details.put("source", registrations.isEmpty() ? "collection-time" : "notifications and collection-time");
        }
        Status status = Status.of(fraction, degradedAt, unhealthyAt);
        double limit = status == Status.UNHEALTHY ? unhealthyAt : degradedAt;
        return CheckResult.of(status, "GC pauses took " + HeapCheck.percent(fraction) + " of the last "
                + Math.round(window.observedNanos(now) / 1e9) + "s (" + status.json() + " at " + HeapCheck.percent(limit) + ")",
                details);
    }

    @Override
    public void close() {
        for (Registration r : registrations) {
            try {
                r.emitter.removeNotificationListener(r.listener);
            } catch (Exception ignored) {
                // already gone: nothing left to release
            }
        }
        registrations.clear();
    }

    private static final class Registration {
        final NotificationEmitter emitter;
        final NotificationListener listener;

        Registration(NotificationEmitter emitter, NotificationListener listener) {
            this.emitter = emitter;
            this.listener = listener;
        }
    }
}
