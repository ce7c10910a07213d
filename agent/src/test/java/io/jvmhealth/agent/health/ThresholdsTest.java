package io.jvmhealth.agent.health;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flap damping: a figure that sits on its threshold holds the worse status; a clear recovery or a long one ends the hold. */
class ThresholdsTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** Heap after GC alternating 94 % / 96 % around unhealthy at 95 %, an evaluation every 5 s for 10 minutes: one transition. */
    @Test
    void aFigureAlternatingAroundTheThresholdMakesOneTransition() {
        Thresholds t = new Thresholds(0.85, 0.95, 0.05, 60_000);
        Status last = Status.HEALTHY;
        int transitions = 0;
        String heldNote = null;
        for (int i = 0; i < 120; i++) {
            Thresholds.Verdict v = t.judge(i % 2 == 0 ? 0.96 : 0.94, i * 5 * SECOND);
            if (v.status() != last) {
                transitions++;
                last = v.status();
            }
            if (v.held() != null) {
                heldNote = v.held();
            }
        }
        assertEquals(1, transitions, "healthy -> unhealthy once, then held");
        assertEquals(Status.UNHEALTHY, last);
        assertEquals("held unhealthy by flap damping: back under 95.0% for 0 s; degraded once under 90.3% or after 60 s under 95.0%",
                heldNote);
    }

    /** The same alternation without damping flips at every evaluation: what the damping is for. */
    @Test
    void withoutDampingTheSameFigureFlipsAtEveryEvaluation() {
        Thresholds t = Thresholds.undamped(0.85, 0.95);
        Status last = Status.HEALTHY;
        int transitions = 0;
        for (int i = 0; i < 120; i++) {
            Status s = t.judge(i % 2 == 0 ? 0.96 : 0.94, i * 5 * SECOND).status();
            if (s != last) {
                transitions++;
                last = s;
            }
        }
        assertEquals(120, transitions);
    }

    @Test
    void aRecoveryPastTheMarginIsAtOnceAndOneWithinItAfterTheHoldTime() {
        Thresholds t = new Thresholds(0.85, 0.95, 0.05, 60_000);
        assertEquals(Status.UNHEALTHY, t.judge(0.97, 0).status());
        Thresholds.Verdict clear = t.judge(0.50, SECOND);
        assertEquals(Status.HEALTHY, clear.status(), "below 85% less 5% of it: at once");
        assertNull(clear.held());

        assertEquals(Status.UNHEALTHY, t.judge(0.97, 2 * SECOND).status());
        Thresholds.Verdict partly = t.judge(0.88, 3 * SECOND);
        assertEquals(Status.DEGRADED, partly.status(), "past unhealthy's margin (90.25%), not yet degraded's (80.75%)");
        assertNull(partly.held(), "degraded is what 88% is: nothing held");

        assertEquals(Status.UNHEALTHY, t.judge(0.97, 4 * SECOND).status());
        Thresholds.Verdict held = t.judge(0.93, 5 * SECOND);
        assertEquals(Status.UNHEALTHY, held.status(), "93% is within the margin: held");
        assertTrue(held.held().startsWith("held unhealthy by flap damping"), held.held());
        assertEquals(Status.UNHEALTHY, t.judge(0.93, 64 * SECOND).status(), "59 s under the threshold: still held");
        assertEquals(Status.DEGRADED, t.judge(0.93, 65 * SECOND).status(), "60 s under it: recovered");
    }

    /** Through the evaluator: the history keeps one transition for the check. */
    @Test
    void theHistoryKeepsOneTransitionForAFlappingFigure() {
        final Thresholds t = new Thresholds(0.85, 0.95, 0.05, 60_000);
        final double[] figure = {0.96};
        final long[] clock = {0};
        HealthCheck heap = new HealthCheck() {
            @Override
            public String name() {
                return "heap";
            }

            @Override
            public CheckResult evaluate() {
                Thresholds.Verdict v = t.judge(figure[0], clock[0]);
                return CheckResult.of(v.status(), "heap after GC is " + figure[0] + (v.held() == null ? "" : "; " + v.held()), null);
            }
        };
        Evaluator evaluator = new Evaluator(Collections.singletonList(heap), 60_000);
        for (int i = 0; i < 40; i++) {
            figure[0] = i % 2 == 0 ? 0.96 : 0.94;
            clock[0] = i * 5 * SECOND;
            evaluator.evaluateOnce();
        }
        long heapTransitions = evaluator.current().transitions().stream().filter(x -> x.check().equals("heap")).count();
        assertEquals(1, heapTransitions, evaluator.current().transitions().toString());
        String reason = evaluator.current().results().get("heap").reason();
        assertTrue(reason.contains("held unhealthy by flap damping"), reason);
    }
}
