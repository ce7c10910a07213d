package io.jvmhealth.agent.apps;

import java.lang.instrument.Instrumentation;

/**
 * Whether an application's class has been loaded, by name, without loading anything: one pass over the JVM's
 * loaded classes (a few milliseconds with tens of thousands of classes), so callers ask rarely (a gate deciding
 * whether its application starts at all in this run), never per poll.
 */
final class LoadedClasses {
    private LoadedClasses() {
    }

    /** True when one of {@code names} is loaded by a class loader other than the JDK's; false without instrumentation. */
    static boolean anyLoaded(Instrumentation instrumentation, String... names) {
        if (instrumentation == null) {
            return false;
        }
        for (Class<?> c : instrumentation.getAllLoadedClasses()) {
            if (c.getClassLoader() == null) {
                continue; // the JDK's own: never an application's; Class.getName would build and keep a name for each
            }
            String n = c.getName();
            for (String name : names) {
                if (name.equals(n)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when one of {@code names} is on the class path as a class file (the system or the context class loader sees it). */
    static boolean onClassPath(String... names) {
        for (String name : names) {
            String resource = name.replace('.', '/') + ".class";
            try {
                if (ClassLoader.getSystemResource(resource) != null) {
                    return true;
                }
                ClassLoader context = Thread.currentThread().getContextClassLoader();
                if (context != null && context.getResource(resource) != null) {
                    return true;
                }
            } catch (RuntimeException e) {
                return true; // cannot tell: assume it is there (the gate then waits as usual)
            }
        }
        return false;
    }
}
