package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Publisher;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.health.checks.hang.Outcomes;
import io.jvmhealth.agent.health.checks.hang.VirtualDeadlockWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deadlock check's bounds and its fallback, with a {@link ThreadMXBean} that reports what the
 * test says (the rest is delegated to the real bean, so thread infos are those of real threads).
 */
class DeadlockCheckTest {
    private final ThreadMXBean real = ManagementFactory.getThreadMXBean();
    private final List<Thread> parked = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    /** What the fake bean reports, and what it was asked. */
    private final class Fake {
        boolean synchronizersSupported = true;
        long[] deadlocked;
        final AtomicInteger fullScans = new AtomicInteger();
        final AtomicInteger monitorScans = new AtomicInteger();
        int infoIdsRequested = -1;
        int depthRequested = -1;

        ThreadMXBean bean() {
            return (ThreadMXBean) Proxy.newProxyInstance(ThreadMXBean.class.getClassLoader(), new Class<?>[] {ThreadMXBean.class},
                    (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "isSynchronizerUsageSupported":
                                return synchronizersSupported;
                            case "findDeadlockedThreads":
                                fullScans.incrementAndGet();
                                return deadlocked;
                            case "findMonitorDeadlockedThreads":
                                monitorScans.incrementAndGet();
                                return deadlocked;
                            case "getThreadInfo":
                                if (args.length == 2 && args[0] instanceof long[]) {
                                    infoIdsRequested = ((long[]) args[0]).length;
                                    depthRequested = (Integer) args[1];
                                }
                                break;
                            default:
                                break;
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    private long[] parkedThreads(int n) throws InterruptedException {
        return parkedThreads(n, "deadlock-test-");
    }

    private long[] parkedThreads(int n, String prefix) throws InterruptedException {
        long[] ids = new long[n];
        CountDownLatch started = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(() -> {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // ends
                }
            }, prefix + i);
            t.setDaemon(true);
            t.start();
            parked.add(t);
            ids[i] = t.getId();
        }
        started.await();
        return ids;
    }

    @AfterEach
    void releaseThreads() throws InterruptedException {
        release.countDown();
        for (Thread t : parked) {
            t.join(5000);
        }
    }

    @Test
    void reportsAtMost16ThreadsWith8FramesEachButCountsThemAll() throws Exception {
        Fake fake = new Fake();
        fake.deadlocked = parkedThreads(20);
        CheckResult r = new DeadlockCheck(fake.bean()).evaluate();
        assertEquals(Status.UNHEALTHY, r.status());
        assertEquals(20, r.details().get("deadlockedThreads"));
        assertEquals(DeadlockCheck.MAX_THREADS, ((List<?>) r.details().get("threads")).size());
        assertEquals(Boolean.TRUE, r.details().get("truncated"));
        assertEquals(16, fake.infoIdsRequested, "thread infos asked for the reported threads only");
        assertEquals(DeadlockCheck.MAX_FRAMES, fake.depthRequested);
        for (Object t : (List<?>) r.details().get("threads")) {
            assertTrue(((List<?>) ((Map<?, ?>) t).get("stack")).size() <= 8, t.toString());
        }
        assertTrue(r.reason().startsWith("20 threads deadlocked: \"deadlock-test-0\" waits for "), r.reason());
    }

    @Test
    void longThreadNamesAreCutInTheReasonWhichStaysBoundedButWholeInTheDetails() throws Exception {
        Fake fake = new Fake();
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            name.append('x');
        }
        fake.deadlocked = parkedThreads(16, name.toString());
        CheckResult r = new DeadlockCheck(fake.bean()).evaluate();
        assertEquals(Status.UNHEALTHY, r.status());
        assertTrue(r.reason().length() <= DeadlockCheck.MAX_REASON_CHARS + 60, r.reason().length() + " characters");
        assertTrue(r.reason().startsWith("16 threads deadlocked: \"" + name.substring(0, DeadlockCheck.MAX_NAME_CHARS) + "...\" waits for "),
                r.reason());
        assertTrue(r.reason().endsWith("... (cut: every thread is in the details)"), r.reason());
        assertEquals(name + "0", ((Map<?, ?>) ((List<?>) r.details().get("threads")).get(0)).get("name"));
    }

    @Test
    void aDeadlockWithinTheBoundIsReportedWhole() throws Exception {
        Fake fake = new Fake();
        fake.deadlocked = parkedThreads(2);
        CheckResult r = new DeadlockCheck(fake.bean()).evaluate();
        assertEquals(2, ((List<?>) r.details().get("threads")).size());
        assertNull(r.details().get("truncated"));
    }

    @Test
    void fallsBackToMonitorsOnlyWhereSynchronizersAreNotTracked() throws Exception {
        Fake fake = new Fake();
        fake.synchronizersSupported = false;
        CheckResult healthy = new DeadlockCheck(fake.bean()).evaluate();
        assertEquals(Status.HEALTHY, healthy.status());
        assertEquals("monitors only: this JVM does not track ownable synchronizers", healthy.details().get("scope"));
        assertEquals(1, fake.monitorScans.get());
        assertEquals(0, fake.fullScans.get(), "the scan that needs synchronizer support is never called");

        fake.deadlocked = parkedThreads(2);
        CheckResult sick = new DeadlockCheck(fake.bean()).evaluate();
        assertEquals(Status.UNHEALTHY, sick.status());
        assertEquals(2, fake.monitorScans.get());
        assertEquals(0, fake.fullScans.get());
    }

