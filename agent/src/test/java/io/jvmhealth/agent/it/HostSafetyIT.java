package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Artifacts;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Jdks;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing of ours changes the host: a bad option or a taken port leaves its stdout and exit code
 * exactly as without the agent, with one line on stderr; our threads never keep it alive. A port taken at launch is
 * bound once it frees (the agent retries in the background: another JVM given the same JAVA_TOOL_OPTIONS, a CLI tool,
 * may hold it for a while).
 */
class HostSafetyIT {
    // the sleep gives the agent, which starts in the background, time to report before the host exits
    private static final String[] SCRIPT = {"print", "hello", "work", "print", "world", "sleep", "1500", "exit", "3"};

    private static List<String> ours(List<String> stderr) {
        return stderr.stream().filter(l -> l.startsWith("[jvm-health]")).collect(Collectors.toList());
    }

    private static void assertSameAsWithoutAgent(String options, String expectedInError) throws Exception {
        assertSameAsWithoutAgent(options, "agent not started", expectedInError);
    }

    private static void assertSameAsWithoutAgent(String options, String expectedStart, String expectedInError) throws Exception {
        assertSameAsWithoutAgent(options, expectedStart, expectedInError, false);
    }

    /** {@code agentRuns}: the agent started (it retries its port), so the host's exit is also its one shutdown line. */
    private static void assertSameAsWithoutAgent(String options, String expectedStart, String expectedInError, boolean agentRuns)
            throws Exception {
        TargetJvm.Exited reference = TargetJvm.withoutAgent(SCRIPT);
        try (TargetJvm withAgent = TargetJvm.builder().agent(options).commands(SCRIPT).start()) {
            int code = withAgent.awaitExit(Duration.ofSeconds(30));
            assertEquals(reference.code(), code, "exit code");
            assertEquals(3, code);
            assertEquals(reference.stdout(), withAgent.stdoutAfterExit(), "stdout byte for byte");
            List<String> stderr = withAgent.stderrLines();
            List<String> ours = ours(stderr);
            if (agentRuns) {
                assertEquals(2, ours.size(), "the retry line and the shutdown line: " + stderr);
                assertTrue(ours.get(1).contains("INFO the JVM's shutdown began (System.exit from "), ours.get(1));
            } else {
                assertEquals(1, ours.size(), "exactly one line of ours on stderr: " + stderr);
            }
            assertTrue(ours.get(0).contains(expectedStart) && ours.get(0).contains(expectedInError), ours.get(0));
            List<String> rest = new ArrayList<>(stderr);
            rest.removeAll(ours);
            assertEquals(reference.stderr(), rest, "the host's own stderr is unchanged");
        }
    }

    @Execution(ExecutionMode.CONCURRENT) // five hosts side by side: each mostly sleeps its 1.5 s script
    @ParameterizedTest
    @ValueSource(strings = {"port=notaport", "prot=9555", "interval=fast", "heap.degraded=0.99,heap.unhealthy=0.5", "details=authorized"})
    void aBadOptionLeavesTheHostUntouched(String options) throws Exception {
        String key = options.startsWith("heap") ? "heap.degraded" : options.startsWith("details") ? "token" : options.substring(0, options.indexOf('='));
        assertSameAsWithoutAgent(options, "'" + key.replace("'", ""));
    }

