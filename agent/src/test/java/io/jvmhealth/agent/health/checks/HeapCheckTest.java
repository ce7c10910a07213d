package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Status;
import org.junit.jupiter.api.Test;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which pools the heap check measures, per collector's pool names, and its committed-size fallback; collections whose
 * notifications the JVM dropped are read from the collector.
 */
class HeapCheckTest {

    /** A pool as a collector reports it: name, type, and usage now and after the last collection. */
    private static MemoryPoolMXBean pool(String name, MemoryType type, boolean collectionUsage, long usedAfterGc, long committed, long max) {
        return (MemoryPoolMXBean) Proxy.newProxyInstance(MemoryPoolMXBean.class.getClassLoader(), new Class<?>[] {MemoryPoolMXBean.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getName": return name;
                        case "getType": return type;
                        case "isValid": return true;
                        case "isCollectionUsageThresholdSupported": return collectionUsage;
                        case "getUsage": return new MemoryUsage(0, committed, committed, max);
                        case "getCollectionUsage": return new MemoryUsage(0, usedAfterGc, committed, max);
                        case "hashCode": return System.identityHashCode(proxy);
                        case "equals": return proxy == args[0];
                        case "toString": return name;
                        default: throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private static MemoryPoolMXBean heap(String name) {
        return pool(name, MemoryType.HEAP, true, 1, 10, 100);
    }

    private static List<String> chosen(MemoryPoolMXBean... pools) {
        List<String> names = new ArrayList<>();
        for (MemoryPoolMXBean p : HeapCheck.longLivedPools(Arrays.asList(pools))) {
            names.add(p.getName());
        }
        return names;
    }

    private static final List<GarbageCollectorMXBean> NO_COLLECTORS = Collections.emptyList();

    @Test
    void measuresTheOldGenerationWhereThereIsOne() {
        MemoryPoolMXBean codeCache = pool("CodeHeap 'non-profiled nmethods'", MemoryType.NON_HEAP, true, 1, 10, 100);
        assertEquals(Arrays.asList("G1 Old Gen"), chosen(heap("G1 Eden Space"), heap("G1 Survivor Space"), heap("G1 Old Gen"), codeCache));
        assertEquals(Arrays.asList("PS Old Gen"), chosen(heap("PS Eden Space"), heap("PS Survivor Space"), heap("PS Old Gen")));
        assertEquals(Arrays.asList("Tenured Gen"), chosen(heap("Eden Space"), heap("Survivor Space"), heap("Tenured Gen")));
        assertEquals(Arrays.asList("ZGC Old Generation"), chosen(heap("ZGC Young Generation"), heap("ZGC Old Generation")));
        assertEquals(Arrays.asList("Shenandoah Old Gen"), chosen(heap("Shenandoah Young Gen"), heap("Shenandoah Old Gen")));
    }

    @Test
    void measuresTheWholeHeapPoolWhereThereIsNoOldGeneration() {
        assertEquals(Arrays.asList("ZHeap"), chosen(heap("ZHeap")));
        assertEquals(Arrays.asList("Shenandoah"), chosen(heap("Shenandoah")));
    }

    @Test
    void skipsNonHeapPoolsAndPoolsWithoutAfterGcUsage() {
        assertEquals(Collections.emptyList(), chosen(pool("Metaspace", MemoryType.NON_HEAP, false, 1, 10, 100),
                pool("G1 Old Gen", MemoryType.HEAP, false, 1, 10, 100)));
        CheckResult r = new HeapCheck(Arrays.asList(pool("Metaspace", MemoryType.NON_HEAP, false, 1, 10, 100)), NO_COLLECTORS, 0.85, 0.95).evaluate();
        assertEquals(Status.HEALTHY, r.status());
        assertEquals("no heap pool reports usage after GC on this JVM", r.details().get("supported"));
    }

    @Test
    void aPoolWithoutAMaxIsMeasuredAgainstItsCommittedSize() {
        HeapCheck check = new HeapCheck(Arrays.asList(pool("G1 Old Gen", MemoryType.HEAP, true, 90, 100, -1)), NO_COLLECTORS, 0.85, 0.95);
        CheckResult r = check.evaluate();
        assertEquals(90L, r.details().get("usedAfterGcBytes"));
        assertEquals(100L, r.details().get("maxBytes"));
        assertEquals(0.9, r.details().get("ratio"));
        assertEquals(Status.DEGRADED, r.status());
        assertEquals("heap after GC is 90% of max (degraded at 85%)", r.reason());
        check.close();
    }

    @Test
    void aPoolWithAMaxIsMeasuredAgainstItsMax() {
        HeapCheck check = new HeapCheck(Arrays.asList(pool("G1 Old Gen", MemoryType.HEAP, true, 96, 100, 100)), NO_COLLECTORS, 0.85, 0.95);
        CheckResult r = check.evaluate();
        assertEquals(Status.UNHEALTHY, r.status());
        assertEquals("heap after GC is 96% of max (unhealthy at 95%)", r.reason());
        assertEquals(Arrays.asList("G1 Old Gen"), r.details().get("pools"));
        check.close();
    }

    /** A collector that has collected {@code count} times. */
    private static GarbageCollectorMXBean collector(String name, AtomicLong count) {
        return (GarbageCollectorMXBean) Proxy.newProxyInstance(GarbageCollectorMXBean.class.getClassLoader(),
                new Class<?>[] {GarbageCollectorMXBean.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getName": return name;
                        case "getCollectionCount": return count.get();
                        case "hashCode": return System.identityHashCode(proxy);
                        case "equals": return proxy == args[0];
                        case "toString": return name;
                        default: throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private static double ratio(HeapCheck check) {
        return (Double) check.evaluate().details().get("ratio");
    }

    /**
     * The JVM drops a notification it has no heap to build: the collection it told of is read from the collector at
     * the evaluation after the one that first saw its count (one in between may still be delivered), and a read never
     * replaces a later collection's figure.
     */
    @Test
    void aCollectionWhoseNotificationWasLostIsReadFromTheCollector() {
        AtomicLong count = new AtomicLong(1);
        long[] last = {1, 10, 40}; // the collector's last collection: id, end (ms), old generation used after it
        AtomicInteger reads = new AtomicInteger();
        HeapCheck check = new HeapCheck(Arrays.asList(pool("G1 Old Gen", MemoryType.HEAP, true, 5, 100, 100)),
                Arrays.asList(collector("G1 Young Generation", count)), 0.85, 0.95, (collector, index, c) -> {
                    reads.incrementAndGet();
                    c.heard(index, last[0], last[1], new long[] {last[2]});
                });
        assertEquals(0.05, ratio(check), "before the start: the pool's collection usage");
        check.started();
        assertEquals(1, reads.get(), "seeded from the collector's last collection");
        assertEquals(0.4, ratio(check));

        count.set(2); // collection 2, notified
        check.heard(0, 2, 20, new long[] {50});
        assertEquals(0.5, ratio(check));
        assertEquals(0.5, ratio(check));
        assertEquals(1, reads.get(), "every collection heard of: nothing read");

        count.set(3); // collection 3 found the heap full; its notification was dropped
        last[0] = 3;
        last[1] = 30;
        last[2] = 96;
        assertEquals(0.5, ratio(check), "its notification may be on its way");
        CheckResult r = check.evaluate();
        assertEquals(2, reads.get());
        assertEquals(0.96, r.details().get("ratio"));
        assertEquals(Status.UNHEALTHY, r.status());

        count.set(4); // collection 4: heard late, after the evaluation that first saw it
        assertEquals(0.96, ratio(check));
        check.heard(0, 4, 40, new long[] {60});
        assertEquals(0.6, ratio(check));
        assertEquals(2, reads.get(), "a late notification is no lost one");

        check.heard(0, 3, 30, new long[] {96}); // an older collection's figure, however it comes, does not replace it
        assertEquals(0.6, ratio(check));
        check.close();
    }
}
