package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Status;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GC spiral check over scripted collector beans (their collection time and count as the test says) and a real
 * {@code GcInfo} of this JVM (taken after a System.gc()), against a stand-in pool of the same name whose max makes the
 * usage after that collection the fraction a case needs; the clock is the test's.
 */
class GcSpiralCheckTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);
    private static com.sun.management.GcInfo realInfo;
    private static String oldPool;
    private static long usedAfter;

    @BeforeAll
    static void aRealCollection() {
        System.gc();
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            com.sun.management.GcInfo info = ((com.sun.management.GarbageCollectorMXBean) bean).getLastGcInfo();
            if (info != null && (realInfo == null || info.getEndTime() > realInfo.getEndTime())) {
                realInfo = info;
            }
        }
        assertNotNull(realInfo, "System.gc() left a GcInfo");
        for (MemoryPoolMXBean pool : HeapCheck.longLivedPools(ManagementFactory.getMemoryPoolMXBeans())) {
            MemoryUsage u = realInfo.getMemoryUsageAfterGc().get(pool.getName());
            if (u != null && u.getUsed() > 0) {
                oldPool = pool.getName();
                usedAfter = u.getUsed();
            }
        }
        assertNotNull(oldPool, "the old generation after System.gc(): " + realInfo.getMemoryUsageAfterGc().keySet());
    }

    /** Scripted beans: a pause bean and a major bean; time in ms and counts set by the test. */
    private static final class Collectors {
        final String pauseName;
        final String majorName;
        long pausedMillis;
        long majors;
        final AtomicInteger infoReads = new AtomicInteger();

        Collectors(String pauseName, String majorName) {
            this.pauseName = pauseName;
            this.majorName = majorName;
        }

        List<GarbageCollectorMXBean> beans() {
            List<GarbageCollectorMXBean> beans = new ArrayList<>();
            beans.add(bean(pauseName, true));
            beans.add(bean(majorName, false));
            return beans;
        }

        private GarbageCollectorMXBean bean(String name, boolean pause) {
            return (GarbageCollectorMXBean) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {com.sun.management.GarbageCollectorMXBean.class}, (p, m, a) -> switch (m.getName()) {
                        case "getName" -> name;
                        case "getCollectionTime" -> pause ? pausedMillis : 0L;
                        case "getCollectionCount" -> pause ? 0L : majors;
                        case "getLastGcInfo" -> {
                            infoReads.incrementAndGet();
                            yield realInfo;
                        }
                        case "isValid" -> true;
                        default -> throw new UnsupportedOperationException(m.getName());
                    });
        }
    }

    /** The old pool of this JVM's name, with a max that makes the real usage after GC {@code fraction} of it. */
    private static List<MemoryPoolMXBean> poolAt(double fraction) {
        long max = (long) (usedAfter / fraction);
        MemoryPoolMXBean pool = (MemoryPoolMXBean) Proxy.newProxyInstance(GcSpiralCheckTest.class.getClassLoader(),
                new Class<?>[] {MemoryPoolMXBean.class}, (p, m, a) -> switch (m.getName()) {
                    case "getName" -> oldPool;
                    case "getType" -> MemoryType.HEAP;
                    case "isValid", "isCollectionUsageThresholdSupported" -> true;
                    case "getUsage" -> new MemoryUsage(0, usedAfter, max, max);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return List.of(pool);
    }

    private static GcSpiralCheck check(Collectors c, double occupancy, long windowMillis, long intervalMillis) {
        return new GcSpiralCheck(c.beans(), poolAt(occupancy), windowMillis, 0.70, 0.70, 4, 0.90, intervalMillis);
    }

    @Test
    void aSpiralOnAPausingCollectorIsDegradedAtHalfTheWindowAndUnhealthyAfterIt() {
        Collectors c = new Collectors("G1 Young Generation", "G1 Old Generation");
        GcSpiralCheck check = check(c, 0.92, 20_000, 1000);
        for (int t = 0; t <= 22; t++) {
            CheckResult r = check.evaluate(t * S);
            Status expected = t < 10 ? Status.HEALTHY : t < 20 ? Status.DEGRADED : Status.UNHEALTHY;
            assertEquals(expected, r.status(), "at " + t + " s: " + r.reason() + " " + r.details());
            c.pausedMillis += 900;
            c.majors += 5;
        }
        CheckResult r = check.evaluate(23 * S);
        assertTrue(r.reason().startsWith("GC pauses took 90% of the last 20s with the old generation 92% full after 100 major collections"),
                r.reason());
        assertEquals(0.92, (Double) r.details().get("oldAfterMajorGc"), 0.001);
        assertEquals(0.9, r.figure(0), 0.001);
        assertEquals(20.0, r.figure(1));
        assertEquals(100.0, r.figure(2));
    }

    @Test
    void heavyPausesWithAnOldGenerationThatEmptiesAfterMajorCollectionsAreNoSpiral() {
        Collectors c = new Collectors("PS Scavenge", "PS MarkSweep");
        GcSpiralCheck check = check(c, 0.30, 20_000, 1000);
        for (int t = 0; t <= 60; t++) {
            assertEquals(Status.HEALTHY, check.evaluate(t * S).status(), "at " + t);
            c.pausedMillis += 950;
            c.majors += 2;
        }
    }

    @Test
    void aFullOldGenerationWithFewPausesIsNoSpiral() {
        Collectors c = new Collectors("Copy", "MarkSweepCompact");
        GcSpiralCheck check = check(c, 0.97, 20_000, 1000); // a large, stable live set: little allocation, few pauses
        for (int t = 0; t <= 60; t++) {
            assertEquals(Status.HEALTHY, check.evaluate(t * S).status(), "at " + t);
            c.pausedMillis += 50;
            c.majors += t % 10 == 0 ? 1 : 0;
        }
    }

    @Test
    void zgcMajorCyclesSeveralASecondWithTheHeapFullAfterThemAreASpiralWithoutPauses() {
        Collectors c = new Collectors("ZGC Major Pauses", "ZGC Major Cycles");
        GcSpiralCheck check = check(c, 0.93, 20_000, 1000);
        c.majors = 9;
        for (int t = 0; t <= 20; t++) {
            CheckResult r = check.evaluate(t * S);
            assertEquals(t < 10 ? Status.HEALTHY : t < 20 ? Status.DEGRADED : Status.UNHEALTHY, r.status(), "at " + t + ": " + r.details());
            c.pausedMillis += 2;
            c.majors += 9;
        }
        CheckResult r = check.evaluate(21 * S);
        assertTrue(r.reason().startsWith("major GC cycles ran 9.0 a second for the last 20s with the old generation 93% full after them"),
                r.reason());
        assertEquals(9.0, (Double) r.details().get("majorsPerSecond"), 0.001);
    }

    @Test
    void zgcRunningMajorCyclesOftenOverAnEmptyingHeapIsHealthy() {
        Collectors c = new Collectors("ZGC Major Pauses", "ZGC Major Cycles");
        GcSpiralCheck check = check(c, 0.20, 20_000, 1000); // the recorded healthy allocation-heavy run: 1-2 a second, 6-47 % after
        for (int t = 0; t <= 60; t++) {
            assertEquals(Status.HEALTHY, check.evaluate(t * S).status(), "at " + t);
            c.pausedMillis += 1;
            c.majors += 2 + t % 3;
        }
    }

    @Test
    void theCycleRuleIsOnlyZgcs() {
        Collectors c = new Collectors("Shenandoah Pauses", "Shenandoah Cycles");
        GcSpiralCheck check = check(c, 0.93, 20_000, 1000); // Shenandoah runs cycles back to back when healthy; its spiral pauses
        for (int t = 0; t <= 60; t++) {
            CheckResult r = check.evaluate(t * S);
            assertEquals(Status.HEALTHY, r.status(), "at " + t);
            assertFalse(r.details().containsKey("majorsPerSecond"), r.details().toString());
            c.pausedMillis += 60;
            c.majors += 19;
        }
    }

    @Test
    void readsAGcInfoOnlyWhenAMajorCollectionEndedAndSamplesAtMostAHundredAndTwentyTimesAWindow() {
        Collectors c = new Collectors("G1 Young Generation", "G1 Old Generation");
        GcSpiralCheck check = check(c, 0.92, 12_000, 10); // interval 10 ms: a sample every 100 ms
        for (int i = 0; i <= 100; i++) {
            check.evaluate(i * 10 * TimeUnit.MILLISECONDS.toNanos(1));
            c.pausedMillis += 9;
        }
        assertEquals(0, c.infoReads.get(), "no major collection: no GcInfo");
        c.majors = 1;
        check.evaluate(1010 * TimeUnit.MILLISECONDS.toNanos(1)); // within 100 ms of the last sample: not sampled
        assertEquals(0, c.infoReads.get());
        check.evaluate(1100 * TimeUnit.MILLISECONDS.toNanos(1));
        check.evaluate(1200 * TimeUnit.MILLISECONDS.toNanos(1));
        assertEquals(1, c.infoReads.get(), "one GcInfo for the one collection");
        Map<String, Object> d = check.evaluate(1300 * TimeUnit.MILLISECONDS.toNanos(1)).details();
        assertEquals(1L, d.get("observedSeconds"), d.toString());
    }

    @Test
    void aJvmWithoutAKnownMajorCollectorSaysSo() {
        Collectors c = new Collectors("Some Future GC Pauses", "Some Future GC Cycles");
        CheckResult r = check(c, 0.9, 20_000, 1000).evaluate(0);
        assertEquals(Status.HEALTHY, r.status());
        assertTrue(String.valueOf(r.details().get("supported")).startsWith("no collector of this JVM is known"), r.details().toString());
    }
}
