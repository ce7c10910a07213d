package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.FreePort;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Jdks;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Startup gates on sample-target: {@code ready.port} (this JVM's own listening socket, not another
 * process's), {@code ready.after} (a normal return, not a throw), publishing at once (the interval is
 * 5 s, so an answer within a second of the event was not the periodic evaluation), the instrumentation loaded
 * only when a method gate needs it, and bad gate options.
 */
class GatesIT {
    private static final Duration START = Duration.ofSeconds(20);
    private static final String STARTUP = "io.jvmhealth.sample.Startup";
    /** Slack for a loaded 2-core machine; the figure itself is printed (target: 100 ms). */
    private static final long PUBLISH_LIMIT_MILLIS = 2000; // still well under the 5 s interval: published at once

    @Test
    void portGateHoldsStartedUntilThisJvmListensThenJudgesReadiness() throws Exception {
        int port = freePort();
        try (TargetJvm target = TargetJvm.builder().agent("port=0,interval=5s,ready.port=" + port).start()) {
            String url = target.agentUrl(START);
            Http.Response started = Poll.until("/started to name the port gate", START, () -> Http.get(url, "/started"),
                    r -> r.body.contains("port:" + port));
            assertEquals(503, started.status, started.toString());
            assertEquals("unhealthy", Json.at(started.json(), "checks", "port:" + port, "status"), started.body);
            assertTrue(String.valueOf(Json.at(started.json(), "checks", "port:" + port, "reason")).contains("nothing listens"), started.body);
            assertEquals(503, Http.get(url, "/ready").status);
            assertEquals(200, Http.get(url, "/live").status);

            long listening = listenAndTime(target, "listen " + port);
            long[] at = startedAndReady(url);
            long window = (at[1] - listening) / 1_000_000;
            System.err.println("MEASURED port gate: /started and /ready 200 " + window + " ms after the port listened (interval 5 s)");
            assertTrue(window <= PUBLISH_LIMIT_MILLIS, "published " + window + " ms after the port listened");
            assertEquals(200, Http.get(url, "/live").status);

            target.run("unlisten " + port, Duration.ofSeconds(10));
            Http.Response notReady = Poll.until("/ready to turn 503 once the port closed", Duration.ofSeconds(15),
                    () -> Http.get(url, "/ready"), r -> r.status == 503);
            assertTrue(notReady.body.contains("does not listen on port " + port), notReady.body);
            assertEquals(200, Http.get(url, "/started").status, "/started stays 200 once passed");
            assertEquals(200, Http.get(url, "/live").status, "gates never touch /live");

            target.run("listen " + port, Duration.ofSeconds(10));
            Poll.until("/ready to be 200 again", Duration.ofSeconds(15), () -> Http.get(url, "/ready").status, s -> s == 200);
        }
    }

    @Test
    void aPortAnotherProcessListensOnDoesNotPassTheGate() throws Exception {
        try (ServerSocket other = new ServerSocket()) {
            other.bind(new InetSocketAddress(0));
            int port = other.getLocalPort();
            try (TargetJvm target = TargetJvm.builder().agent("port=0,interval=200ms,ready.port=" + port).start()) {
                String url = target.agentUrl(START);
                Http.Response r = Poll.until("the gate's reason to name the other process", START, () -> Http.get(url, "/started"),
                        x -> x.body.contains("another process"));
                assertEquals(503, r.status, r.toString());
                assertEquals(503, Http.get(url, "/ready").status);
                assertEquals(200, Http.get(url, "/live").status);
            }
        }
    }

    @Test
    void methodGatePassesOnceTheMethodReturnedNormallyOnJdk17() throws Exception {
        methodGatePassesOnceTheMethodReturnedNormally(Jdks.current());
    }

    @Test
    void methodGatePassesOnceTheMethodReturnedNormallyOnJdk25() throws Exception {
        methodGatePassesOnceTheMethodReturnedNormally(Jdks.requireJava25());
    }

