package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.AgentCli;
import io.jvmhealth.agent.testing.AgentLines;
import io.jvmhealth.agent.testing.Artifacts;
import io.jvmhealth.agent.testing.FreePort;
import io.jvmhealth.agent.testing.GateWindow;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Jdks;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.Keycloak;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.ServerWindow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code app:quarkus} on Keycloak's own distribution, started as its users start it ({@code kc.sh start-dev}, the agent in
 * {@code JAVA_OPTS_APPEND}, one fixed agent port), once: kc.sh's first JVM, the rebuild check, gets the agent too and must
 * never answer ready (it only builds, then exits with 10); the server JVM kc.sh then starts takes the port, holds
 * {@code /started} and {@code /ready} 503 while Keycloak starts and 200 once Quarkus' application has started, which is
 * after its HTTP port opened (Quarkus binds last). Then the agent is stopped and attached again into the running
 * server (passes at once), and SIGTERM turns {@code /ready} 503 before the port refuses. Once more on JDK 25 (without
 * the attach).
 */
class KeycloakIT {
    /** Generous: on the shared 2-core machine Keycloak's server JVM took up to 226 s to its first 200 (load 20). */
    private static final Duration START_LIMIT = Duration.ofMinutes(6);
    /**
     * From the HTTP port's first accepted connection to {@code /ready} 200: Quarkus' last steps after the bind (binding the
     * other event loops' servers, the "started in" line, state STARTED) took 0.8-1.5 s on this machine at load 20; the
     * issue's figure is 100 ms, printed in the MEASURED line. 5 s is the interval: within it is the gate publishing at once.
     */
    private static final long WINDOW_LIMIT_MILLIS = 5000;
    private static final String GATE = "app:quarkus";

    @TempDir
    Path temp;

    /** kc.sh's rebuild-check JVM, until the server JVM appears: whenever its agent answers, /started and /ready are 503 and say why. */
    private static void rebuildCheckNeverReady(Keycloak.Started keycloak, String url, String jdk) {
        List<String> buildReasons = new ArrayList<>();
        int buildAnswers = 0;
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (!keycloak.server.jvm(Keycloak.SERVER_JVM_MARKER).isPresent()) {
            assertTrue(keycloak.server.script().isAlive(), "kc.sh exited before its server JVM: " + keycloak.server);
            assertTrue(System.nanoTime() < deadline, "no server JVM within " + START_LIMIT + ": " + keycloak.server);
            ServerWindow.Agent a = ServerWindow.Agent.read(url);
            if (a != null && !keycloak.server.jvm(Keycloak.SERVER_JVM_MARKER).isPresent()) {
                assertEquals(503, a.started.status, "the rebuild-check JVM's /started: " + a.started);
                assertEquals(503, a.ready, "the rebuild-check JVM's /ready");
                assertEquals(200, a.live, "the rebuild-check JVM's /live");
                buildAnswers++;
                String reason = a.reason(GATE);
                if (reason != null && !buildReasons.contains(reason)) {
                    buildReasons.add(reason);
                }
            }
            LockSupport.parkNanos(20_000_000);
        }
        System.err.println("MEASURED keycloak rebuild-check JVM (" + jdk + "): " + buildAnswers + " answers, all 503; reasons " + buildReasons);
        assertTrue(buildAnswers > 0, "the rebuild-check JVM's agent answered at least once: " + keycloak.server);
        // Each reason says what it waits for. Whether one also names the rebuild check depends on an evaluation (every 5 s,
        // or at a change of the gate) coming after Keycloak set kc.config.rebuild-check, 6-9 s into that JVM's life of
        // 8-20 s: seen in one of two runs, so not asserted.
        assertTrue(buildReasons.stream().allMatch(r -> r.startsWith("waiting for Quarkus' application to start")), String.valueOf(buildReasons));
    }

