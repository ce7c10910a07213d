package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.AgentCli;
import io.jvmhealth.agent.testing.Artifacts;
import io.jvmhealth.agent.testing.FreePort;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Jdks;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.ReadyPoller;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JVM's end with the agent (issue 20, CONTRACT "Shutdown"), on real JVMs over real HTTP: SIGTERM, System.exit,
 * the host's own SIGTERM handler, {@code shutdown.drain} and its second SIGTERM, the agent's own {@code stop}. Hosts:
 * ShutdownHost (plain; JDK 17 and 25) and GracefulHost (Spring Boot, {@code server.shutdown=graceful}; JDK 17 only,
 * four launches: the plain host covers JDK 25) of sample-target/frameworks. A thread polls {@code /ready} in a tight
 * loop ({@link ReadyPoller}); times are the test's System.nanoTime just before the signal against the answers'
 * arrival (CLOCK_MONOTONIC on both sides). SIGTERM goes through the process's handle: {@code Process.destroy()} sends
 * the same signal but also closes the test's ends of the host's stdout and stderr.
 *
 * <p>Whole class: 158 s at a load average of about 15 on two cores, 291 s at about 20 (most of it the four Spring Boot
 * starts, 20 to 60 s each at such loads); the probe-based class it replaces took 160-220 s.
 */
class ShutdownIT {
    private static final String HOST = "io.jvmhealth.hosts.shutdown.ShutdownHost";
    private static final String SPRING = "io.jvmhealth.hosts.graceful.GracefulHost";
    /** Sanity bound of a busy two-core machine; the figures are printed (the contract's targets: 50 ms, 100 ms; the bench measures them). */
    private static final long LIMIT_MILLIS = 2500;
    private static final String AGENT = "port=0,interval=5s";

    private static TargetJvm.Builder host(Path java, String agentOptions, String... hostArgs) {
        TargetJvm.Builder b = TargetJvm.builder().java(java);
        if (agentOptions != null) {
            b.agent(agentOptions);
        }
        return b.main(Artifacts.gateHostsClassPath(), HOST, hostArgs);
    }

    /** The agent's URL once the host said "ready" and /ready is 200. */
    private static String ready(TargetJvm jvm) {
        Poll.until("'ready' from the host (" + jvm + ")", Duration.ofSeconds(30), jvm::stdoutLines, l -> l.contains("ready"));
        String url = jvm.agentUrl(Duration.ofSeconds(30));
        Poll.until("/ready 200", Duration.ofSeconds(30), () -> Http.get(url, "/ready").status, s -> s == 200);
        return url;
    }

    private static void sigterm(TargetJvm jvm) {
        assertTrue(jvm.process().toHandle().destroy(), "SIGTERM sent");
    }

    private static void kill(TargetJvm jvm, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(jvm.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal);
    }

