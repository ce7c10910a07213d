package io.jvmhealth.agent.apps;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The application contexts of a Spring Boot application and Spring's own readiness, read without bytecode and without
 * running the application's code: field reads alone.
 *
 * <p><b>The contexts.</b> Spring Boot (2.5+) keeps the contexts it will close at the JVM's shutdown in one registry, the
 * static {@code SpringApplication.shutdownHook} ({@code SpringApplicationShutdownHook.contexts}: every context
 * {@code run} refreshes, registered before its refresh begins, unless the application turned
 * {@code registerShutdownHook} off); read by reflection, without taking its lock (a copy that meets a concurrent change
 * is retried at the next read). Until one is seen there, also {@code closedContexts} (Spring Boot 2.7+), under that lock:
 * a context closed before it was ever read is a start that failed. A context is closed from the moment its {@code close()} begins: {@code isClosed()}
 * (Spring Framework 6.2+: set first thing in {@code doClose}, before the {@code ContextClosedEvent} and before the web
 * server stops); on older versions {@code !isActive()}, which is set only at the end of the close.
 *
 * <p><b>Spring's readiness.</b> With auto-configuration (Spring Boot 2.3+) each context holds the singleton
 * {@code applicationAvailability} ({@code ApplicationAvailabilityBean}), which keeps the last {@code AvailabilityChangeEvent}
 * of each kind in a concurrent map. {@code SpringApplication.run} publishes {@code ReadinessState.ACCEPTING_TRAFFIC} as
 * its very last step, right after {@code ApplicationReadyEvent}; a web context publishes {@code REFUSING_TRAFFIC} as its
 * close begins, and so may the application itself. It is read from the context's bean factory
 * ({@code singletonObjects}, a concurrent map): no bean is created or looked up through Spring.
 */
final class SpringContexts {
    static final String HOOK_FIELD = "shutdownHook";
    static final String CONTEXTS_FIELD = "contexts";
    static final String CLOSED_FIELD = "closedContexts";
    static final String AVAILABILITY_BEAN = "applicationAvailability";
    static final String READINESS_STATE = "org.springframework.boot.availability.ReadinessState";
    static final String ACCEPTING = "ACCEPTING_TRAFFIC";

    /** What the contexts say about the start, at one read ({@link #readiness}). */
    static final class Readiness {
        /** Open contexts known. */
        int open;
        /** Contexts known, all closed: a start that failed (or an application that closed them). */
        boolean allClosed;
        /** Open contexts that hold (or will hold) the availability bean, and of those, how many accept traffic. */
        int withAvailability;
        int accepting;
        /** Open contexts whose bean definitions are final and include no availability bean (no auto-configuration). */
        int withoutAvailability;
        /** The readiness state of a context that does not accept traffic yet, for the reason. */
        String state;
    }

    private final ClassNotice application;
    /** The contexts last known (the registry's, or the last ones seen once the registry is empty). */
    private volatile List<WeakReference<Object>> contexts = new ArrayList<WeakReference<Object>>(0);
    /** The availability beans of the contexts last known, for the watch. */
    private volatile List<WeakReference<Object>> beans = new ArrayList<WeakReference<Object>>(0);
    private boolean everRegistered;
    /** Why nothing is watched, or null. */
    private String notWatched = "not looked for yet";

    SpringContexts(ClassNotice application) {
        this.application = application;
    }

    /** Whether {@code SpringApplication} has loaded (evaluator thread). */
    boolean loaded() {
        return application.loaded() != null;
    }

    /** Stops watching for {@code SpringApplication} to load (the gate gave up on it, or is closed). */
    void stopLooking() {
        application.unregister();
    }

    /** Whether a context was ever seen in the registry. */
    boolean everRegistered() {
        return everRegistered;
    }

    /** Reads the registry and each known context's readiness (evaluator thread: while the gate waits, each poll). */
    Readiness readiness() {
        refresh();
        Readiness r = new Readiness();
        List<WeakReference<Object>> known = contexts;
        List<WeakReference<Object>> found = new ArrayList<WeakReference<Object>>(known.size());
        int closed = 0;
        for (WeakReference<Object> ref : known) {
            Object c = ref.get();
            if (c == null) {
                continue;
            }
            if (isClosed(c)) {
                closed++;
                continue;
            }
            r.open++;
            Object factory = Getters.field(c, "beanFactory");
            if (factory == null || factory == Getters.MISSING) {
                continue; // not refreshed yet
            }
            Object bean = singleton(factory, AVAILABILITY_BEAN);
            if (bean != null) {
                found.add(new WeakReference<Object>(bean));
                r.withAvailability++;
                String state = readinessOf(bean);
                if (ACCEPTING.equals(state)) {
                    r.accepting++;
                } else {
                    r.state = state == null ? "not published yet" : state;
                }
            } else if (Boolean.TRUE.equals(Getters.field(factory, "configurationFrozen"))) {
                Object definitions = Getters.field(factory, "beanDefinitionMap");
                if (definitions instanceof Map && ((Map<?, ?>) definitions).containsKey(AVAILABILITY_BEAN)) {
                    r.withAvailability++; // defined, created in a moment
                    r.state = "not published yet";
                } else {
                    r.withoutAvailability++;
                }
            }
        }
        r.allClosed = r.open == 0 && closed > 0;
        beans = found;
        return r;
    }

