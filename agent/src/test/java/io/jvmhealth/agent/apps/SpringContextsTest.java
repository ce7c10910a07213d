package io.jvmhealth.agent.apps;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationShutdownHook;
import org.springframework.boot.availability.ReadinessState;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spring's contexts and readiness as the Spring Boot gate reads them: from Spring Boot's shutdown-hook registry and
 * each context's bean factory (stand-ins with the shape of Spring's: the fields the agent reads, by name).
 */
class SpringContextsTest {
    @AfterEach
    void forgetTheContexts() {
        SpringApplicationShutdownHook.instance().clear();
    }

    /** Spring Framework 6.2+: {@code isClosed()} from the first moment of {@code close()}; its bean factory once refreshed. */
    public static final class Context {
        private final AtomicBoolean closed = new AtomicBoolean();
        volatile BeanFactory beanFactory;

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

        /** Registers it, as {@code SpringApplication.run} does before the refresh. */
        Context register() {
            SpringApplicationShutdownHook.instance().register(this);
            return this;
        }
    }

    /** As {@code DefaultListableBeanFactory}: the fields read. */
    static final class BeanFactory {
        final Map<String, Object> singletonObjects = new ConcurrentHashMap<>();
        final Map<String, Object> beanDefinitionMap = new ConcurrentHashMap<>();
        volatile boolean configurationFrozen;
    }

    /** As {@code ApplicationAvailabilityBean}: the last event of each kind of state. */
    static final class AvailabilityBean {
        final Map<Class<?>, Object> events = new ConcurrentHashMap<>();

        void publish(ReadinessState state) {
            events.put(ReadinessState.class, new Event(state));
        }
    }

    /** As {@code AvailabilityChangeEvent} (a {@code PayloadApplicationEvent}). */
    static final class Event {
        final Object payload;

        Event(Object payload) {
            this.payload = payload;
        }
    }

    /** A context refreshed up to its singletons: with the availability bean (auto-configuration) or without. */
    static AvailabilityBean refreshed(Context context, boolean withAvailability) {
        BeanFactory factory = new BeanFactory();
        factory.configurationFrozen = true;
        AvailabilityBean bean = null;
        if (withAvailability) {
            bean = new AvailabilityBean();
            factory.beanDefinitionMap.put(SpringContexts.AVAILABILITY_BEAN, "definition");
            factory.singletonObjects.put(SpringContexts.AVAILABILITY_BEAN, bean);
        }
        context.beanFactory = factory;
        return bean;
    }
    /** Before 6.2: {@code isActive()} only. */
    public static final class OldContext {
        volatile boolean active = true;

        public boolean isActive() {
            return active;
        }
    }

    @Test
    void aClosedContextIsSeenByTheWatchAndNamedByTheEvaluation() {
        SpringContexts contexts = new SpringContexts(ClassNotice.of(SpringApplication.class));
        Map<String, Object> details = new LinkedHashMap<>();
        assertNull(contexts.stopped(details));
        assertTrue(String.valueOf(details.get("contextWatch")).startsWith("not watched: no context registered"), details.toString());
        assertTrue(contexts.serving(), "nothing known: nothing to fail");

        Context context = new Context().register();
        details.clear();
        assertNull(contexts.stopped(details));
        assertEquals("Spring Boot's shutdown-hook registry, 1 context(s), isClosed() every 50 ms", details.get("contextWatch"));
        assertTrue(contexts.serving());
        ServingTest.printCost("Spring's context (isClosed())", contexts::serving);
        context.close();
        assertFalse(contexts.serving(), "the watch sees the close");
        assertEquals("Spring's application context is closed", contexts.stopped(new LinkedHashMap<>()),
                "gone from the registry: the last ones known are judged");

        Context restarted = new Context().register(); // devtools' restart: a new context registers
        assertNull(contexts.stopped(new LinkedHashMap<>()));
        assertTrue(contexts.serving());
        restarted.close();
    }

