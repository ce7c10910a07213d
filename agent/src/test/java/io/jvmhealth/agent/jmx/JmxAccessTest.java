package io.jvmhealth.agent.jmx;

import org.junit.jupiter.api.Test;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    /** Records which Instrumentation methods are called; the bootstrap loader's classes are {@code boot}. */
    private static Instrumentation recording(List<String> calls, Class<?>[] boot) {
        return (Instrumentation) Proxy.newProxyInstance(JmxAccessTest.class.getClassLoader(), new Class<?>[] {Instrumentation.class},
                (proxy, method, args) -> {
                    calls.add(method.getName() + (args == null ? "" : "(" + args[0] + ")"));
                    if (method.getName().equals("getInitiatedClasses") || method.getName().equals("getAllLoadedClasses")) {
                        return boot;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /**
     * A host that never creates an MBeanServer: the presets ask once per evaluation forever. With the platform server's
     * field readable, that is the field and nothing else: no class of the host is looked at, however many it has.
     */
    @Test
    void whetherTheServerExistsIsOneFieldReadNoScan() {
        List<String> calls = new ArrayList<>();
        AtomicBoolean exists = new AtomicBoolean();
        JmxAccess access = new JmxAccess(recording(calls, new Class<?>[0]), null, 15_000, exists::get);
        long t = 0;
        for (int i = 0; i < 10_000; i++, t += TimeUnit.MILLISECONDS.toNanos(25)) {
            assertFalse(access.serverExists(t));
        }
        assertEquals(List.of(), calls, "no scan, no instrumentation call");
        exists.set(true);
        assertTrue(access.serverExists(t));
        assertTrue(access.ready(t), "an existing platform server starts the rules too");
    }

    /**
     * Custom rules wait for the Logger until the fallback: the bootstrap loader's classes only (never every loaded
     * class), looked at less and less often: 250 ms, doubling to 5 s.
     */
    @Test
    void theLoggerIsSoughtAmongTheBootstrapClassesBackingOffUntilTheFallback() throws Exception {
        List<String> calls = new ArrayList<>();
        long t0 = System.nanoTime(); // the fallback counts from the access's creation, in real time
        JmxAccess access = new JmxAccess(recording(calls, new Class<?>[] {String.class}), null, 15_000, () -> false);
        long t = t0;
        for (; t < t0 + TimeUnit.SECONDS.toNanos(15); t += TimeUnit.MILLISECONDS.toNanos(25)) {
            assertFalse(access.ready(t));
        }
        t += TimeUnit.SECONDS.toNanos(1);
        assertTrue(calls.stream().allMatch(c -> c.equals("getInitiatedClasses(null)")), calls.toString());
        // 0, 0.25, 0.75, 1.75, 3.75, 7.75, 12.75 s: 7 looks in 15 s, instead of 60 at a fixed 250 ms
        assertEquals(7, access.scans(), calls.toString());
        assertTrue(access.ready(t), "the fallback");
        int after = calls.size();
        access.ready(t + TimeUnit.SECONDS.toNanos(60));
        assertEquals(after, calls.size(), "nothing more once ready");

        calls.clear();
        Class<?> logger = Class.forName(JmxAccess.LOGGER, false, null);
        JmxAccess found = new JmxAccess(recording(calls, new Class<?>[] {String.class, logger}), null, 15_000, () -> false);
        assertTrue(found.ready(0), "the Logger loaded: ready at the first look");
    }

    /** Where the field cannot be read, MBeanServerBuilder is sought among the bootstrap classes, backing off to 5 s. */
    @Test
    void withoutTheFieldTheBuilderIsSoughtAmongTheBootstrapClasses() throws Exception {
        List<String> calls = new ArrayList<>();
        JmxAccess access = new JmxAccess(recording(calls, new Class<?>[] {String.class}), null, 15_000, null);
        long t = 0;
        for (; t < TimeUnit.SECONDS.toNanos(60); t += TimeUnit.MILLISECONDS.toNanos(25)) {
            assertFalse(access.serverExists(t));
        }
        assertTrue(calls.stream().allMatch(c -> c.equals("getInitiatedClasses(null)")), calls.toString());
        assertTrue(access.scans() <= 7 + 10, access.scans() + " looks in 60 s");
        Class<?> builder = Class.forName(JmxAccess.MBEAN_SERVER_BUILDER, false, null);
        JmxAccess found = new JmxAccess(recording(calls, new Class<?>[] {builder}), null, 15_000, null);
        assertTrue(found.serverExists(0));
    }

    /** In this JVM (no instrumentation) the field cannot be opened on JDK 9+: the probe says so, nothing breaks. */
    @Test
    void withoutInstrumentationThereIsNoProbeOnAModularJdk() {
        assertNull(PlatformServer.probe(null));
        JmxAccess access = new JmxAccess(null, null, 0);
        assertFalse(access.serverExists(System.nanoTime()));
        assertTrue(access.ready(System.nanoTime()), "fallback 0");
    }
}
