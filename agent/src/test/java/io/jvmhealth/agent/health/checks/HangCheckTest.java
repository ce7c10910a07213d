package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.health.checks.hang.PoolThreads;
import io.jvmhealth.agent.health.checks.hang.RequestPool;
import io.jvmhealth.agent.health.checks.hang.RequestPools;
import io.jvmhealth.agent.jmx.JmxAccess;
import io.jvmhealth.agent.jmx.JmxReader;
import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code hang} and {@code request-pool} over a scripted server (its pools as the test sets them), read on a real
 * {@link JmxReader}, on the test's clock: {@code hang.after} 5 s, {@code request-pool.after} 2 s, interval 1 s.
 */
class HangCheckTest {
    private static final Duration READ_WAIT = Duration.ofSeconds(10);
    private static final long S = TimeUnit.SECONDS.toNanos(1);
    private final MBeanServer mbeans = MBeanServerFactory.newMBeanServer();
    private final JmxReader reader = new JmxReader(500);
    private volatile long clock;
    private final Scripted server = new Scripted();
    private final RequestPoolWatch watch = new RequestPoolWatch(List.of(server), JmxAccess.immediate(mbeans), reader, 5000, 2000, 1000,
            () -> clock);
    private final HangCheck hang = new HangCheck(watch);
    private final RequestPoolCheck pool = new RequestPoolCheck(watch);

    /** A server whose pools are what the test says now; a read may be made to block. */
    private final class Scripted implements RequestPools {
        volatile List<RequestPool> pools = List.of();
        volatile CountDownLatch block;
        volatile MBeanServer seen;
        volatile boolean began;

        @Override
        public String server() {
            return "scripted";
        }

        @Override
        public void read(MBeanServer mbeans, PoolThreads threads, List<RequestPool> into) throws InterruptedException {
            seen = mbeans;
            began = true;
            CountDownLatch b = block;
            if (b != null) {
                b.await();
            }
            into.addAll(pools);
        }
    }

    private static RequestPool pool(String name, int busy, int max, long completed) {
        return new RequestPool("scripted", name, busy, max, completed, "the test", completed < 0 ? "no count" : null);
    }

    @AfterEach
    void close() {
        server.block = null;
        hang.close();
    }

    /** At second {@code t}: a read of the pools as they are, then both checks judge it. */
    private CheckResult[] at(long t) throws InterruptedException {
        clock = t * S;
        hang.evaluate(t * S);
        Poll.until("the read to return", READ_WAIT, watch::reading, reading -> !reading);
        return new CheckResult[] {hang.evaluate(t * S), pool.evaluate(t * S)};
    }

    @Test
    void bothAreLeftOutUntilAPoolIsFound() throws Exception {
        CheckResult[] r = at(0);
        assertTrue(r[0].isAbsent() && r[1].isAbsent(), "no pool yet");
        assertEquals(mbeans, server.seen, "the application's MBeanServer is handed to the read");
        server.pools = List.of(pool("http-8080", 0, 4, 0));
        r = at(1);
        assertEquals(Status.HEALTHY, r[0].status());
        assertEquals(Status.HEALTHY, r[1].status());
    }

