package org.springframework.boot;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * A stand-in with the shape of Spring Boot's registry, for SpringContextsTest and SpringBootGateTest: {@code contexts}
 * (the contexts not closed yet) and {@code closedContexts}, both guarded by the class's lock as Spring Boot's are.
 */
public final class SpringApplicationShutdownHook {
    private final Set<Object> contexts = new LinkedHashSet<>();
    private final Set<Object> closedContexts = Collections.newSetFromMap(new WeakHashMap<>());

    public void register(Object context) {
        synchronized (SpringApplicationShutdownHook.class) {
            contexts.add(context);
        }
    }

    /** What Spring Boot's ContextClosedEvent listener does. */
    public void closed(Object context) {
        synchronized (SpringApplicationShutdownHook.class) {
            contexts.remove(context);
            closedContexts.add(context);
        }
    }

    /** Forgets every context (between tests). */
    public void clear() {
        synchronized (SpringApplicationShutdownHook.class) {
            contexts.clear();
            closedContexts.clear();
        }
    }

    public static SpringApplicationShutdownHook instance() {
        return SpringApplication.shutdownHook;
    }
}
