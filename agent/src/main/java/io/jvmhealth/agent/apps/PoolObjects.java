package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.checks.hang.PoolThreads;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * What the servers' {@code RequestPools} share: MBean reads that tolerate a missing attribute, and the pool objects
 * found through their threads, held weakly (a stopped server's pool is not kept alive by the agent) and sought again
 * at most every {@link #SEEK_EVERY_MILLIS} once found (a connector started later is found then), every
 * {@link #SEEK_UNTIL_FOUND_MILLIS} before. Reader threads only, one read at a time.
 */
final class PoolObjects {
    static final long SEEK_EVERY_MILLIS = 60_000;
    static final long SEEK_UNTIL_FOUND_MILLIS = 1_000;

    /** Finds pool objects among this JVM's threads. */
    interface Finder {
        /** The pool a thread works for, or null; {@code names} receives the pool's name for a new one. */
        Object poolOf(Thread thread, PoolThreads threads);

        String nameOf(Object pool, Thread thread);
    }

    private final List<WeakReference<Object>> pools = new ArrayList<WeakReference<Object>>();
    private final List<String> names = new ArrayList<String>();
    private long soughtNanos;
    private boolean sought;

    /** The pools found (sought again when due), with their names in {@code poolNames}. */
    List<Object> pools(PoolThreads threads, Finder finder, List<String> poolNames) {
        long now = System.nanoTime();
        boolean none = true;
        for (WeakReference<Object> r : pools) {
            none &= r.get() == null;
        }
        long every = TimeUnit.MILLISECONDS.toNanos(none ? SEEK_UNTIL_FOUND_MILLIS : SEEK_EVERY_MILLIS);
        if (!sought || now - soughtNanos >= every) {
            sought = true;
            soughtNanos = now;
            seek(threads, finder);
        }
        List<Object> alive = new ArrayList<Object>(pools.size());
        for (int i = 0; i < pools.size(); i++) {
            Object p = pools.get(i).get();
            if (p != null) {
                alive.add(p);
                poolNames.add(names.get(i));
            }
        }
        return alive;
    }

    private void seek(PoolThreads threads, Finder finder) {
        List<Object> found = new ArrayList<Object>();
        List<String> foundNames = new ArrayList<String>();
        for (Thread t : threads.threads()) {
            Object pool = finder.poolOf(t, threads);
            if (pool == null) {
                continue;
            }
            boolean known = false;
            for (Object f : found) {
                known |= f == pool;
            }
            if (!known) {
                found.add(pool);
                foundNames.add(finder.nameOf(pool, t));
            }
        }
        pools.clear();
        names.clear();
        for (int i = 0; i < found.size(); i++) {
            pools.add(new WeakReference<Object>(found.get(i)));
            names.add(foundNames.get(i));
        }
    }

    /** A public no-argument getter's value as a number, or -1 (absent, failed, not a number). */
    static long number(Object target, String getter) {
        try {
            Method m = target.getClass().getMethod(getter);
            Object v = m.invoke(target);
            return v instanceof Number ? ((Number) v).longValue() : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** A public no-argument getter's value, or null. */
    static Object value(Object target, String getter) {
        try {
            return target.getClass().getMethod(getter).invoke(target);
        } catch (Exception e) {
            return null;
        }
    }

    /** A field's value (the server's own classes: in unnamed modules, readable; {@link Getters#field}), or null. */
    static Object field(Object target, String name) {
        Object v = Getters.field(target, name);
        return v == Getters.MISSING ? null : v;
    }

    /** The names matching {@code pattern}, sorted (a stable order); none when the pattern is not valid. */
    static Set<ObjectName> names(MBeanServer mbeans, String pattern) {
        try {
            return new TreeSet<ObjectName>(mbeans.queryNames(new ObjectName(pattern), null));
        } catch (javax.management.MalformedObjectNameException e) {
            return new TreeSet<ObjectName>();
        }
    }

    /** An attribute as a number, or -1 when it is absent or not a number (another version of the server). */
    static long attribute(MBeanServer mbeans, ObjectName name, String attribute) throws Exception {
        try {
            Object v = mbeans.getAttribute(name, attribute);
            return v instanceof Number ? ((Number) v).longValue() : -1;
        } catch (javax.management.AttributeNotFoundException e) {
            return -1;
        } catch (javax.management.InstanceNotFoundException e) {
            return -1;
        }
    }

    /** An attribute's value, or null when it is absent or its getter fails. */
    static Object text(MBeanServer mbeans, ObjectName name, String attribute) {
        try {
            return mbeans.getAttribute(name, attribute);
        } catch (Exception e) {
            return null;
        }
    }

    /** A key property without its quotes: {@code "http-nio-8080"} -&gt; {@code http-nio-8080}. */
    static String unquoted(String value) {
        if (value != null && value.length() >= 2 && value.charAt(0) == '"') {
            try {
                return ObjectName.unquote(value);
            } catch (IllegalArgumentException e) {
                return value;
            }
        }
        return value;
    }
}
