package io.jvmhealth.agent.gates;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ready.port once passed: the watch sees a port that closes from the descriptor the evaluation found listening, and one
 * that listens again from the socket tables, read once a second while it is closed.
 */
class PortGateWatchTest {
    @Test
    void theWatchSeesThePortCloseAndOpenAgain() throws Exception {
        ListeningPorts ports = new ListeningPorts();
        Assumptions.assumeTrue(ports.precise(), "needs /proc/net/tcp (Linux)");
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        int port = socket.getLocalPort();
        PortGate gate = new PortGate(port, ports);
        assertEquals(PortGate.WATCH_MILLIS, gate.watchMillis());
        assertEquals(Status.HEALTHY, gate.evaluate().status());
        assertTrue(gate.stillPassesNow());
        List<Long> costs = new ArrayList<>();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 200; i++) {
            long cpu = threads.getCurrentThreadCpuTime();
            assertTrue(gate.stillPassesNow());
            costs.add(threads.getCurrentThreadCpuTime() - cpu);
        }
        socket.close();
        assertEquals(false, gate.stillPassesNow(), "the descriptor is closed: seen by the first look");
        CheckResult closed = gate.evaluate();
        assertEquals(Status.UNHEALTHY, closed.status(), "the evaluation after the watch reads anew");
        assertEquals("this JVM does not listen on port " + port + " (nothing listens on it)", closed.reason());
        assertEquals(false, gate.stillPassesNow(), "still closed");
        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            long opened = System.nanoTime();
            Poll.until("the watch to see it listen again (the tables, once a second)", Duration.ofSeconds(5), gate::stillPassesNow, b -> b);
            assertTrue(System.nanoTime() - opened < 3_000_000_000L, "within about a second");
            assertEquals(Status.HEALTHY, gate.evaluate().status(), "the evaluation the change asks for reads anew");
            assertTrue(gate.stillPassesNow(), "its descriptor watched again");
        }
        assertEquals(false, gate.stillPassesNow());
        Collections.sort(costs);
        System.out.println("[PortGateWatchTest] one watch look (CPU time of one readlink of /proc/self/fd/N): median "
                + costs.get(costs.size() / 2) / 1000.0 + " us, max " + costs.get(costs.size() - 1) / 1000.0 + " us");
    }
}
