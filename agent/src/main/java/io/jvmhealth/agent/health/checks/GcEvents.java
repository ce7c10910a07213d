package io.jvmhealth.agent.health.checks;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Subscribes to the JVM's GC notifications and hands each one, read straight from its
 * {@link CompositeData} (no {@code com.sun.management} classes, no per-pool objects built), to a
 * {@link Sink}. Runs on the JVM's notification thread, so sinks must be cheap; nothing a sink
 * throws reaches that thread. Nothing is subscribed until {@link #subscribe()}: while no listener is
 * added the JVM builds no notification at all. {@link #close()} removes every listener.
 */
final class GcEvents implements AutoCloseable {
    private static final String GC_NOTIFICATION = "com.sun.management.gc.notification";

    /** Receives GC events. */
    interface Sink {
        /** @param gcInfo the event's {@code gcInfo} (duration, memoryUsageBeforeGc, memoryUsageAfterGc) */
        void onGc(String bean, String action, String cause, CompositeData gcInfo);
    }

    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final List<String> silentBeans = new ArrayList<>();
    private final List<GarbageCollectorMXBean> collectors;
    private final NotificationListener listener;
    private boolean subscribed;

    GcEvents(List<GarbageCollectorMXBean> collectors, Sink sink) {
        this.collectors = collectors;
        // Anonymous classes rather than lambdas throughout the agent: each lambda is a class spun at
        // run time, and the first ones bootstrap invokedynamic (docs/performance.md).
        this.listener = new NotificationListener() {
            @Override
            public void handleNotification(Notification notification, Object handback) {
                dispatch(notification, sink);
            }
        };
    }

    /** Adds the listener to every collector bean that notifies (once; later calls do nothing). */
    synchronized void subscribe() {
        if (subscribed) {
            return;
        }
        subscribed = true;
        for (GarbageCollectorMXBean bean : collectors) {
            if (bean instanceof NotificationEmitter) {
                try {
                    ((NotificationEmitter) bean).addNotificationListener(listener, null, null);
                    emitters.add((NotificationEmitter) bean);
                    continue;
                } catch (RuntimeException ignored) {
                    // treated as a bean without notifications
                }
            }
            silentBeans.add(bean.getName());
        }
    }

    /** After {@link #subscribe()}: the beans that do not notify (callers fall back to polling them). */
    synchronized List<String> silentBeans() {
        return silentBeans;
    }

    private static void dispatch(Notification notification, Sink sink) {
        try {
            if (!GC_NOTIFICATION.equals(notification.getType()) || !(notification.getUserData() instanceof CompositeData)) {
                return;
            }
            CompositeData data = (CompositeData) notification.getUserData();
            sink.onGc((String) data.get("gcName"), (String) data.get("gcAction"), (String) data.get("gcCause"),
                    (CompositeData) data.get("gcInfo"));
        } catch (RuntimeException ignored) {
            // An event we cannot read is skipped; it must never disturb the JVM's notification thread.
        }
    }

    @Override
    public synchronized void close() {
        subscribed = true; // a close before the subscription: nothing is added afterwards
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (Exception ignored) {
                // already gone: nothing left to release
            }
        }
        emitters.clear();
    }
}
