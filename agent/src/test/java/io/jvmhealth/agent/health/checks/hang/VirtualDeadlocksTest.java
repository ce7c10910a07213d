package io.jvmhealth.agent.health.checks.hang;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The search's steps, pacing and confirmation, with a source that says what the test wants. */
class VirtualDeadlocksTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final String[] NONE = {};

    private static class FakeSource implements VirtualDeadlocks.Source {
        boolean used = true;
        boolean internals = true;
        boolean monitors = true;
        List<Object[]> candidates = new ArrayList<>();
        byte[] dump;
        int walks;
        int dumps;

        public boolean virtualThreadsUsed() {
            return used;
        }

        public ThreadInternals.Walk walk() {
            if (!internals) {
                return null;
            }
            walks++;
            return new ThreadInternals.Walk(new Object[] {100L, 90L, 0L, candidates, new long[0], monitors, (long) candidates.size()});
        }

        public long cpuNanos() {
            return 0;
        }

        public String dump(ThreadDumpReader reader, long expectedThreads) {
            dumps++;
            if (dump == null) {
                return "no dump in this test";
            }
            try {
                reader.read(new ByteArrayInputStream(dump));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return null;
        }
    }

    /** A candidate BLOCKED on {@code waits}, holding {@code holds}. */
    private static Object[] blocked(long tid, String name, String waits, String... holds) {
        return new Object[] {tid, name, true, "BLOCKED", waits, null, -1L, null, false, holds, new String[] {"app.Work.run(Work.java:1)"}, null};
    }

    /** A candidate parked on {@code lock} owned by {@code owner}. */
    private static Object[] parked(long tid, String name, String lock, long owner, String ownerName) {
        return new Object[] {tid, name, true, "WAITING", null, lock, owner, ownerName, true, NONE,
                new String[] {"java.base/java.lang.VirtualThread.park(VirtualThread.java:742)"}, null};
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = VirtualDeadlocksTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private static VirtualDeadlocks search(FakeSource source, long minSpacing) {
        return new VirtualDeadlocks(source, new DumpPacing(minSpacing, 0), 64L << 20, 100_000); // cost-free pacing: DumpPacingTest covers the cost
    }

    @Test
    void aJvmThatNeverUsedVirtualThreadsCostsOneLookAndNothingMore() {
        FakeSource source = new FakeSource();
        source.used = false;
        VirtualDeadlocks.Result r = search(source, 0).evaluate(0);
        assertFalse(r.deadlocked());
        assertEquals(0, source.walks);
        assertEquals(0, source.dumps);
        assertEquals("none used", r.details.get("live"));
    }

    @Test
    void aReentrantLockCycleIsReportedWhenTheSecondSearchFindsItAgain() {
        FakeSource source = new FakeSource();
        source.candidates.add(parked(23, "vdeadlock-a", "java.util.concurrent.locks.ReentrantLock$NonfairSync@1", 25, "vdeadlock-b"));
        source.candidates.add(parked(25, "vdeadlock-b", "java.util.concurrent.locks.ReentrantLock$NonfairSync@2", 23, "vdeadlock-a"));
        VirtualDeadlocks search = search(source, 0);
        VirtualDeadlocks.Result first = search.evaluate(0);
        assertFalse(first.deadlocked(), "once is only suspected");
        assertNotNull(first.details.get("suspected"));
        VirtualDeadlocks.Result second = search.evaluate(5 * SECOND);
        assertTrue(second.deadlocked());
        assertTrue(second.reason.startsWith("2 threads deadlocked: \"vdeadlock-a\" (virtual) waits for java.util.concurrent.locks.ReentrantLock$NonfairSync@1 held by \"vdeadlock-b\""),
                second.reason);
        assertTrue(second.reason.contains("\"vdeadlock-b\" (virtual) waits for java.util.concurrent.locks.ReentrantLock$NonfairSync@2 held by \"vdeadlock-a\""), second.reason);
        assertEquals(0, source.dumps);
        assertTrue(second.details.get("source").toString().startsWith("the JDK's thread snapshots of 2 deadlock candidates"), second.details.toString());
    }

    @Test
    void aMonitorCycleAndAMixedOneComeFromTheSnapshots() {
        FakeSource source = new FakeSource();
        source.candidates.add(blocked(1, "a", "java.lang.Object@1", "java.lang.Object@2"));
        source.candidates.add(blocked(2, "b", "java.lang.Object@2", "java.lang.Object@1"));
        // mixed: m blocked on a monitor p holds; p parked on a ReentrantLock m owns
        source.candidates.add(blocked(3, "m", "java.lang.Object@3"));
        Object[] p = parked(4, "p", "java.util.concurrent.locks.ReentrantLock$NonfairSync@4", 3, "m");
        p[9] = new String[] {"java.lang.Object@3"};
        source.candidates.add(p);
        VirtualDeadlocks search = search(source, 0);
        search.evaluate(0);
        VirtualDeadlocks.Result r = search.evaluate(SECOND);
        assertTrue(r.deadlocked());
        assertEquals(4, r.details.get("deadlockedThreads"), r.reason);
    }

    @Test
    void aCycleSeenOnceAndGoneIsNeverReported() {
        FakeSource source = new FakeSource();
        source.candidates.add(blocked(1, "a", "java.lang.Object@1", "java.lang.Object@2"));
        source.candidates.add(blocked(2, "b", "java.lang.Object@2", "java.lang.Object@1"));
        VirtualDeadlocks search = search(source, 0);
        assertFalse(search.evaluate(0).deadlocked());
        source.candidates.clear();
        assertFalse(search.evaluate(SECOND).deadlocked());
        source.candidates.add(blocked(1, "a", "java.lang.Object@1", "java.lang.Object@2"));
        source.candidates.add(blocked(2, "b", "java.lang.Object@2", "java.lang.Object@1"));
        assertFalse(search.evaluate(2 * SECOND).deadlocked(), "seen again after a gap: suspected afresh");
        assertTrue(search.evaluate(3 * SECOND).deadlocked());
    }

    @Test
    void betweenSearchesTheLastResultIsRepeatedWithoutWork() {
        FakeSource source = new FakeSource();
        VirtualDeadlocks search = search(source, 30 * SECOND);
        for (int s = 0; s < 120; s += 5) {
            search.evaluate(s * SECOND);
        }
        assertEquals(4, source.walks, "at 0, 30, 60 and 90 s");
    }

    @Test
    void onJdk21To24TheSearchSaysItCannotSeeMonitors() {
        FakeSource source = new FakeSource();
        source.monitors = false;
        VirtualDeadlocks.Result r = search(source, 0).evaluate(0);
        assertNotNull(r.cannotTell);
        assertTrue(r.cannotTell.contains("monitors are not found"), r.cannotTell);
    }

    @Test
    void withoutTheInternalsThePublicDumpFindsMonitorCyclesButNotLockOwners() throws IOException {
        FakeSource source = new FakeSource();
        source.internals = false;
        source.dump = resource("jdk25-monitor.json");
        VirtualDeadlocks search = search(source, 0);
        search.evaluate(0);
        VirtualDeadlocks.Result r = search.evaluate(SECOND);
        assertTrue(r.deadlocked());
        assertTrue(r.details.get("source").toString().startsWith("JSON thread dump of JDK 25"), r.details.toString());
        source.dump = resource("jdk25-lock.json");
        search.evaluate(2 * SECOND);
        VirtualDeadlocks.Result lock = search.evaluate(3 * SECOND);
        assertFalse(lock.deadlocked());
        assertTrue(lock.details.get("ownersOfJavaUtilConcurrentLocks").toString().startsWith("unknown for virtual threads"), lock.details.toString());
        assertEquals(4, source.dumps);
    }

    @Test
    void aJdk21DumpMakesTheSearchSayWhatItCannotTell() {
        FakeSource source = new FakeSource();
        source.internals = false;
        source.dump = ("{\"threadDump\":{\"runtimeVersion\":\"21.0.5+11\",\"threadContainers\":[{\"container\":\"<root>\",\"threads\":["
                + "{\"tid\":\"23\",\"name\":\"vdeadlock-a\",\"stack\":[\"app.A.run(A.java:1)\"]}],\"threadCount\":\"1\"}]}}").getBytes();
        VirtualDeadlocks.Result r = search(source, 0).evaluate(0);
        assertFalse(r.deadlocked());
        assertNotNull(r.cannotTell);
        assertTrue(r.cannotTell.contains("JDK 21 to 24"), r.cannotTell);
    }

    @Test
    void aPlatformOnlyCycleIsLeftToThreadMXBean() throws IOException {
        FakeSource source = new FakeSource();
        source.internals = false;
        source.dump = resource("jdk25-chain.json");
        VirtualDeadlocks search = search(source, 0);
        search.evaluate(0);
        assertNull(search.evaluate(SECOND).reason);
    }

    @Test
    void aWalkThatFailsFallsBackToThePublicDumpForGood() throws IOException {
        FakeSource source = new FakeSource() {
            @Override
            public ThreadInternals.Walk walk() {
                walks++;
                throw new IllegalStateException("ThreadContainers changed");
            }
        };
        source.dump = resource("jdk25-monitor.json");
        VirtualDeadlocks search = search(source, 0);
        search.evaluate(0);
        VirtualDeadlocks.Result r = search.evaluate(SECOND);
        assertTrue(r.deadlocked());
        assertEquals(1, source.walks, "not tried again");
        assertEquals(2, source.dumps);
        assertTrue(r.facts.get("ownersOfJavaUtilConcurrentLocks").toString().contains("ThreadContainers changed"), r.facts.toString());
    }

    @Test
    void theReportAndTheFactsAreApart() {
        FakeSource source = new FakeSource();
        source.candidates.add(blocked(1, "a", "java.lang.Object@1", "java.lang.Object@2"));
        source.candidates.add(blocked(2, "b", "java.lang.Object@2", "java.lang.Object@1"));
        VirtualDeadlocks search = search(source, 0);
        VirtualDeadlocks.Result first = search.evaluate(0);
        assertTrue(first.report.isEmpty());
        assertEquals(0, first.deadlockedThreads);
        VirtualDeadlocks.Result r = search.evaluate(SECOND);
        assertEquals(2, r.deadlockedThreads);
        assertEquals(2, r.report.get("deadlockedThreads"));
        assertEquals(2L, r.facts.get("searches"));
        assertEquals(90L, r.facts.get("live"));
        assertNull(r.facts.get("threads"));
    }

    @Test
    void aDumpThatCouldNotBeWrittenIsNotSearchedAndSaysWhy() {
        FakeSource source = new FakeSource();
        source.internals = false;
        VirtualDeadlocks.Result r = search(source, 0).evaluate(0);
        assertFalse(r.deadlocked());
        assertEquals("no dump in this test", r.facts.get("notSearched"));
    }

    @Test
    void aSuspectedCycleIsLookedAtAgain200MillisecondsLaterNotAfterTheSpacing() {
        FakeSource source = new FakeSource();
        source.candidates.add(blocked(1, "a", "java.lang.Object@1", "java.lang.Object@2"));
        source.candidates.add(blocked(2, "b", "java.lang.Object@2", "java.lang.Object@1"));
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        VirtualDeadlocks search = new VirtualDeadlocks(source, new DumpPacing(30 * SECOND, 100), 1 << 20, 1000);
        assertFalse(search.evaluate(0).deadlocked());
        assertTrue(search.suspects());
        assertEquals(150 * ms, search.untilNext(50 * ms));
        assertFalse(search.evaluate(100 * ms).deadlocked(), "the last answer, without a search");
        assertEquals(1, source.walks);
        assertTrue(search.evaluate(200 * ms).deadlocked());
        assertFalse(search.suspects(), "confirmed, no longer suspected");
        assertEquals(30 * SECOND - 100 * ms, search.untilNext(300 * ms));
        assertEquals(2, source.walks);
    }

    @Test
    void aSecondLookThatSuspectsAnotherCycleWaitsForThePacing() {
        FakeSource source = new FakeSource();
        source.candidates.add(blocked(1, "a", "java.lang.Object@1", "java.lang.Object@2"));
        source.candidates.add(blocked(2, "b", "java.lang.Object@2", "java.lang.Object@1"));
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        VirtualDeadlocks search = new VirtualDeadlocks(source, new DumpPacing(30 * SECOND, 100), 1 << 20, 1000);
        search.evaluate(0);
        source.candidates.clear(); // a transient: gone, and another one seen
        source.candidates.add(blocked(3, "c", "java.lang.Object@3", "java.lang.Object@4"));
        source.candidates.add(blocked(4, "d", "java.lang.Object@4", "java.lang.Object@3"));
        assertFalse(search.evaluate(200 * ms).deadlocked());
        assertTrue(search.suspects());
        assertEquals(30 * SECOND - 200 * ms, search.untilNext(400 * ms), "one quick look per suspicion: never a burst of searches");
    }
}
