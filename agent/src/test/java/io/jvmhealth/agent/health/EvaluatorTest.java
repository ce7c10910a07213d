package io.jvmhealth.agent.health;

import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.StubCheck;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluatorTest {

    private final StubCheck deadlock = StubCheck.liveness("deadlock");
    private final StubCheck heap = StubCheck.readiness("heap");
    private final StubCheck gc = StubCheck.readiness("gc");
    private final Evaluator evaluator = new Evaluator(Arrays.asList(deadlock, heap, gc), 1000);

    private static Map<String, Object> json(byte[] body) {
        return Json.parseObject(new String(body, StandardCharsets.UTF_8));
    }

    @Test
    void allHealthyMeansEveryEndpoint200() {
        Snapshot s = evaluator.evaluateOnce();
        long now = System.nanoTime();
        for (Reply r : Arrays.asList(s.live(now), s.ready(now), s.started(), s.health(now))) {
            assertEquals(200, r.code());
            assertEquals("healthy", json(r.fullBody()).get("status"));
        }
        assertEquals(Status.HEALTHY, s.overall());
    }

    @Test
    void anAbsentCheckIsNotListedUntilItHasSomethingToJudge() {
        gc.set(CheckResult.absent());
        Map<String, Object> body = json(evaluator.evaluateOnce().health(System.nanoTime()).fullBody());
        assertNull(Json.at(body, "checks", "gc"), body.toString());
        assertEquals("healthy", Json.at(body, "checks", "heap", "status"));
        gc.set(CheckResult.of(Status.DEGRADED, "d", null));
        body = json(evaluator.evaluateOnce().health(System.nanoTime()).fullBody());
        assertEquals("degraded", Json.at(body, "checks", "gc", "status"));
    }

    @Test
    void degradedIsStillReadyAndHealthy() {
        heap.set(CheckResult.of(Status.DEGRADED, "heap after GC is 90% of max (degraded at 85%)", null));
        Snapshot s = evaluator.evaluateOnce();
        long now = System.nanoTime();
        assertEquals(Status.DEGRADED, s.overall());
        assertEquals(200, s.ready(now).code());
        assertEquals(200, s.health(now).code());
        Map<String, Object> body = json(s.health(now).fullBody());
        assertEquals("degraded", body.get("status"));
        assertEquals("heap after GC is 90% of max (degraded at 85%)", Json.at(body, "checks", "heap", "reason"));
        assertNull(Json.at(body, "checks", "gc", "reason"));
    }

    @Test
    void overallIsTheWorstCheckAndUnhealthyFailsReadinessButNotLiveness() {
        heap.set(CheckResult.of(Status.DEGRADED, "d", null));
        gc.set(CheckResult.of(Status.UNHEALTHY, "u", null));
        Snapshot s = evaluator.evaluateOnce();
        long now = System.nanoTime();
        assertEquals(Status.UNHEALTHY, s.overall());
        assertEquals(503, s.ready(now).code());
        assertEquals(503, s.health(now).code());
        assertEquals(200, s.live(now).code(), "only a restart-worthy check fails liveness");
        assertEquals(200, s.started().code());
    }

    @Test
    void anObservedDeadlockFailsLivenessWithOnlyTheDeadlockCheckInTheBody() {
        deadlock.set(CheckResult.of(Status.UNHEALTHY, "2 threads deadlocked", Collections.singletonMap("deadlockedThreads", 2)));
        Snapshot s = evaluator.evaluateOnce();
        long now = System.nanoTime();
        assertEquals(503, s.live(now).code());
        Map<String, Object> live = json(s.live(now).fullBody());
        assertEquals("unhealthy", live.get("status"));
        assertEquals(Collections.singleton("deadlock"), ((Map<?, ?>) live.get("checks")).keySet());
        assertEquals(2L, Json.at(live, "checks", "deadlock", "details", "deadlockedThreads"));
    }

    @Test
    void aThrowingCheckIsUnhealthyWithTheReasonButNeverFailsLiveness() {
        deadlock.failWith(new IllegalStateException("MXBean went away"));
        Snapshot s = evaluator.evaluateOnce();
        long now = System.nanoTime();
        CheckResult r = s.results().get("deadlock");
        assertEquals(Status.UNHEALTHY, r.status());
        assertTrue(r.checkFailed());
        assertTrue(r.reason().contains("MXBean went away"), r.reason());
        assertEquals(200, s.live(now).code(), "our own failure must not get the pod restarted");
        assertEquals(503, s.ready(now).code());
    }

    @Test
    void briefBodiesCarryTheStatusOnly() {
        gc.set(CheckResult.of(Status.UNHEALTHY, "secret-ish reason", Collections.singletonMap("x", 1)));
        Snapshot s = evaluator.evaluateOnce();
        long now = System.nanoTime();
        assertEquals("{\"status\":\"unhealthy\"}", new String(s.health(now).briefBody(), StandardCharsets.UTF_8));
        assertEquals("{\"status\":\"healthy\"}", new String(s.live(now).briefBody(), StandardCharsets.UTF_8));
    }

    @Test
    void beforeTheFirstEvaluationItIsAliveButNotStartedOrReady() {
        evaluator.prepare();
        Snapshot s = evaluator.current();
        long now = System.nanoTime();
        assertFalse(s.isStarted());
        assertEquals(200, s.live(now).code());
        assertEquals(503, s.started().code());
        assertEquals(503, s.ready(now).code());
        assertTrue(String.valueOf(json(s.ready(now).fullBody()).get("reason")).contains("first health evaluation"));
    }

    @Test
    void withoutAnEvaluationForThreeIntervalsLiveReportsAStall() {
        Evaluator slow = new Evaluator(Arrays.<HealthCheck>asList(deadlock, heap), 2000); // stall limit: 3 x 2 s
        Snapshot s = slow.evaluateOnce();
        long now = System.nanoTime();
        assertFalse(s.isStale(now + 5_900_000_000L));
        long later = now + 6_100_000_000L;
        assertTrue(s.isStale(later));
        assertEquals(503, s.live(later).code());
        assertTrue(String.valueOf(json(s.live(later).fullBody()).get("reason")).contains("stalled"));
        assertEquals(503, s.ready(later).code());
        assertEquals(200, s.started().code(), "started stays started");
    }

    @Test
    void aVeryShortIntervalNeverMakesTheStallLimitShorterThanFiveSeconds() {
        assertEquals(5000, Evaluator.stallMillis(10));
        assertEquals(5000, Evaluator.stallMillis(1000));
        assertEquals(15000, Evaluator.stallMillis(5000));
        Snapshot s = evaluator.evaluateOnce(); // 1 s interval
        long now = System.nanoTime();
        assertFalse(s.isStale(now + 4_900_000_000L), "3 intervals would be 3 s; the floor is 5 s");
        assertTrue(s.isStale(now + 5_100_000_000L));
    }

    @Test
    void aRunningEvaluatorKeepsPublishingFreshSnapshots() {
        Evaluator running = new Evaluator(Collections.<HealthCheck>singletonList(heap), 20);
        running.start();
        try {
            Snapshot first = io.jvmhealth.agent.testing.Poll.until("a first evaluation", java.time.Duration.ofSeconds(5),
                    running::current, snap -> snap != null && snap.isStarted());
            io.jvmhealth.agent.testing.Poll.until("a newer snapshot", java.time.Duration.ofSeconds(5),
                    running::current, snap -> snap != first);
        } finally {
            running.stop();
        }
    }

    /**
     * Prompt evaluations (publishNow: a gate passed, a state changed) do not postpone the scheduled ones: a burst of them
     * once left no evaluation for 3 intervals, and /live answered "stalled" in a healthy WildFly booting.
     */
    @Test
    void promptEvaluationsDoNotPostponeTheScheduledOnes() throws Exception {
        StubCheck counted = StubCheck.readiness("counted");
        Evaluator running = new Evaluator(Collections.<HealthCheck>singletonList(counted), 1000);
        running.start();
        try {
            io.jvmhealth.agent.testing.Poll.until("a first evaluation", java.time.Duration.ofSeconds(5), running::current,
                    snap -> snap != null && snap.isStarted());
            for (int i = 0; i < 10; i++) {
                int before = counted.evaluations();
                running.publishNow();
                io.jvmhealth.agent.testing.Poll.until("the prompt evaluation", java.time.Duration.ofSeconds(5), counted::evaluations,
                        n -> n > before);
            }
            int afterBurst = counted.evaluations();
            long burstEnded = System.nanoTime();
            io.jvmhealth.agent.testing.Poll.until("a scheduled evaluation after the burst", java.time.Duration.ofSeconds(5),
                    counted::evaluations, n -> n > afterBurst);
            long waited = (System.nanoTime() - burstEnded) / 1_000_000;
            assertTrue(waited < 2500, "the next scheduled evaluation came " + waited + " ms after the burst (interval 1 s)");
        } finally {
            running.stop();
        }
    }
}
