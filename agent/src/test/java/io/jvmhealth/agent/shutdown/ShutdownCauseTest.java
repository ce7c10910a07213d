package io.jvmhealth.agent.shutdown;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The causes told from the initiating thread's stack, as JDK 17 and 25 show them (seen in ShutdownIT's hosts). */
class ShutdownCauseTest {

    private static StackTraceElement f(String frame) {
        int dot = frame.lastIndexOf('.');
        return new StackTraceElement(frame.substring(0, dot), frame.substring(dot + 1), null, -1);
    }

    private static StackTraceElement[] stack(String... frames) {
        StackTraceElement[] s = new StackTraceElement[frames.length];
        for (int i = 0; i < frames.length; i++) {
            s[i] = f(frames[i]);
        }
        return s;
    }

    private static final String[] HOOKS = {"java.lang.Object.wait", "java.lang.Thread.join", "java.lang.Thread.join",
            "java.lang.ApplicationShutdownHooks.runHooks", "java.lang.ApplicationShutdownHooks$1.run", "java.lang.Shutdown.runHooks"};

    private static String[] with(String... below) {
        String[] all = new String[HOOKS.length + below.length];
        System.arraycopy(HOOKS, 0, all, 0, HOOKS.length);
        System.arraycopy(below, 0, all, HOOKS.length, below.length);
        return all;
    }

    @Test
    void theJvmsOwnHandlerOnTheSignalThreadIsThatSignal() {
        StackTraceElement[] s = stack(with("java.lang.Shutdown.exit", "java.lang.Terminator$1.handle",
                "jdk.internal.misc.Signal$1.run", "java.lang.Thread.run"));
        assertEquals("SIGTERM", ShutdownCause.describe("SIGTERM handler", s));
        assertEquals("SIGINT", ShutdownCause.describe("SIGINT handler", s));
        assertEquals("SIGTERM, after the drain", ShutdownCause.describe("jvm-health-drain", s));
        assertEquals("a signal", ShutdownCause.describe("elsewhere", s));
    }

    @Test
    void systemExitNamesItsCaller() {
        StackTraceElement[] s = stack(with("java.lang.Shutdown.exit", "java.lang.Runtime.exit", "java.lang.System.exit",
                "com.acme.Main.main"));
        assertEquals("System.exit from com.acme.Main.main", ShutdownCause.describe("main", s));
        assertEquals("System.exit from com.acme.Main.main (in a SIGTERM handler)", ShutdownCause.describe("SIGTERM handler", s));
        StackTraceElement[] runtime = stack(with("java.lang.Shutdown.exit", "java.lang.Runtime.exit", "com.acme.Main.stop"));
        assertEquals("System.exit from com.acme.Main.stop", ShutdownCause.describe("worker", runtime));
    }

    @Test
    void theLastThreadEndingIsShutdownShutdown() {
        assertEquals("the last non-daemon thread ended",
                ShutdownCause.describe("DestroyJavaVM", stack(with("java.lang.Shutdown.shutdown"))));
    }

    @Test
    void aThreadNotInTheShutdownTellsNothing() {
        assertNull(ShutdownCause.describe("main", stack("java.lang.Thread.sleep", "com.acme.Main.main")));
        assertNull(ShutdownCause.describe("main", new StackTraceElement[0]));
        assertNull(ShutdownCause.describe(null, null));
    }

    @Test
    void inAJvmThatIsNotShuttingDownTheCauseIsUnknownAndQuick() {
        long began = System.nanoTime();
        assertEquals(ShutdownCause.UNKNOWN, ShutdownCause.find(Thread.currentThread()));
        long millis = (System.nanoTime() - began) / 1_000_000;
        System.out.println("[ShutdownCauseTest] find over " + Thread.activeCount() + " threads: " + millis + " ms");
        assertTrue(millis < 2_000, millis + " ms");
    }
}
