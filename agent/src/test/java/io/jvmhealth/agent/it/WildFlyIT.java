package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.AgentCli;
import io.jvmhealth.agent.testing.Artifacts;
import io.jvmhealth.agent.testing.FreePort;
import io.jvmhealth.agent.testing.GateWindow;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Jdks;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.ServerWindow;
import io.jvmhealth.agent.testing.WildFly;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code app:wildfly} on WildFly's own distribution, started as its users start it ({@code standalone.sh}, the agent in
 * {@code JAVA_OPTS}), with a deployment that holds the boot for {@link #DELAY_MILLIS}: while WildFly boots it is
 * suspended and its HTTP port accepts requests and holds them unanswered (a port gate would pass there); the gate holds
 * {@code /started} and {@code /ready} 503 until the deployment's servlet answers, then 200 at once (interval 5 s).
 * {@code :suspend} turns {@code /ready} 503 with WildFly's own 503s and {@code :resume} back; SIGTERM turns it 503 before
 * the port refuses. Between the two the agent is stopped and attached again into the running server: {@code /started}
 * 200 within seconds. The agent's lines never enter WildFly's log (it captures System.err). One WildFly start on JDK 17,
 * and one more on JDK 25 (boot and SIGTERM only).
 */
class WildFlyIT {
    private static final long DELAY_MILLIS = 4000;
    /** A probe that connected waits this long: WildFly answers held requests the moment it resumes (held: no answer in this time). */
    private static final Duration READ_TIMEOUT = Duration.ofMillis(300);
    private static final Duration START_LIMIT = Duration.ofMinutes(5);
    /**
     * Slack for the shared 2-core machine (load average 10-30 while this was written); the figure is 100 ms and
     * the measured windows are printed (MEASURED lines). 5 s is the interval: within it is the gate publishing at once.
     */
    private static final long WINDOW_LIMIT_MILLIS = 2000;
    private static final String GATE = "app:wildfly";

    @TempDir
    Path temp;

    /** What {@link #watchBoot} saw: each agent read as {sent, answered, /ready, /started} (wall-clock ms), and the first 200s. */
    private static final class Boot {
        final List<long[]> reads = new ArrayList<>();
        final List<String> reasons = new ArrayList<>();
        long agentReadyAt;
        long firstOkAt;
        int heldRounds;
    }

    /**
     * Until the agent answers 200 on /started and /ready and /slow/ok has answered 200: the agent is read every 5 ms (/live
     * must be 200 throughout), and a thread of its own probes /slow/ok for {@link #READ_TIMEOUT} at a time (a held probe is
     * answered the moment WildFly resumes; a cold first request may take longer: it is asked again until it answers). The
     * judgement is against WildFly's own account of when it began serving, its resume line, as the agent's reads carry
     * the wall clock.
     */
    private static Boot watchBoot(WildFly.Started wildfly, String url) throws InterruptedException {
        Boot b = new Boot();
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        AtomicInteger lastReady = new AtomicInteger();
        AtomicLong firstOk = new AtomicLong();
        AtomicInteger held = new AtomicInteger();
        Thread prober = new Thread(() -> {
            while (firstOk.get() == 0 && System.nanoTime() < deadline) {
                GateWindow.Answer app = wildfly.probe(READ_TIMEOUT);
                if (app == GateWindow.Answer.OK) {
                    firstOk.set(System.currentTimeMillis());
                } else if (app == GateWindow.Answer.SILENT && lastReady.get() == 503) {
                    held.incrementAndGet();
                } else if (app == GateWindow.Answer.REFUSED) {
                    LockSupport.parkNanos(5_000_000);
                }
            }
        }, "wildfly-prober");
        prober.setDaemon(true);
        prober.start();
        try {
            while (b.agentReadyAt == 0 || firstOk.get() == 0) {
                assertTrue(System.nanoTime() < deadline, "agent and WildFly both ready within " + START_LIMIT + ": " + wildfly.server);
                assertTrue(wildfly.server.script().isAlive(), "standalone.sh exited: " + wildfly.server);
                long sent = System.currentTimeMillis();
                ServerWindow.Agent a = ServerWindow.Agent.read(url);
                long answered = System.currentTimeMillis();
                if (a != null) {
                    assertEquals(200, a.live, "/live while WildFly boots");
                    lastReady.set(a.ready);
                    b.reads.add(new long[] {sent, answered, a.ready, a.started.status});
                    if (a.ready == 200 && a.started.status == 200 && b.agentReadyAt == 0) {
                        b.agentReadyAt = answered;
                    }
                    String reason = a.reason(GATE);
                    if (a.ready == 503 && reason != null && !b.reasons.contains(reason) && b.reasons.size() < 20) {
                        b.reasons.add(reason);
                    }
                }
                LockSupport.parkNanos(5_000_000);
            }
        } finally {
            prober.join(10_000);
        }
        b.firstOkAt = firstOk.get();
        b.heldRounds = held.get();
        return b;
    }

    /** The wall-clock time of WildFly's last "WFLYSRV0212: Resuming server" in server.log (its own time stamp, ms). */
    private static long resumedAt(WildFly.Started wildfly) throws Exception {
        String line = null;
        for (String l : wildfly.serverLog().split("\n")) {
            if (l.contains("WFLYSRV0212: Resuming server")) {
                line = l;
            }
        }
        assertTrue(line != null, "WildFly logged its resume: " + wildfly.serverLog());
        LocalDateTime t = LocalDateTime.parse(line.substring(0, 23), DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS"));
        return t.atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
    }

    /**
     * The boot, watched by {@link #watchBoot}: {@code /ready} 503 in every read before WildFly's resume line, 200 within
     * {@link #WINDOW_LIMIT_MILLIS} after it, a probe held while 503, the reason and the start line, the gate's details.
     */
    private static void gatedBoot(WildFly.Started wildfly, String url, String jdk) throws Exception {
        Boot boot = watchBoot(wildfly, url);
        long resumed = resumedAt(wildfly);
        long window = boot.agentReadyAt - resumed;
        System.err.println("MEASURED wildfly " + jdk + ": agent /ready 200 read " + window
                + " ms after WildFly's 'WFLYSRV0212: Resuming server' (server.log), " + (boot.firstOkAt - boot.agentReadyAt)
                + " ms before /slow/ok's first 200 arrived (the first request after the resume runs cold); " + boot.heldRounds
                + " probes held unanswered while /ready was 503; reasons " + boot.reasons + ")");
        for (long[] read : boot.reads) {
            if (read[1] < resumed) {
                assertEquals(503, (int) read[2], "/ready answered before WildFly resumed (" + (resumed - read[1]) + " ms before)");
            }
        }
        assertTrue(window >= 0, "never ready before WildFly resumed: " + window + " ms");
        assertTrue(window <= WINDOW_LIMIT_MILLIS, "agent ready " + window + " ms after WildFly resumed");
        assertTrue(boot.heldRounds > 0, "a probe was held unanswered (the port listens while WildFly boots suspended) while /ready said 503");
        assertTrue(boot.reasons.stream().anyMatch(r -> r.contains("WildFly's RunningState is starting")), "the reason said what it waited for: " + boot.reasons);
        List<String> output = wildfly.server.output();
        assertTrue(output.stream().anyMatch(l -> l.contains("ready.auto recognized wildfly")), "the start line: " + output);
        Http.Response started = Http.get(url, "/started");
        assertEquals("normal", Json.at(started.json(), "checks", GATE, "details", "runningState"), started.body);
        assertEquals("ok", Json.at(started.json(), "checks", GATE, "details", "processState"), started.body);
        // The request pool the hang and request-pool checks judge: the XNIO worker WildFly's Undertow listener serves
        // with ("default"), read with real figures (WildFly turns jboss-threads' statistics on); not the management
        // interface's worker nor XNIO's own.
        Http.Response pool = Poll.until("WildFly's request pool found", Duration.ofSeconds(30), () -> Http.get(url, "/health/request-pool"),
                r -> r.status == 200 && r.body.contains("\"pools\":[{"));
        List<?> pools = (List<?>) Json.at(pool.json(), "details", "pools");
        assertEquals(1, pools.size(), pool.body);
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> worker = (java.util.Map<String, Object>) pools.get(0);
        assertEquals("undertow", worker.get("server"), pool.body);
        assertEquals("default", worker.get("pool"), pool.body);
        assertTrue(((Number) worker.get("maxThreads")).intValue() > 0 && ((Number) worker.get("completed")).longValue() >= 0
                && !worker.containsKey("note"), "real figures: " + pool.body);
        assertEquals("healthy", Json.at(pool.json(), "status"), pool.body);
        assertEquals("healthy", Json.at(Http.get(url, "/health/hang").json(), "status"), "hang judges the same pool");
    }

    @Test
    void gatesUntilTheDeploymentServesThenFollowsSuspendResumeAttachAndSigterm() throws Exception {
        int agentPort = FreePort.find();
        try (WildFly.Started wildfly = WildFly.builder().startDelayMillis(DELAY_MILLIS)
                .javaOpts("-javaagent:" + Artifacts.agentJar() + "=host=127.0.0.1,port=" + agentPort + ",interval=5s").start(temp)) {
            String url = "http://127.0.0.1:" + agentPort + "/";
            gatedBoot(wildfly, url, "JDK " + System.getProperty("java.version"));

            // The agent's lines go to the JVM's own stderr: raw on the console, never WildFly's log records.
            Poll.until("the gate's line on the console", Duration.ofSeconds(10), wildfly.server::output,
                    lines -> lines.stream().anyMatch(l -> l.contains("[jvm-health] INFO startup gate '" + GATE + "' passed") && !l.contains("[stderr]")));
            String log = wildfly.serverLog();
            assertTrue(log.contains("WFLYSRV0025"), "WildFly logged its start: " + log);
            assertTrue(log.contains("SlowStartListener: held the deployment for " + DELAY_MILLIS + " ms"), "the deployment's listener ran: " + log);
            assertFalse(log.contains("[jvm-health]"), "no line of the agent in server.log: " + log);
            assertFalse(log.contains("ERROR"), "no ERROR in server.log: " + log);
            assertFalse(log.contains("WFLYLOG0078") || log.contains("Failed to load the specified log manager"),
                    "WildFly's LogManager untouched (an MBeanServer created before it makes the logging subsystem fail): " + log);

            // :suspend (WildFly answers 503 from then on): /ready 503 with it, /started and /live 200.
            CompletableFuture<Http.Response> suspended = new CompletableFuture<>();
            ServerWindow.Stop suspend = ServerWindow.stop(url, GATE, () -> CompletableFuture.runAsync(() -> {
                try {
                    suspended.complete(wildfly.manage("{\"operation\":\"suspend\"}"));
                } catch (Exception e) {
                    suspended.completeExceptionally(e);
                }
            }), () -> wildfly.probe(Duration.ofSeconds(5)), false, Duration.ofSeconds(60));
            assertEquals(200, suspended.get().status, "the management API's answer: " + suspended.get());
            System.err.println("MEASURED wildfly :suspend: " + suspend);
            assertEquals(GateWindow.Answer.HTTP, suspend.firstNotOk, "WildFly answers 503 when suspended: " + suspend);
            assertTrue(suspend.agentNotReadyMillis - suspend.appNotOkMillis <= WINDOW_LIMIT_MILLIS, String.valueOf(suspend));
            Http.Response ready = Http.get(url, "/ready?verbose");
            assertEquals(503, ready.status);
            // SUSPENDING until the requests in flight end, then SUSPENDED: either is the reason, whichever the evaluation saw
            assertTrue(ready.body.matches("(?s).*WildFly does not serve: WildFly's RunningState is suspend(ing|ed)\\b.*"), ready.body);

            assertEquals(200, wildfly.manage("{\"operation\":\"resume\"}").status);
            Poll.until("/ready 200 after :resume", Duration.ofSeconds(10), () -> Http.get(url, "/ready"), r -> r.status == 200);
            assertEquals(GateWindow.Answer.OK, wildfly.probe(Duration.ofSeconds(5)));

            // The agent stopped and attached again into the running server (the same WildFly: one start per class): passes at once.
            ProcessHandle jvm = wildfly.jvm(Duration.ofSeconds(10));
            AgentCli.Result stopped = AgentCli.run("stop", String.valueOf(jvm.pid()));
            assertEquals(0, stopped.exitCode, stopped.toString());
            Poll.until("the agent's port to close after stop", Duration.ofSeconds(20), () -> ServerWindow.accepts(agentPort), open -> !open);
            long began = System.nanoTime();
            AgentCli.Result attached = AgentCli.run("attach", String.valueOf(jvm.pid()), "port=0,interval=5s");
            assertEquals(0, attached.exitCode, attached.toString());
            String attachedUrl = attached.stdout.stream().filter(l -> l.startsWith("http://")).findFirst()
                    .orElseThrow(() -> new AssertionError("no URL printed: " + attached));
            Http.Response again = Poll.until("/started 200 after attach", Duration.ofSeconds(20), () -> Http.get(attachedUrl, "/started"),
                    r -> r.status == 200);
            System.err.println("MEASURED attach into WildFly: /started 200 " + (System.nanoTime() - began) / 1_000_000
                    + " ms after the attach command began");
            assertEquals("healthy", Json.at(again.json(), "checks", GATE, "status"), again.body);
            assertEquals("normal", Json.at(again.json(), "checks", GATE, "details", "runningState"), again.body);
            assertEquals(200, Http.get(attachedUrl, "/ready").status);
            assertFalse(wildfly.serverLog().contains("[jvm-health]"), "no line of the agent in server.log after attach");

            // SIGTERM to the server JVM (WildFly suspends, then stops): /ready 503 before the port refuses.
            ServerWindow.Stop sigterm = ServerWindow.stop(attachedUrl, GATE, jvm::destroy, () -> wildfly.probe(Duration.ofSeconds(5)), true,
                    Duration.ofSeconds(60));
            System.err.println("MEASURED wildfly SIGTERM: " + sigterm);
            assertTrue(sigterm.agentNotReadyMillis >= 0 && sigterm.agentNotReadyMillis <= sigterm.appRefusedMillis, String.valueOf(sigterm));
            // Whichever sees it first: the agent's own shutdown hook ("shutting down") or the gate (WildFly suspends first)
            assertTrue(sigterm.reason != null, String.valueOf(sigterm));
            assertEquals(143, wildfly.server.awaitExit(Duration.ofSeconds(60)), "standalone.sh's exit code after SIGTERM to its JVM");
            List<String> all = wildfly.server.outputAfterEnd(Duration.ofSeconds(10));
            assertTrue(all.stream().anyMatch(l -> l.contains("WFLYSRV0220: Server shutdown has been requested via an OS signal")), "the signal");
            assertTrue(all.stream().anyMatch(l -> l.contains("WFLYSRV0050")), "WildFly logged its stop");
            Poll.until("no process of the server's tree left", Duration.ofSeconds(10), wildfly.server::alive, List::isEmpty);
            assertEquals(GateWindow.Answer.REFUSED, wildfly.probe(Duration.ofSeconds(1)), "the HTTP port is closed");
            assertTrue(all.stream().noneMatch(l -> l.contains("[stderr]") && l.contains("[jvm-health]")),
                    "no agent line turned into a WildFly log record: " + all);
            String finalLog = wildfly.serverLog();
            assertFalse(finalLog.contains("[jvm-health]"), "no line of the agent in server.log: " + finalLog);
            assertFalse(finalLog.contains(" ERROR "), "no ERROR in server.log: " + finalLog);
            assertTrue(ServerWindow.accepts(agentPort) == false, "the agent's port is free once WildFly ended");
        }
    }

    /**
     * WildFly 38 on JDK 25 (it starts and serves there; it prints JDK 25's {@code sun.misc.Unsafe} deprecation warnings on
     * its console, nothing in server.log): the same gated boot, then SIGTERM turns {@code /ready} 503 before the port
     * refuses. One more WildFly start (no suspend, no attach: those are the JDK 17 case's).
     */
    @Test
    void gatesOnJdk25UntilTheDeploymentServesAndStopsOnSigterm() throws Exception {
        Path java25 = Jdks.requireJava25();
        int agentPort = FreePort.find();
        try (WildFly.Started wildfly = WildFly.builder().java(java25).startDelayMillis(DELAY_MILLIS)
                .javaOpts("-javaagent:" + Artifacts.agentJar() + "=host=127.0.0.1,port=" + agentPort + ",interval=5s").start(temp)) {
            String url = "http://127.0.0.1:" + agentPort + "/";
            ProcessHandle jvm = wildfly.jvm(Duration.ofMinutes(2));
            String command = jvm.info().command().orElse("");
            assertTrue(command.startsWith(java25.getParent().getParent().toString()), "the server JVM runs on JDK 25: " + command);
            gatedBoot(wildfly, url, "JDK 25");

            ServerWindow.Stop sigterm = ServerWindow.stop(url, GATE, jvm::destroy, () -> wildfly.probe(Duration.ofSeconds(5)), true,
                    Duration.ofSeconds(60));
            System.err.println("MEASURED wildfly JDK 25 SIGTERM: " + sigterm);
            assertTrue(sigterm.agentNotReadyMillis >= 0 && sigterm.agentNotReadyMillis <= sigterm.appRefusedMillis, String.valueOf(sigterm));
            assertEquals(143, wildfly.server.awaitExit(Duration.ofSeconds(60)), "standalone.sh's exit code after SIGTERM to its JVM");
            List<String> all = wildfly.server.outputAfterEnd(Duration.ofSeconds(10));
            assertTrue(all.stream().anyMatch(l -> l.contains("WFLYSRV0050")), "WildFly logged its stop");
            assertFalse(ServerWindow.accepts(agentPort), "the agent's port is free once WildFly ended");
            String log = wildfly.serverLog();
            assertFalse(log.contains("[jvm-health]"), "no line of the agent in server.log: " + log);
            assertFalse(log.contains(" ERROR "), "no ERROR in server.log: " + log);
        }
    }
}
