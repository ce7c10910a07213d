package io.jvmhealth.agent.health.checks.hang;

import io.jvmhealth.agent.base.AgentThreads;
import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The search on its own thread: named, paced, publishing when its answer changes, keeping its last answer, ending on close. */
class VirtualDeadlockWatchTest {
    /** Candidates the test sets; counts the walks; throws while told to. */
    private static final class Source implements VirtualDeadlocks.Source {
        volatile List<Object[]> candidates = new ArrayList<>();
        final AtomicInteger walks = new AtomicInteger();
        volatile boolean fail;

        @Override
        public boolean virtualThreadsUsed() {
            return true;
        }

        @Override
        public ThreadInternals.Walk walk() {
            walks.incrementAndGet();
            if (fail) {
                throw new OutOfMemoryError("test");
            }
            List<Object[]> rows = candidates;
            return new ThreadInternals.Walk(new Object[] {10L, 8L, 0L, rows, new long[0], true, (long) rows.size()});
        }

        @Override
        public String dump(ThreadDumpReader reader, long expectedThreads) {
            return "not in this test";
        }

        @Override
        public long cpuNanos() {
            return System.nanoTime();
        }
    }

    private static List<Object[]> cycle() {
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {31L, "va", true, "BLOCKED", "java.lang.Object@a1", null, -1L, null, false, new String[] {"java.lang.Object@b2"},
                new String[] {"app.A.run(A.java:1)"}, null});
        rows.add(new Object[] {32L, "vb", true, "BLOCKED", "java.lang.Object@b2", null, -1L, null, false, new String[] {"java.lang.Object@a1"},
                new String[] {"app.B.run(B.java:1)"}, null});
        return rows;
    }

    @Test
    void aDeadlockIsConfirmedByTheSecondSearchAndPublishedAtOnce() throws IOException {
        Source source = new Source();
        source.candidates = cycle();
        AtomicInteger published = new AtomicInteger();
        VirtualDeadlockWatch watch = VirtualDeadlockWatch.start(source, TimeUnit.MILLISECONDS.toNanos(50), published::incrementAndGet);
        try {
            assertTrue(threadRuns("jvm-health-" + VirtualDeadlockWatch.THREAD_NAME));
            VirtualDeadlockWatch.Outcome o = Poll.until("a confirmed deadlock", Duration.ofSeconds(5), watch::latest, x -> x != null && x.deadlocked());
            assertTrue(o.searches >= 2, "confirmed by a second search: " + o.searches);
            assertEquals(1, published.get());
            source.candidates = new ArrayList<>();
            Poll.until("the deadlock gone", Duration.ofSeconds(5), watch::latest, x -> !x.deadlocked());
            assertEquals(2, published.get(), "gone is published too");
        } finally {
            watch.close();
        }
        assertFalse(watch.alive());
        assertFalse(threadRuns("jvm-health-" + VirtualDeadlockWatch.THREAD_NAME));
    }

    @Test
    void searchesAreNeverCloserThanTheirMinimumSpacing() {
        Source source = new Source();
        long began = System.nanoTime();
        VirtualDeadlockWatch watch = VirtualDeadlockWatch.start(source, TimeUnit.MILLISECONDS.toNanos(200), null);
        try {
            Poll.until("four searches", Duration.ofSeconds(10), source.walks::get, n -> n >= 4);
        } finally {
            watch.close();
        }
        long millis = (System.nanoTime() - began) / 1_000_000;
        assertTrue(millis >= 600, "four searches 200 ms apart take at least 600 ms: " + millis);
    }

    @Test
    void aSearchThatThrowsKeepsTheLastAnswerAndSaysWhy() {
        Source source = new Source();
        source.candidates = cycle();
        VirtualDeadlockWatch watch = VirtualDeadlockWatch.start(source, TimeUnit.MILLISECONDS.toNanos(20), null);
        try {
            Poll.until("a confirmed deadlock", Duration.ofSeconds(5), watch::latest, x -> x != null && x.deadlocked());
            source.fail = true;
            VirtualDeadlockWatch.Outcome o = Poll.until("a failed search", Duration.ofSeconds(5), watch::latest, x -> x.problem != null);
            assertTrue(o.deadlocked(), "the last answer is kept");
            assertTrue(o.problem.contains("OutOfMemoryError"), o.problem);
            assertNotNull(o.result);
            assertTrue(watch.alive());
        } finally {
            watch.close();
        }
    }

    private static boolean threadRuns(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name) && t.isAlive()) {
                assertTrue(t.isDaemon());
                return true;
            }
        }
        return false;
    }

    static {
        assertEquals("jvm-health-", AgentThreads.PREFIX);
    }
}
