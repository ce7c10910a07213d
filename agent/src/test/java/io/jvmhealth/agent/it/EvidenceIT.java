package io.jvmhealth.agent.it;

import io.jvmhealth.agent.testing.Http;
import io.jvmhealth.agent.testing.OsThreads;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.TargetJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Evidence in real JVMs: a deadlock (monitor and lock) writes exactly one thread dump on stderr with
 * both threads' frames; a stalled evaluation (the evaluator blocked on System.err's lock, which a
 * host thread holds, as a host stuck on a full stderr pipe would) writes a dump whose first thread
 * is the evaluator, noticed by the watchdog with no request coming; {@code evidence.dir} gets the
 * file; {@code evidence=off} writes nothing.
 */
class EvidenceIT {
    private static final String BEGIN = "[jvm-health] BEGIN evidence ";
    private static final String END = "[jvm-health] END evidence";

    static Stream<Arguments> variants() {
        List<Arguments> list = new ArrayList<>();
        for (Java java : Java.values()) {
            list.add(Arguments.of(java, "monitor"));
            list.add(Arguments.of(java, "lock"));
        }
        return list.stream();
    }

    static List<List<String>> blocks(List<String> stderr) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> open = null;
        for (String line : stderr) {
            if (line.startsWith(BEGIN)) {
                open = new ArrayList<>();
            }
            if (open != null) {
                open.add(line);
                if (line.equals(END)) {
                    blocks.add(open);
                    open = null;
                }
            }
        }
        return blocks;
    }

    @Execution(ExecutionMode.CONCURRENT) // four deadlocked hosts side by side, each with its own directory
    @ParameterizedTest(name = "{0}, {1} deadlock")
    @MethodSource("variants")
    void aDeadlockWritesOneThreadDumpWithBothThreadsFrames(Java java, String variant, @TempDir Path dir) throws Exception {
        try (TargetJvm target = TargetJvm.builder().java(java.launcher())
                .agent("port=0,interval=500ms,evidence.dir=" + dir).commands("work").start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            Poll.until("/started 200", Duration.ofSeconds(10), () -> Http.get(url, "/started"), r -> r.status == 200);
            assertTrue(blocks(target.stderrLines()).isEmpty(), "no evidence while healthy: " + target.stderrLines());
            target.run("deadlock " + variant, Duration.ofSeconds(15));
            List<String> block = Poll.until("an evidence block on stderr", Duration.ofSeconds(15),
                    () -> blocks(target.stderrLines()), b -> !b.isEmpty()).get(0);
            assertTrue(block.get(0).startsWith(BEGIN + "/live 503: deadlock: 2 threads deadlocked"), block.get(0));
            String text = String.join("\n", block);
            assertTrue(block.get(1).matches("\\[jvm-health] Full thread dump \\(jvm-health agent, pid " + target.pid()
                    + ", \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\): \\d+ threads, 2 deadlocked"), block.get(1));
            assertTrue(block.contains("[jvm-health] Found one Java-level deadlock:"), text);
            int a = indexOfPrefix(block, "[jvm-health] \"deadlock-a\" #");
            int b = indexOfPrefix(block, "[jvm-health] \"deadlock-b\" #");
            int main = indexOfPrefix(block, "[jvm-health] \"main\" #");
            assertTrue(a > 0 && b > 0 && main > Math.max(a, b), "the deadlocked threads first: " + text);
            String waitVerb = variant.equals("monitor") ? "- waiting to lock <0x" : "- parking to wait for  <0x";
            for (int start : new int[] {a, b}) {
                List<String> thread = block.subList(start, Math.min(block.size(), start + 20));
                String t = String.join("\n", thread);
                assertTrue(thread.get(0).contains(variant.equals("monitor") ? "BLOCKED" : "WAITING") && thread.get(0).contains(" daemon"), t);
                assertTrue(t.contains("at app//io.jvmhealth.sample.ThreadScenarios$") || t.contains("at io.jvmhealth.sample.ThreadScenarios$"), t);
                assertTrue(t.contains(waitVerb) && t.contains("owned by \"deadlock-"), t);
                assertTrue(variant.equals("monitor") ? t.contains("- locked <0x") && t.contains("(a java.lang.Object)")
                        : t.contains("Locked ownable synchronizers:"), t);
            }
            for (String line : block) {
                assertTrue(line.startsWith("[jvm-health] "), line);
            }
            // once per incident: more evaluations, still one block
            long seen = System.nanoTime();
            Poll.until("/live still 503 after 5 more intervals", Duration.ofSeconds(15), () -> Http.get(url, "/live"),
                    r -> r.status == 503 && System.nanoTime() - seen > 2_500_000_000L);
            assertEquals(1, blocks(target.stderrLines()).size(), "one block per incident");

            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.collect(Collectors.toList());
            }
            assertEquals(1, files.size(), files.toString());
            Path file = files.get(0);
            assertTrue(file.getFileName().toString().matches("jvm-health-evidence-\\d{8}T\\d{6}\\.\\d{3}Z-" + target.pid() + "-liveness\\.txt"), file.toString());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            List<String> content = Files.readAllLines(file, StandardCharsets.UTF_8);
            assertEquals(block.get(0).substring("[jvm-health] ".length()), content.get(0));
            assertTrue(content.contains("Found one Java-level deadlock:"));
            assertTrue(text.contains("(also written to " + file + ")"), text);
        }
    }

    @Test
    void aStalledEvaluationIsNoticedWithoutRequestsAndItsDumpShowsTheEvaluatorFirst(@TempDir Path dir) throws Exception {
        // JDK 17's PrintStream locks its own monitor (JDK 21+ uses an internal lock the host cannot hold)
        try (TargetJvm target = TargetJvm.builder().agent("port=0,interval=500ms,threads.degraded=30,evidence.dir=" + dir)
                .commands("work").start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            Poll.until("/started 200", Duration.ofSeconds(10), () -> Http.get(url, "/started"), r -> r.status == 200);
            assertEquals(1, OsThreads.count(target.pid(), "jvm-health-watc"), "the watchdog runs");
            target.run("hold-stderr", Duration.ofSeconds(10));
            // the threads check turns degraded: the evaluator logs it, and blocks on System.err's monitor
            target.run("threads 40", Duration.ofSeconds(10));
            Path file = Poll.until("an evidence file written while stderr is blocked, with no request", Duration.ofSeconds(30),
                    () -> {
                        try (Stream<Path> s = Files.list(dir)) {
                            return s.findFirst().orElse(null);
                        }
                    }, f -> f != null && f.getFileName().toString().endsWith("-stall.txt"));
            assertEquals(503, Http.get(url, "/live").status, "stalled");
            List<String> content = Poll.until("the file complete", Duration.ofSeconds(5),
                    () -> Files.readAllLines(file, StandardCharsets.UTF_8), c -> c.contains("END evidence"));
            String text = String.join("\n", content);
            assertTrue(content.get(0).startsWith("BEGIN evidence /live 503: health evaluation stalled: no evaluation completed in the last 5000ms"), text);
            int evaluator = indexOfPrefix(content, "\"jvm-health-evaluator\" #");
            assertEquals(3, evaluator, "the evaluator's thread comes first: " + text);
            String stack = String.join("\n", content.subList(evaluator, evaluator + 14));
            assertTrue(stack.contains("BLOCKED") && stack.contains("io.jvmhealth.agent.base.AgentLog.write("), stack);
            assertTrue(stack.contains("- waiting to lock <0x") && stack.contains("(a java.io.PrintStream) owned by \"sample-stderr-holder\""), stack);

            target.run("release-stderr", Duration.ofSeconds(10));
            Poll.until("/live 200 again", Duration.ofSeconds(10), () -> Http.get(url, "/live"), r -> r.status == 200);
            List<List<String>> blocks = Poll.until("the block on stderr once it is free", Duration.ofSeconds(10),
                    () -> blocks(target.stderrLines()), b -> !b.isEmpty());
            assertEquals(1, blocks.size(), target.stderrLines().toString());
            assertEquals("[jvm-health] " + content.get(0), blocks.get(0).get(0));
        }
    }

    @Test
    void heapTurningUnhealthyWritesOneHeapSummary() throws Exception {
        try (TargetJvm target = TargetJvm.builder().jvmArgs("-Xmx64m")
                .agent("port=0,interval=500ms,heap.degraded=0.8,heap.unhealthy=0.9").commands("work").start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            Poll.until("/started 200", Duration.ofSeconds(10), () -> Http.get(url, "/started"), r -> r.status == 200);
            target.run("leak 0.96", Duration.ofSeconds(30));
            // Polled on the stderr lines themselves, so that a timeout shows what the host wrote instead.
            List<String> block = blocks(Poll.until("a heap summary on stderr", Duration.ofSeconds(15),
                    target::stderrLines, l -> !blocks(l).isEmpty())).get(0);
            String text = String.join("\n", block);
            assertTrue(block.get(0).startsWith(BEGIN + "heap unhealthy: heap after GC is "), text);
            assertTrue(block.get(1).startsWith("[jvm-health] Heap summary (jvm-health agent, pid " + target.pid()), text);
            assertTrue(text.contains("[jvm-health] heap: used ") && text.contains("[jvm-health] Memory pools:")
                    && text.contains("\"G1 Old Gen\" (heap memory): used ") && text.contains("; after last GC ")
                    && text.contains("[jvm-health]   \"G1 Young Generation\": ") && text.contains(" collections, "), text);
            assertEquals(503, Http.get(url, "/ready").status);
            assertEquals(200, Http.get(url, "/live").status, "the heap never fails liveness");
            long seen = System.nanoTime();
            Poll.until("more evaluations", Duration.ofSeconds(15), () -> Http.get(url, "/ready"),
                    r -> r.status == 503 && System.nanoTime() - seen > 2_500_000_000L);
            assertEquals(1, blocks(target.stderrLines()).size(), "once per incident");
        }
    }

    @Test
    void evidenceOffWritesNothingAndStartsNoWatchdog() throws Exception {
        try (TargetJvm target = TargetJvm.builder().agent("port=0,interval=500ms,evidence=off").commands("work").start()) {
            String url = target.agentUrl(Duration.ofSeconds(20));
            Poll.until("/started 200", Duration.ofSeconds(10), () -> Http.get(url, "/started"), r -> r.status == 200);
            target.run("deadlock monitor", Duration.ofSeconds(15));
            Poll.until("/live 503", Duration.ofSeconds(10), () -> Http.get(url, "/live"), r -> r.status == 503);
            long seen = System.nanoTime();
            Poll.until("/live still 503 after 5 more intervals", Duration.ofSeconds(15), () -> Http.get(url, "/live"),
                    r -> r.status == 503 && System.nanoTime() - seen > 2_500_000_000L);
            assertTrue(blocks(target.stderrLines()).isEmpty(), target.stderrLines().toString());
            assertTrue(target.stderrLines().stream().noneMatch(l -> l.contains("BEGIN evidence")), target.stderrLines().toString());
            assertEquals(0, OsThreads.count(target.pid(), "jvm-health-watc"));
            assertEquals(0, OsThreads.count(target.pid(), "jvm-health-evide"));
        }
    }

    private static int indexOfPrefix(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix) && !lines.get(i).endsWith(":")) { // a header, not the deadlock section's line
                return i;
            }
        }
        return -1;
    }
}
