package io.jvmhealth.agent.jmx;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JmxAccessTest {
    @Test
    void theClassesSoughtPassTheCheapFilterAndMostOthersDoNot() throws Exception {
        // Class.forName without initializing: the test JVM may load these, the agent never does.
        assertTrue(JmxAccess.mayBeSought(Class.forName(JmxAccess.MBEAN_SERVER_BUILDER, false, null)));
        assertTrue(JmxAccess.mayBeSought(Class.forName(JmxAccess.LOGGER, false, null)));
        assertFalse(JmxAccess.mayBeSought(String.class), "final");
        assertFalse(JmxAccess.mayBeSought(java.util.ArrayList.class), "not a direct subclass of Object");
        assertFalse(JmxAccess.mayBeSought(Runnable.class), "an interface");
        assertFalse(JmxAccess.mayBeSought(int[].class), "an array");
        assertFalse(JmxAccess.mayBeSought(JmxAccessTest.class), "not the JDK's");
    }
}
