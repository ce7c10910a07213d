package io.jvmhealth.agent.evidence;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.StubCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * In-process, on any JDK: a check that blocks stalls the evaluator; with no request at all the
 * watchdog notices it once the snapshot is stale and the evidence names the evaluator's stack first
 * (the blocked check's frame included); once evaluations complete again the incident ends, and
 * close() ends both threads.
 */
class WatchdogTest {
    @TempDir
    Path dir;

    @Test
    void aBlockedCheckIsDumpedWithTheEvaluatorFirstAndTheThreadsEndOnClose() throws Exception {
        StubCheck blocking = StubCheck.readiness("threads");
        Evaluator evaluator = new Evaluator(Collections.singletonList(blocking), 100);
        Evidence evidence = new Evidence(dir.toString(), 100, Evidence.MIN_GAP_MILLIS, 100, evaluator);
        evaluator.setListener(evidence);
        try {
            evaluator.start();
            evidence.startWatchdog();
            Poll.until("a first evaluation", Duration.ofSeconds(5), evaluator::current, s -> s != null && !s.checks().isEmpty());
            blocking.block();
            Path file = Poll.until("the stall's evidence file (5 s stall limit)", Duration.ofSeconds(20), () -> {
                try (Stream<Path> s = Files.list(dir)) {
                    return s.findFirst().orElse(null);
                }
            }, f -> f != null);
            List<String> lines = Poll.until("complete", Duration.ofSeconds(5), () -> Files.readAllLines(file, StandardCharsets.UTF_8),
                    l -> l.contains("END evidence"));
            assertTrue(file.getFileName().toString().endsWith("-stall.txt"), file.toString());
            assertTrue(lines.get(0).startsWith("BEGIN evidence /live 503: health evaluation stalled"), lines.get(0));
            assertTrue(lines.get(3).startsWith("\"jvm-health-evaluator\" #"), String.join("\n", lines));
            String stack = String.join("\n", lines.subList(3, 20));
            assertTrue(stack.contains("StubCheck.evaluate(StubCheck.java:") && stack.contains("CountDownLatch.await"), stack);
            blocking.release();
            Poll.until("fresh again", Duration.ofSeconds(5), evaluator::current, s -> !s.isStale(System.nanoTime()));
        } finally {
            blocking.release();
            evaluator.stop();
            evidence.close();
        }
        List<String> ours = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.equals("jvm-health-watchdog") || n.equals(io.jvmhealth.agent.base.AgentThreads.PREFIX + Evidence.THREAD_NAME)).collect(Collectors.toList());
        assertEquals(Collections.emptyList(), ours, "close() ends the watchdog and the evidence thread");
    }
}
