package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Status;
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
            }, "deadlock-test-" + i);
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
}
