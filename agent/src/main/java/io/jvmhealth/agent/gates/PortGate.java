package io.jvmhealth.agent.gates;

import io.jvmhealth.agent.health.CheckNames;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ready.port=N}: a startup gate {@code port:N} that passes once this JVM itself listens on
 * port N, and afterwards keeps judging readiness ({@code /ready} is 503 while the port is not
 * listening). One evaluation is a few file reads (see {@link ListeningPorts}).
 */
final class PortGate implements HealthCheck {
    private final int port;
    private final String name;
    private final ListeningPorts ports;

    PortGate(int port, ListeningPorts ports) {
        this.port = port;
        this.name = CheckNames.portGate(port);
        this.ports = ports;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Role role() {
        return Role.STARTUP;
    }

    @Override
    public boolean judgesReadinessOncePassed() {
        return true;
    }

    @Override
    public CheckResult evaluate() {
        ListeningPorts.State state = ports.state(port);
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        details.put("port", port);
        details.put("source", ports.precise() ? "/proc/net/tcp, /proc/net/tcp6 and /proc/self/fd" : "a connection to the loopback address");
        switch (state) {
            case LISTENING:
            case ACCEPTS_CONNECTIONS:
                return CheckResult.healthy(details);
            case OTHER_PROCESS:
                return CheckResult.of(Status.UNHEALTHY, "this JVM does not listen on port " + port
                        + " (another process does)", details);
            default:
                return CheckResult.of(Status.UNHEALTHY, "this JVM does not listen on port " + port
                        + " (nothing listens on it)", details);
        }
    }
}
