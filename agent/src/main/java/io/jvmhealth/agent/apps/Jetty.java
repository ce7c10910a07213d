package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.gates.MethodGate;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.checks.hang.RequestPools;

import java.util.Collections;
import java.util.List;

/**
 * Jetty, embedded ({@code org.eclipse.jetty.server.Server}) or its distribution ({@code start.jar}, and the
 * command line {@code --dry-run} prints, which starts with {@code XmlConfiguration}): ready once
 * {@code Server.doStart} has returned and every connector listens in this JVM. Stops serving when the server
 * leaves {@code STARTED} ({@code stop()} sets {@code STOPPING}, then {@code doStop} closes the connectors first:
 * seen at {@code doStop}'s entry, before they close), or one of its connectors stops or closes (the gate's watch).
 */
final class Jetty extends Recognizer {
    static final String SERVER = "org.eclipse.jetty.server.Server";

    @Override
    public List<RequestPools> requestPools() {
        return Collections.<RequestPools>singletonList(new JettyPools());
    }

    @Override
    public List<HealthCheck> plan(AppContext context) {
        return Collections.<HealthCheck>singletonList(context.methodGate(this, SERVER, "doStart",
                "Jetty's connectors to start and listen", new Connectors("getConnectors", context.ports()), true, new ServerState()));
    }

    /**
     * Whether a {@code Server} serves: its {@code getState()} and each connector's {@code getState()} and (network
     * connectors) {@code isOpen()}: volatile field reads; {@code getConnectors()} copies a copy-on-write list.
     */
    static final class ServerState implements MethodGate.Serving {
        @Override
        public String stopMethod() {
            return "doStop";
        }

        @Override
        public String stopping() {
            return "Jetty's server is stopping (Server.doStop began)";
        }

        @Override
        public String stopped(Object server) {
            String state = Getters.stateName(get(server, "getState"));
            if (!"STARTED".equals(state)) {
                return "Jetty's server " + Getters.verb(state) + " (state " + state + ")";
            }
            for (Object c : Getters.elements(get(server, "getConnectors"))) {
                String cs = Getters.stateName(get(c, "getState"));
                if (!"STARTED".equals(cs)) {
                    return "Jetty's connector " + port(c) + Getters.verb(cs) + " (state " + cs + ")";
                }
                if (Boolean.FALSE.equals(Getters.get(c, "isOpen"))) {
                    return "Jetty's connector " + port(c) + "is closed";
                }
            }
            return null;
        }

        private static String port(Object connector) {
            Object p = Getters.get(connector, "getLocalPort");
            if (!(p instanceof Integer) || (Integer) p <= 0) {
                p = Getters.get(connector, "getPort"); // the configured port, once the socket is closed
            }
            return p instanceof Integer && (Integer) p > 0 ? "on port " + p + " " : "";
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
