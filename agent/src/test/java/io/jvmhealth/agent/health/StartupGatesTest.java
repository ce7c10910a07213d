package io.jvmhealth.agent.health;

import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.StubCheck;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The check seam's startup side: gates hold /started and /ready, latch once passed, and publish at once. */
class StartupGatesTest {

    private final StubCheck heap = StubCheck.readiness("heap");
    private final StubCheck deadlock = StubCheck.liveness("deadlock");

    private static Map<String, Object> json(Reply r) {
        return Json.parseObject(new String(r.fullBody(), StandardCharsets.UTF_8));
    }

    @Test
    void aPendingGateHoldsStartedAndReadyButNeverLive() {
        StubCheck gate = StubCheck.gate("port:8080", false);
        Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(deadlock, heap, gate), 1000);
        Snapshot s = evaluator.evaluateOnce();
        long now = System.nanoTime();
        assertFalse(s.isStarted());
        assertEquals(503, s.started().code());
        assertEquals(503, s.ready(now).code());
        assertEquals(200, s.live(now).code(), "gates never touch /live");
        Map<String, Object> started = json(s.started());
        assertEquals("unhealthy", started.get("status"));
        assertEquals("not started: waiting for port:8080", started.get("reason"));
        assertEquals(java.util.Collections.singleton("port:8080"), ((Map<?, ?>) started.get("checks")).keySet());
        assertEquals("waiting", Json.at(started, "checks", "port:8080", "reason"));
        Map<String, Object> ready = json(s.ready(now));
        assertEquals("unhealthy", Json.at(ready, "checks", "port:8080", "status"));
        assertEquals("healthy", Json.at(ready, "checks", "heap", "status"));
        assertNull(Json.at(json(s.live(now)), "checks", "port:8080"));
    }

    /** A check told of the start ({@link StubCheck#startedCalls()}), recording whether the published snapshot said started by then. */
    private static StubCheck startWatcher(AtomicReference<Evaluator> evaluator, AtomicReference<Boolean> publishedStarted) {
        return StubCheck.readiness("heap").onStarted(() -> publishedStarted.set(evaluator.get().current().isStarted()));
    }

    @Test
    void checksAreToldOfTheStartOnceAsTheScheduledEvaluationAfterTheStartedOneBegins() {
        AtomicReference<Evaluator> evaluatorOfWatcher = new AtomicReference<>();
        AtomicReference<Boolean> publishedStarted = new AtomicReference<>();
        StubCheck watcher = startWatcher(evaluatorOfWatcher, publishedStarted);
        StubCheck gate = StubCheck.gate("app:spring-boot", false);
        Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(watcher, gate), 1000);
        evaluatorOfWatcher.set(evaluator);
        evaluator.evaluateOnce();
        evaluator.evaluateOnce();
        assertEquals(0, watcher.startedCalls(), "not while a gate is pending");
        gate.pass();
        Snapshot s = evaluator.evaluateOnce();
        assertTrue(s.isStarted());
        assertEquals(0, watcher.startedCalls(), "not in the evaluation that says started");
        Snapshot next = evaluator.evaluateOnce();
        assertEquals(1, watcher.startedCalls(), "as the next one begins");
        assertEquals(Boolean.TRUE, publishedStarted.get(), "told after /started and /ready could answer 200");
        assertTrue(next.isStarted());
        evaluator.evaluateOnce();
        assertEquals(1, watcher.startedCalls(), "once");

        AtomicReference<Evaluator> evaluatorOfNoGates = new AtomicReference<>();
        StubCheck noGates = startWatcher(evaluatorOfNoGates, new AtomicReference<>());
        Evaluator plain = new Evaluator(Arrays.<HealthCheck>asList(noGates), 1000);
        evaluatorOfNoGates.set(plain);
        plain.evaluateOnce();
        assertEquals(0, noGates.startedCalls(), "without gates: not in the first evaluation");
        plain.evaluateOnce();
        assertEquals(1, noGates.startedCalls(), "without gates: as the second begins");
    }

    /**
     * A gate that passes is published by a prompt evaluation; the checks are told of the start only an interval later,
     * not while the application takes its first requests.
     */
    @Test
    void aPromptEvaluationDoesNotTellTheChecksOfTheStart() {
        AtomicReference<Evaluator> evaluatorOfWatcher = new AtomicReference<>();
        StubCheck watcher = startWatcher(evaluatorOfWatcher, new AtomicReference<>());
        StubCheck gate = StubCheck.gate("app:spring-boot", false);
        long interval = 1500;
        Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(watcher, gate), interval);
        evaluatorOfWatcher.set(evaluator);
        evaluator.start();
        try {
            Poll.until("a first evaluation", Duration.ofSeconds(5), evaluator::current, x -> x != null && x.results().containsKey("heap"));
            gate.pass();
            long passedAt = System.nanoTime();
            Poll.until("/started 200", Duration.ofSeconds(2), () -> evaluator.current().started().code(), c -> c == 200);
            long startedMillis = (System.nanoTime() - passedAt) / 1_000_000;
            assertEquals(0, watcher.startedCalls(), "told in the prompt evaluation that said started (" + startedMillis + " ms after the pass)");
            Poll.until("told of the start", Duration.ofSeconds(10), watcher::startedCalls, c -> c == 1);
            long toldMillis = (System.nanoTime() - passedAt) / 1_000_000;
            assertTrue(toldMillis >= interval / 2, "told " + toldMillis + " ms after the gate passed, with a " + interval + " ms interval");
        } finally {
            evaluator.stop();
        }
        assertEquals(1, watcher.startedCalls(), "once");
    }

    @Test
    void aPassedGateIsLatchedAndNoLongerEvaluated() {
        StubCheck gate = StubCheck.gate("after:com.acme.App.start", false);
        Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(heap, gate), 1000);
        evaluator.evaluateOnce();
        gate.pass();
        Snapshot s = evaluator.evaluateOnce();
        assertTrue(s.isStarted());
        assertEquals(200, s.started().code());
        assertEquals(200, s.ready(System.nanoTime()).code());
        int evaluations = gate.evaluations();
        gate.set(CheckResult.of(Status.UNHEALTHY, "would fail again", null));
        s = evaluator.evaluateOnce();
        assertEquals(evaluations, gate.evaluations(), "a latched gate is not evaluated again");
        assertEquals(200, s.started().code());
        assertEquals("healthy", Json.at(json(s.started()), "checks", "after:com.acme.App.start", "status"));
        assertEquals(200, s.ready(System.nanoTime()).code());
    }

    @Test
    void aGateThatKeepsJudgingFailsReadinessAfterStartButStartedStays200() {
        StubCheck port = StubCheck.gate("port:8080", true);
        Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(heap, port), 1000);
        port.pass();
        assertEquals(200, evaluator.evaluateOnce().started().code());
        port.set(CheckResult.of(Status.UNHEALTHY, "port 8080 is no longer listening", null));
        Snapshot s = evaluator.evaluateOnce();
        long now = System.nanoTime();
        assertEquals(200, s.started().code(), "/started stays 200 once passed");
        assertEquals(503, s.ready(now).code());
        assertEquals("port 8080 is no longer listening", Json.at(json(s.ready(now)), "checks", "port:8080", "reason"));
        assertEquals(200, s.live(now).code());
        port.pass();
        assertEquals(200, evaluator.evaluateOnce().ready(System.nanoTime()).code());
    }

    @Test
    void startedNeedsEveryGate() {
        StubCheck a = StubCheck.gate("port:1", false);
        StubCheck b = StubCheck.gate("port:2", false);
        Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(a, b), 1000);
        a.pass();
        Snapshot s = evaluator.evaluateOnce();
        assertEquals(503, s.started().code());
        assertEquals("not started: waiting for port:2", json(s.started()).get("reason"));
        b.pass();
        assertEquals(200, evaluator.evaluateOnce().started().code());
    }

    @Test
    void withoutGatesTheFirstEvaluationStarts() {
        Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(heap), 1000);
        Snapshot s = evaluator.evaluateOnce();
        assertEquals(200, s.started().code());
        assertTrue(((Map<?, ?>) json(s.started()).get("checks")).isEmpty());
    }

    @Test
    void aGateThatPassesIsPublishedWithinMillisecondsNotAtTheNextInterval() {
        StubCheck polled = StubCheck.gate("port:8080", false);
        Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(heap, polled), 60_000);
        evaluator.start();
        try {
            Poll.until("a first evaluation", Duration.ofSeconds(5), evaluator::current, x -> x != null && x.results().containsKey("heap"));
            long passedAt = System.nanoTime();
            polled.pass();
            Poll.until("/started 200", Duration.ofSeconds(2), () -> evaluator.current().started().code(), c -> c == 200);
            long millis = (System.nanoTime() - passedAt) / 1_000_000;
            assertTrue(millis < 500, "published after " + millis + " ms with a 60 s interval");
        } finally {
            evaluator.stop();
        }
    }

    @Test
    void publishNowEvaluatesAtOnceWithALongInterval() {
        StubCheck signalled = StubCheck.gate("after:X.run", false);
        Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(heap), 60_000);
        evaluator.start();
        try {
            Snapshot first = Poll.until("a first evaluation", Duration.ofSeconds(5), evaluator::current,
                    x -> x != null && x.results().containsKey("heap"));
            evaluator.publishNow();
            Poll.until("a new snapshot", Duration.ofSeconds(1), evaluator::current, x -> x != first);
        } finally {
            evaluator.stop();
        }
        assertEquals(0, signalled.evaluations());
    }
}
