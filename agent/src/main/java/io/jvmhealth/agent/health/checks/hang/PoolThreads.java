package io.jvmhealth.agent.health.checks.hang;

import io.jvmhealth.agent.base.AgentInstrumentation;
import io.jvmhealth.agent.base.PrivateAccess;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;

/**
 * This JVM's platform threads and what each runs, for a server whose request pool has no MBean (embedded Tomcat with
 * Spring Boot's default {@code server.tomcat.mbeanregistry.enabled=false}, Jetty without jetty-jmx): from one of its
 * request threads, the {@code Runnable} it was created with leads to the pool object, whose public getters give the
 * figures ({@link RequestPools}).
 *
 * <p>The {@code Runnable} is a private field of {@code java.lang.Thread}. Through {@link PrivateAccess},
 * {@code java.base} opens {@code java.lang} and {@code java.util.concurrent} to one module only: the unnamed module of a
 * class loader of the agent's own that defines a single class, {@link TaskCall}, which reads those fields and never
 * writes one (as {@code ThreadInternals} and {@code PlatformBeans} do for theirs). The application gains no access.
 * Where it cannot be done (no instrumentation, a {@code java.base} that cannot be modified) the figures are not read
 * and {@link #unavailable()} says why; on JDK 8 (no modules) the fields are read directly.
 *
 * <p>One instance per read: the threads are enumerated at most once per instance, when a pool is sought.
 */
public final class PoolThreads {
    private static final String CALL_CLASS = "io.jvmhealth.agent.health.checks.hang.TaskCall";
    /** Threads enumerated at most (a bound on the array a read allocates). */
    static final int MAX_THREADS = 100_000;
    private static final Object LOCK = new Object();
    private static java.util.function.Function<Object, Object> call;
    private static String unavailable;
    private static boolean tried;

    private List<Thread> threads;

    /** Why threads' tasks cannot be read on this JVM, or null when they can (or were not needed yet). */
    public static String unavailable() {
        synchronized (LOCK) {
            return tried ? unavailable : null;
        }
    }

    /** The live platform threads (enumerated once per instance; bounded by {@link #MAX_THREADS}). */
    public List<Thread> threads() {
        if (threads == null) {
            ThreadGroup root = Thread.currentThread().getThreadGroup();
            while (root.getParent() != null) {
                root = root.getParent();
            }
            Thread[] all = new Thread[Math.min(MAX_THREADS, root.activeCount() * 2 + 16)];
            int n = root.enumerate(all, true);
            List<Thread> list = new ArrayList<Thread>(n);
            for (int i = 0; i < n; i++) {
                list.add(all[i]);
            }
            threads = list;
        }
        return threads;
    }

    /** The {@code Runnable} {@code thread} was created with, or null (not readable here: see {@link #unavailable()}). */
    public Object task(Thread thread) {
        java.util.function.Function<Object, Object> c = call();
        return c == null ? null : c.apply(thread);
    }

    /** The enclosing instance of an inner class's object ({@code this$0}), or null. */
    public Object outer(Object inner) {
        java.util.function.Function<Object, Object> c = call();
        return c == null || inner == null ? null : c.apply(inner);
    }

    private static java.util.function.Function<Object, Object> call() {
        synchronized (LOCK) {
            if (!tried) {
                tried = true;
                try {
                    call = open(AgentInstrumentation.get());
                } catch (Throwable e) {
                    call = null;
                    unavailable = "threads' tasks cannot be read: " + (e.getMessage() != null ? e.getMessage() : e.toString());
                }
            }
            return call;
        }
    }

    /** {@link TaskCall} with {@code java.lang} and {@code java.util.concurrent} opened to it alone ({@link PrivateAccess}). */
    @SuppressWarnings("unchecked")
    private static java.util.function.Function<Object, Object> open(Instrumentation instrumentation) throws Exception {
        if (!PrivateAccess.modules()) {
            return new TaskCall(); // JDK 8: no modules, private fields are read with setAccessible alone
        }
        return (java.util.function.Function<Object, Object>) PrivateAccess.instance(instrumentation, CALL_CLASS, Object.class,
                Collections.<String>emptySet(), new HashSet<String>(Arrays.asList("java.lang", "java.util.concurrent")));
    }
}
