package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.Test;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The heap and gc checks on this JVM's own collector (G1, the default here): polled collection time and the
 * pools' collection usage until {@code started()}, GC notifications after it, and the heap check seeded from
 * the latest collection at that moment.
 */
class GcNotificationsTest {
    private static final List<GarbageCollectorMXBean> COLLECTORS = ManagementFactory.getGarbageCollectorMXBeans();
    private static volatile Object sink;

    /** Allocates garbage until {@code bean}'s collection count has grown by {@code collections}. */
    private static void collect(String bean, int collections) {
        GarbageCollectorMXBean gc = null;
        for (GarbageCollectorMXBean b : COLLECTORS) {
            if (b.getName().equals(bean)) {
                gc = b;
            }
        }
        assumeTrue(gc != null, "this JVM has no collector named " + bean);
        long until = gc.getCollectionCount() + collections;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (gc.getCollectionCount() < until) {
            assertTrue(System.nanoTime() < deadline, "no " + bean + " collection within 30 s");
            sink = new byte[64 * 1024];
        }
    }

    private static long pauseBeansTime() {
        long t = 0;
        for (GarbageCollectorMXBean b : COLLECTORS) {
            if (GcPauses.isPauseBean(b.getName())) {
                t += b.getCollectionTime();
            }
        }
        return t;
    }

    private static long paused(CheckResult r) {
        return ((Number) r.details().get("pausedMillis")).longValue();
    }

    private static MemoryPoolMXBean oldGen() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getName().equals("G1 Old Gen")) {
                return p;
            }
        }
        assumeTrue(false, "not G1: no 'G1 Old Gen' pool");
        return null;
    }

    private static long usedAfterGc(CheckResult r) {
        return ((Number) r.details().get("usedAfterGcBytes")).longValue();
    }

    /** The latest collection's GcInfo (of the beans reporting usage after a collection), as HeapCheck seeds from. */
    private static com.sun.management.GcInfo latest() {
        com.sun.management.GcInfo latest = null;
        for (GarbageCollectorMXBean b : COLLECTORS) {
            if (!GcPauses.reportsUsageAfterCollection(b.getName())) {
                continue;
            }
            com.sun.management.GcInfo info = ((com.sun.management.GarbageCollectorMXBean) b).getLastGcInfo();
            if (info != null && (latest == null || info.getEndTime() > latest.getEndTime())) {
                latest = info;
            }
        }
        return latest;
    }

    @Test
    void gcPollsCollectionTimeUntilStartedAndListensAfter() {
        collect("G1 Young Generation", 1);
        GcCheck check = new GcCheck(COLLECTORS, 0.5, 0.9, 60_000);
        try {
            CheckResult first = check.evaluate();
            List<Object> pauseBeans = new ArrayList<>();
            for (GarbageCollectorMXBean b : COLLECTORS) {
                if (GcPauses.isPauseBean(b.getName())) {
                    pauseBeans.add(b.getName());
                }
            }
            assertEquals(pauseBeans, first.details().get("polledCollectors"), "before the start every pause bean is polled");
            long before = pauseBeansTime();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (pauseBeansTime() < before + 3) {
                assertTrue(System.nanoTime() < deadline, "3 ms of collections within 30 s");
                collect("G1 Young Generation", 1);
            }
            long grown = pauseBeansTime() - before;
            assertTrue(paused(check.evaluate()) >= grown, "the polled time counts");

            check.started();
            CheckResult afterStart = check.evaluate();
            assertFalse(afterStart.details().containsKey("polledCollectors"), "G1's beans all notify: " + afterStart.details());
            long p = paused(afterStart);
            Poll.until("a notified pause", Duration.ofSeconds(30), () -> {
                collect("G1 Young Generation", 1);
                return paused(check.evaluate());
            }, x -> x > p);
        } finally {
            check.close();
        }
    }

    @Test
    void heapJudgesTheLatestCollectionOnceStartedAndListensAfter() throws Exception {
        MemoryPoolMXBean old = oldGen();
        byte[] held = new byte[32 << 20]; // humongous: straight into the old generation, after any earlier full collection
        sink = held;
        collect("G1 Young Generation", 1);
        HeapCheck check = null;
        try {
            long seeded = -1;
            for (int attempt = 0; attempt < 5 && seeded < 0; attempt++) {
                if (check != null) {
                    check.close();
                }
                check = new HeapCheck(ManagementFactory.getMemoryPoolMXBeans(), COLLECTORS, 0.85, 0.95);
                assertEquals(old.getCollectionUsage().getUsed(), usedAfterGc(check.evaluate()),
                        "before the start: the pool's collection usage (no notifications yet)");
                com.sun.management.GcInfo last = latest();
                check.started();
                long got = usedAfterGc(check.evaluate());
                if (latest().getEndTime() == last.getEndTime()) { // no collection in between: exactly what it left
                    assertEquals(last.getMemoryUsageAfterGc().get("G1 Old Gen").getUsed(), got);
                    seeded = got;
                }
            }
            assertTrue(seeded >= 32 << 20, "the held 32 MB array counts: " + seeded);
            assertNotEquals(old.getCollectionUsage().getUsed(), seeded, "not the pool's collection usage");

            held = null;
            sink = null;
            HeapCheck listening = check;
            long limit = seeded - (16 << 20);
            Poll.until("a notification after the array is freed", Duration.ofSeconds(30), () -> {
                collect("G1 Young Generation", 1);
                return usedAfterGc(listening.evaluate());
            }, x -> x < limit);
        } finally {
            if (check != null) {
                check.close();
            }
        }
    }
}
