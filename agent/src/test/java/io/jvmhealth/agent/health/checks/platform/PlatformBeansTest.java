package io.jvmhealth.agent.health.checks.platform;

import org.junit.jupiter.api.Test;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlatformBeansTest {
    @Test
    void withoutInstrumentationTheBeansAreManagementFactorys() throws Exception {
        // Tests run without the agent's premain: no instrumentation, so the public way is taken.
        assertNull(PlatformBeans.directCalls(null));
        assertFalse(PlatformBeans.direct());
        assertEquals(names(ManagementFactory.getGarbageCollectorMXBeans()), names(PlatformBeans.garbageCollectors()));
        List<String> pools = new ArrayList<>();
        for (MemoryPoolMXBean p : PlatformBeans.memoryPools()) {
            pools.add(p.getName());
        }
        List<String> expected = new ArrayList<>();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            expected.add(p.getName());
        }
        assertEquals(expected, pools);
        assertSame(ManagementFactory.getMemoryMXBean(), PlatformBeans.memory());
        assertSame(ManagementFactory.getThreadMXBean(), PlatformBeans.threads());
        assertTrue(PlatformBeans.threads().getThreadCount() > 0);
        assertEquals(ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).size(),
                PlatformBeans.bufferPools().size());
    }

    private static List<String> names(List<GarbageCollectorMXBean> beans) {
        List<String> names = new ArrayList<>();
        for (GarbageCollectorMXBean b : beans) {
            names.add(b.getName());
        }
        return names;
    }
}
