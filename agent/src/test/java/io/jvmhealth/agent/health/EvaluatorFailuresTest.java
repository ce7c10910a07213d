package io.jvmhealth.agent.health;

import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.StubCheck;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our own failures stay contained: a throwing check, a dying evaluator thread, a stalled evaluation. */
class EvaluatorFailuresTest {

    private static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Test
    void aCheckThatThrowsIsUnhealthyWithTheReasonAndDoesNotFailLiveness() {
        HealthCheck broken = StubCheck.liveness("deadlock").failWith(new IllegalStateException("bean went away"));
        HealthCheck error = StubCheck.readiness("heap").failWith(new StackOverflowError("deep"));
        HealthCheck fine = StubCheck.readiness("threads");
        Evaluator evaluator = new Evaluator(Arrays.asList(broken, error, fine), 1000);
        Snapshot s = evaluator.evaluateOnce();
        long now = System.nanoTime();

        CheckResult result = s.results().get("deadlock");
        assertEquals(Status.UNHEALTHY, result.status());
        assertEquals("check failed: java.lang.IllegalStateException: bean went away", result.reason());
        assertEquals("check failed: java.lang.StackOverflowError: deep", s.results().get("heap").reason());
        assertEquals(Status.HEALTHY, s.results().get("threads").status());
        assertEquals(503, s.health(now).code());
        assertTrue(text(s.health(now).fullBody()).contains("bean went away"), text(s.health(now).fullBody()));
        assertEquals(503, s.ready(now).code());
        assertEquals(200, s.live(now).code(), "a check that fails to run is not a deadlock: " + text(s.live(now).fullBody()));
    }

    @Test
    void theEvaluatorThreadIsReplacedWhenItDies() {
        AtomicInteger calls = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Thread> firstThread = new java.util.concurrent.atomic.AtomicReference<>();
        Evaluator evaluator = new Evaluator(e -> {
            if (calls.incrementAndGet() == 1) {
                firstThread.set(Thread.currentThread());
                throw new IllegalStateException("factory bug on the first try");
            }
            return Collections.<HealthCheck>singletonList(StubCheck.readiness("threads"));
        }, 100);
        evaluator.start();
        try {
            Snapshot s = Poll.until("an evaluation by the replacement thread", Duration.ofSeconds(10), evaluator::current,
                    snap -> snap != null && snap.isStarted());
            assertEquals(1, evaluator.restarts());
            Thread first = firstThread.get();
            assertNotSame(first, evaluator.thread());
            assertFalse(first.isAlive(), "the first thread died");
            assertTrue(evaluator.thread().isAlive());
            assertEquals(Evaluator.THREAD_NAME, evaluator.thread().getName());
            assertTrue(evaluator.thread().isDaemon());
            assertEquals(Status.HEALTHY, s.overall());
            assertEquals(200, s.live(System.nanoTime()).code());
        } finally {
            evaluator.stop();
        }
    }

    @Test
    void anEvaluatorThatKeepsDyingGivesUpAndLiveReportsTheStall() {
        Evaluator evaluator = new Evaluator(e -> {
            throw new IllegalStateException("always broken");
        }, 50);
        evaluator.start();
        try {
            Poll.until("the evaluator to give up after 10 restarts", Duration.ofSeconds(10), evaluator::restarts, n -> n == 10);
            Poll.until("the last thread to end", Duration.ofSeconds(5), () -> evaluator.thread().isAlive(), alive -> !alive);
            Reply live = Poll.until("/live to say stalled", Duration.ofSeconds(5),
                    () -> evaluator.current().live(System.nanoTime()), r -> r.code() == 503);
            assertTrue(text(live.fullBody()).contains("stalled"), text(live.fullBody()));
            assertEquals(10, evaluator.restarts(), "no more restarts");
        } finally {
            evaluator.stop();
        }
    }

    @Test
    void liveReports503StalledWhileAnEvaluationBlocksAndRecoversAfterwards() {
        StubCheck blocking = StubCheck.readiness("slow");
        Evaluator evaluator = new Evaluator(Collections.singletonList(blocking), 100);
        evaluator.start();
        try {
            Poll.until("a first evaluation", Duration.ofSeconds(5), evaluator::current, s -> s != null && s.isStarted());
            assertEquals(200, evaluator.current().live(System.nanoTime()).code());
            blocking.block();
            long blockedAt = System.nanoTime();
            Reply live = Poll.until("/live to report the stall", Duration.ofSeconds(15),
                    () -> evaluator.current().live(System.nanoTime()), r -> r.code() == 503);
            long afterMillis = (System.nanoTime() - blockedAt) / 1_000_000;
            // 3 intervals are 300 ms here, but the stall limit is never below Evaluator.MIN_STALL_MILLIS (5 s);
            // the last completed evaluation began at most one interval before the block.
            assertTrue(afterMillis >= Evaluator.MIN_STALL_MILLIS - 100,
                    "stalled only after the 5 s minimum since the last evaluation, was " + afterMillis);
            String body = text(live.fullBody());
            assertTrue(body.contains("\"status\":\"unhealthy\"") && body.contains("stalled"), body);
            assertEquals(503, evaluator.current().ready(System.nanoTime()).code());
            assertEquals(503, evaluator.current().health(System.nanoTime()).code());
            assertEquals(200, evaluator.current().started().code(), "started stays 200");

            blocking.release();
            Poll.until("/live to recover", Duration.ofSeconds(5), () -> evaluator.current().live(System.nanoTime()).code(), c -> c == 200);
        } finally {
            blocking.release();
            evaluator.stop();
        }
    }

    @Test
    void checksListIsCreatedOnceAndRetriedOnlyAfterAFailure() {
        AtomicInteger calls = new AtomicInteger();
        List<HealthCheck> checks = Collections.singletonList(StubCheck.readiness("x"));
        Evaluator evaluator = new Evaluator(e -> {
            calls.incrementAndGet();
            return checks;
        }, 1000);
        evaluator.prepare();
        evaluator.prepare();
        evaluator.evaluateOnce();
        assertEquals(1, calls.get());
    }
}
