package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Hosts;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Jdks;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.OsThreads;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Virtual threads in real JVMs (JDK 25; those cases skip visibly without one): deadlocked on monitors and on
 * {@code ReentrantLock}s, {@code /live} 503 within 3 intervals naming both threads and both locks, the evidence on stderr
 * naming them; 10,000 busy virtual threads, {@code /live} 200 for 20 s while the search runs; a starved scheduler,
 * {@code vthreads} degraded then unhealthy ({@code /ready} 503) and {@code /live} 200. A plain JDK 25 host and a JDK 17
 * host load no class of the hang package and start no thread for it; on JDK 17 the deadlock check answers as it always
 * did. The hosts start together, once; the busy one runs the plain, busy and starved cases in turn.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VirtualThreadsIT {
    private static final long INTERVAL_MS = 1000;
    private static final String AGENT = "port=0,interval=" + INTERVAL_MS + "ms";
    private static final String HANG_PACKAGE = "io.jvmhealth.agent.health.checks.hang.";
    /** The agent's virtual-thread threads as the kernel names them (15 characters). */
    private static final String VT_THREADS = "jvm-health-vt-";

    private static TargetJvm monitor;
    private static TargetJvm lock;
    private static TargetJvm busy;
    private static TargetJvm jdk17;

    @BeforeAll
    static void startHosts() throws IOException {
        jdk17 = TargetJvm.builder().java(Jdks.current()).jvmArgs("-verbose:class").agent(AGENT).start();
        Optional<Path> java25 = Jdks.java25();
        if (java25.isPresent()) {
            monitor = TargetJvm.builder().java(java25.get()).agent(AGENT).start();
            lock = TargetJvm.builder().java(java25.get()).agent(AGENT).start();
            busy = TargetJvm.builder().java(java25.get()).jvmArgs("-verbose:class", "-Djdk.virtualThreadScheduler.parallelism=2")
                    .agent(AGENT + ",vthreads.degraded=3s,vthreads.unhealthy=8s").start();
        }
    }

    @AfterAll
    static void stopHosts() {
        for (TargetJvm t : Arrays.asList(monitor, lock, busy, jdk17)) {
            if (t != null) {
                t.close();
            }
        }
    }

    @Test
    @Order(1)
    void virtualThreadsDeadlockedOnMonitorsFailLivenessNamingBothThreadsAndLocks() throws IOException {
        Jdks.requireJava25();
        try {
            deadlock(monitor, "monitor");
        } finally {
            monitor.close();
        }
    }

    @Test
    @Order(2)
    void virtualThreadsDeadlockedOnReentrantLocksFailLivenessNamingBothThreadsAndLocks() throws IOException {
        Jdks.requireJava25();
        try {
            deadlock(lock, "lock");
        } finally {
            lock.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static void deadlock(TargetJvm target, String kind) throws IOException {
        String url = Hosts.started(target);
        assertEquals(200, Http.get(url, "/live").status);
        target.run("vdeadlock " + kind, Duration.ofSeconds(15));
        long deadlocked = System.nanoTime();
        Http.Response live = Poll.until("/live 503", Duration.ofSeconds(20), () -> Http.get(url, "/live"), r -> r.status == 503);
        long millis = (System.nanoTime() - deadlocked) / 1_000_000;
        System.out.println("virtual threads deadlocked on " + kind + "s: /live 503 after " + millis + " ms");
        // three intervals (the search sees the JVM's first virtual threads at an evaluation, and confirms a cycle at its
        // second sighting), plus slack for a loaded 2-core machine
        assertTrue(millis <= 3 * INTERVAL_MS + 1000, "/live turned 503 after " + millis + " ms");

        Map<String, Object> deadlock = (Map<String, Object>) Json.at(live.json(), "checks", "deadlock");
        assertEquals("unhealthy", deadlock.get("status"));
        String reason = (String) deadlock.get("reason");
        String lockClass = kind.equals("monitor") ? "java.lang.Object@" : "java.util.concurrent.locks.ReentrantLock$NonfairSync@";
        assertTrue(reason.startsWith("2 threads deadlocked: "), reason);
        List<Map<String, Object>> threads = (List<Map<String, Object>>) Json.at(deadlock, "details", "threads");
        assertEquals(2, threads.size(), threads.toString());
        Set<String> names = new HashSet<>();
        Set<String> locks = new HashSet<>();
        for (Map<String, Object> t : threads) {
            String name = (String) t.get("name");
            names.add(name);
            String waitingFor = (String) t.get("waitingFor");
            locks.add(waitingFor);
            assertEquals(true, t.get("virtual"), t.toString());
            assertTrue(waitingFor.startsWith(lockClass), t.toString());
            assertEquals(kind.equals("monitor") ? "BLOCKED" : "WAITING", t.get("state"), t.toString());
            String other = name.equals("vdeadlock-a") ? "vdeadlock-b" : "vdeadlock-a";
            assertEquals(other, t.get("heldBy"), t.toString());
            assertTrue(reason.contains("\"" + name + "\" (virtual) waits for " + waitingFor + " held by \"" + other + "\""), reason);
            assertFalse(((List<?>) t.get("stack")).isEmpty(), t.toString());
        }
        assertEquals(new HashSet<>(Arrays.asList("vdeadlock-a", "vdeadlock-b")), names);
        assertEquals(2, locks.size(), "two locks: " + locks);
        assertTrue(Json.at(deadlock, "details", "virtualThreads", "lastSearch") instanceof String, deadlock.toString());
        assertEquals(503, Http.get(url, "/ready").status, "a deadlocked JVM is not ready either");

        // evidence: one block on stderr, with the two virtual threads first among the virtual ones, and their locks
        List<String> block = Poll.until("an evidence block on stderr", Duration.ofSeconds(20),
                () -> EvidenceIT.blocks(target.stderrLines()), b -> !b.isEmpty()).get(0);
        String text = String.join("\n", block);
        assertTrue(block.get(0).startsWith("[jvm-health] BEGIN evidence /live 503: deadlock: 2 threads deadlocked: "), block.get(0));
        int title = indexOfPrefix(block, "[jvm-health] Virtual threads (");
        assertTrue(title > 0 && block.get(title).contains("2 virtual threads, the 2 deadlocked first"), text);
        for (Map<String, Object> t : threads) {
            int header = indexOfPrefix(block, "[jvm-health] \"" + t.get("name") + "\" #" + t.get("id") + " virtual " + t.get("state"));
            assertTrue(header > title, t.get("name") + " among the virtual threads: " + text);
            String waits = kind.equals("monitor") ? "- waiting to lock <" : "- parking to wait for <";
            assertTrue(text.contains(waits + t.get("waitingFor") + ">"), "evidence names " + t.get("waitingFor") + ": " + text);
        }
    }

    @Test
    @Order(3)
    void onJdk17TheDeadlockCheckIsWhatItWasAndNothingOfVirtualThreadsIsLoadedOrStarted() throws IOException {
        try {
            String url = Hosts.started(jdk17);
            Map<String, Object> healthy = Hosts.awaitCheck(url, "deadlock", "healthy", Duration.ofSeconds(10));
            assertNull(healthy.get("details"), "no details while healthy, as before: " + healthy);
            assertEquals("none on this JDK (JDK 21+)", Json.at(Http.get(url, "/health/vthreads").json(), "details", "virtualThreads"));
            jdk17.run("deadlock monitor", Duration.ofSeconds(15));
            long deadlocked = System.nanoTime();
            Http.Response live = Poll.until("/live 503", Duration.ofSeconds(15), () -> Http.get(url, "/live"), r -> r.status == 503);
            long millis = (System.nanoTime() - deadlocked) / 1_000_000;
            assertTrue(millis <= 2 * INTERVAL_MS + 1000, "/live turned 503 after " + millis + " ms");
            @SuppressWarnings("unchecked")
            Map<String, Object> details = (Map<String, Object>) Json.at(live.json(), "checks", "deadlock", "details");
            assertEquals(new HashSet<>(Arrays.asList("deadlockedThreads", "threads")), details.keySet(), details.toString());
            assertTrue(Json.at(live.json(), "checks", "deadlock", "reason").toString().startsWith("2 threads deadlocked: \"deadlock-"));
            assertNothingOfVirtualThreads(jdk17);
        } finally {
            jdk17.close();
        }
    }

    @Test
    @Order(4)
    void aJdk25HostWithoutVirtualThreadsLoadsNoHangClassAndStartsNoThread() throws IOException {
        Jdks.requireJava25();
        String url = Hosts.started(busy);
        // a few evaluations, each asking whether virtual threads were used
        assertEquals("none used: not searched", Json.at(Http.get(url, "/health/deadlock").json(), "details", "virtualThreads"));
        awaitEvaluations(url, 3);
        assertEquals("none used: the scheduler is not read", Json.at(Http.get(url, "/health/vthreads").json(), "details", "virtualThreads"));
        assertNothingOfVirtualThreads(busy);
    }

    @Test
    @Order(5)
    void tenThousandBusyVirtualThreadsKeepLiveAt200WhileTheSearchRuns() throws IOException {
        Jdks.requireJava25();
        String url = Hosts.started(busy);
        busy.run("vthreads 10000", Duration.ofSeconds(60));
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos(); // a search every 1.5-5 s: four or more
        int probes = 0;
        List<String> vthreads = new ArrayList<>();
        while (System.nanoTime() - end < 0) {
            Http.Response live = Http.get(url, "/live");
            assertEquals(200, live.status, "after " + probes + " probes: " + live.body);
            probes++;
            if (probes % 10 == 0) {
                vthreads.add(String.valueOf(Json.at(Http.get(url, "/health/vthreads").json(), "status")));
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // the probes' pace, not a wait for a condition
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> search = (Map<String, Object>) Json.at(Http.get(url, "/health/deadlock").json(), "details", "virtualThreads");
        assertTrue(String.valueOf(search.get("lastSearch")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), search.toString());
        assertTrue(((Number) search.get("secondsAgo")).longValue() <= 20, search.toString());
        assertTrue(((Number) search.get("searches")).longValue() >= 3, "the search ran over 20 s: " + search);
        assertTrue(((Number) search.get("live")).longValue() >= 10_000, search.toString());
        System.out.println("10,000 busy virtual threads: " + probes + " probes of /live, all 200; the last search: " + search
                + "; vthreads every 10th probe: " + vthreads);
        assertTrue(OsThreads.count(busy.pid(), VT_THREADS + "d") == 1, "the search thread runs: " + OsThreads.names(busy.pid()));
    }

    @Test
    @Order(6)
    @SuppressWarnings("unchecked")
    void aStarvedSchedulerIsDegradedThenUnhealthyForReadinessOnly() throws IOException {
        Jdks.requireJava25();
        String url = Hosts.started(busy);
        busy.run("vthreads-stop", Duration.ofSeconds(60));
        Hosts.awaitCheck(url, "vthreads", "healthy", Duration.ofSeconds(20));
        busy.run("vstarve 2 1000", Duration.ofSeconds(15));
        Map<String, Object> degraded = Hosts.awaitCheck(url, "vthreads", "degraded", Duration.ofSeconds(20));
        assertTrue(degraded.get("reason").toString().contains("while all 2 carrier threads were busy"), degraded.toString());
        Map<String, Object> details = (Map<String, Object>) degraded.get("details");
        assertEquals(2, ((Number) details.get("parallelism")).intValue(), details.toString());
        assertTrue(((Number) details.get("queuedVirtualThreads")).longValue() > 0, details.toString());
        Hosts.awaitCheck(url, "vthreads", "unhealthy", Duration.ofSeconds(20));
        assertEquals(503, Http.get(url, "/ready").status);
        assertEquals(200, Http.get(url, "/live").status, "starvation is readiness only");
        String metrics = Http.get(url, "/metrics").body;
        assertTrue(metrics.contains("jvmhealth_check_queued_virtual_threads{check=\"vthreads\"}"), metrics);
        busy.run("vstarve-stop", Duration.ofSeconds(30));
        Hosts.awaitCheck(url, "vthreads", "healthy", Duration.ofSeconds(20));
        assertEquals(1, OsThreads.count(busy.pid(), VT_THREADS + "s"), "the sampler runs: " + OsThreads.names(busy.pid()));
    }

    /** Waits until {@code n} more evaluations were published (the snapshot's timestamp moves each second, as does the interval). */
    private static void awaitEvaluations(String url, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            Object before = Http.get(url, "/health").json().get("timestamp");
            Poll.until("an evaluation", Duration.ofSeconds(10), () -> Http.get(url, "/health").json().get("timestamp"), t -> !t.equals(before));
        }
    }

    private static void assertNothingOfVirtualThreads(TargetJvm target) throws IOException {
        // gc-spiral's judge and the verdict it shares with the pool checks are in the hang package too, loaded by every agent
        List<String> loaded = target.stdoutLines().stream().filter(l -> l.contains(HANG_PACKAGE))
                .filter(l -> !l.contains(HANG_PACKAGE + "GcSpiralJudge ") && !l.contains(HANG_PACKAGE + "Verdict ")).collect(Collectors.toList());
        assertTrue(loaded.isEmpty(), "no class of the hang package for virtual threads: " + loaded);
        assertTrue(target.stdoutLines().stream().anyMatch(l -> l.contains("io.jvmhealth.agent.health.checks.DeadlockCheck ")),
                "-verbose:class shows the agent's classes: " + target.stdoutLines().size() + " lines");
        List<String> threads = OsThreads.names(target.pid());
        assertTrue(threads.stream().noneMatch(n -> n.startsWith(VT_THREADS)), "no thread for virtual threads: " + threads);
        assertTrue(threads.stream().anyMatch(n -> n.startsWith("jvm-health-eval")), "the agent's threads are seen: " + threads);
    }

    private static int indexOfPrefix(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
