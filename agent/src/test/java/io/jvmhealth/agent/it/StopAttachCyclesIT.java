package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.AgentCli;
import io.jvmhealth.agent.testing.AgentLines;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.OsThreads;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code stop} closes the port and ends every thread the agent started; {@code attach} after
 * {@code stop} works again, on the very port just freed. Three cycles, after which the target has
 * exactly the threads it had before anything was attached.
 *
 * <p>The thread census comes from {@code /proc} (attaching nothing) on a target whose JVM-internal
 * thread set is fixed: Serial GC, no dynamic compiler threads, and the attach listener started at
 * boot (it is the JVM's, started by the first attach, and stays).
 */
class StopAttachCyclesIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void threeStopAttachCyclesFreeThePortAndLeaveNoThreadBehind() throws Exception {
        Assumptions.assumeTrue(OsThreads.available(), "needs /proc to count threads");
        try (TargetJvm target = TargetJvm.builder()
                .jvmArgs("-XX:+UseSerialGC", "-XX:-UseDynamicNumberOfCompilerThreads", "-XX:+StartAttachListener")
                .start()) {
            String pid = Long.toString(target.pid());
            Poll.until("the target to start", WAIT, target::stdoutLines, l -> l.contains("sample-target started"));
            List<String> baseline = OsThreads.names(target.pid());
            assertTrue(baseline.contains("Attach Listener"), baseline.toString());

            AgentCli.Result nothingToStop = AgentCli.run("stop", pid);
            assertEquals(0, nothingToStop.exitCode, nothingToStop.toString());
            assertEquals(Arrays.asList("jvm-health: the agent does not run in pid " + pid + "; nothing to stop"), nothingToStop.stderr);

            int port = io.jvmhealth.agent.testing.FreePort.find(); // below the ephemeral range: no stray client takes it between cycles
            for (int cycle = 1; cycle <= 3; cycle++) {
                AgentCli.Result attach = AgentCli.run("attach", pid, "port=" + port + ",interval=200ms");
                assertEquals(0, attach.exitCode, "cycle " + cycle + ": " + attach);
                String url = attach.line();
                int bound = URI.create(url).getPort();
                if (port != 0) {
                    assertEquals(port, bound, "cycle " + cycle + " reuses the port the last stop freed");
                }
                port = bound;
                assertEquals(200, Http.get(url, "/live").status);
                Poll.until("/ready 200", WAIT, () -> Http.get(url, "/ready").status, s -> s == 200);
                assertEquals(1, OsThreads.count(target.pid(), "jvm-health-eval"), "cycle " + cycle);
                assertTrue(OsThreads.count(target.pid(), "jvm-health-http") >= 1, "cycle " + cycle);

                try (Socket keptAlive = keepAliveConnection(url)) {
                    AgentCli.Result stop = AgentCli.run("stop", pid);
                    assertEquals(0, stop.exitCode, "cycle " + cycle + ": " + stop);
                    assertEquals("stopped " + url, stop.line());
                    keptAlive.setSoTimeout(5000);
                    assertEquals(-1, keptAlive.getInputStream().read(), "stop closes open connections");
                }
                int closedPort = port;
                assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", closedPort).close(), "the port is closed");
                AgentCli.Result status = AgentCli.run("status", pid);
                assertEquals(3, status.exitCode, status.toString());
                List<String> after = Poll.until("the agent's threads to end (cycle " + cycle + ")", WAIT,
                        () -> OsThreads.names(target.pid()), names -> names.stream().noneMatch(AgentLines::isAgentThread));
                assertTrue(after.stream().noneMatch(AgentLines::isAgentThread), after.toString());
            }
            List<String> end = Poll.until("the thread set of before the first attach", WAIT,
                    () -> OsThreads.names(target.pid()), baseline::equals);
            assertEquals(baseline.size(), end.size());
            assertEquals(3, target.stderrLines().stream().filter(l -> l.contains("stopped; http://")).count(), target.toString());
            assertEquals(Arrays.asList("sample-target started"), target.stdoutLines());
        }
    }

    /** A connection that sent one keep-alive request and read its answer, and stays open. */
    private static Socket keepAliveConnection(String url) throws IOException {
        URI uri = URI.create(url);
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2000);
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /live HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = socket.getInputStream();
        Http.Response r = Http.read(in, false);
        assertEquals(200, r.status);
        return socket;
    }
}