    @Test
    void beforeSpring62TheContextIsClosedWhenNoLongerActive() {
        SpringContexts contexts = new SpringContexts(ClassNotice.of(SpringApplication.class));
        OldContext context = new OldContext();
        SpringApplicationShutdownHook.instance().register(context);
        Map<String, Object> details = new LinkedHashMap<>();
        assertNull(contexts.stopped(details));
        assertTrue(String.valueOf(details.get("contextWatch")).contains("isActive()"), details.toString());
        context.active = false;
        assertFalse(contexts.serving());
        assertEquals("Spring's application context is closed", contexts.stopped(new LinkedHashMap<>()));
    }

    @Test
    void spring_sReadinessIsReadFromTheAvailabilityBeanAndFollowedOncePassed() {
        SpringContexts contexts = new SpringContexts(ClassNotice.of(SpringApplication.class));
        Context context = new Context().register();
        SpringContexts.Readiness r = contexts.readiness();
        assertEquals(1, r.open);
        assertEquals(0, r.withAvailability, "not refreshed: no bean factory yet");
        assertEquals(0, r.withoutAvailability);

        BeanFactory factory = new BeanFactory();
        factory.beanDefinitionMap.put(SpringContexts.AVAILABILITY_BEAN, "definition");
        context.beanFactory = factory;
        assertEquals(0, contexts.readiness().withAvailability, "definitions not final yet: nothing decided");
        factory.configurationFrozen = true;
        r = contexts.readiness();
        assertEquals(1, r.withAvailability, "defined, created in a moment");
        assertEquals(0, r.accepting);
        assertEquals("not published yet", r.state);

        AvailabilityBean bean = new AvailabilityBean();
        factory.singletonObjects.put(SpringContexts.AVAILABILITY_BEAN, bean);
        bean.events.put(String.class, new Event("another kind of state"));
        assertEquals("not published yet", contexts.readiness().state);
        bean.publish(ReadinessState.REFUSING_TRAFFIC);
        assertEquals("REFUSING_TRAFFIC", contexts.readiness().state);
        bean.publish(ReadinessState.ACCEPTING_TRAFFIC);
        r = contexts.readiness();
        assertEquals(1, r.accepting, "what run publishes as it returns");

        assertTrue(contexts.serving());
        Map<String, Object> details = new LinkedHashMap<>();
        assertNull(contexts.stopped(details));
        assertEquals("Spring Boot's shutdown-hook registry, 1 context(s), isClosed() and Spring's readiness state every 50 ms",
                details.get("contextWatch"));
        ServingTest.printCost("Spring's context and readiness", contexts::serving);
        bean.publish(ReadinessState.REFUSING_TRAFFIC); // the application says so, or its web context begins to close
        assertFalse(contexts.serving(), "the watch sees the application refuse traffic");
        assertEquals("Spring's readiness state is REFUSING_TRAFFIC", contexts.stopped(new LinkedHashMap<>()));
        context.close();
        assertEquals("Spring's application context is closed", contexts.stopped(new LinkedHashMap<>()), "a close says more");
    }

    @Test
    void aContextWhoseDefinitionsAreFinalWithoutTheBeanHasNoReadinessToRead() {
        SpringContexts contexts = new SpringContexts(ClassNotice.of(SpringApplication.class));
        Context context = new Context().register();
        assertNull(refreshed(context, false));
        SpringContexts.Readiness r = contexts.readiness();
        assertEquals(0, r.withAvailability);
        assertEquals(1, r.withoutAvailability, "no auto-configuration: nothing of Spring's will say it accepts traffic");
        assertTrue(contexts.everRegistered());
        context.close();
        assertTrue(contexts.readiness().allClosed);
    }

    @Test
    void withoutSpringApplicationNothingIsRead() {
        SpringContexts contexts = new SpringContexts(ClassNotice.watch(null, SpringBoot.SPRING_APPLICATION));
        assertFalse(contexts.loaded());
        Map<String, Object> details = new LinkedHashMap<>();
        assertNull(contexts.stopped(details));
        assertEquals("not watched: " + SpringBoot.SPRING_APPLICATION + " is not loaded", details.get("contextWatch"));
    }

    @Test
    void aContextClosedBeforeItWasEverReadIsFoundAmongTheClosedOnes() {
        SpringContexts contexts = new SpringContexts(ClassNotice.of(SpringApplication.class));
        Context context = new Context().register();
        context.close(); // between two reads
        assertTrue(contexts.readiness().allClosed, "a start that failed");
        assertTrue(contexts.everRegistered());
    }
}
