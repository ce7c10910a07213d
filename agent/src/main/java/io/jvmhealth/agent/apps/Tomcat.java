package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.gates.MethodGate;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.checks.hang.RequestPools;

import java.lang.ref.WeakReference;
import java.util.Collections;
import java.util.List;

/**
 * Tomcat, embedded ({@code org.apache.catalina.startup.Tomcat}) or standalone ({@code catalina.sh}: main
 * class {@code Bootstrap}): ready once {@code StandardService.startInternal} has returned and every
 * connector it started listens in this JVM. Stops serving when that service leaves {@code STARTED}
 * ({@code LifecycleBase.stop} sets {@code STOPPING_PREP} before {@code stopInternal} pauses the connectors:
 * seen at {@code stopInternal}'s entry, before the connectors pause), or one of its connectors leaves
 * {@code STARTED} or is paused (seen by the gate's watch).
 */
final class Tomcat extends Recognizer {
    static final String SERVICE = "org.apache.catalina.core.StandardService";

    @Override
    public List<RequestPools> requestPools() {
        return Collections.<RequestPools>singletonList(new TomcatPools());
    }

    @Override
    public List<HealthCheck> plan(AppContext context) {
        return Collections.<HealthCheck>singletonList(context.methodGate(this, SERVICE, "startInternal",
                "Tomcat's connectors to start and listen", new Connectors("findConnectors", context.ports()), true, new Service()));
    }

    /**
     * Whether a {@code StandardService} serves: its {@code getState()} and, for each of its connectors (listed once a
     * second at most: {@code findConnectors} takes a read lock), {@code getState()} and its protocol handler's
     * {@code isPaused()}: volatile field reads.
     */
    static final class Service implements MethodGate.Serving {
        private static final long LIST_EVERY_NANOS = 1_000_000_000L;
        private WeakReference<Object> listedFor = new WeakReference<Object>(null);
        private Object[] connectors = new Object[0];
        private long listedAt;

        @Override
        public String stopMethod() {
            return "stopInternal";
        }

        @Override
        public String stopping() {
            return "Tomcat's service is stopping (StandardService.stopInternal began)";
        }

        @Override
        public String stopped(Object service) {
            String state = Getters.stateName(getState(service));
            if (!"STARTED".equals(state)) {
                return "Tomcat's service " + Getters.verb(state) + " (state " + state + ")";
            }
            for (Object c : connectors(service)) {
                String cs = Getters.stateName(getState(c));
                if (!"STARTED".equals(cs)) {
                    return "Tomcat's connector " + port(c) + Getters.verb(cs) + " (state " + cs + ")";
                }
                Object handler = get(c, "getProtocolHandler");
                if (handler != null && Boolean.TRUE.equals(Getters.get(handler, "isPaused"))) {
                    return "Tomcat's connector " + port(c) + "is paused";
                }
            }
            return null;
        }

        private synchronized Object[] connectors(Object service) {
            long now = System.nanoTime();
            if (listedFor.get() != service || now - listedAt > LIST_EVERY_NANOS) {
                connectors = Getters.elements(get(service, "findConnectors"));
                listedFor = new WeakReference<Object>(service);
                listedAt = now;
            }
            return connectors;
        }

        private static String port(Object connector) {
            Object p = Getters.get(connector, "getLocalPort");
            if (!(p instanceof Integer) || (Integer) p <= 0) {
                p = Getters.get(connector, "getPort"); // the configured port, once the socket is closed
            }
            return p instanceof Integer && (Integer) p > 0 ? "on port " + p + " " : "";
        }

        private static Object getState(Object o) {
            return get(o, "getState");
        }

        private static Object get(Object o, String name) {
            Object v = Getters.get(o, name);
            if (v == Getters.MISSING) {
                throw new IllegalStateException(o.getClass().getName() + " has no method " + name + "()");
            }
            return v;
        }
    }
}
