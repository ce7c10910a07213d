package io.jvmhealth.agent.jmx;

import javax.management.MBeanServer;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * Decides when the agent may touch the platform MBeanServer (rules, presets, applications read
 * through {@link JmxReader}), and hands it out.
 *
 * <p>Creating the platform MBeanServer initializes {@code java.util.logging}: a host that installs
 * its own LogManager later (WildFly and JBoss set {@code java.util.logging.manager} in main, with a
 * class only loadable there) would find the JDK's default already in force and break. So, as
 * Datadog's agent does, the rules wait until the application itself has loaded
 * {@code java.util.logging.Logger} (see {@link #LOGGER}) or {@code javax.management.MBeanServerBuilder} (which every
 * MBeanServer is built with: no application MBean can exist before it). Where neither is ever
 * loaded, the rules start {@link #FALLBACK_MILLIS} after the agent, unless
 * {@code java.util.logging.manager} is set (a LogManager of the application's own is announced:
 * then only its loading lets the rules start).
 *
 * <p>Loaded classes are seen through the agent's {@link Instrumentation}, at most once per
 * {@link #SCAN_EVERY_MILLIS} and only until found. Without an instrumentation (the agent started by
 * a test), only the fallback applies.
 */
public final class JmxAccess {
    /** When the application never loads either class, the rules start this long after the agent. */
    public static final long FALLBACK_MILLIS = 15_000;
    static final long SCAN_EVERY_MILLIS = 250;
    /**
     * Not {@code LogManager}: the agent's own built-in checks load that class (without initializing
     * it) through {@code ManagementFactory}'s platform MXBean provider
     * ({@code ManagementFactoryHelper$LoggingMXBeanAccess}, seen with {@code -verbose:class} on JDK 17).
     * {@code Logger} is loaded when the LogManager is initialized (its root logger) or the application
     * asks for a logger.
     */
    static final String LOGGER = String.join(".", "java.util.logging", "Logger"); // not a literal: the shade plugin relocates that one to our own jul.Logger
    static final String MBEAN_SERVER_BUILDER = "javax.management.MBeanServerBuilder";

    /** What the server is looked up with; tests hand in their own. */
    public interface ServerSource {
        MBeanServer server();
    }

    private final Instrumentation instrumentation;
    private final ServerSource source;
    private final long fallbackNanos;
    private final long createdNanos = System.nanoTime();
    private long lastScanNanos;
    private boolean scanned;
    private volatile boolean ready;
    private volatile boolean serverExists;

    public JmxAccess(Instrumentation instrumentation, ServerSource source, long fallbackMillis) {
        this.instrumentation = instrumentation;
        this.source = source;
        this.fallbackNanos = TimeUnit.MILLISECONDS.toNanos(fallbackMillis);
    }

    /** The platform MBeanServer once the application has loaded JMX or logging itself. */
    public static JmxAccess platform(Instrumentation instrumentation) {
        return new JmxAccess(instrumentation, new ServerSource() {
            @Override
            public MBeanServer server() {
                return ManagementFactory.getPlatformMBeanServer();
            }
        }, FALLBACK_MILLIS);
    }

    /** Always ready, with the given server (tests, benchmarks). */
    public static JmxAccess immediate(final MBeanServer server) {
        JmxAccess access = new JmxAccess(null, new ServerSource() {
            @Override
            public MBeanServer server() {
                return server;
            }
        }, 0);
        access.ready = true;
        access.serverExists = true;
        return access;
    }

    /** True once a rule may touch the MBeanServer; cheap (evaluator thread only). */
    public boolean ready(long nowNanos) {
        if (!ready) {
            scan(nowNanos);
        }
        return ready;
    }

    /**
     * True once the application has built an MBeanServer itself ({@code MBeanServerBuilder} loaded).
     * Presets wait for this, never for the fallback: the libraries they judge register their MBeans
     * in a server the application created, and a host without them pays nothing for the presets
     * (creating the platform MBeanServer costs resident memory).
     */
    public boolean serverExists(long nowNanos) {
        if (!serverExists) {
            scan(nowNanos);
        }
        return serverExists;
    }

    private void scan(long nowNanos) {
        if (scanned && nowNanos - lastScanNanos < TimeUnit.MILLISECONDS.toNanos(SCAN_EVERY_MILLIS)) {
            return;
        }
        scanned = true;
        lastScanNanos = nowNanos;
        if (instrumentation != null) {
            for (Class<?> c : instrumentation.getAllLoadedClasses()) {
                if (!mayBeSought(c)) {
                    continue;
                }
                String name = c.getName();
                if (name.length() < 24) {
                    continue;
                }
                if (name.equals(MBEAN_SERVER_BUILDER)) {
                    serverExists = true;
                    ready = true;
                    return;
                }
                if (name.equals(LOGGER)) {
                    ready = true;
                }
            }
        }
        if (!ready && nowNanos - createdNanos >= fallbackNanos && System.getProperty("java.util.logging.manager") == null) {
            ready = true;
        }
    }

    /**
     * Both classes sought are public, non-final classes of the JDK (the boot loader) that extend Object
     * directly. Checking that first costs no allocation; {@code Class.getName} builds a name and keeps
     * it in the class, memory spent on a thousand JDK classes a plain host never names (docs/performance.md).
     */
    static boolean mayBeSought(Class<?> c) {
        int modifiers = c.getModifiers();
        return c.getClassLoader() == null && java.lang.reflect.Modifier.isPublic(modifiers)
                && !java.lang.reflect.Modifier.isFinal(modifiers) && !c.isInterface() && c.getSuperclass() == Object.class;
    }

    /** The MBeanServer; only once {@link #ready}, and only on a reader thread (it may initialize logging). */
    public MBeanServer server() {
        return source.server();
    }
}