    /** The server JVM: /started and /ready 503 until its HTTP port accepts, 200 within {@link #WINDOW_LIMIT_MILLIS} after; its first answer. */
    private static ProcessHandle serverGated(Keycloak.Started keycloak, String url, String jdk) {
        ProcessHandle jvm = keycloak.serverJvm(Duration.ofSeconds(10));
        assertEquals(keycloak.server.script().pid(), jvm.pid(), "kc.sh exec'd the server JVM in its own pid");
        // Serving: the HTTP port accepts (Quarkus binds it last, its routes in place); watched by connecting only, every
        // 20 ms, so that Keycloak's last start-up steps do not compete with cold requests of the test's
        ServerWindow.Start start = ServerWindow.start(url, GATE, () -> ServerWindow.accepts(keycloak.httpPort),
                () -> jvm.isAlive() ? null : String.valueOf(keycloak.server), START_LIMIT, Duration.ofMillis(20));
        Poll.until("Keycloak's first answer", Duration.ofMinutes(2), () -> keycloak.probe(Duration.ofSeconds(30)), x -> x == GateWindow.Answer.OK);
        long firstAnswer = (System.nanoTime() - start.appServingNanos) / 1_000_000;
        System.err.println("MEASURED keycloak start-dev " + jdk + ": agent /ready 200 "
                + start.windowMillis() + " ms after the HTTP port first accepted; " + READY_PATH_NOTE + firstAnswer
                + " ms after it; " + start.waitingRounds + " rounds 503 before; reasons " + start.reasons);
        assertTrue(start.windowMillis() <= WINDOW_LIMIT_MILLIS, "agent ready " + start.windowMillis() + " ms after the port listened");
        return jvm;
    }

    @Test
    void theRebuildCheckJvmNeverAnswersReadyTheServerJvmGatesUntilItListensAndStopsOnSigterm() throws Exception {
        int agentPort = FreePort.find();
        String url = "http://127.0.0.1:" + agentPort + "/";
        try (Keycloak.Started keycloak = Keycloak.builder()
                .javaOptsAppend("-javaagent:" + Artifacts.agentJar() + "=host=127.0.0.1,port=" + agentPort + ",interval=5s").start(temp)) {
            // 1. kc.sh's rebuild-check JVM: whenever its agent answers, /started and /ready are 503 and say why.
            rebuildCheckNeverReady(keycloak, url, "JDK " + System.getProperty("java.version"));

            // 2. The server JVM: 503 until the HTTP port accepts, 200 right after.
            ProcessHandle jvm = serverGated(keycloak, url, "JDK " + System.getProperty("java.version"));
            Http.Response started = Http.get(url, "/started");
            assertEquals("started", Json.at(started.json(), "checks", GATE, "details", "state"), started.body);
            assertTrue(keycloak.server.output().stream().anyMatch(l -> l.contains("ready.auto recognized quarkus")), "the start lines");
            // The rebuild-check JVM ran as without the agent (kc.sh exec's the server JVM only on its exit code 10) and let go
            // of the port: the server JVM's agent bound it at once (no "cannot listen yet" line), two start lines in all.
            List<String> jvms = keycloak.server.seenJvms(Keycloak.MAIN_CLASS);
            assertTrue(jvms.size() == 2 && !jvms.get(0).contains(Keycloak.SERVER_JVM_MARKER)
                    && jvms.get(1).contains(Keycloak.SERVER_JVM_MARKER), "the rebuild check, then the server JVM: " + jvms);
            List<String> out = keycloak.server.output();
            assertEquals(2, AgentLines.startLines(out), "one agent start line per JVM: " + out);
            assertTrue(out.stream().noneMatch(l -> l.contains("cannot listen")), "the server JVM's agent found the port free: " + out);
            assertTrue(out.stream().noneMatch(l -> l.contains("[jvm-health] ERROR")), String.valueOf(out));
            System.err.println("MEASURED keycloak agent lines: " + out.stream().filter(l -> l.contains("[jvm-health]")).collect(java.util.stream.Collectors.toList()));

            // 3. The agent stopped and attached again into the running server: passes at once.
            AgentCli.Result stop = AgentCli.run("stop", String.valueOf(jvm.pid()));
            assertEquals(0, stop.exitCode, stop.toString());
            long began = System.nanoTime();
            AgentCli.Result attached = AgentCli.run("attach", String.valueOf(jvm.pid()), "port=0,interval=5s");
            assertEquals(0, attached.exitCode, attached.toString());
            String attachedUrl = attached.stdout.stream().filter(l -> l.startsWith("http://")).findFirst()
                    .orElseThrow(() -> new AssertionError("no URL printed: " + attached));
            assertNotEquals(url, attachedUrl);
            Http.Response again = Poll.until("/started 200 after attach", Duration.ofSeconds(20), () -> Http.get(attachedUrl, "/started"),
                    r -> r.status == 200);
            System.err.println("MEASURED attach into Keycloak: /started 200 " + (System.nanoTime() - began) / 1_000_000
                    + " ms after the attach command began");
            assertEquals("healthy", Json.at(again.json(), "checks", GATE, "status"), again.body);

            // 4. SIGTERM to the server JVM (kc.sh's pid): /ready 503 before the HTTP port refuses.
            ServerWindow.Stop sigterm = ServerWindow.stop(attachedUrl, GATE, jvm::destroy, () -> keycloak.probe(Duration.ofSeconds(5)),
                    true, Duration.ofSeconds(60));
            System.err.println("MEASURED keycloak SIGTERM: " + sigterm);
            assertTrue(sigterm.agentNotReadyMillis >= 0 && sigterm.agentNotReadyMillis <= sigterm.appRefusedMillis, String.valueOf(sigterm));
            assertEquals(143, keycloak.server.awaitExit(Duration.ofSeconds(60)), "kc.sh's exit code after SIGTERM");
            assertTrue(keycloak.server.outputAfterEnd(Duration.ofSeconds(10)).stream().anyMatch(l -> l.contains("stopped in")),
                    "Quarkus logged its stop");
            Poll.until("no process of the server's tree left", Duration.ofSeconds(10), keycloak.server::alive, List::isEmpty);
            assertEquals(GateWindow.Answer.REFUSED, keycloak.probe(Duration.ofSeconds(1)), "the HTTP port is closed");
            assertFalse(ServerWindow.accepts(agentPort), "the agent's port is free");
        }
    }

