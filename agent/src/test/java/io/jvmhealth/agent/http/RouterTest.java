package io.jvmhealth.agent.http;

import io.jvmhealth.agent.health.checks.HeapCheck;
import io.jvmhealth.agent.testing.StubCheck;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Snapshot;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.testing.Json;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each path and query answers, from snapshots of checks whose results the test sets. */
class RouterTest {

    /** A check whose result the test sets. */
    private final StubCheck deadlock = StubCheck.liveness("deadlock");
    private final StubCheck heap = StubCheck.readiness("heap").families(HeapCheck.USED_AFTER_GC_BYTES, HeapCheck.MAX_BYTES);
    private final StubCheck threads = StubCheck.readiness("threads");
    private final Evaluator evaluator = new Evaluator(Arrays.<HealthCheck>asList(deadlock, heap, threads), 1000);

    private static Answer get(String target, boolean details, Snapshot snapshot, long now) {
        byte[] head = ("GET " + target + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII);
        return Router.route(head, 4, 4 + target.length(), details, snapshot, now);
    }

    private Answer get(String target, boolean details, Snapshot snapshot) {
        return get(target, details, snapshot, System.nanoTime());
    }

    private static String text(Answer a) {
        return new String(a.body, StandardCharsets.UTF_8);
    }

    private Snapshot heapDegradedThreadsUnhealthy() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("usedAfterGcBytes", 900L);
        details.put("maxBytes", 1000L);
        details.put("pools", Arrays.asList("G1 Old Gen"));
        heap.set(CheckResult.of(Status.DEGRADED, "heap after GC is 90% of max (degraded at 85%)", details).with(900, 1000));
        threads.set(CheckResult.of(Status.UNHEALTHY, "9000 live threads\n(unhealthy at 5000)", null));
        return evaluator.evaluateOnce();
    }

    @Test
    void verboseListsTheChecksThatDecidedWithReasonsAndKeepsTheStatusCode() {
        Snapshot s = heapDegradedThreadsUnhealthy();
        Answer ready = get("/ready?verbose", true, s);
        assertEquals(503, ready.code);
        assertEquals(Answer.TEXT, ready.contentType);
        assertEquals("[+]deadlock ok\n[+]heap ok\n[-]threads failed: 9000 live threads\\n(unhealthy at 5000)\n/ready check failed\n", text(ready));
        Answer live = get("/live?verbose=true", true, s);
        assertEquals(200, live.code);
        assertEquals("[+]deadlock ok\n/live check passed\n", text(live));
        assertEquals(503, get("/health?verbose", true, s).code);
    }

    @Test
    void verboseWithoutDetailsLeavesReasonsOut() {
        Snapshot s = heapDegradedThreadsUnhealthy();
        assertEquals("[+]deadlock ok\n[+]heap ok\n[-]threads failed\n/ready check failed\n", text(get("/ready?verbose", false, s)));
    }

    @Test
    void verboseFalseAndUnknownParametersAreIgnored() {
        Snapshot s = heapDegradedThreadsUnhealthy();
        assertSame(get("/ready", true, s), get("/ready?verbose=false", true, s));
        assertSame(get("/ready", true, s), get("/ready?foo=bar&x", true, s));
        assertSame(get("/ready", true, s), get("/ready#frag", true, s));
        assertSame(get("/ready", true, s), get("/ready?exclude=&exclude", true, s));
        assertEquals("[+]deadlock ok\n[+]heap ok\n[-]threads failed\n/ready check failed\n", text(get("/ready?verbose&exclude=", false, s)));
    }

    @Test
    void excludeLeavesTheCheckOutOfReadyAndHealthAndNamesUnknownNames() {
        Snapshot s = heapDegradedThreadsUnhealthy();
        Answer ready = get("/ready?exclude=threads", true, s);
        assertEquals(200, ready.code);
        Map<String, Object> body = Json.parseObject(text(ready));
        assertEquals("degraded", body.get("status"));
        assertEquals(Arrays.asList("deadlock", "heap"), Arrays.asList(((Map<?, ?>) body.get("checks")).keySet().toArray()));
        assertEquals(s.timestamp(), body.get("timestamp"));

        Answer verbose = get("/ready?verbose&exclude=threads&exclude=nope&exclude=n%22q", true, s);
        assertEquals(200, verbose.code);
        assertEquals("[+]deadlock ok\n[+]heap ok\nwarn: some health checks cannot be excluded: no matches for \"nope\",\"n\"q\"\n"
                + "/ready check passed\n", text(verbose));

        Answer health = get("/health?exclude=threads&exclude=heap", true, s);
        assertEquals(200, health.code);
        assertEquals("healthy", Json.parseObject(text(health)).get("status"));
        assertEquals("{\"status\":\"healthy\"}", text(get("/health?exclude=threads&exclude=heap", false, s)));
    }

    @Test
    void excludeOfOnlyUnknownNamesAnswersThePreparedBodyAndWarnsInVerbose() {
        Snapshot s = heapDegradedThreadsUnhealthy();
        assertEquals(text(get("/ready", true, s)), text(get("/ready?exclude=nope", true, s)));
        assertEquals("[+]deadlock ok\n[+]heap ok\n[-]threads failed\nwarn: some health checks cannot be excluded: no matches for \"nope\"\n"
                + "/ready check failed\n", text(get("/ready?exclude=nope&verbose", false, s)));
    }

    @Test
    void excludeDoesNotApplyToLiveNorStarted() {
        deadlock.set(CheckResult.of(Status.UNHEALTHY, "threads are deadlocked", null));
        Snapshot s = evaluator.evaluateOnce();
        assertEquals(503, get("/live?exclude=deadlock", true, s).code);
        assertEquals("[-]deadlock failed: threads are deadlocked\n/live check failed\n", text(get("/live?exclude=deadlock&verbose", true, s)));
    }

    @Test
    void perCheckPathAnswersThatCheckAloneAnd404ForOtherNames() {
        Snapshot s = heapDegradedThreadsUnhealthy();
        Answer heapAnswer = get("/health/heap", true, s);
        assertEquals(200, heapAnswer.code);
        assertEquals(Answer.JSON, heapAnswer.contentType);
        Map<String, Object> body = Json.parseObject(text(heapAnswer));
        assertEquals("degraded", body.get("status"));
        assertEquals("heap after GC is 90% of max (degraded at 85%)", body.get("reason"));
        assertEquals(900L, ((Number) Json.at(body, "details", "usedAfterGcBytes")).longValue());
        assertEquals("{\"status\":\"degraded\"}", text(get("/health/heap", false, s)));
        assertEquals(503, get("/health/threads", true, s).code);
        assertEquals("[-]threads failed\n/health/threads check failed\n", text(get("/health/threads?verbose", false, s)));
        assertEquals("[+]heap ok\n/health/heap check passed\n", text(get("/health/heap?verbose", true, s)));
        assertEquals(404, get("/health/nope", true, s).code);
        assertEquals(404, get("/health/", true, s).code);
        assertEquals(404, get("/health/heap/x", true, s).code);
        assertEquals(404, get("/healthy", true, s).code);
    }

    @Test
    void pendingGateHoldsReadyAndExcludingItDoesNotMakeReadyPassBeforeStarted() {
        StubCheck gate = StubCheck.gate("port:8080", true).set(CheckResult.of(Status.UNHEALTHY, "waiting for this JVM to listen on port 8080", null));
        Evaluator gated = new Evaluator(Arrays.<HealthCheck>asList(deadlock, heap, gate), 1000);
        Snapshot s = gated.evaluateOnce();
        assertEquals("[+]deadlock ok\n[+]heap ok\n[-]port:8080 failed: waiting for this JVM to listen on port 8080\n/ready check failed\n",
                text(get("/ready?verbose", true, s)));
        assertEquals("[-]port:8080 failed: waiting for this JVM to listen on port 8080\n/started check failed\n",
                text(get("/started?verbose", true, s)));
        Answer excluded = get("/ready?verbose&exclude=port%3A8080", true, s);
        assertEquals(503, excluded.code);
        assertEquals("[+]deadlock ok\n[+]heap ok\n[-]started failed: not started: waiting for port:8080\n/ready check failed\n", text(excluded));
        assertEquals(503, get("/health/port:8080", true, s).code);
        assertEquals(503, get("/health/port%3a8080", true, s).code);

        gate.pass();
        s = gated.evaluateOnce();
        assertEquals(200, get("/ready?exclude=port:8080", true, s).code);
        assertEquals("[+]port:8080 ok\n/started check passed\n", text(get("/started?verbose", true, s)));
    }

    @Test
    void aStaleEvaluationFailsVerboseAndPerCheckAnswersToo() {
        Snapshot s = heapDegradedThreadsUnhealthy();
        long later = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Answer ready = get("/ready?verbose&exclude=threads", true, s, later);
        assertEquals(503, ready.code);
        assertTrue(text(ready).startsWith("[-]evaluation failed: health evaluation stalled"), text(ready));
        assertTrue(text(ready).endsWith("\n/ready check failed\n"), text(ready));
        assertEquals(503, get("/health/heap", true, s, later).code);
        assertEquals(503, get("/live", true, s, later).code);
        assertTrue(text(get("/metrics", true, s, later)).contains("jvmhealth_up{endpoint=\"live\"} 0\n"));
    }

    @Test
    void beforeTheFirstEvaluationEveryCheckPathAnswersStarting() {
        Evaluator fresh = new Evaluator(Arrays.<HealthCheck>asList(heap), 1000);
        fresh.prepare();
        Snapshot initial = fresh.current();
        assertEquals(503, get("/health/heap", true, initial).code);
        assertEquals("[-]evaluation failed: starting: the first health evaluation has not completed\n/ready check failed\n",
                text(get("/ready?verbose", true, initial)));
        assertEquals(200, get("/live?verbose", true, initial).code);
    }

    @Test
    void metricsAreTheStateSetUpLinesAndFiguresWithUnitsOnlyWithDetails() {
        Snapshot s = heapDegradedThreadsUnhealthy();
        Answer full = get("/metrics?verbose", true, s);
        assertEquals(200, full.code);
        assertEquals("text/plain; version=0.0.4; charset=utf-8", full.contentType);
        String m = text(full);
        assertTrue(m.contains("jvmhealth_up{endpoint=\"live\"} 1\n"), m);
        assertTrue(m.contains("jvmhealth_up{endpoint=\"ready\"} 0\n"), m);
        assertTrue(m.contains("jvmhealth_up{endpoint=\"started\"} 1\n"), m);
        assertTrue(m.contains("jvmhealth_up{endpoint=\"health\"} 0\n"), m);
        assertTrue(m.contains("jvmhealth_check_status{check=\"heap\",status=\"healthy\"} 0\n"), m);
        assertTrue(m.contains("jvmhealth_check_status{check=\"heap\",status=\"degraded\"} 1\n"), m);
        assertTrue(m.contains("jvmhealth_check_status{check=\"threads\",status=\"unhealthy\"} 1\n"), m);
        assertTrue(m.contains("jvmhealth_check_used_after_gc_bytes{check=\"heap\"} 900\n"), m);
        assertTrue(m.contains("# TYPE jvmhealth_check_max_bytes gauge\n"), m);
        assertTrue(m.contains("jvmhealth_evaluation_age_seconds "), m);
        assertTrue(m.contains("jvmhealth_evaluation_duration_seconds "), m);
        assertTrue(m.contains("jvmhealth_info{version=\""), m);
        assertFalse(m.contains("pools"), m);

        String brief = text(get("/metrics", false, s));
        assertTrue(brief.contains("jvmhealth_check_status{check=\"heap\",status=\"degraded\"} 1\n"), brief);
        assertTrue(brief.contains("jvmhealth_evaluation_age_seconds "), brief);
        assertFalse(brief.contains("bytes"), brief);
        assertFalse(brief.contains("jvmhealth_info"), brief);
    }

    @Test
    void probesWithoutAQueryAllocateNothing() {
        Snapshot s = heapDegradedThreadsUnhealthy();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        byte[] head = "GET /ready HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] live = "GET /live HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 20_000; i++) { // warm up (and let the JIT settle)
            Router.route(head, 4, 10, true, s, System.nanoTime());
            Router.route(live, 4, 9, false, s, System.nanoTime());
        }
        long before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            Router.route(head, 4, 10, true, s, System.nanoTime());
            Router.route(live, 4, 9, false, s, System.nanoTime());
        }
        long allocated = mx.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < 64 * 1024, "200,000 probe routings allocated " + allocated + " bytes");
    }
}
