package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.gates.ListeningPorts;
import io.jvmhealth.agent.gates.MethodGate;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * For the Tomcat and Jetty gates: once the server's start method returned, its connectors' local
 * ports must be listening in this JVM. The ports are read by reflection from the instance the start
 * method returned on (Jetty {@code Server.getConnectors()}, Tomcat {@code StandardService.findConnectors()},
 * each {@code getLocalPort()}: plain getters that do not block), then checked like {@code ready.port}.
 * Where no instance is known (the server had started before the agent was attached) or the getters
 * cannot be read, the return alone decides, and the details say so.
 */
final class Connectors implements MethodGate.AfterReturn {
    private final String listMethod;
    private final ListeningPorts ports;

    Connectors(String listMethod, ListeningPorts ports) {
        this.listMethod = listMethod;
        this.ports = ports;
    }

    @Override
    public String pending(Object server, Map<String, Object> details) {
        if (server == null) {
            details.put("connectors", "not checked: no server instance seen returning");
            return null;
        }
        List<Integer> local = new ArrayList<Integer>();
        try {
            Object connectors = server.getClass().getMethod(listMethod).invoke(server);
            int n = connectors == null ? 0 : Array.getLength(connectors);
            for (int i = 0; i < n; i++) {
                Object c = Array.get(connectors, i);
                Method getLocalPort;
                try {
                    getLocalPort = c.getClass().getMethod("getLocalPort");
                } catch (NoSuchMethodException e) {
                    continue; // not a network connector
                }
                Object port = getLocalPort.invoke(c);
                if (port instanceof Integer) {
                    local.add((Integer) port);
                }
            }
        } catch (Throwable e) {
            details.put("connectors", "not checked: " + e.getClass().getSimpleName());
            return null;
        }
        details.put("connectorPorts", local);
        for (Integer p : local) {
            if (p <= 0) {
                return "a connector is not open yet";
            }
            if (ports.state(p) != ListeningPorts.State.LISTENING && ports.state(p) != ListeningPorts.State.ACCEPTS_CONNECTIONS) {
                return "connector port " + p + " is not listening yet";
            }
        }
        return null;
    }
}
