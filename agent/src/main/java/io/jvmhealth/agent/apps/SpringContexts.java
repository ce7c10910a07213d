package io.jvmhealth.agent.apps;

import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The application contexts of a Spring Boot application, for its gate once passed: whether they are closed, without
 * bytecode. Spring Boot (2.5+) keeps the contexts it will close at the JVM's shutdown in one registry, the static
 * {@code SpringApplication.shutdownHook} ({@code SpringApplicationShutdownHook.contexts}: every context {@code run}
 * refreshed, unless the application turned {@code registerShutdownHook} off); read by reflection, without taking its
 * lock (a copy that meets a concurrent change is retried at the next evaluation). A context is closed from the moment
 * its {@code close()} begins: {@code isClosed()} (Spring Framework 6.2+: set first thing in {@code doClose}, before the
 * {@code ContextClosedEvent} that turns Spring's own readiness to {@code REFUSING_TRAFFIC} and before the web server
 * stops); on older versions {@code !isActive()}, which is set only at the end of the close. The watch reads one
 * boolean per context; the registry is read at each full evaluation; the class is looked for among the loaded classes
 * once, and again at most once a minute while it is not found, {@link #MAX_LOOKS} times in all.
 */
final class SpringContexts {
    static final String HOOK_FIELD = "shutdownHook";
    static final String CONTEXTS_FIELD = "contexts";
    static final long LOOK_AGAIN_NANOS = 60_000_000_000L;
    private final long lookAgainNanos;
    /** Looks among the loaded classes at most this many times (one each minute): a Spring Boot recognized from its main
     * class whose {@code SpringApplication} never loads is not looked for again for as long as the JVM runs. */
    static final int MAX_LOOKS = 5;

    private final Instrumentation instrumentation;
    private final List<WeakReference<Class<?>>> applicationClasses = new ArrayList<WeakReference<Class<?>>>(1);
    private long lookedAt;
    private boolean lookedOnce;
    private int looks;
    /** The contexts last known (registry contents, or the last ones seen once the registry is empty). */
    private volatile List<WeakReference<Object>> contexts = new ArrayList<WeakReference<Object>>(0);
    /** Why nothing is watched, or null. */
    private String notWatched = "not looked for yet";

    SpringContexts(Instrumentation instrumentation) {
        this(instrumentation, LOOK_AGAIN_NANOS);
    }

    /** Tests: looks among the loaded classes again after {@code lookAgainNanos}. */
    SpringContexts(Instrumentation instrumentation, long lookAgainNanos) {
        this.instrumentation = instrumentation;
        this.lookAgainNanos = lookAgainNanos;
    }

    /** Tests: this class as {@code SpringApplication}, not looked for among the loaded classes. */
    SpringContexts(Class<?> applicationClass) {
        this.instrumentation = null;
        this.lookAgainNanos = LOOK_AGAIN_NANOS;
        this.applicationClasses.add(new WeakReference<Class<?>>(applicationClass));
        this.lookedOnce = true;
    }

    /**
     * Evaluator thread, at a full evaluation: reads the registry again and says in {@code details} what is watched.
     * Null while a context is open (or none is known), else the reason.
     */
    String closed(Map<String, Object> details) {
        refresh();
        List<WeakReference<Object>> known = contexts;
        if (known.isEmpty()) {
            details.put("contextWatch", "not watched: " + notWatched);
            return null;
        }
        int open = 0;
        int closed = 0;
        String how = null;
        for (WeakReference<Object> ref : known) {
            Object c = ref.get();
            if (c == null) {
                continue;
            }
            Object isClosed = Getters.get(c, "isClosed");
            how = isClosed == Getters.MISSING ? "isActive() (set at the end of a close: Spring Framework before 6.2)" : "isClosed()";
            if (isClosed(c)) {
                closed++;
            } else {
                open++;
            }
        }
        details.put("contextWatch", "Spring Boot's shutdown-hook registry, " + (open + closed) + " context(s), "
                + how + " every " + SpringBootGate.WATCH_MILLIS + " ms");
        return open == 0 && closed > 0 ? "Spring's application context is closed" : null;
    }

    /** The watch (evaluator thread, every few tens of ms): true while a known context is open, or none is known. */
    boolean anyOpen() {
        List<WeakReference<Object>> known = contexts;
        boolean any = false;
        for (WeakReference<Object> ref : known) {
            Object c = ref.get();
            if (c == null) {
                continue;
            }
            any = true;
            if (!isClosed(c)) {
                return true;
            }
        }
        return !any;
    }

    private static boolean isClosed(Object context) {
        Object closed = Getters.get(context, "isClosed");
        if (closed == Getters.MISSING) {
            return Boolean.FALSE.equals(Getters.get(context, "isActive"));
        }
        return Boolean.TRUE.equals(closed);
    }

    private void refresh() {
        long now = System.nanoTime();
        if (applicationClasses.isEmpty() && looks < MAX_LOOKS && (!lookedOnce || now - lookedAt >= lookAgainNanos)) {
            lookedOnce = true;
            lookedAt = now;
            looks++;
            findClasses();
            if (applicationClasses.isEmpty() && looks == MAX_LOOKS) {
                notWatched = SpringBoot.SPRING_APPLICATION + " is not loaded (looked for " + MAX_LOOKS + " times, a minute apart; not again)";
            }
        }
        List<WeakReference<Object>> found = new ArrayList<WeakReference<Object>>(2);
        for (WeakReference<Class<?>> ref : applicationClasses) {
            Class<?> c = ref.get();
            if (c == null) {
                continue;
            }
            try {
                Field hookField = c.getDeclaredField(HOOK_FIELD);
                hookField.setAccessible(true);
                Object hook = hookField.get(null);
                if (hook == null) {
                    continue;
                }
                Field contextsField = hook.getClass().getDeclaredField(CONTEXTS_FIELD);
                contextsField.setAccessible(true);
                Object registered = contextsField.get(hook);
                if (registered instanceof Collection) {
                    for (Object context : ((Collection<?>) registered).toArray()) {
                        found.add(new WeakReference<Object>(context));
                    }
                }
                notWatched = "no context registered in Spring Boot's shutdown-hook registry (registerShutdownHook off?)";
            } catch (NoSuchFieldException e) {
                notWatched = "this Spring Boot has no shutdown-hook registry (" + HOOK_FIELD + ", Spring Boot 2.5+)";
            } catch (java.util.ConcurrentModificationException e) {
                return; // changed while copied: the next evaluation reads it again
            } catch (Throwable e) {
                notWatched = "Spring Boot's shutdown-hook registry cannot be read (" + e.getClass().getSimpleName() + ")";
            }
        }
        if (!found.isEmpty()) {
            contexts = found;
        }
    }

    private void findClasses() {
        if (instrumentation == null) {
            notWatched = "no Instrumentation to find " + SpringBoot.SPRING_APPLICATION;
            return;
        }
        for (Class<?> c : instrumentation.getAllLoadedClasses()) {
            if (c.getClassLoader() != null && SpringBoot.SPRING_APPLICATION.equals(c.getName())) {
                applicationClasses.add(new WeakReference<Class<?>>(c));
            }
        }
        if (applicationClasses.isEmpty()) {
            notWatched = SpringBoot.SPRING_APPLICATION + " is not loaded";
        }
    }
}
