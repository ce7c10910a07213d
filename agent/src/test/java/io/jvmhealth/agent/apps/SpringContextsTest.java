package io.jvmhealth.agent.apps;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationShutdownHook;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spring's contexts as the Spring Boot gate reads them once passed: from Spring Boot's shutdown-hook registry (a stand-in). */
class SpringContextsTest {
    /** Spring Framework 6.2+: {@code isClosed()} from the first moment of {@code close()}. */
    public static final class Context {
        private final AtomicBoolean closed = new AtomicBoolean();

        public boolean isClosed() {
            return closed.get();
        }

        public boolean isActive() {
            return true; // as Spring's: set false only at the end of a close
        }

        void close() {
            closed.set(true);
            SpringApplicationShutdownHook.instance().closed(this);
        }
    }

    /** Before 6.2: {@code isActive()} only. */
    public static final class OldContext {
        volatile boolean active = true;

        public boolean isActive() {
            return active;
        }
    }

    @Test
    void aSpringApplicationThatNeverLoadsIsLookedForAFewTimesThenNotAgain() {
        java.util.concurrent.atomic.AtomicInteger scans = new java.util.concurrent.atomic.AtomicInteger();
        java.lang.instrument.Instrumentation inst = (java.lang.instrument.Instrumentation) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {java.lang.instrument.Instrumentation.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getAllLoadedClasses")) {
                        scans.incrementAndGet();
                        return new Class<?>[] {String.class, SpringContextsTest.class};
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        SpringContexts contexts = new SpringContexts(inst, 0);
        Map<String, Object> details = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            assertNull(contexts.closed(details));
            assertTrue(contexts.anyOpen(), "none known: nothing closed");
        }
        assertEquals(SpringContexts.MAX_LOOKS, scans.get(), "each look is a scan of the loaded classes: bounded");
        assertEquals("not watched: " + SpringBoot.SPRING_APPLICATION + " is not loaded (looked for " + SpringContexts.MAX_LOOKS
                + " times, a minute apart; not again)", details.get("contextWatch"));
    }

    @Test
    void aClosedContextIsSeenByTheWatchAndNamedByTheEvaluation() {
        SpringContexts contexts = new SpringContexts(SpringApplication.class);
        Map<String, Object> details = new LinkedHashMap<>();
        assertNull(contexts.closed(details));
        assertTrue(String.valueOf(details.get("contextWatch")).startsWith("not watched: no context registered"), details.toString());
        assertTrue(contexts.anyOpen(), "nothing known: nothing to fail");

        Context context = new Context();
        SpringApplicationShutdownHook.instance().register(context);
        try {
            details.clear();
            assertNull(contexts.closed(details));
            assertEquals("Spring Boot's shutdown-hook registry, 1 context(s), isClosed() every 50 ms", details.get("contextWatch"));
            assertTrue(contexts.anyOpen());
            ServingTest.printCost("Spring's context (isClosed())", contexts::anyOpen);
            context.close();
            assertFalse(contexts.anyOpen(), "the watch sees the close");
            assertEquals("Spring's application context is closed", contexts.closed(new LinkedHashMap<>()),
                    "gone from the registry: the last ones known are judged");

            Context restarted = new Context(); // devtools' restart: a new context registers
            SpringApplicationShutdownHook.instance().register(restarted);
            assertNull(contexts.closed(new LinkedHashMap<>()));
            assertTrue(contexts.anyOpen());
            restarted.close();
        } finally {
            SpringApplicationShutdownHook.instance().closed(context);
        }
    }

    @Test
    void beforeSpring62TheContextIsClosedWhenNoLongerActive() {
        SpringContexts contexts = new SpringContexts(SpringApplication.class);
        OldContext context = new OldContext();
        SpringApplicationShutdownHook.instance().register(context);
        try {
            Map<String, Object> details = new LinkedHashMap<>();
            assertNull(contexts.closed(details));
            assertTrue(String.valueOf(details.get("contextWatch")).contains("isActive()"), details.toString());
            context.active = false;
            assertFalse(contexts.anyOpen());
            assertEquals("Spring's application context is closed", contexts.closed(new LinkedHashMap<>()));
        } finally {
            SpringApplicationShutdownHook.instance().closed(context);
        }
    }
}
