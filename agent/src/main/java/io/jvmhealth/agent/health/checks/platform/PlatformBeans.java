package io.jvmhealth.agent.health.checks.platform;

import io.jvmhealth.agent.base.PrivateAccess;
import io.jvmhealth.agent.base.AgentInstrumentation;

import java.lang.instrument.Instrumentation;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.ThreadMXBean;
import java.util.Collections;
import java.util.List;

/**
 * The platform's thread, memory, collector, memory pool and buffer pool MXBeans, the objects
 * {@link ManagementFactory} hands out, fetched without its platform-provider machinery and without
 * building their {@code ObjectName}s.
 *
 * <p>Why: {@code ManagementFactory.getGarbageCollectorMXBeans()} (and the pool lists) index the beans
 * by {@code ObjectName}, and java.management builds those names with invokedynamic string
 * concatenation; the first such concatenation in a JVM bootstraps {@code StringConcatFactory} and
 * spins method-handle classes, resident memory a host that never pays it itself (any Java 8 bytecode
 * application) should not pay for the agent. java.management's own {@code ManagementFactoryHelper}
 * returns the very same bean objects without naming them, for a fraction of that (the figures are in
 * docs/performance.md).
 *
 * <p>How, without changing the host: the helper's package is not exported. The agent exports it,
 * to one module only, through {@link PrivateAccess}: the unnamed module of a class loader of
 * its own that defines a single class ({@link HelperCall}) and nothing else. The application's class
 * path (where the agent's jar is) gains no access: a host that tried {@code sun.management} before still gets the same {@code IllegalAccessException}
 * ({@code PlatformBeansIT}). Anything missing (no instrumentation, a JVM without modules or without
 * that helper, a module that cannot be modified) falls back to {@link ManagementFactory}: the
 * answers are the same, only the cost differs.
 */
public final class PlatformBeans {
    private static final String HELPER_PACKAGE = "sun.management";
    private static final String EXTENSIONS_CLASS = "com.sun.management.internal.PlatformMBeanProviderImpl";
    /** By name, never as a class literal: the agent's own loader must not load it. */
    private static final String CALL_CLASS = "io.jvmhealth.agent.health.checks.platform.HelperCall";

    private static volatile Source source;

    private PlatformBeans() {
    }

    /**
     * The thread bean. Through the helper it is java.management's own implementation (every method of
     * {@link ThreadMXBean}, none of {@code com.sun.management.ThreadMXBean}'s extensions, which the
     * agent does not use); {@code ManagementFactory.getThreadMXBean()} would first load every
     * platform MBean provider through a ServiceLoader (resident memory a host that never did should not
     * pay: docs/performance.md).
     */
    public static ThreadMXBean threads() {
        return source().threads;
    }

    /** The memory bean: the same object {@code ManagementFactory.getMemoryMXBean()} returns. */
    public static MemoryMXBean memory() {
        return source().memory;
    }

    public static List<GarbageCollectorMXBean> garbageCollectors() {
        return source().garbageCollectors;
    }

    public static List<MemoryPoolMXBean> memoryPools() {
        return source().memoryPools;
    }

    public static List<BufferPoolMXBean> bufferPools() {
        Source s = source();
        List<BufferPoolMXBean> pools = s.bufferPools;
        if (pools == null) {
            pools = Collections.unmodifiableList(s.direct != null
                    ? PlatformBeans.<BufferPoolMXBean>list(s.direct, "getBufferPoolMXBeans")
                    : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class));
            s.bufferPools = pools;
        }
        return pools;
    }

    /** True when the beans came through java.management's helper, not ManagementFactory (for tests and logs). */
    public static boolean direct() {
        return source().direct != null;
    }

    private static Source source() {
        Source s = source;
        if (s == null) {
            synchronized (PlatformBeans.class) {
                s = source;
                if (s == null) {
                    s = load();
                    source = s;
                }
            }
        }
        return s;
    }

    private static Source load() {
        java.util.function.Function<String, Object> direct = null;
        try {
            direct = directCalls(AgentInstrumentation.get());
        } catch (Throwable e) {
            direct = null; // any JVM where the direct way does not work: the public way gives the same beans
        }
        if (direct != null) {
            try {
                loadManagementExtensions();
                return new Source(direct, (ThreadMXBean) direct.apply("getThreadMXBean"),
                        (MemoryMXBean) direct.apply("getMemoryMXBean"),
                        PlatformBeans.<GarbageCollectorMXBean>list(direct, "getGarbageCollectorMXBeans"),
                        PlatformBeans.<MemoryPoolMXBean>list(direct, "getMemoryPoolMXBeans"));
            } catch (Throwable e) {
                // fall through to the public way
            }
        }
        return new Source(null, ManagementFactory.getThreadMXBean(), ManagementFactory.getMemoryMXBean(),
                Collections.unmodifiableList(ManagementFactory.getGarbageCollectorMXBeans()),
                Collections.unmodifiableList(ManagementFactory.getMemoryPoolMXBeans()));
    }

    /**
     * The collector beans are jdk.management's extended ones, whose native methods (the GC notifications
     * the gc and heap checks subscribe to) live in libmanagement_ext. ManagementFactory's provider lookup
     * loads that library as a side effect of initializing jdk.management's provider class; without that
     * lookup the agent initializes the class itself (it only loads the library). A JVM without
     * jdk.management has plain collector beans that need no library.
     */
    private static void loadManagementExtensions() {
        try {
            Class.forName(EXTENSIONS_CLASS, true, null);
        } catch (ClassNotFoundException e) {
            // no jdk.management module: the beans are java.management's own
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> list(java.util.function.Function<String, Object> direct, String method) {
        Object value = direct.apply(method);
        if (!(value instanceof List)) {
            throw new IllegalStateException(method + " returned " + value);
        }
        return Collections.unmodifiableList((List<T>) value);
    }

    /** The helper's calls ({@link PrivateAccess}: {@code sun.management} exported to them alone), or null where they cannot be had. */
    @SuppressWarnings("unchecked")
    static java.util.function.Function<String, Object> directCalls(Instrumentation instrumentation) throws Exception {
        if (instrumentation == null || !PrivateAccess.modules()) {
            return null; // Java 8: no modules; the public way costs nothing extra there (no invokedynamic in the JDK)
        }
        return (java.util.function.Function<String, Object>) PrivateAccess.instance(instrumentation, CALL_CLASS,
                ManagementFactory.class, Collections.singleton(HELPER_PACKAGE), Collections.<String>emptySet());
    }

    private static final class Source {
        final java.util.function.Function<String, Object> direct;
        final ThreadMXBean threads;
        final MemoryMXBean memory;
        final List<GarbageCollectorMXBean> garbageCollectors;
        final List<MemoryPoolMXBean> memoryPools;
        volatile List<BufferPoolMXBean> bufferPools;

        Source(java.util.function.Function<String, Object> direct, ThreadMXBean threads, MemoryMXBean memory,
               List<GarbageCollectorMXBean> garbageCollectors, List<MemoryPoolMXBean> memoryPools) {
            if (threads == null || memory == null) {
                throw new IllegalStateException("no thread or memory bean");
            }
            this.direct = direct;
            this.threads = threads;
            this.memory = memory;
            this.garbageCollectors = garbageCollectors;
            this.memoryPools = memoryPools;
        }
    }
}