    /** Whether SIGINT is ignored in this process: the JVMs it starts inherit that, and a JVM keeps an ignored SIGINT ignored. */
    private static boolean sigintIgnored() throws IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseLong(line.substring("SigIgn:".length()).trim(), 16) & (1L << 1)) != 0; // bit n-1 for signal n (SIGINT: 2)
            }
        }
        return false;
    }

    private static boolean has(List<String> lines, String text) {
        return lines.stream().anyMatch(l -> l.contains(text));
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 10_000.0) / 100.0;
    }

    private static List<String> stderrAfterExit(TargetJvm jvm) {
        jvm.stdoutAfterExit();
        return jvm.stderrAfterExit();
    }

    // ---------------------------------------------------------------- SIGTERM, System.exit, the host's own handler

    @Test
    void sigtermTurnsReadyUnavailableAtOnceOnJdk17() throws Exception {
        sigtermTurnsReadyUnavailableAtOnce(Jdks.current(), "17");
    }

    @Test
    void sigtermTurnsReadyUnavailableAtOnceOnJdk25() throws Exception {
        sigtermTurnsReadyUnavailableAtOnce(Jdks.requireJava25(), "25");
    }

    /**
     * A host whose own shutdown hook takes 3 s (as an application's graceful shutdown does): /ready 503 at once, saying
     * so in every form, /live and /started 200 until the process ends, exit 143.
     */
    private void sigtermTurnsReadyUnavailableAtOnce(Path java, String jdk) throws Exception {
        try (TargetJvm jvm = host(java, AGENT, "wait").jvmArgs("-Dhost.hook.millis=3000").start()) {
            String url = ready(jvm);
            try (ReadyPoller poller = ReadyPoller.start(url, "/ready")) {
                Poll.until("the poller's first answers", Duration.ofSeconds(10), poller::count, n -> n >= 3);
                long sent = System.nanoTime();
                sigterm(jvm);
                ReadyPoller.Answer first = poller.await(503, sent, Duration.ofSeconds(10));
                Http.Response body = Http.get(url, "/ready");
                String verbose = Http.get(url, "/ready?verbose").body;
                String metrics = Http.get(url, "/metrics").body;
                Http.Response health = Http.get(url, "/health");
                int live = Http.get(url, "/live").status;
                int started = Http.get(url, "/started").status;
                System.out.println("[ShutdownIT] JDK " + jdk + " SIGTERM -> /ready 503 seen after " + ms(first.nanos - sent) + " ms ("
                        + poller.count() + " polls)");
                assertEquals(503, body.status);
                assertEquals("shutting down", body.json().get("reason"), body.body);
                assertEquals("stopping", ((java.util.Map<?, ?>) body.json().get("shutdown")).get("state"), body.body);
                assertTrue(verbose.endsWith("[-]shutdown failed: shutting down\n/ready check failed\n"), verbose);
                assertTrue(metrics.contains("jvmhealth_shutdown{state=\"stopping\"} 1\n"), metrics);
                assertTrue(health.body.contains("\"shutdown\":{\"state\":\"stopping\""), health.body);
                assertEquals(200, live, "/live stays 200 during the shutdown");
                assertEquals(200, started, "/started stays 200");
                assertTrue(first.nanos - sent < TimeUnit.MILLISECONDS.toNanos(LIMIT_MILLIS), "503 after " + ms(first.nanos - sent) + " ms");
                assertEquals(143, jvm.awaitExit(Duration.ofSeconds(30)), jvm.toString());
                for (ReadyPoller.Answer a : poller.answers()) {
                    assertTrue(a.nanos - first.nanos <= 0 || a.status != 200, "no /ready 200 after the 503: " + a);
                }
            }
            assertTrue(has(stderrAfterExit(jvm), "the JVM's shutdown began (SIGTERM): readiness fails from now on"), jvm.toString());
        }
    }

    @Test
    void systemExitKeepsItsExitCodeOnJdk17() throws Exception {
        try (TargetJvm without = host(Jdks.current(), null, "exit", "3", "300").start()) {
            assertEquals(3, without.awaitExit(Duration.ofSeconds(30)), without.toString());
        }
        systemExitKeepsItsExitCode(Jdks.current());
    }

    @Test
    void systemExitKeepsItsExitCodeOnJdk25() throws Exception {
        systemExitKeepsItsExitCode(Jdks.requireJava25());
    }

    private void systemExitKeepsItsExitCode(Path java) throws Exception {
        try (TargetJvm jvm = host(java, AGENT, "exit", "3", "1500").start()) {
            assertEquals(3, jvm.awaitExit(Duration.ofSeconds(30)), jvm.toString());
            List<String> err = stderrAfterExit(jvm);
            assertTrue(has(err, "the JVM's shutdown began (System.exit from " + HOST + ".main)"), err.toString());
        }
    }

    /** The host's own SIGTERM handler calls System.exit(42): its exit code stands, with the agent and with the agent's drain. */
    @Test
    void aHostsOwnSigtermHandlerKeepsItsExitCode() throws Exception {
        try (TargetJvm jvm = host(Jdks.current(), AGENT, "own-handler", "42").start()) {
            String url = ready(jvm);
            sigterm(jvm);
            assertEquals(42, jvm.awaitExit(Duration.ofSeconds(30)), jvm.toString());
            assertTrue(has(jvm.stdoutAfterExit(), "host handler SIGTERM"), jvm.stdoutLines().toString());
            assertTrue(has(stderrAfterExit(jvm), "(in a SIGTERM handler)): readiness fails from now on"), jvm.toString());
            assertTrue(url.startsWith("http://"));
        }
        // Both want SIGTERM: the agent's start thread installs the drain while main installs its handler, and the one installed
        // last is called. Agent first, host second (not chaining): the host's, at once, no drain. Host first, agent second: the
        // drain, then the host's handler. Either way the host's exit code (docs/kubernetes.md#shutdown).
        try (TargetJvm jvm = host(Jdks.current(), AGENT + ",shutdown.drain=2s", "own-handler", "42").start()) {
            ready(jvm);
            boolean hostLast = jvm.stdoutLines().contains("host replaced another handler");
            long sent = System.nanoTime();
            sigterm(jvm);
            assertEquals(42, jvm.awaitExit(Duration.ofSeconds(30)), jvm.toString());
            long hostHandler = AppStopsIT.nanosOf(jvm.stdoutAfterExit(), "host handler SIGTERM") - sent;
            List<String> err = stderrAfterExit(jvm);
            System.out.println("[ShutdownIT] own handler and shutdown.drain=2s: " + (hostLast ? "the host's installed last" : "the drain installed last")
                    + "; the host's handler ran " + ms(hostHandler) + " ms after SIGTERM");
            if (hostLast) {
                assertTrue(hostHandler < TimeUnit.SECONDS.toNanos(2), "the host's handler ran at once, no drain");
                assertFalse(has(err, "SIGTERM: readiness fails now"), err.toString());
            } else {
                assertTrue(hostHandler >= TimeUnit.SECONDS.toNanos(2), "the drain, then the host's handler");
                assertTrue(has(err, "drain over (its 2s are over): SIGTERM handed on to the application's handler"), err.toString());
            }
        }
    }

    /** Agent first (at launch), the host's handler second, calling the one it replaced: the host's runs at once, then the drain. */
    @Test
    void aHostHandlerThatChainsRunsFirstThenTheDrain() throws Exception {
        try (TargetJvm jvm = host(Jdks.current(), AGENT + ",shutdown.drain=1s", "own-handler-chain").start()) {
            String url = ready(jvm);
            long sent = System.nanoTime();
            sigterm(jvm);
            Poll.until("/ready 503 (draining)", Duration.ofSeconds(10), () -> Http.get(url, "/ready").status, s -> s == 503);
            assertEquals(143, jvm.awaitExit(Duration.ofSeconds(30)), jvm.toString());
            long exited = System.nanoTime() - sent;
            long hostHandler = AppStopsIT.nanosOf(jvm.stdoutAfterExit(), "host handler SIGTERM") - sent;
            assertTrue(hostHandler < exited && exited >= TimeUnit.SECONDS.toNanos(1), "the host's handler at once ("
                    + ms(hostHandler) + " ms), the JVM's shutdown after the drain (" + ms(exited) + " ms)");
            assertTrue(has(stderrAfterExit(jvm), "drain over (its 1s are over)"), jvm.toString());
        }
    }

    /** The agent attached after the host installed its handler: the drain runs first, then the host's handler, whose code stands. */
    @Test
    void afterAnAttachTheDrainRunsThenTheHostsHandler() throws Exception {
        try (TargetJvm jvm = host(Jdks.current(), null, "own-handler", "42").start()) {
            Poll.until("'ready' from the host", Duration.ofSeconds(30), jvm::stdoutLines, l -> l.contains("ready"));
            AgentCli.Result attached = AgentCli.run("attach", String.valueOf(jvm.pid()), AGENT + ",shutdown.drain=1s");
            assertEquals(0, attached.exitCode, attached.toString());
            assertTrue(has(jvm.stderrLines(), "drain 1s on SIGTERM, then the application's handler"), jvm.stderrLines().toString());
            long sent = System.nanoTime();
            sigterm(jvm);
            assertEquals(42, jvm.awaitExit(Duration.ofSeconds(30)), jvm.toString());
            long hostHandler = AppStopsIT.nanosOf(jvm.stdoutAfterExit(), "host handler SIGTERM") - sent;
            assertTrue(hostHandler >= TimeUnit.SECONDS.toNanos(1), "the host's handler ran after the drain: " + ms(hostHandler) + " ms");
        }
    }

    /** A host thread holding System.err's monitor for good, then System.exit(3): the agent's hook does not wait for stderr. */
    @Test
    void aBlockedStderrDoesNotHoldTheJvmsExit() throws Exception {
        try (TargetJvm jvm = host(Jdks.current(), AGENT, "exit-stderr-held", "3").start()) {
            assertEquals(3, jvm.awaitExit(Duration.ofSeconds(20)), jvm.toString());
            assertTrue(jvm.stdoutAfterExit().contains("stderr held"), jvm.stdoutLines().toString());
        }
    }

    /** {@code stop <pid>} is the agent's end, not the application's: the port closes, nothing says "shutting down". */
    @Test
    void theAgentsStopIsNoShutdown() throws Exception {
        try (TargetJvm jvm = host(Jdks.current(), AGENT + ",shutdown.drain=5s", "wait").start()) {
            String url = ready(jvm);
            AgentCli.Result stopped = AgentCli.run("stop", String.valueOf(jvm.pid()));
            assertEquals(0, stopped.exitCode, stopped.toString());
            Poll.until("the agent's port to close", Duration.ofSeconds(10), () -> {
                try {
                    Http.get(url, "/live");
                    return false;
                } catch (IOException e) {
                    return true;
                }
            }, closed -> closed);
            assertTrue(jvm.process().isAlive(), "the host runs on");
            long sent = System.nanoTime();
            sigterm(jvm); // the drain's handler was put back: the JVM's own acts at once
            assertEquals(143, jvm.awaitExit(Duration.ofSeconds(30)), jvm.toString());
            assertTrue(System.nanoTime() - sent < TimeUnit.SECONDS.toNanos(5), "no drain after the agent's stop");
            List<String> err = stderrAfterExit(jvm);
            assertTrue(has(err, "stopped;"), err.toString());
            assertFalse(has(err, "shutdown began") || has(err, "readiness fails"), "no shutdown transition: " + err);
        }
    }

    // ---------------------------------------------------------------- shutdown.drain on the plain host

    @Test
    void aSecondSigtermEndsTheDrainAtOnceOnJdk17() throws Exception {
        aSecondSigtermEndsTheDrainAtOnce(Jdks.current(), "17");
    }

    @Test
    void aSecondSigtermEndsTheDrainAtOnceOnJdk25() throws Exception {
        aSecondSigtermEndsTheDrainAtOnce(Jdks.requireJava25(), "25");
    }

    private void aSecondSigtermEndsTheDrainAtOnce(Path java, String jdk) throws Exception {
        try (TargetJvm jvm = host(java, AGENT + ",shutdown.drain=60s", "wait").start()) {
            String url = ready(jvm);
            long sent = System.nanoTime();
            sigterm(jvm);
            Http.Response draining = Poll.until("/ready 503 (draining)", Duration.ofSeconds(10), () -> Http.get(url, "/ready"),
                    r -> r.status == 503);
            long seen = System.nanoTime() - sent;
            assertTrue(String.valueOf(draining.json().get("reason")).startsWith("shutting down: draining for 60.0 s (shutdown.drain)"),
                    draining.body);
            assertTrue(Http.get(url, "/metrics").body.contains("jvmhealth_shutdown{state=\"draining\"} 1\n"));
            assertEquals(200, Http.get(url, "/live").status);
            assertTrue(jvm.process().isAlive(), "the drain holds the JVM's shutdown");
            long second = System.nanoTime();
            sigterm(jvm);
            assertEquals(143, jvm.awaitExit(Duration.ofSeconds(30)), jvm.toString());
            long exited = System.nanoTime() - second;
            System.out.println("[ShutdownIT] JDK " + jdk + " drain=60s: /ready 503 polled " + ms(seen) + " ms after SIGTERM; a second"
                    + " SIGTERM -> exit (143) " + ms(exited) + " ms");
            assertTrue(exited < TimeUnit.SECONDS.toNanos(20), "the second SIGTERM ended the drain");
            assertTrue(has(stderrAfterExit(jvm), "drain over (a second SIGTERM)"), jvm.toString());
        }
    }

    @Test
    void sigintDuringTheDrainShutsDownAtOnceWith130() throws Exception {
        if (sigintIgnored()) {
            String why = "this process ignores SIGINT (a shell without job control started the build in the background: SigIgn in"
                    + " /proc/self/status), so the JVMs it starts ignore it too and none can be sent one";
            System.err.println("[ShutdownIT] SKIPPED sigintDuringTheDrainShutsDownAtOnceWith130: " + why);
            Assumptions.abort(why);
        }
        try (TargetJvm jvm = host(Jdks.current(), AGENT + ",shutdown.drain=60s", "wait").start()) {
            String url = ready(jvm);
            sigterm(jvm);
            Poll.until("/ready 503 (draining)", Duration.ofSeconds(10), () -> Http.get(url, "/ready").status, s -> s == 503);
            kill(jvm, "INT");
            assertEquals(130, jvm.awaitExit(Duration.ofSeconds(30)), jvm.toString());
            assertTrue(has(stderrAfterExit(jvm), "the JVM's shutdown began (SIGINT)"), jvm.toString());
        }
    }

    @Test
    void systemExitDuringTheDrainKeepsItsExitCode() throws Exception {
        try (TargetJvm jvm = host(Jdks.current(), AGENT + ",shutdown.drain=60s", "exit", "3", "4000").start()) {
            String url = ready(jvm);
            sigterm(jvm);
            Poll.until("/ready 503 (draining)", Duration.ofSeconds(10), () -> Http.get(url, "/ready").status, s -> s == 503);
            assertEquals(3, jvm.awaitExit(Duration.ofSeconds(30)), jvm.toString());
        }
    }

    @Test
    void withReducedSignalsTheDrainIsOffAndSaysSo() throws Exception {
        try (TargetJvm jvm = host(Jdks.current(), AGENT + ",shutdown.drain=3s", "wait").jvmArgs("-Xrs").start()) {
            ready(jvm);
            assertTrue(has(jvm.stderrLines(), "shutdown.drain is off: this JVM lets no Java code handle SIGTERM"), jvm.stderrLines().toString());
            sigterm(jvm);
            assertEquals(143, jvm.awaitExit(Duration.ofSeconds(30)), jvm.toString());
        }
    }

    @Test
    void whereSigtermIsIgnoredTheDrainIsOffAndSigtermStaysIgnored() throws Exception {
        try (TargetJvm jvm = host(Jdks.current(), AGENT + ",shutdown.drain=3s", "wait")
                .prefix("bash", "-c", "trap '' TERM; exec \"$@\"", "bash").start()) {
            String url = ready(jvm);
            assertTrue(has(jvm.stderrLines(), "shutdown.drain is off: SIGTERM is ignored"), jvm.stderrLines().toString());
            sigterm(jvm);
            assertFalse(jvm.process().waitFor(1500, TimeUnit.MILLISECONDS), "SIGTERM is still ignored");
            assertEquals(200, Http.get(url, "/ready").status, "nothing began");
        }
    }

    // ---------------------------------------------------------------- Spring Boot, graceful shutdown (JDK 17)

    private static final class Spring implements AutoCloseable {
        final TargetJvm jvm;
        final int port;
        final String appUrl;
        final String url;

        Spring(String agentOptions) throws IOException {
            port = FreePort.find();
            appUrl = "http://127.0.0.1:" + port;
            TargetJvm.Builder b = TargetJvm.builder();
            if (agentOptions != null) {
                b.agent(agentOptions);
            }
            jvm = b.main(Artifacts.gateHostsClassPath(), SPRING, String.valueOf(port)).start();
            Poll.until("'serving' from Spring (" + jvm + ")", Duration.ofSeconds(120), jvm::stdoutLines, l -> has(l, "serving"));
            if (agentOptions != null) {
                url = jvm.agentUrl(Duration.ofSeconds(10));
                Poll.until("/ready 200", Duration.ofSeconds(30), () -> Http.get(url, "/ready").status, s -> s == 200);
            } else {
                url = null;
            }
        }

        @Override
        public void close() {
            jvm.close();
        }
    }

    @Test
    void springGracefulShutdownWithASlowRequestInFlight() throws Exception {
        try (Spring app = new Spring(AGENT); ReadyPoller poller = ReadyPoller.start(app.url, "/ready")) {
            CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> slowRequest(app.port));
            Poll.until("the slow request to be taken", Duration.ofSeconds(20), app.jvm::stdoutLines, l -> has(l, "slow begins"));
            long sent = System.nanoTime();
            sigterm(app.jvm);
            ReadyPoller.Answer first = poller.await(503, sent, Duration.ofSeconds(10));
            assertEquals(200, Http.get(app.url, "/live").status, "/live during Spring's graceful shutdown");
            assertEquals(200, Http.get(app.url, "/started").status);
            long refused = firstRefused(app.appUrl, sent);
            String answer = slow.get(30, TimeUnit.SECONDS);
            assertEquals(143, app.jvm.awaitExit(Duration.ofSeconds(40)), app.jvm.toString());
            long exited = System.nanoTime() - sent;
            List<String> out = app.jvm.stdoutAfterExit();
            long refusing = AppStopsIT.nanosOf(out, "availability ReadinessState REFUSING_TRAFFIC") - sent;
            System.out.println("[ShutdownIT] Spring Boot graceful, 4 s request in flight: SIGTERM -> /ready 503 seen after "
                    + ms(first.nanos - sent) + " ms, Spring's readiness REFUSING_TRAFFIC " + ms(refusing) + " ms, a new request first"
                    + " refused " + ms(refused) + " ms, the JVM exited (143) after " + ms(exited) + " ms; the slow request: "
                    + answer.substring(0, answer.indexOf('\r')));
            assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("slow ok"), answer);
            assertTrue(first.nanos - sent < TimeUnit.MILLISECONDS.toNanos(LIMIT_MILLIS), "503 after " + ms(first.nanos - sent) + " ms");
            assertTrue(first.nanos - sent < refused, "/ready said 503 before the application refused");
            assertTrue(exited > TimeUnit.SECONDS.toNanos(3), "Spring waited for the request in flight");
        }
    }

    @Test
    void springGracefulShutdownWithoutTheAgent() throws Exception {
        try (Spring app = new Spring(null)) {
            CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> slowRequest(app.port));
            Poll.until("the slow request to be taken", Duration.ofSeconds(20), app.jvm::stdoutLines, l -> has(l, "slow begins"));
            sigterm(app.jvm);
            String answer = slow.get(30, TimeUnit.SECONDS);
            assertEquals(143, app.jvm.awaitExit(Duration.ofSeconds(40)), app.jvm.toString());
            assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("slow ok"), answer);
        }
    }

    /** The first moment (nanos after {@code sent}) a new request to the application fails, polling every 5 ms; -1 if none in 10 s. */
    private static long firstRefused(String appUrl, long sent) {
        while (System.nanoTime() - sent < TimeUnit.SECONDS.toNanos(10)) {
            try {
                if (Http.get(appUrl, "/").status != 200) {
                    return System.nanoTime() - sent;
                }
            } catch (IOException e) {
                return System.nanoTime() - sent;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
        }
        return -1;
    }

    /** GET /slow?ms=4000 on its own connection, read to the end (Http's 5 s read timeout is too short). */
    private static String slowRequest(int port) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET /slow?ms=4000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /**
     * {@code shutdown.drain=3s} and a client sending a new request every 20 ms (from a pool, on a fixed schedule): every
     * request sent and answered before Spring's shutdown began (its ContextClosedEvent, printed by the host) is answered
     * 200; /ready is 503 from the SIGTERM until the JVM exits; the JVM's shutdown begins after the drain.
     */
    @Test
    void springServesEveryRequestDuringA3sDrain() throws Exception {
        try (Spring app = new Spring(AGENT + ",shutdown.drain=3s"); ReadyPoller poller = ReadyPoller.start(app.url, "/ready")) {
            List<long[]> results = Collections.synchronizedList(new ArrayList<>()); // {sent nanos, status or -1, answered nanos}
            ExecutorService senders = Executors.newFixedThreadPool(32, r -> {
                Thread t = new Thread(r, "drain-client");
                t.setDaemon(true);
                return t;
            });
            ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "drain-client-tick");
                t.setDaemon(true);
                return t;
            });
            ticks.scheduleAtFixedRate(() -> senders.execute(() -> {
                long at = System.nanoTime();
                int status;
                try {
                    status = Http.get(app.appUrl, "/").status;
                } catch (IOException e) {
                    status = -1;
                }
                results.add(new long[] {at, status, System.nanoTime()});
            }), 0, 20, TimeUnit.MILLISECONDS);
            Poll.until("the client to be answered", Duration.ofSeconds(10), results::size, n -> n >= 5);
            long sent = System.nanoTime();
            sigterm(app.jvm);
            ReadyPoller.Answer first = poller.await(503, sent, Duration.ofSeconds(10));
            assertEquals(143, app.jvm.awaitExit(Duration.ofSeconds(40)), app.jvm.toString());
            long exited = System.nanoTime() - sent;
            ticks.shutdownNow();
            senders.shutdown();
            assertTrue(senders.awaitTermination(20, TimeUnit.SECONDS), "the client's last requests ended");
            long springShutdown = AppStopsIT.nanosOf(app.jvm.stdoutAfterExit(), "context closed") - sent;
            int during = 0;
            int straddling = 0;
            List<String> failed = new ArrayList<>();
            synchronized (results) {
                for (long[] r : results) {
                    long t = r[0] - sent;
                    long done = r[2] - sent;
                    if (t >= 0 && done < springShutdown) {
                        during++;
                        if (r[1] != 200) {
                            failed.add(ms(t) + " ms: " + r[1]);
                        }
                    } else if (t >= 0 && t < springShutdown) {
                        straddling++; // sent during the drain, answered (or not) once Spring's shutdown had begun
                    }
                }
            }
            int not503 = 0;
            for (ReadyPoller.Answer a : poller.answers()) {
                if (a.nanos - first.nanos > 0 && a.status != 503 && a.status != -1) {
                    not503++;
                }
            }
            System.out.println("[ShutdownIT] Spring Boot, shutdown.drain=3s: SIGTERM -> /ready 503 seen after " + ms(first.nanos - sent)
                    + " ms; Spring's shutdown began (ContextClosedEvent) " + ms(springShutdown) + " ms; " + during + " requests sent and"
                    + " answered before it, " + failed.size() + " not 200; " + straddling + " in flight as it began; the JVM exited (143) after "
                    + ms(exited) + " ms");
            assertTrue(during >= 100, "a request every 20 ms for 3 s: " + during);
            assertEquals(new ArrayList<String>(), failed, "requests sent and answered during the drain that were not 200");
            assertEquals(0, not503, "/ready stayed 503 once it said it");
            assertTrue(first.nanos - sent < TimeUnit.MILLISECONDS.toNanos(LIMIT_MILLIS), "503 after " + ms(first.nanos - sent) + " ms");
            assertTrue(springShutdown >= TimeUnit.MILLISECONDS.toNanos(3000), "Spring's shutdown began after the drain: " + ms(springShutdown));
        }
    }

    /** The application closes its context while the JVM lives on: /ready 503 within the gate's watch, /started and /live 200. */
    @Test
    void springContextClosedWhileTheJvmLivesOn() throws Exception {
        try (Spring app = new Spring(AGENT); ReadyPoller poller = ReadyPoller.start(app.url, "/ready")) {
            Poll.until("the poller's first answers", Duration.ofSeconds(10), poller::count, n -> n >= 3);
            app.jvm.send("close");
            List<String> out = Poll.until("'close begins'", Duration.ofSeconds(10), app.jvm::stdoutLines, l -> has(l, "close begins"));
            long began = AppStopsIT.nanosOf(out, "close begins ");
            long beganMillis = Long.parseLong(out.stream().filter(l -> l.startsWith("close begins ")).findFirst().get().split(" ")[3]);
            ReadyPoller.Answer first = poller.await(503, began, Duration.ofSeconds(10));
            Poll.until("'close done'", Duration.ofSeconds(30), app.jvm::stdoutLines, l -> l.contains("close done"));
            String verbose = Http.get(app.url, "/ready?verbose").body;
            long published = AppStopsIT.readyTurned503(app.url) - beganMillis;
            long refusing = AppStopsIT.nanosOf(app.jvm.stdoutLines(), "availability ReadinessState REFUSING_TRAFFIC") - began;
            System.out.println("[ShutdownIT] Spring Boot context.close() -> /ready 503 published " + published + " ms later (/health/history),"
                    + " seen by the poller " + ms(first.nanos - began) + " ms; Spring's readiness REFUSING_TRAFFIC " + ms(refusing) + " ms");
            assertTrue(verbose.contains("[-]app:spring-boot failed: Spring's application context is closed"), verbose);
            assertEquals(200, Http.get(app.url, "/started").status);
            assertEquals(200, Http.get(app.url, "/live").status);
            assertTrue(first.nanos - began < TimeUnit.MILLISECONDS.toNanos(LIMIT_MILLIS), "503 after " + ms(first.nanos - began) + " ms");
            assertTrue(app.jvm.process().isAlive(), "the JVM lives on");
        }
    }
}
