package io.jvmhealth.agent.health.checks.platform;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The thread groups the JDK (21+) creates when virtual threads are first used; JDK 17 runs these tests, and has none. */
class VirtualThreadPresenceTest {
    @Test
    void aGroupTreeWithoutTheJdksVirtualThreadGroupsSaysNo() {
        ThreadGroup system = new ThreadGroup("test-system");
        new ThreadGroup(system, "main");
        new ThreadGroup(system, "InnocuousThreadGroup");
        assertFalse(VirtualThreadPresence.used(system));
    }

    @Test
    void carrierThreadsOrVirtualThreadsGroupsSayYes() {
        ThreadGroup a = new ThreadGroup("test-system-a");
        new ThreadGroup(a, "main");
        new ThreadGroup(a, "CarrierThreads");
        assertTrue(VirtualThreadPresence.used(a));
        ThreadGroup b = new ThreadGroup("test-system-b");
        new ThreadGroup(b, "VirtualThreads");
        assertTrue(VirtualThreadPresence.used(b));
    }

    @Test
    void theFeatureReleaseIsReadFromTheSpecificationVersion() {
        assertEquals(8, VirtualThreadPresence.feature("1.8"));
        assertEquals(17, VirtualThreadPresence.feature("17"));
        assertEquals(25, VirtualThreadPresence.feature("25"));
        assertEquals(0, VirtualThreadPresence.feature(null));
        assertEquals(0, VirtualThreadPresence.feature("x"));
        assertEquals(Runtime.version().feature() >= 21, VirtualThreadPresence.jdkHasThem());
    }

    @Test
    void onThisJdk17NoVirtualThreadWasEverUsed() {
        if (Runtime.version().feature() < 21) {
            assertFalse(VirtualThreadPresence.used());
        }
    }
}
