package io.jvmhealth.agent.health;

import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.StubCheck;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /health/history: the transitions in order, with reasons, bounded; the counters and times of /metrics. */
class HistoryTest {
    private final StubCheck deadlock = StubCheck.liveness("deadlock");
    private final StubCheck heap = StubCheck.readiness("heap");
    private final Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(deadlock, heap), 60_000);

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> transitions(Reply r, boolean full) {
        return (List<Map<String, Object>>) Json.parseObject(new String(full ? r.fullBody() : r.briefBody(), StandardCharsets.UTF_8))
                .get("transitions");
    }

    @Test
    void aDeadlockThenAHeapDegradedAndBackAreListedInOrderWithReasons() {
        evaluator.evaluateOnce();
        deadlock.set(CheckResult.of(Status.UNHEALTHY, "2 threads deadlocked: \"a\" waits for b", null));
        evaluator.evaluateOnce();
        deadlock.set(CheckResult.healthy(null));
        heap.set(CheckResult.of(Status.DEGRADED, "heap after GC is 90% of max (degraded at 85%)", null));
        evaluator.evaluateOnce();
        heap.set(CheckResult.healthy(null));
        Snapshot s = evaluator.evaluateOnce();

        List<Map<String, Object>> t = transitions(s.history(), true);
        StringBuilder seen = new StringBuilder();
        for (Map<String, Object> e : t) {
            seen.append(e.get("check")).append(' ').append(e.get("from")).append("->").append(e.get("to")).append('\n');
        }
        assertEquals("/ready 503->200\n/started 503->200\n/health 503->200\n"
                + "deadlock healthy->unhealthy\n/live 200->503\n/ready 200->503\n/health 200->503\n"
                + "deadlock unhealthy->healthy\nheap healthy->degraded\n/live 503->200\n/ready 503->200\n/health 503->200\n"
                + "heap degraded->healthy\n", seen.toString());
        assertEquals("2 threads deadlocked: \"a\" waits for b", t.get(3).get("reason"));
        assertEquals("deadlock: 2 threads deadlocked: \"a\" waits for b", t.get(4).get("reason"), "a path's reason names its failing checks");
        assertTrue(String.valueOf(t.get(0).get("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), t.get(0).toString());
        assertNull(transitions(s.history(), false).get(3).get("reason"), "without details: no reasons");

        String text = new String(s.historyText().fullBody(), StandardCharsets.UTF_8);
        assertTrue(text.contains(" deadlock healthy -> unhealthy: 2 threads deadlocked: \"a\" waits for b\n"), text);

        String metrics = new String(s.metrics(false, System.nanoTime()), StandardCharsets.UTF_8);
        assertTrue(metrics.contains("# TYPE jvmhealth_check_transitions_total counter\n"), metrics);
        assertTrue(metrics.contains("jvmhealth_check_transitions_total{check=\"deadlock\",status=\"unhealthy\"} 1\n"), metrics);
        assertTrue(metrics.contains("jvmhealth_check_transitions_total{check=\"deadlock\",status=\"healthy\"} 1\n"), metrics);
        assertTrue(metrics.contains("jvmhealth_check_transitions_total{check=\"heap\",status=\"degraded\"} 1\n"), metrics);
        assertTrue(metrics.contains("jvmhealth_check_last_transition_timestamp_seconds{check=\"heap\"} "), metrics);
        assertTrue(metrics.contains("jvmhealth_check_evaluation_duration_seconds{check=\"heap\"} "), metrics);
    }

    @Test
    void theHistoryIsBoundedAfterTenThousandTransitions() {
        History h = new History();
        String huge = "x".repeat(5000);
        for (int i = 0; i < 10_000; i++) {
            h.add(new History.Transition(i, "check-" + i, "healthy", "unhealthy", huge));
        }
        assertEquals(History.MAX_ENTRIES, h.entries().size());
        assertEquals("check-" + (10_000 - History.MAX_ENTRIES), h.entries().get(0).check(), "the oldest went first");
        assertEquals("check-9999", h.entries().get(History.MAX_ENTRIES - 1).check());
        Map<String, Object> body = Json.parseObject(new String(h.reply().fullBody(), StandardCharsets.UTF_8));
        assertEquals(10_000L, ((Number) body.get("total")).longValue());
        assertTrue(h.reply().fullBody().length < 120_000, "bytes: " + h.reply().fullBody().length);
        for (History.Transition t : h.entries()) {
            assertEquals(History.MAX_REASON_CHARS + 3, t.reason().length(), "reason cut");
        }
        // through the evaluator too: a check that flips 100 times (three transitions each: the check, /ready, /health) stays bounded
        for (int i = 0; i < 100; i++) {
            heap.set(i % 2 == 0 ? CheckResult.of(Status.UNHEALTHY, huge, null) : CheckResult.healthy(null));
            evaluator.evaluateOnce();
        }
        assertEquals(History.MAX_ENTRIES, evaluator.current().transitions().size());
        assertFalse(new String(evaluator.current().history().fullBody(), StandardCharsets.UTF_8).contains(huge));
    }

    @Test
    void aShutdownIsATransition() {
        evaluator.evaluateOnce();
        evaluator.shutdown(Shutdown.stopping("SIGTERM"));
        List<History.Transition> t = evaluator.current().transitions();
        History.Transition last = t.get(t.size() - 1);
        assertEquals("/ready", last.check());
        assertEquals("503", last.to());
        assertEquals("shutdown", t.get(t.size() - 2).check());
        assertEquals("stopping", t.get(t.size() - 2).to());
    }
}
