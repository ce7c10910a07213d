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

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which pools the heap check measures, per collector's pool names, and its committed-size fallback. */
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
}