    private void methodGatePassesOnceTheMethodReturnedNormally(Path java) throws Exception {
        String gate = "after:" + STARTUP + ".returnAfter";
        try (TargetJvm target = TargetJvm.builder().java(java)
                .agent("port=0,interval=5s,ready.after=" + STARTUP + "#returnAfter").start()) {
            String url = target.agentUrl(START);
            Http.Response r = Poll.until("the gate to say its class has not been loaded", START, () -> Http.get(url, "/started"),
                    x -> x.body.contains("class " + STARTUP + " has not been loaded yet"));
            assertEquals(503, r.status, r.toString());
            assertEquals("unhealthy", Json.at(r.json(), "checks", gate, "status"), r.body);

            // The class loads, another method of it throws: still waiting, now for a loaded class.
            target.send("fail-after 0");
            r = Poll.until("the gate to see the class loaded", Duration.ofSeconds(10), () -> Http.get(url, "/started"),
                    x -> x.body.contains("is loaded, returnAfter has not returned yet"));
            assertEquals(503, r.status, r.toString());

            long sent = System.nanoTime();
            target.send("return-after 1500");
            Http.Response during = Http.get(url, "/started");
            assertEquals(503, during.status, "while the method runs: " + during);
            assertEquals(503, Http.get(url, "/ready").status);
            long[] at = startedAndReady(url);
            long ran = (at[0] - sent) / 1_000_000;
            assertTrue(ran >= 1400, "/started turned 200 " + ran + " ms after a call that takes 1500 ms");
            assertTrue(ran <= 1500 + PUBLISH_LIMIT_MILLIS, "/started turned 200 " + ran + " ms after a call that takes 1500 ms");
            System.err.println("MEASURED method gate (" + java + "): /started 200 " + (ran - 1500) + " ms after the 1500 ms method returned (interval 5 s)");
            assertEquals("healthy", Json.at(Http.get(url, "/started").json(), "checks", gate, "status"));
            assertEquals("returned normally", Json.at(Http.get(url, "/started").json(), "checks", gate, "details", "decidedBy"));
            assertEquals(200, Http.get(url, "/live").status);
            Poll.until("the method's ok line", Duration.ofSeconds(5), target::stdoutLines, l -> l.contains("ok return-after 1500"));
            // The advice's signal class went into the bootstrap loader without touching its search path: the JVM printed
            // nothing on the host's stderr (an appended search path makes it warn about class-data sharing).
            assertTrue(target.stderrLines().stream().anyMatch(l -> l.contains("instrumentation ready")
                    && l.endsWith("the advice's signal class in the bootstrap loader: defined by the JDK's class definition")),
                    String.join("\n", target.stderrLines()));
            assertTrue(target.stderrLines().stream().noneMatch(l -> l.contains("Sharing is only supported")
                    || l.contains("bootstrap classpath has been appended")), String.join("\n", target.stderrLines()));
        }
    }

    @Test
    void aMethodThatThrowsDoesNotPassItsGate() throws Exception {
        String gate = "after:" + STARTUP + ".failAfter";
        try (TargetJvm target = TargetJvm.builder().agent("port=0,interval=200ms,ready.after=" + STARTUP + "#failAfter").start()) {
            String url = target.agentUrl(START);
            Poll.until("the instrumentation to be installed", START, () -> Http.get(url, "/started").body,
                    b -> b.contains("has not been loaded yet"));
            target.send("fail-after 100");
            Poll.until("the method to throw", Duration.ofSeconds(10), target::stderrLines,
                    l -> l.stream().anyMatch(x -> x.contains("error fail-after failed: java.lang.IllegalStateException")));
            target.run("return-after 0", Duration.ofSeconds(10)); // a later command: the failed call is long over
            Http.Response r = Poll.until("an evaluation after the throw", Duration.ofSeconds(5), () -> Http.get(url, "/started"),
                    x -> x.body.contains("is loaded, failAfter has not returned yet"));
            assertEquals(503, r.status, r.toString());
            assertEquals("unhealthy", Json.at(r.json(), "checks", gate, "status"), r.body);
        }
    }

