package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.gates.MethodGate;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Status;

import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code app:kafka-connect}: passes once {@code org.apache.kafka.connect.runtime.Connect.start()} has returned (a
 * method gate: its REST server had started and its REST resources are now up, so the worker's REST API serves; the
 * port listens 7-14 s before that and answers 404, its MBeans are registered before it too: docs/gates.md). Then
 * it keeps judging readiness: not ready once {@code Connect.stop()} has begun, whose first step is stopping the REST
 * server. The stop is read from the {@code Connect} instance the start returned on: its {@code shutdown} flag
 * (an {@code AtomicBoolean} set as {@code stop()} begins), every {@link #WATCH_MILLIS}. Attached to a worker that had
 * started already, no instance was seen: the gate passes at once and the stop is not watched (its details say so).
 */
final class ConnectGate extends ServingGate {
    static final String CONNECT = "org.apache.kafka.connect.runtime.Connect";

    private final MethodGate start;
    private final Instance instance = new Instance();
    private boolean passed;

    /** Records the instance {@code start()} returned on, and its REST URL for the details. */
    static final class Instance implements MethodGate.AfterReturn {
        private volatile WeakReference<Object> connect;
        private volatile AtomicBoolean shutdown;
        private volatile String restUrl;
        private volatile String unwatched;

        @Override
        public String pending(Object self, Map<String, Object> details) {
            if (self == null) {
                if (unwatched == null) {
                    unwatched = "no Connect instance seen returning from start (attached after it started)";
                }
            } else if (connect == null || connect.get() != self) {
                connect = new WeakReference<Object>(self);
                read(self);
            }
            if (restUrl != null) {
                details.put("restUrl", restUrl);
            }
            if (unwatched != null) {
                details.put("stopWatch", "not watched: " + unwatched);
            }
            return null;
        }

        private void read(Object self) {
            try {
                Object rest = self.getClass().getMethod("rest").invoke(self);
                Object url = rest == null ? null : rest.getClass().getMethod("serverUrl").invoke(rest);
                restUrl = url == null ? null : url.toString();
            } catch (Throwable ignored) {
                // the URL is for the details only
            }
            try {
                for (Class<?> c = self.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                    if (!CONNECT.equals(c.getName())) {
                        continue;
                    }
                    Field f = c.getDeclaredField("shutdown");
                    f.setAccessible(true);
                    Object v = f.get(self);
                    if (v instanceof AtomicBoolean) {
                        shutdown = (AtomicBoolean) v;
                        return;
                    }
                }
                unwatched = "Connect has no AtomicBoolean field 'shutdown' in this version";
            } catch (Throwable e) {
                unwatched = "Connect's field 'shutdown' cannot be read: " + e;
            }
        }

        /** True once Connect.stop() has begun; false while not known. */
        boolean stopping() {
            AtomicBoolean s = shutdown;
            return s != null && s.get();
        }
    }

    ConnectGate(Recognizer recognizer, AppContext context) {
        super(recognizer.gateName()); // the method gate's name too
        this.start = context.methodGate(recognizer, CONNECT, "start",
                "Kafka Connect's REST API (Connect.start to return)", instance, true);
    }

    @Override
    public boolean stillPassesNow() {
        return !instance.stopping();
    }

    @Override
    public CheckResult evaluate() {
        if (!passed) {
            CheckResult r = start.evaluate();
            if (r.status() != Status.HEALTHY) {
                return r;
            }
            passed = true;
        }
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        details.put("method", CONNECT + "#start");
        if (instance.restUrl != null) {
            details.put("restUrl", instance.restUrl);
        }
        if (instance.unwatched != null) {
            details.put("stopWatch", "not watched: " + instance.unwatched);
        }
        if (instance.stopping()) {
            return CheckResult.of(Status.UNHEALTHY, "Kafka Connect stopped serving: Connect.stop() has begun (its REST server stops first)", details);
        }
        return CheckResult.healthy(details);
    }
}
