package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Hosts;
import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.Jdks;
import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.Privileges;
import io.jvmhealth.agent.testing.ProcessStats;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4, item 3: a host in trouble. Heap exhausted, file descriptors exhausted, native threads
 * exhausted, {@code System.exit}, closed stdout: the agent keeps answering (or resumes as soon as the
 * resource returns), never crashes, and never delays the host's exit or changes its exit code.
 */
class HostFaultsIT {
    private static final Duration START = Duration.ofSeconds(20);

    /** The launcher of JDK {@code feature}: 17 is the one running the tests; 25 is skipped with a message when absent. */
    static java.nio.file.Path jdk(int feature) {
        return feature == 25 ? Jdks.requireJava25() : Jdks.current();
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void aHostOutOfHeapIsReportedWhileTheAgentKeepsAnswering(int jdk) throws Exception {
        try (TargetJvm target = TargetJvm.builder().java(jdk(jdk)).jvmArgs("-Xmx64m").agent("port=0,interval=200ms,heap.unhealthy=0.9").commands("idle").start()) {
            // heap.unhealthy 0.9: the host keeps two of its 64 regions free after its OutOfMemoryErrors (about 95 % after GC;
            // with none free the JVM runs back-to-back full collections and no thread of it allocates: MemoryScenarios.retainUntil)
            String url = Hosts.started(target);
            target.run("oom", Duration.ofSeconds(60));
            Http.Response health;
            try {
                health = Poll.until("/health to report heap unhealthy", Duration.ofSeconds(15),
                        () -> Http.get(url, "/health"), r -> "unhealthy".equals(Json.at(r.json(), "checks", "heap", "status")));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; the target: " + target, e); // its stderr shows what the agent logged
            }
            assertEquals(503, health.status, health.toString());
            assertTrue(String.valueOf(Json.at(health.json(), "checks", "heap", "reason")).contains("heap after GC"), health.body);
            int answered = 0;
            for (int i = 0; i < 50; i++) {
                assertEquals(503, Http.get(url, "/ready").status, "ready while the heap is full");
                Http.Response live = Http.get(url, "/live");
                assertEquals(200, live.status, "a full heap is no reason to restart: " + live);
                answered += 2;
            }
            System.out.println("[HostFaultsIT] JDK " + jdk + ": heap exhausted (OutOfMemoryError in two host threads): " + answered
                    + " probes answered, /ready 503, /live 200, heap " + Json.at(health.json(), "checks", "heap", "reason"));
            target.run("free", Duration.ofSeconds(30));
            Poll.until("/ready back to 200 after free", Duration.ofSeconds(15), () -> Http.get(url, "/ready"), r -> r.status == 200);
            assertNoAgentFailure(target);
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void aHostOutOfFileDescriptorsGetsAnswersAgainWhenTheyReturn(int jdk) throws Exception {
        try (TargetJvm target = TargetJvm.builder().java(jdk(jdk)).prefix("bash", "-c", "ulimit -n 256; exec \"$@\"", "bash")
                .jvmArgs("-Xmx64m").agent("port=0,interval=200ms").commands("idle").start()) {
            // No request before the exhaustion: the first socket the agent ever closes is closed
            // while the host has no descriptor left (the JDK initializes its closing code then).
            String url = target.agentUrl(START);
            long pid = target.pid();
            target.run("fds 100000", Duration.ofSeconds(30));
            // Descriptors freed since (e.g. by connections of the start-up polls closing late) are taken too.
            target.run("fds 1000", Duration.ofSeconds(30));
            int fds = ProcessStats.fds(pid);
            assertTrue(fds >= 250, "the host holds every descriptor it may: " + fds);
            assertTrue(target.stderrLines().stream().anyMatch(l -> l.contains("Too many open files")), target.toString());

            // A probe now reaches the kernel's backlog; the agent can accept it only when a descriptor is free.
            URI uri = URI.create(url);
            CompletableFuture<Http.Response> waiting = CompletableFuture.supplyAsync(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
                    s.setSoTimeout(20_000);
                    OutputStream out = s.getOutputStream();
                    out.write("GET /live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return Http.read(s.getInputStream(), false);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            // Keep the host out of descriptors for a while: the agent must neither crash nor spin.
            int fdsAfterPause = ProcessStats.fds(pid);
            long cpuBefore = cpuTicks(pid);
            TimeUnit.SECONDS.sleep(2); // a fixed exhaustion period, not a wait for a condition
            long cpuTicks = cpuTicks(pid) - cpuBefore;
            assertTrue(target.process().isAlive());
            // Usually no answer can be given without a descriptor; the JVM itself briefly opens and
            // closes files (e.g. cgroup files), so now and then the agent gets one: both are fine.
            boolean answeredDuringExhaustion = waiting.isDone();
            assertTrue(ProcessStats.agentThreads(pid) >= 2, "selector thread and evaluator alive: " + ProcessStats.threadNames(pid));
            assertTrue(cpuTicks < 150, "the accept loop backs off instead of spinning: " + cpuTicks + " CPU ticks in 2 s");

            target.run("fds-free", Duration.ofSeconds(30));
            Http.Response late = waiting.get(20, TimeUnit.SECONDS);
            assertEquals(200, late.status, "the probe sent during the exhaustion is answered: " + late);
            int fdsFreed = Poll.until("descriptors freed", Duration.ofSeconds(10), () -> ProcessStats.fds(pid), n -> n < 100);
            for (int i = 0; i < 20; i++) {
                assertEquals(200, Http.get(url, "/live").status);
            }
            int fdsAfterProbes = Poll.until("every probe's descriptor closed again", Duration.ofSeconds(10),
                    () -> ProcessStats.fds(pid), n -> n <= fdsFreed);
            System.out.println("[HostFaultsIT] JDK " + jdk + ": fds exhausted (ulimit -n 256, " + fds + " open, " + fdsAfterPause + " when probed): agent alive, " + cpuTicks
                    + " CPU ticks in 2 s, the probe sent meanwhile answered 200 " + (answeredDuringExhaustion ? "during the exhaustion" : "after fds-free")
                    + ", 20 more probes 200, descriptors " + fdsFreed + " -> " + fdsAfterProbes + " (no leak)");
            assertNoAgentFailure(target);
        }
    }

    @Test
    void aHostOutOfNativeThreadsDoesNotStopTheAgent() throws Exception {
        Assumptions.assumeTrue(Privileges.isRoot(), "SKIPPED: needs root to run the target under its own user id with ulimit -u");
        // A user id of its own, so that ulimit -u (a per-user limit) counts only this JVM's threads.
        try (TargetJvm target = TargetJvm.builder()
                .prefix("setpriv", "--reuid=54321", "--regid=54321", "--clear-groups", "bash", "-c", "ulimit -u 80; exec \"$@\"", "bash")
                .jvmArgs("-Xmx64m", "-XX:-UsePerfData").agent("port=0,interval=200ms").commands("idle").start()) {
            String url = Hosts.started(target);
            long pid = target.pid();
            target.send("threads 1000");
            Poll.until("the host to run out of threads", Duration.ofSeconds(30), target::stderrLines,
                    lines -> lines.stream().anyMatch(l -> l.contains("unable to create native thread")));
            int threads = ProcessStats.threads(pid);
            int answered = 0;
            int refused = 0;
            for (int i = 0; i < 30; i++) {
                try {
                    Http.Response r = Http.get(url, "/live");
                    assertEquals(200, r.status, r.toString());
                    answered++;
                } catch (IOException e) {
                    refused++; // closed, never hung
                }
            }
            assertEquals(0, refused, "serving a connection needs no new thread (issue 11), so none is refused");
            assertTrue(target.process().isAlive());
            // The selector thread serves every connection itself, so a host with no thread to spare
            // changes nothing: every probe is answered, none is only closed.
            assertEquals(30, answered, "probes answered while the host had no native thread to spare (" + refused + " closed)");
            target.run("threads-stop", Duration.ofSeconds(30));
            for (int i = 0; i < 20; i++) {
                assertEquals(200, Http.get(url, "/live").status, "answers after the threads are back");
            }
            Http.Response health = Http.get(url, "/health");
            assertEquals("healthy", Json.at(health.json(), "checks", "deadlock", "status"), health.body);
            System.out.println("[HostFaultsIT] native threads exhausted (ulimit -u 80, " + threads + " threads): "
                    + answered + " probes answered, " + refused + " closed, 20/20 after threads-stop");
            assertNoAgentFailure(target);
        }
    }

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {17, 25})
    void aHostThatCallsSystemExitExitsPromptlyWithItsOwnCode(int jdk) throws Exception {
        try (TargetJvm target = TargetJvm.builder().java(jdk(jdk)).agent("port=0,interval=200ms").commands("idle").start()) {
            String url = Hosts.started(target);
            URI uri = URI.create(url);
            // Connections in every state: idle keep-alive, half a request.
            try (Socket keptAlive = new Socket(uri.getHost(), uri.getPort()); Socket half = new Socket(uri.getHost(), uri.getPort())) {
                keptAlive.getOutputStream().write("GET /live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(200, Http.read(keptAlive.getInputStream(), false).status);
                half.getOutputStream().write("GET /live HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
                long start = System.nanoTime();
                target.send("exit 7");
                int code = target.awaitExit(Duration.ofSeconds(10));
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(7, code, target.toString());
                assertTrue(millis < 3000, "exit took " + millis + " ms");
                System.out.println("[HostFaultsIT] JDK " + jdk + ": System.exit(7) with open agent connections: exit code 7 after " + millis + " ms");
            }
        }
    }

    @Test
    void aHostWithClosedStdoutKeepsItsAgentAndExitsWithItsOwnCode() throws Exception {
        try (TargetJvm target = TargetJvm.builder().agent("port=0,interval=200ms").commands("idle").start()) {
            String url = Hosts.started(target);
            target.send("close-stdout");
            target.send("sleep 300");
            Poll.until("stdout to close", Duration.ofSeconds(10), () -> isClosed(target), closed -> closed);
            for (int i = 0; i < 10; i++) {
                assertEquals(200, Http.get(url, "/live").status);
            }
            long start = System.nanoTime();
            target.send("exit 5");
            assertEquals(5, target.awaitExit(Duration.ofSeconds(10)), target.toString());
            long millis = (System.nanoTime() - start) / 1_000_000;
            List<String> stdout = target.stdoutAfterExit();
            assertEquals(List.of("sample-target started", "ok idle"), stdout, "the agent never writes to stdout");
            System.out.println("[HostFaultsIT] closed stdout: /live 200, exit code 5 after " + millis + " ms");
        }
    }

    /** The JDK never frees descriptor 1: closing System.out points it at /dev/null. */
    private static boolean isClosed(TargetJvm target) throws IOException {
        return Files.readSymbolicLink(Paths.get("/proc", Long.toString(target.pid()), "fd", "1")).toString().equals("/dev/null");
    }


    /** User plus system CPU time of the process, in clock ticks (/proc/PID/stat fields 14 and 15). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = new String(Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "stat")), StandardCharsets.US_ASCII);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static void assertNoAgentFailure(TargetJvm target) {
        for (String line : target.stderrLines()) {
            assertTrue(!line.startsWith("[jvm-health] ERROR") && !line.contains("Exception in thread \"jvm-health"),
                    "agent failure on stderr: " + line);
        }
    }
}