    /**
     * Evaluator thread, at a full evaluation once the gate passed: reads the registry again and says in {@code details}
     * what is watched. Null while the application serves (or nothing is known), else the reason it does not.
     */
    String stopped(Map<String, Object> details) {
        Readiness r = readiness();
        if (contexts.isEmpty()) {
            details.put("contextWatch", "not watched: " + notWatched);
            return null;
        }
        String how = "!isActive() (set at the end of a close: Spring Framework before 6.2)";
        for (WeakReference<Object> ref : contexts) {
            Object c = ref.get();
            if (c != null && Getters.get(c, "isClosed") != Getters.MISSING) {
                how = "isClosed()";
            }
        }
        details.put("contextWatch", "Spring Boot's shutdown-hook registry, " + contexts.size() + " context(s), " + how
                + (r.withAvailability > 0 ? " and Spring's readiness state" : "") + " every " + SpringBootGate.WATCH_MILLIS + " ms");
        if (r.allClosed) {
            return "Spring's application context is closed";
        }
        String refusing = refusing();
        return refusing == null ? null : "Spring's readiness state is " + refusing;
    }

    /** The watch (evaluator thread, every few tens of ms): true while a known context is open and none refuses traffic, or none is known. */
    boolean serving() {
        List<WeakReference<Object>> known = contexts;
        boolean any = false;
        boolean open = false;
        for (WeakReference<Object> ref : known) {
            Object c = ref.get();
            if (c == null) {
                continue;
            }
            any = true;
            if (!isClosed(c)) {
                open = true;
                break;
            }
        }
        return (open || !any) && refusing() == null;
    }

    /**
     * Whether an availability bean found at the last {@link #readiness} read has still not published
     * {@code ACCEPTING_TRAFFIC}: the start's last stretch (its singletons are being created, the web server started,
     * the runners called), told by a few field reads without reading the registry again.
     */
    boolean knownBeanWaiting() {
        for (WeakReference<Object> ref : beans) {
            Object bean = ref.get();
            if (bean != null && !ACCEPTING.equals(readinessOf(bean))) {
                return true;
            }
        }
        return false;
    }

    /** The readiness state of an availability bean known that says anything but ACCEPTING_TRAFFIC, or null. */
    private String refusing() {
        for (WeakReference<Object> ref : beans) {
            Object bean = ref.get();
            if (bean != null) {
                String state = readinessOf(bean);
                if (state != null && !ACCEPTING.equals(state)) {
                    return state;
                }
            }
        }
        return null;
    }

    private static Object singleton(Object factory, String name) {
        Object singletons = Getters.field(factory, "singletonObjects");
        return singletons instanceof Map ? ((Map<?, ?>) singletons).get(name) : null;
    }

    /** The name of the last readiness state the bean holds, or null when none was published. */
    static String readinessOf(Object availabilityBean) {
        Object events = Getters.field(availabilityBean, "events");
        if (!(events instanceof Map)) {
            return null;
        }
        try {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) events).entrySet()) {
                Object type = e.getKey();
                if (type instanceof Class && READINESS_STATE.equals(((Class<?>) type).getName())) {
                    Object state = Getters.field(e.getValue(), "payload");
                    return state instanceof Enum ? ((Enum<?>) state).name() : null;
                }
            }
        } catch (RuntimeException e) {
            return null; // a plain HashMap before Spring Boot 3 (a ConcurrentHashMap since): changed while read, read again next time
        }
        return null;
    }

    private static boolean isClosed(Object context) {
        Object closed = Getters.get(context, "isClosed");
        if (closed == Getters.MISSING) {
            return Boolean.FALSE.equals(Getters.get(context, "isActive"));
        }
        return Boolean.TRUE.equals(closed);
    }

    private void refresh() {
        Class<?> c = application.loaded();
        if (c == null) {
            notWatched = SpringBoot.SPRING_APPLICATION + " is not loaded";
            return;
        }
        List<WeakReference<Object>> found = new ArrayList<WeakReference<Object>>(2);
        try {
            Object hook = Getters.staticField(c, HOOK_FIELD);
            if (hook == Getters.MISSING) {
                notWatched = "this Spring Boot has no shutdown-hook registry (" + HOOK_FIELD + ", Spring Boot 2.5+)";
                return;
            }
            Object registered = hook == null ? null : Getters.field(hook, CONTEXTS_FIELD);
            if (registered instanceof Collection) {
                for (Object context : ((Collection<?>) registered).toArray()) {
                    found.add(new WeakReference<Object>(context));
                }
            }
            if (found.isEmpty() && !everRegistered && hook != null) {
                // None seen yet: one may have been registered and closed between two reads (a start that failed at once).
                // Spring Boot keeps those in a set backed by a WeakHashMap, which even a read may change: read under
                // Spring Boot's own lock for it (the class's; held by Spring for a few set operations at a time).
                synchronized (hook.getClass()) {
                    Object closed = Getters.field(hook, CLOSED_FIELD);
                    if (closed instanceof Collection) {
                        for (Object context : ((Collection<?>) closed).toArray()) {
                            found.add(new WeakReference<Object>(context));
                        }
                    }
                }
            }
            notWatched = "no context registered in Spring Boot's shutdown-hook registry (registerShutdownHook off?)";
        } catch (java.util.ConcurrentModificationException e) {
            return; // changed while copied: the next read reads it again
        } catch (RuntimeException e) {
            notWatched = "Spring Boot's shutdown-hook registry cannot be read (" + e.getClass().getSimpleName() + ")";
            return;
        }
        if (!found.isEmpty()) {
            everRegistered = true;
            contexts = found;
        }
    }
}