    @Test
    void noInstrumentationClassLoadsOnAPlainHostButDoesForAMethodGate() throws Exception {
        Path plain = Files.createTempFile("gates-classload-plain", ".log");
        Path gated = Files.createTempFile("gates-classload-gated", ".log");
        try {
            try (TargetJvm target = TargetJvm.builder().jvmArgs("-Xlog:class+load=info:file=" + plain)
                    .agent("port=0,interval=200ms").start()) {
                String url = target.agentUrl(START);
                Poll.until("/started 200", START, () -> Http.get(url, "/started").status, s -> s == 200);
                Poll.until("/ready 200", START, () -> Http.get(url, "/ready").status, s -> s == 200);
            }
            List<String> loaded = Files.readAllLines(plain);
            assertTrue(loaded.stream().anyMatch(l -> l.contains("io.jvmhealth.agent.health.Evaluator")), "the log lists the agent's classes");
            List<String> bb = loaded.stream().filter(l -> l.contains("bytebuddy") || l.contains("agent.instrument.") || l.contains("NestedJarLoader"))
                    .collect(Collectors.toList());
            assertEquals(List.of(), bb, "instrumentation classes (ASM, the advice) loaded on a host without method or framework gates");
            List<String> apps = loaded.stream().filter(l -> l.contains("io.jvmhealth.agent.apps."))
                    .map(l -> l.replaceAll(".*io\\.jvmhealth\\.agent\\.apps\\.(\\S+).*", "$1")).sorted().collect(Collectors.toList());
            assertEquals(List.of("Applications", "Recognition", "Recognizers", "Recognizers$Listed", "Signs"), apps,
                    "no recognizer's class (nor its gate's) on a host that runs none of their applications");

            try (TargetJvm target = TargetJvm.builder().jvmArgs("-Xlog:class+load=info:file=" + gated)
                    .agent("port=0,interval=200ms,ready.after=" + STARTUP + "#returnAfter").start()) {
                String url = target.agentUrl(START);
                Poll.until("the instrumentation to be installed", START, () -> Http.get(url, "/started").body,
                        b -> b.contains("has not been loaded yet"));
            }
            List<String> gatedLoaded = Files.readAllLines(gated);
            assertTrue(gatedLoaded.stream().anyMatch(l -> l.contains("io.jvmhealth.agent.shaded.bytebuddy.jar.asm.ClassReader ")),
                    "with a method gate, ASM is loaded (the check above can fail)");
            assertTrue(gatedLoaded.stream().anyMatch(l -> l.contains("io.jvmhealth.agent.instrument.AsmAdvice ")), "and the advice");
            List<String> byteBuddy = gatedLoaded.stream().filter(l -> l.contains("io.jvmhealth.agent.shaded.bytebuddy.")
                    && !l.contains("io.jvmhealth.agent.shaded.bytebuddy.jar.asm.")).collect(Collectors.toList());
            assertEquals(List.of(), byteBuddy, "nothing of Byte Buddy but its ASM");
        } finally {
            Files.deleteIfExists(plain);
            Files.deleteIfExists(gated);
        }
    }

