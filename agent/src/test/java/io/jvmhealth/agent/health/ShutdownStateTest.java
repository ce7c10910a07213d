package io.jvmhealth.agent.health;

import io.jvmhealth.agent.testing.Json;
import io.jvmhealth.agent.testing.Poll;
import io.jvmhealth.agent.testing.StubCheck;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JVM's end as the snapshots say it: /ready 503 at once, /live and /started untouched, every later evaluation agreeing. */
class ShutdownStateTest {
    private static Map<String, Object> json(Reply r) {
        return Json.parseObject(new String(r.fullBody(), StandardCharsets.UTF_8));
    }

    @Test
    void shutdownTurnsReadyUnavailableAtOnceAndLaterEvaluationsKeepIt() {
        StubCheck heap = StubCheck.readiness("heap");
        Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(StubCheck.liveness("deadlock"), heap), 60_000);
        Snapshot before = evaluator.evaluateOnce();
        long now = System.nanoTime();
        assertEquals(200, before.ready(now).code());

        evaluator.shutdown(Shutdown.stopping("SIGTERM"));
        Snapshot s = evaluator.current();
        assertEquals(503, s.ready(now).code(), "no evaluation needed");
        assertEquals(200, s.live(now).code());
        assertEquals(200, s.started().code());
        assertEquals(200, s.health(now).code(), "/health judges the checks; it says the shutdown in its body");
        assertEquals("shutting down (SIGTERM)", json(s.ready(now)).get("reason"));
        assertEquals("stopping", Json.at(json(s.health(now)), "shutdown", "state"));
        assertNull(json(s.live(now)).get("shutdown"));
        assertEquals(before.epochMillis(), s.epochMillis(), "the same evaluation, rewritten: its age is not renewed");
        String text = new String(s.text(Probe.READY, now).fullBody(), StandardCharsets.UTF_8);
        assertTrue(text.endsWith("[-]shutdown failed: shutting down (SIGTERM)\n/ready check failed\n"), text);
        String metrics = new String(s.metrics(true, now), StandardCharsets.UTF_8);
        assertTrue(metrics.contains("jvmhealth_shutdown{state=\"running\"} 0\n"), metrics);
        assertTrue(metrics.contains("jvmhealth_shutdown{state=\"stopping\"} 1\n"), metrics);
        assertTrue(metrics.contains("jvmhealth_up{endpoint=\"ready\"} 0\n"), metrics);

        Snapshot next = evaluator.evaluateOnce();
        assertEquals(503, next.ready(System.nanoTime()).code(), "an evaluation after the shutdown still says it");
        assertEquals("stopping", next.shutdown().state().word());
    }

    @Test
    void aDrainSaysWhenTheShutdownBegins() {
        Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(StubCheck.readiness("heap")), 60_000);
        evaluator.evaluateOnce();
        long ends = System.currentTimeMillis() + 3000;
        evaluator.shutdown(Shutdown.draining(3000, ends));
        Map<String, Object> ready = json(evaluator.current().ready(System.nanoTime()));
        assertTrue(String.valueOf(ready.get("reason")).startsWith("shutting down: draining for 3.0 s (shutdown.drain)"), ready.toString());
        assertEquals(UtcTime.iso(ends), Json.at(ready, "shutdown", "endsAt"));
    }

    /** A passed gate that watches its application: its stop is evaluated and published within its period, not at the interval. */
    @Test
    void aWatchingGateThatStopsIsEvaluatedAtOnce() throws Exception {
        AtomicBoolean serving = new AtomicBoolean(true);
        WatchingGate gate = new WatchingGate(serving);
        Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(gate), 60_000); // a minute: only the watch can be quick
        evaluator.start();
        try {
            Poll.until("started", Duration.ofSeconds(10), () -> evaluator.current(), s -> s != null && s.isStarted());
            Snapshot started = evaluator.current();
            assertEquals(200, started.ready(System.nanoTime()).code());
            long stopped = System.nanoTime();
            serving.set(false);
            Snapshot after = Poll.until("/ready 503 after the stop", Duration.ofSeconds(5), () -> evaluator.current(),
                    s -> s.ready(System.nanoTime()).code() == 503);
            long millis = (System.nanoTime() - stopped) / 1_000_000;
            assertTrue(millis < 1000, "published within the watch period, not the minute's interval: " + millis + " ms");
            assertEquals(200, after.started().code(), "/started stays 200");
            assertSame(Status.UNHEALTHY, after.results().get("app:x").status());
        } finally {
            evaluator.stop();
        }
    }

    private static final class WatchingGate implements HealthCheck {
        private final AtomicBoolean serving;

        WatchingGate(AtomicBoolean serving) {
            this.serving = serving;
        }

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
            return 50;
        }

        @Override
        public boolean stillPassesNow() {
            return serving.get();
        }

        @Override
        public CheckResult evaluate() {
            return serving.get() ? CheckResult.healthy(null) : CheckResult.of(Status.UNHEALTHY, "stopped serving", null);
        }
    }
}
