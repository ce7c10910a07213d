package io.jvmhealth.agent.boot;

import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Where instrumented methods report that they returned. This class is defined by the bootstrap
 * class loader (see {@code gates.BootSignal}), which every class loader can see, so advice inlined
 * into classes of foreign loaders (Spring Boot's fat-jar loader, application servers) reaches the
 * agent. It uses only {@code java.*} classes and must stay tiny: it is never unloaded.
 *
 * <p>Keys are {@code binary.ClassName.method}. A key counts as returned when the outermost call of
 * that method on a thread returns normally (a nested or recursive call returning does not count;
 * a call that throws does not count). Nothing here ever throws into the instrumented method.
 *
 * <p>Some keys are stop methods ({@link #stopsAt}): their entry means the instance begins to stop
 * serving (Tomcat's {@code StandardService.stopInternal}, Jetty's {@code Server.doStop}); it is told,
 * with the instance, to the stop listener on the entering thread, before the method's body runs.
 */
public final class GateSignal {
    private static final Map<String, WeakReference<Object>> RETURNED = new ConcurrentHashMap<String, WeakReference<Object>>();
    private static final ThreadLocal<Map<String, int[]>> DEPTH = new ThreadLocal<Map<String, int[]>>();
    private static volatile Runnable listener;
    private static final Set<String> STOPS = java.util.Collections.newSetFromMap(new ConcurrentHashMap<String, Boolean>());
    /** Keys whose instance is the one that returned last, not first (a server started again, or a new one started). */
    private static final Set<String> LATEST = java.util.Collections.newSetFromMap(new ConcurrentHashMap<String, Boolean>());
    private static volatile BiConsumer<String, Object> stopListener;

    private GateSignal() {
    }

    /** Advice on entry, with the instance ({@code null} for a static method). */
    public static void enter(String key, Object self) {
        try {
            if (STOPS.contains(key)) {
                BiConsumer<String, Object> l = stopListener;
                if (l != null) {
                    l.accept(key, self);
                }
                return;
            }
        } catch (Throwable ignored) {
            // never disturb the instrumented method
        }
        enter(key);
    }

    /** Advice on entry. */
    public static void enter(String key) {
        try {
            if (RETURNED.containsKey(key)) {
                return;
            }
            Map<String, int[]> depths = DEPTH.get();
            if (depths == null) {
                depths = new HashMap<String, int[]>();
                DEPTH.set(depths);
            }
            int[] depth = depths.get(key);
            if (depth == null) {
                depths.put(key, new int[] {1});
            } else {
                depth[0]++;
            }
        } catch (Throwable ignored) {
            // never disturb the instrumented method
        }
    }

    /** Advice on exit, normal or by an exception ({@code thrown} not null). */
    public static void exit(String key, Object self, Throwable thrown) {
        try {
            if (STOPS.contains(key)) {
                return;
            }
            if (RETURNED.containsKey(key)) {
                if (thrown == null && self != null && LATEST.contains(key)) {
                    RETURNED.put(key, new WeakReference<Object>(self));
                }
                return;
            }
            Map<String, int[]> depths = DEPTH.get();
            int[] depth = depths == null ? null : depths.get(key);
            if (depth != null && --depth[0] > 0) {
                return; // a nested call returned: the outermost one decides
            }
            if (depth != null) {
                depths.remove(key);
            }
            if (thrown != null) {
                return;
            }
            RETURNED.put(key, new WeakReference<Object>(self));
            Runnable l = listener;
            if (l != null) {
                l.run();
            }
        } catch (Throwable ignored) {
            // never disturb the instrumented method
        }
    }

    /** True once the method named by {@code key} has returned normally. */
    public static boolean returned(String key) {
        return RETURNED.containsKey(key);
    }

    /** The instance whose method returned first, or last for {@link #trackLatest} keys (null for a static method, or once collected). */
    public static Object returnedBy(String key) {
        WeakReference<Object> ref = RETURNED.get(key);
        return ref == null ? null : ref.get();
    }

    /** Forgets that the method named by {@code key} returned (tests: one JVM runs many). */
    static void forget(String key) {
        RETURNED.remove(key);
    }

    /** Called (on the returning thread; it must be cheap and never block) after each first return. Null clears it. */
    public static void listen(Runnable onReturn) {
        listener = onReturn;
    }

    /** From now on {@link #returnedBy} gives the instance whose call of {@code key} returned last (after the first). */
    public static void trackLatest(String key) {
        LATEST.add(key);
    }

    /** Declares {@code key} a stop method: its entry is told to the stop listener (and never counts as a return). */
    public static void stopsAt(String key) {
        STOPS.add(key);
    }

    /**
     * Called on the thread entering a stop method, with its key and instance, before the method's body runs: it must
     * be quick (it delays the application's stop by its duration) and must not block for long. Null clears it, and
     * the stop keys with it.
     */
    public static void listenForStops(BiConsumer<String, Object> onStop) {
        stopListener = onStop;
        if (onStop == null) {
            STOPS.clear();
            LATEST.clear();
        }
    }
}