    @Test
    void usesTheFullScanWhereSynchronizersAreTracked() {
        Fake fake = new Fake();
        assertEquals(Status.HEALTHY, new DeadlockCheck(fake.bean()).evaluate().status());
        assertEquals(1, fake.fullScans.get());
        assertEquals(0, fake.monitorScans.get());
        assertTrue(new DeadlockCheck(fake.bean()).evaluate().details().isEmpty());
    }

    /** The virtual-thread search as the test says: used or not, its latest outcome, a problem. */
    private static final class FakeSearches implements DeadlockCheck.VirtualSearches {
        boolean used;
        VirtualDeadlockWatch.Outcome outcome;
        String problem;
        int asked;
        Publisher publisher;
        boolean closed;

        @Override
        public boolean used() {
            return used;
        }

        @Override
        public VirtualDeadlockWatch.Outcome latest(Publisher publisher) {
            asked++;
            this.publisher = publisher;
            return outcome;
        }

        @Override
        public String problem() {
            return problem;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void aJvmThatNeverUsedVirtualThreadsStartsNoSearch() {
        FakeSearches searches = new FakeSearches();
        DeadlockCheck check = new DeadlockCheck(new Fake().bean(), searches);
        CheckResult r = check.evaluate();
        assertEquals(Status.HEALTHY, r.status());
        assertEquals("none used: not searched", r.details().get("virtualThreads"));
        assertEquals(0, searches.asked);
        check.close();
        assertTrue(searches.closed);
    }

    @Test
    void onAJdkWithoutVirtualThreadsTheAnswerIsWhatItAlwaysWas() {
        CheckResult r = new DeadlockCheck(new Fake().bean(), null).evaluate();
        assertEquals(Status.HEALTHY, r.status());
        assertTrue(r.details().isEmpty(), r.details().toString());
        assertEquals(0.0, r.figure(0));
    }

    @Test
    void theLastSearchIsReportedWithWhenItRanAndTheEvaluatorsPublisher() {
        FakeSearches searches = new FakeSearches();
        searches.used = true;
        DeadlockCheck check = new DeadlockCheck(new Fake().bean(), searches);
        Publisher publisher = () -> { };
        check.publishTo(publisher);
        Map<?, ?> before = (Map<?, ?>) check.evaluate().details().get("virtualThreads");
        assertEquals("none completed yet: the first is under way", before.get("lastSearch"));
        assertEquals(publisher, searches.publisher, "the search publishes at once when its answer changes");
        searches.outcome = Outcomes.clear();
        CheckResult r = check.evaluate();
        assertEquals(Status.HEALTHY, r.status());
        Map<?, ?> search = (Map<?, ?>) r.details().get("virtualThreads");
        assertTrue(search.get("lastSearch").toString().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), search.toString());
        assertEquals(0L, search.get("secondsAgo"));
        assertEquals(1L, search.get("searches"));
        assertEquals(90L, search.get("live"));
        assertEquals(1.0, search.get("cpuMillis"));
    }

    @Test
    void aVirtualThreadDeadlockFailsLivenessNamingBothThreadsAndLocks() {
        FakeSearches searches = new FakeSearches();
        searches.used = true;
        searches.outcome = Outcomes.deadlocked();
        CheckResult r = new DeadlockCheck(new Fake().bean(), searches).evaluate();
        assertEquals(Status.UNHEALTHY, r.status());
        assertEquals("2 threads deadlocked: \"va\" (virtual) waits for java.lang.Object@a1 held by \"vb\"; \"vb\" (virtual) waits for"
                + " java.lang.Object@b2 held by \"va\"", r.reason());
        assertEquals(2, r.details().get("deadlockedThreads"));
        assertEquals(2.0, r.figure(0));
        List<?> threads = (List<?>) r.details().get("threads");
        assertEquals(2, threads.size());
        Map<?, ?> va = (Map<?, ?>) threads.get(0);
        assertEquals("va", va.get("name"));
        assertEquals(31L, va.get("id"));
        assertEquals(true, va.get("virtual"));
        assertEquals("vb", va.get("heldBy"));
        Map<?, ?> search = (Map<?, ?>) r.details().get("virtualThreads");
        assertTrue(search.get("source").toString().startsWith("the JDK's thread snapshots of 2 deadlock candidates"), search.toString());
    }

    @Test
    void platformAndVirtualDeadlocksAreReportedTogether() throws Exception {
        Fake fake = new Fake();
        fake.deadlocked = parkedThreads(2);
        FakeSearches searches = new FakeSearches();
        searches.used = true;
        searches.outcome = Outcomes.deadlocked();
        CheckResult r = new DeadlockCheck(fake.bean(), searches).evaluate();
        assertEquals(4, r.details().get("deadlockedThreads"));
        assertEquals(4, ((List<?>) r.details().get("threads")).size());
        assertTrue(r.reason().startsWith("4 threads deadlocked: \"deadlock-test-0\" waits for "), r.reason());
        assertTrue(r.reason().contains("; \"va\" (virtual) waits for java.lang.Object@a1 held by \"vb\""), r.reason());
    }

    @Test
    void aSearchThatCouldNotStartIsSaidAndNeverFailsLiveness() {
        FakeSearches searches = new FakeSearches();
        searches.used = true;
        searches.problem = "the search thread could not be started: OutOfMemoryError: unable to create native thread";
        CheckResult r = new DeadlockCheck(new Fake().bean(), searches).evaluate();
        assertEquals(Status.HEALTHY, r.status());
        assertEquals(searches.problem, ((Map<?, ?>) r.details().get("virtualThreads")).get("problem"));
    }
}