    @Test
    void everyThreadBlockedIsNotReadyAfterTwoSecondsAndHungAfterFive() throws Exception {
        server.pools = List.of(pool("http-8080", 4, 4, 10));
        for (long t = 0; t <= 7; t++) {
            CheckResult[] r = at(t);
            Status live = t < 2 ? Status.HEALTHY : t < 5 ? Status.DEGRADED : Status.UNHEALTHY;
            Status ready = t < 2 ? Status.DEGRADED : Status.UNHEALTHY;
            assertEquals(live, r[0].status(), "hang at " + t + ": " + r[0].reason());
            assertEquals(ready, r[1].status(), "request-pool at " + t + ": " + r[1].reason());
        }
        CheckResult[] r = at(8);
        assertEquals("scripted http-8080: all 4 request threads busy and no request completed for 8s (hung after 5s)", r[0].reason());
        assertTrue(r[1].reason().startsWith("scripted http-8080: all 4 request threads busy and no request completed for 8s"), r[1].reason());
        assertEquals(4.0, r[0].figure(0));
        assertEquals(4.0, r[0].figure(1));
        assertEquals(10.0, r[0].figure(2));
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) ((List<?>) r[0].details().get("pools")).get(0);
        assertEquals(8L, first.get("stalledSeconds"));
        assertEquals(5L, r[0].details().get("hangAfterSeconds"));
        assertTrue(((Number) r[0].details().get("readMicros")).longValue() >= 0, "the latest read's cost: " + r[0].details());
    }

    @Test
    void aServerBusyButCompletingIsNeverHungAndOneCompletionEndsAStall() throws Exception {
        long completed = 0;
        for (long t = 0; t <= 30; t++) {
            server.pools = List.of(pool("http-8080", 4, 4, completed += (t % 4 == 0 ? 1 : 0))); // one request every 4 s
            CheckResult[] r = at(t);
            assertTrue(r[0].status() != Status.UNHEALTHY, "hang at " + t + ": " + r[0].reason());
        }
        server.pools = List.of(pool("http-8080", 4, 4, completed));
        for (long t = 31; t <= 36; t++) {
            at(t);
        }
        assertEquals(Status.UNHEALTHY, at(37)[0].status(), "stalled since 31");
        server.pools = List.of(pool("http-8080", 4, 4, completed + 1));
        CheckResult[] r = at(38);
        assertEquals(Status.HEALTHY, r[0].status(), "a completion ends it at once");
        assertEquals(Status.DEGRADED, r[1].status(), "still every thread busy: degraded");
    }

    @Test
    void aPoolWithoutACompletionCountIsNeverHungAndSaysSo() throws Exception {
        server.pools = List.of(pool("qtp1", 6, 6, -1));
        for (long t = 0; t <= 20; t++) {
            CheckResult[] r = at(t);
            assertEquals(Status.HEALTHY, r[0].status(), "at " + t);
            assertEquals(Status.DEGRADED, r[1].status(), "at " + t);
        }
        CheckResult[] r = at(21);
        assertEquals("scripted qtp1: all 6 request threads busy (completions not counted: never judged hung)", r[1].reason());
        assertTrue(Double.isNaN(r[0].figure(2)), "no completion figure");
        @SuppressWarnings("unchecked")
        Map<String, Object> first = (Map<String, Object>) ((List<?>) r[0].details().get("pools")).get(0);
        assertEquals("no count", first.get("note"));
    }

    @Test
    void theWorstPoolDecides() throws Exception {
        for (long t = 0; t <= 6; t++) {
            server.pools = List.of(pool("admin", 1, 4, t), pool("http-8080", 8, 8, 3));
            at(t);
        }
        CheckResult r = at(7)[0];
        assertEquals(Status.UNHEALTHY, r.status());
        assertTrue(r.reason().startsWith("scripted http-8080: all 8 request threads"), r.reason());
        assertEquals(8.0, r.figure(0));
        assertEquals(2, ((List<?>) r.details().get("pools")).size());
    }

    @Test
    void aReadThatBlocksIsNoVerdictAndTheDetailsSaySo() throws Exception {
        server.pools = List.of(pool("http-8080", 4, 4, 10));
        at(0);
        at(1);
        server.block = new CountDownLatch(1);
        server.began = false;
        clock = 2 * S;
        hang.evaluate(2 * S); // the read that blocks
        // the reader thread takes its start time from the test's clock: wait until it has (a loaded machine may start it
        // late, when the clock below has moved on and the read would look just started)
        Poll.until("the blocking read to begin", READ_WAIT, () -> server.began, began -> began);
        for (long t = 3; t <= 12; t++) {
            clock = t * S;
            CheckResult r = hang.evaluate(t * S);
            assertTrue(r.status() != Status.UNHEALTHY, "at " + t + ": " + r.reason());
        }
        CheckResult r = hang.evaluate(12 * S);
        assertTrue(String.valueOf(r.details().get("read")).startsWith("the pools' read has not returned after "), r.details().toString());
        server.block.countDown();
        server.block = null;
        Poll.until("the released read to return", READ_WAIT, watch::reading, reading -> !reading);
        CheckResult after = at(13)[0];
        assertNull(after.details().get("read"), after.details().toString());
        assertTrue(after.status() != Status.UNHEALTHY, "a gap: the stall starts afresh");
    }

    @Test
    void aServerThatStopsTakesItsPoolsJudgementWithIt() throws Exception {
        server.pools = List.of(pool("http-8080", 4, 4, 10));
        for (long t = 0; t <= 6; t++) {
            at(t);
        }
        server.pools = new ArrayList<>();
        CheckResult[] r = at(7);
        assertTrue(r[0].isAbsent(), "no pool: left out");
        server.pools = List.of(pool("http-8080", 4, 4, 10));
        assertEquals(Status.HEALTHY, at(8)[0].status(), "judged afresh");
    }
}