    private static final String READY_PATH_NOTE = "its first answer on " + Keycloak.READY_PATH + " (a cold request) came ";

    /**
     * Keycloak 26.4.7 on JDK 25 (it starts and serves there; at its stop, jboss-threads prints an IllegalAccessError from
     * {@code vert.x-internal-blocking-1}, "to use the thread-local-reset capability on Java 24 or later, use ... --add-opens
     * java.base/java.lang=ALL-UNNAMED", with or without the agent): the rebuild-check JVM never ready, the server JVM gated
     * until its port accepts, SIGTERM turns {@code /ready} 503 before the port refuses. One more kc.sh start (no attach).
     */
    @Test
    void onJdk25TheRebuildCheckJvmNeverAnswersReadyTheServerJvmGatesAndStopsOnSigterm() throws Exception {
        Path java25 = Jdks.requireJava25();
        int agentPort = FreePort.find();
        String url = "http://127.0.0.1:" + agentPort + "/";
        try (Keycloak.Started keycloak = Keycloak.builder().java(java25)
                .javaOptsAppend("-javaagent:" + Artifacts.agentJar() + "=host=127.0.0.1,port=" + agentPort + ",interval=5s").start(temp)) {
            rebuildCheckNeverReady(keycloak, url, "JDK 25");
            ProcessHandle jvm = serverGated(keycloak, url, "JDK 25");
            String command = jvm.info().command().orElse("");
            assertTrue(command.startsWith(java25.getParent().getParent().toString()), "the server JVM runs on JDK 25: " + command);
            List<String> out = keycloak.server.output();
            assertTrue(out.stream().noneMatch(l -> l.contains("[jvm-health] ERROR")), String.valueOf(out));

            ServerWindow.Stop sigterm = ServerWindow.stop(url, GATE, jvm::destroy, () -> keycloak.probe(Duration.ofSeconds(5)), true,
                    Duration.ofSeconds(60));
            System.err.println("MEASURED keycloak JDK 25 SIGTERM: " + sigterm);
            assertTrue(sigterm.agentNotReadyMillis >= 0 && sigterm.agentNotReadyMillis <= sigterm.appRefusedMillis, String.valueOf(sigterm));
            assertEquals(143, keycloak.server.awaitExit(Duration.ofSeconds(60)), "kc.sh's exit code after SIGTERM");
            assertTrue(keycloak.server.outputAfterEnd(Duration.ofSeconds(10)).stream().anyMatch(l -> l.contains("stopped in")),
                    "Quarkus logged its stop");
            assertFalse(ServerWindow.accepts(agentPort), "the agent's port is free");
        }
    }
}
