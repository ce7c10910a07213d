package io.jvmhealth.agent.health;

import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.StubCheck;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Applications that stop serving while the JVM lives on: the watch of a passed gate is edge-triggered (a stop and a
 * recovery each publish at once; an application that stays stopped costs no evaluation per watch period), and a stop
 * seen on the application's own thread is published before that call returns, and not undone by an evaluation that
 * was under way.
 */
class StoppedServingTest {

    /** A passed gate that watches a flag, counting its evaluations and watch calls. */
    private static final class WatchingGate implements HealthCheck {
        final AtomicBoolean serving = new AtomicBoolean(true);
        final AtomicInteger evaluations = new AtomicInteger();
        final AtomicInteger watched = new AtomicInteger();

        @Override
        public String name() {
            return "app:x";
        }

        @Override
        public Role role() {
            return Role.STARTUP;
        }

        @Override
        public boolean judgesReadinessOncePassed() {
            return true;
        }

        @Override
        public long watchMillis() {
            return 20;
        }

        @Override
        public boolean stillPassesNow() {
            watched.incrementAndGet();
            return serving.get();
        }

        @Override
        public CheckResult evaluate() {
            evaluations.incrementAndGet();
            return serving.get() ? CheckResult.healthy(null) : CheckResult.of(Status.UNHEALTHY, "x stopped", null);
        }
    }

    @Test
    void aStoppedApplicationCostsNoEvaluationPerWatchPeriodAndItsRecoveryIsPublishedAtOnce() {
        WatchingGate gate = new WatchingGate();
        Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(gate), 60_000);
        evaluator.start();
        try {
            Poll.until("started", Duration.ofSeconds(10), evaluator::current, s -> s != null && s.isStarted());
            gate.serving.set(false);
            Poll.until("/ready 503", Duration.ofSeconds(5), evaluator::current, s -> s.ready(System.nanoTime()).code() == 503);
            int evaluationsThen = gate.evaluations.get();
            int watchedThen = gate.watched.get();
            Poll.until("ten more watch periods", Duration.ofSeconds(10), gate.watched::get, n -> n >= watchedThen + 10);
            assertEquals(evaluationsThen, gate.evaluations.get(), "no evaluation while it stays stopped");
            gate.serving.set(true);
            Snapshot back = Poll.until("/ready 200 again", Duration.ofSeconds(5), evaluator::current,
                    s -> s.ready(System.nanoTime()).code() == 200);
            assertEquals(Status.HEALTHY, back.results().get("app:x").status());
        } finally {
            evaluator.stop();
        }
    }

    @Test
    void aStopSeenOnTheApplicationsThreadIsPublishedBeforeTheCallReturns() {
        StubCheck gate = StubCheck.gate("app:tomcat", true).pass();
        Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(StubCheck.readiness("heap"), gate), 60_000);
        Snapshot before = evaluator.evaluateOnce();
        assertEquals(200, before.ready(System.nanoTime()).code());

        evaluator.stoppedServing("app:tomcat", CheckResult.of(Status.UNHEALTHY, "Tomcat's service is stopping (state STOPPING_PREP)", null));
        Snapshot s = evaluator.current();
        long now = System.nanoTime();
        assertEquals(503, s.ready(now).code(), "published on the caller's thread");
        assertEquals(200, s.started().code());
        assertEquals(200, s.live(now).code());
        String verbose = new String(s.text(Probe.READY, now).fullBody(), StandardCharsets.UTF_8);
        assertTrue(verbose.contains("[-]app:tomcat failed: Tomcat's service is stopping (state STOPPING_PREP)"), verbose);
        assertEquals(before.epochMillis(), s.epochMillis(), "the last evaluation, rewritten");
        assertTrue(s.transitions().stream().anyMatch(t -> t.check().equals("/ready") && "503".equals(t.to())), "a /ready transition");
        String history = new String(s.history().fullBody(), StandardCharsets.UTF_8);
        assertTrue(history.contains("Tomcat's service is stopping"), history);

        // an evaluation that began after the stop judges for itself (the gate still says healthy here: it serves again)
        Snapshot next = evaluator.evaluateOnce();
        assertEquals(200, next.ready(System.nanoTime()).code());
    }

    @Test
    void anEvaluationUnderWayWhenTheStopIsSeenDoesNotUndoIt() throws Exception {
        StubCheck gate = StubCheck.gate("app:jetty", true).pass();
        StubCheck slow = StubCheck.readiness("slow");
        Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(gate, slow), 60_000);
        evaluator.evaluateOnce();
        slow.block();
        Thread evaluation = new Thread(evaluator::evaluateOnce, "evaluation-under-way");
        evaluation.start();
        Poll.until("the evaluation to be inside the slow check", Duration.ofSeconds(5), slow::evaluations, n -> n >= 2);
        // the gate was judged healthy by that evaluation, before the stop
        evaluator.stoppedServing("app:jetty", CheckResult.of(Status.UNHEALTHY, "Jetty's server is stopping (state STOPPING)", null));
        assertEquals(503, evaluator.current().ready(System.nanoTime()).code());
        slow.release();
        evaluation.join(5000);
        Snapshot after = evaluator.current();
        assertEquals(503, after.ready(System.nanoTime()).code(), "the evaluation that began before the stop keeps it");
        assertEquals("Jetty's server is stopping (state STOPPING)", Json.at(Json.parseObject(
                new String(after.ready(System.nanoTime()).fullBody(), StandardCharsets.UTF_8)), "checks", "app:jetty", "reason"));
        gate.set(CheckResult.of(Status.UNHEALTHY, "Jetty's server has stopped (state STOPPED)", null));
        Snapshot judged = evaluator.evaluateOnce();
        assertEquals("Jetty's server has stopped (state STOPPED)", judged.results().get("app:jetty").reason(),
                "a later evaluation judges by itself");
    }

    @Test
    void aStopBeforeTheStartOrOfAGateNotJudgingReadinessOnlyAsksForAnEvaluation() {
        StubCheck gate = StubCheck.gate("app:x", false).pass();
        Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(gate), 60_000);
        evaluator.stoppedServing("app:x", CheckResult.of(Status.UNHEALTHY, "stopped", null)); // nothing published yet
        evaluator.evaluateOnce();
        evaluator.stoppedServing("app:x", CheckResult.of(Status.UNHEALTHY, "stopped", null));
        LockSupport.parkNanos(1_000_000);
        assertEquals(200, evaluator.current().ready(System.nanoTime()).code(), "a latched gate does not judge readiness");
    }
}
