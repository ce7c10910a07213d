package org.springframework.boot;

import java.util.LinkedHashSet;
import java.util.Set;

/** A stand-in with the shape of Spring Boot's registry ({@code contexts}: the contexts not closed yet), for SpringContextsTest. */
public final class SpringApplicationShutdownHook {
    private final Set<Object> contexts = new LinkedHashSet<>();

    public synchronized void register(Object context) {
        contexts.add(context);
    }

    /** What Spring Boot's ContextClosedEvent listener does. */
    public synchronized void closed(Object context) {
        contexts.remove(context);
    }

    public static SpringApplicationShutdownHook instance() {
        return SpringApplication.shutdownHook;
    }
}