    @Test
    void badGateOptionsAreOneStderrLineAndTheHostRunsOnUntouched() throws Exception {
        Map<String, String> cases = Map.of(
                "ready.port=80a", "option 'ready.port' has bad port '80a'",
                "ready.port=8080,70000", "option 'ready.port' has bad port '70000'",
                "ready.after=com.acme.App", "option 'ready.after' has bad method 'com.acme.App'",
                "ready.after=com.acme.1App#start", "option 'ready.after' has bad method 'com.acme.1App#start'",
                "ready.auto=maybe", "option 'ready.auto' has bad value 'maybe'");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            try (TargetJvm target = TargetJvm.builder().agent("port=0," + c.getKey()).commands("print", "hi").start()) {
                List<String> ours = Poll.until("the agent's line", START,
                        () -> target.stderrLines().stream().filter(l -> l.startsWith("[jvm-health]")).collect(Collectors.toList()),
                        l -> !l.isEmpty());
                target.send("exit 0");
                assertEquals(0, target.awaitExit(START), c.getKey());
                assertEquals(Arrays.asList("sample-target started", "hi", "ok print hi"), target.stdoutAfterExit(), c.getKey());
                ours = target.stderrLines().stream().filter(l -> l.startsWith("[jvm-health]")).collect(Collectors.toList());
                assertEquals(1, ours.size(), c.getKey() + ": " + ours);
                assertTrue(ours.get(0).contains("ERROR agent not started: " + c.getValue()), c.getKey() + ": " + ours);
                assertTrue(ours.get(0).contains("expected"), "says what is accepted: " + ours);
            }
        }
    }

    /**
     * Attach with a method gate into a running sample-target whose method already returned: passes at once;
     * stop ends the gate threads; a second attach passes again (the returned method is remembered).
     */
    @Test
    void attachPassesAMethodGateWhoseMethodAlreadyReturnedAndStopLeavesNoGateThread() throws Exception {
        try (TargetJvm target = TargetJvm.builder().commands("return-after", "0").start()) {
            Poll.until("the method to have run", START, target::stdoutLines, l -> l.contains("ok return-after 0"));
            String pid = String.valueOf(target.pid());
            for (int cycle = 1; cycle <= 2; cycle++) {
                io.jvmhealth.agent.testing.AgentCli.Result attach = io.jvmhealth.agent.testing.AgentCli.run("attach", pid,
                        "port=0,interval=5s,ready.after=" + STARTUP + "#returnAfter,ready.port=1");
                assertEquals(0, attach.exitCode, attach.toString());
                String url = attach.line();
                Http.Response r = Poll.until("the method gate to pass", START, () -> Http.get(url, "/started"),
                        x -> "healthy".equals(Json.at(x.json(), "checks", "after:" + STARTUP + ".returnAfter", "status")));
                String decided = String.valueOf(Json.at(r.json(), "checks", "after:" + STARTUP + ".returnAfter", "details", "decidedBy"));
                assertTrue(decided.contains("loaded before the agent was attached") || decided.contains("returned normally"), r.body);
                assertEquals(503, r.status, "port 1 never listens: " + r.body);
                assertEquals(0, io.jvmhealth.agent.testing.AgentCli.run("stop", pid).exitCode);
                Poll.until("no jvm-health thread left after stop", START,
                        () -> io.jvmhealth.agent.testing.ProcessStats.threadNames(target.pid()),
                        names -> names.stream().noneMatch(n -> n.startsWith("jvm-health")));
            }
        }
    }

    /** Sends {@code command} and returns System.nanoTime() when its ok line was seen (the port listens by then). */
    private static long listenAndTime(TargetJvm target, String command) throws IOException {
        target.send(command);
        Poll.until("'ok " + command + "'", Duration.ofSeconds(10), target::stdoutLines, l -> l.contains("ok " + command));
        return System.nanoTime();
    }

    /** Polls every 5 ms; returns when /started and then /ready were first seen 200 (nanoTime). */
    static long[] startedAndReady(String url) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        long started = 0;
        while (System.nanoTime() < deadline) {
            if (started == 0 && Http.get(url, "/started").status == 200) {
                started = System.nanoTime();
            }
            if (started != 0 && Http.get(url, "/ready").status == 200) {
                return new long[] {started, System.nanoTime()};
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
        throw new AssertionError("/started and /ready did not turn 200 within 20 s");
    }

    /** Below the ephemeral range ({@link FreePort}): no parallel test's client connection or {@code port=0} takes it meanwhile. */
    static int freePort() {
        return FreePort.find();
    }
}