    /**
     * At launch a taken port is one WARN line saying the agent retries in the background (it used to be the ERROR line
     * "agent not started", which the agent now writes only when the port stays taken for BindRetry's 5 minutes); the
     * host's stdout, stderr and exit code are as without the agent, and the retrying thread does not keep it alive.
     */
    @Test
    void aTakenPortLeavesTheHostUntouched() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            assertSameAsWithoutAgent("host=127.0.0.1,port=" + taken.getLocalPort(), "WARN cannot listen yet: port " + taken.getLocalPort(),
                    "retrying in the background for up to 5 min", true);
        }
    }

    /**
     * The server JVM that starts while a short-lived JVM with the agent (a CLI tool) holds the port gets the port once
     * that JVM is gone, and serves from then on; until then the URL is not published and status says why.
     */
    @Test
    void aPortTakenAtLaunchIsBoundOnceItFrees() throws Exception {
        ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        int port = taken.getLocalPort();
        try (TargetJvm target = TargetJvm.builder().agent("host=127.0.0.1,port=" + port + ",interval=200ms").start()) {
            io.jvmhealth.agent.testing.Poll.until("the retry line", Duration.ofSeconds(20), () -> ours(target.stderrLines()),
                    l -> l.stream().anyMatch(x -> x.contains("WARN cannot listen yet: port " + port)));
            io.jvmhealth.agent.testing.AgentCli.Result status = io.jvmhealth.agent.testing.AgentCli.run("status", String.valueOf(target.pid()));
            assertEquals(3, status.exitCode, status.toString());
            assertTrue(status.toString().contains("retrying"), status.toString());
            long freed = System.nanoTime();
            taken.close();
            String url = target.agentUrl(Duration.ofSeconds(20));
            assertEquals("http://127.0.0.1:" + port + "/", url);
            assertEquals(200, Http.get(url, "/live").status);
            io.jvmhealth.agent.testing.Poll.until("/ready 200", Duration.ofSeconds(10), () -> Http.get(url, "/ready"), r -> r.status == 200);
            System.err.println("MEASURED port freed -> agent serving: " + (System.nanoTime() - freed) / 1_000_000 + " ms");
            List<String> lines = ours(target.stderrLines());
            assertEquals(2, lines.size(), "the retry line and the serving line: " + lines);
            assertTrue(lines.get(1).contains("INFO serving") && lines.get(1).contains("the port was taken for"), lines.get(1));
            assertEquals(0, io.jvmhealth.agent.testing.AgentCli.run("status", String.valueOf(target.pid())).exitCode);
        } finally {
            taken.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.jvmhealth.agent.it.Java#both")
    void theHostExitsWhenItsMainReturnsWhileTheAgentServes(Java java) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(java.launcher().toString(),
                "-javaagent:" + Artifacts.agentJar() + "=port=0,interval=100ms",
                "-cp", Paths.get("target", "test-classes").toAbsolutePath().toString(), HelloHost.class.getName(), "--await-agent");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.redirectErrorStream(false);
        Process p = pb.start();
        boolean exited = p.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        assertTrue(exited, "the host's main returned but the JVM did not end: our threads held it");
        assertEquals(0, p.exitValue());
        assertEquals("hello from the host\n", read(p.getInputStream()));
        String err = read(p.getErrorStream());
        assertTrue(err.contains("[jvm-health] INFO serving"), err);
    }

    @Test
    void theHostsOwnExitCodeWinsWhileTheAgentServes() throws Exception {
        try (TargetJvm target = TargetJvm.builder().agent("port=0").commands("work").start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            assertEquals(200, Http.get(url, "/live").status);
            target.send("exit 7");
            assertEquals(7, target.awaitExit(Duration.ofSeconds(20)));
            assertEquals(List.of("sample-target started", "ok work"), target.stdoutAfterExit());
        }
    }

    @Test
    void startsFromJavaToolOptionsWithSettingsFromEnvironmentAndSystemProperties() throws Exception {
        try (TargetJvm target = TargetJvm.builder()
                .env("JAVA_TOOL_OPTIONS", "-javaagent:" + Artifacts.agentJar() + " -Djvmhealth.details=never")
                .env("JVMHEALTH_PORT", "0")
                .env("JVMHEALTH_INTERVAL", "200ms")
                .start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            io.jvmhealth.agent.testing.Poll.until("/ready 200", Duration.ofSeconds(10), () -> Http.get(url, "/ready"), r -> r.status == 200);
            assertEquals("{\"status\":\"healthy\"}", Http.get(url, "/health").body, "details=never from the system property");
            assertTrue(target.stderrLines().stream().anyMatch(l -> l.contains("interval=200ms")), target.stderrLines().toString());
        }
    }

    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
