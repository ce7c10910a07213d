package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.gates.OwnListeners;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The port gate on this test JVM's own listening sockets (Linux), and the ports that are never the application's. */
class ServerPortGateTest {
    /** The tables are read at most every 4 times the last read's CPU time (milliseconds here): a few polls. */
    private static final Duration TABLES_READ = Duration.ofSeconds(5);

    @Test
    void passesWhenThisJvmListensOnANewPortAndFailsWhenItCloses() throws Exception {
        OwnListeners listeners = new OwnListeners();
        assumeTrue(listeners.precise(), "needs /proc/net/tcp");
        try (ServerSocket before = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ServerPortGate gate = new ServerPortGate(Recognizers.named("netty"), null, false, listeners, "Netty", "Netty to listen", false,
                    Netty.SERVER_BOOTSTRAP);
            CheckResult r = gate.evaluate();
            assertEquals(Status.UNHEALTHY, r.status(), "a socket listening before the gate was planned is not the application's");
            assertTrue(r.reason().startsWith("waiting for Netty to listen: this JVM listens on no TCP port of its own yet"), r.reason());
            assertFalse(gate.passesNow());
            int port;
            try (ServerSocket app = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                port = app.getLocalPort();
                Poll.until("passes once the socket listens", TABLES_READ, gate::passesNow, passes -> passes);
                r = gate.evaluate();
                assertEquals(Status.HEALTHY, r.status());
                assertEquals(port, r.details().get("port"));
                assertTrue(gate.stillPassesNow());
            }
            assertFalse(gate.stillPassesNow(), "its socket closed");
            r = gate.evaluate();
            assertEquals(Status.UNHEALTHY, r.status());
            assertEquals("Netty stopped serving: port " + port + " no longer listens in this JVM", r.reason());
            try (ServerSocket again = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                Poll.until("serving again on another port", TABLES_READ, () -> gate.evaluate().status(), st -> st == Status.HEALTHY);
            }
        }
    }

    @Test
    void withoutTheServerOnTheClassPathThereIsNothingToWaitFor() {
        ServerPortGate gate = new ServerPortGate(Recognizers.named("micronaut"), null, false, new OwnListeners(), "Micronaut", "Micronaut", true,
                "io.micronaut.http.server.netty.NettyHttpServer");
        CheckResult r = gate.evaluate();
        assertEquals(Status.HEALTHY, r.status());
        assertTrue(String.valueOf(r.details().get("decidedBy")).contains("is on the class path"), r.details().toString());
    }

    @Test
    void jmxAndDebuggerPortsAreNotTheApplications() {
        assertEquals(Set.of(9010, 9011, 5005, 8000), ServerPortGate.reservedPorts("9010", " 9011", List.of("-Xmx1g",
                "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005", "-Xrunjdwp:transport=dt_socket,address=8000,server=y")));
        assertEquals(Set.of(), ServerPortGate.reservedPorts(null, "x", List.of("-agentlib:jdwp=transport=dt_socket,server=y")));
    }

    @Test
    void theAgentsPortComesFromTheUrlItPublished() {
        String before = System.getProperty(ServerPortGate.AGENT_URL_PROPERTY);
        try {
            System.setProperty(ServerPortGate.AGENT_URL_PROPERTY, "http://10.0.0.7:9555/");
            assertEquals(9555, ServerPortGate.agentPort());
            System.setProperty(ServerPortGate.AGENT_URL_PROPERTY, "http://[::1]:41234/");
            assertEquals(41234, ServerPortGate.agentPort());
            System.clearProperty(ServerPortGate.AGENT_URL_PROPERTY);
            assertEquals(-1, ServerPortGate.agentPort());
        } finally {
            if (before != null) {
                System.setProperty(ServerPortGate.AGENT_URL_PROPERTY, before);
            }
        }
    }
}
