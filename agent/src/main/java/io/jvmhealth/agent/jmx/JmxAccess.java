package io.jvmhealth.agent.jmx;

import javax.management.MBeanServer;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Decides when the agent may touch the platform MBeanServer (rules, presets, applications read
 * through {@link JmxReader}), and hands it out.
 *
 * <p>Creating the platform MBeanServer initializes {@code java.util.logging}: a host that installs
 * its own LogManager later (WildFly and JBoss set {@code java.util.logging.manager} in main, with a
 * class only loadable there) would find the JDK's default already in force and break. So, as
 * Datadog's agent does, the rules wait until the application itself has created the platform
 * MBeanServer or loaded {@code java.util.logging.Logger} (see {@link #LOGGER}). Where neither ever
 * happens, the rules start {@link #FALLBACK_MILLIS} after the agent, unless
 * {@code java.util.logging.manager} is set (a LogManager of the application's own is announced:
 * then only its loading lets the rules start).
 *
 * <p>Nothing here grows with the application. Whether the platform MBeanServer exists is one field
 * read ({@link PlatformServer}: what presets wait for, asked once per evaluation for as long as the
 * host has none, which on a host without JMX is forever). {@code Logger} is looked for among the
 * bootstrap loader's classes only ({@link Instrumentation#getInitiatedClasses} of the bootstrap loader:
 * the JDK's classes the host uses, 1,000 to a few thousand, not the application's tens of thousands),
 * at most every {@link #SCAN_EVERY_MILLIS}, backing off to {@link #SCAN_EVERY_MAX_MILLIS}, and only
 * until the rules may start. Where the field cannot be read, {@code MBeanServerBuilder} (which every
 * MBeanServer is built with) is looked for the same way. Without an instrumentation (the agent
 * started by a test), only the field and the fallback apply.
 */
public final class JmxAccess {
    /** When the application never loads either class, the rules start this long after the agent. */
    public static final long FALLBACK_MILLIS = 15_000;
    /** The first wait between looks at the bootstrap loader's classes; it doubles from look to look, up to the next. */
    static final long SCAN_EVERY_MILLIS = 250;
    static final long SCAN_EVERY_MAX_MILLIS = 5_000;
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
    /** Whether the platform MBeanServer exists (one field read), or null where that cannot be read; set up at first use. */
    private BooleanSupplier platformServer;
    private boolean probed;
    private final long fallbackNanos;
    private final long createdNanos = System.nanoTime();
    private long lastScanNanos;
    private long scanEveryNanos = TimeUnit.MILLISECONDS.toNanos(SCAN_EVERY_MILLIS);
    private boolean scanned;
    /** Looks at the bootstrap loader's classes so far (tests). */
    private int scans;
    private volatile boolean ready;
    private volatile boolean serverExists;

    /** The platform server's field is read where it can be ({@link PlatformServer}, set up at the first question). */
    public JmxAccess(Instrumentation instrumentation, ServerSource source, long fallbackMillis) {
        this.instrumentation = instrumentation;
        this.source = source;
        this.fallbackNanos = TimeUnit.MILLISECONDS.toNanos(fallbackMillis);
    }

    /** With {@code platformServer} as the field read (null: none, the loaded classes are looked at instead). */
    JmxAccess(Instrumentation instrumentation, ServerSource source, long fallbackMillis, BooleanSupplier platformServer) {
        this(instrumentation, source, fallbackMillis);
        this.platformServer = platformServer;
        this.probed = true;
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
        return existing(new ServerSource() {
            @Override
            public MBeanServer server() {
                return server;
            }
        });
    }

    /** Always ready: the server counted as existing, handed out by {@code source} (tests: one that is still being built). */
    public static JmxAccess existing(ServerSource source) {
        JmxAccess access = new JmxAccess(null, source, 0, null);
        access.ready = true;
        access.serverExists = true;
        return access;
    }

    /** True once a rule may touch the MBeanServer; cheap (evaluator thread only). */
    public boolean ready(long nowNanos) {
        if (!ready && !serverExists(nowNanos)) {
            if (nowNanos - createdNanos >= fallbackNanos && System.getProperty("java.util.logging.manager") == null) {
                ready = true;
            } else {
                scan(nowNanos);
            }
        }
        return ready;
    }

    /**
     * True once the platform MBeanServer exists (where its field cannot be read: once {@code MBeanServerBuilder} is
     * loaded, which every MBeanServer is built with). Presets wait for this, never for the fallback: the libraries they
     * judge register their MBeans in the platform server, and a host without them pays nothing for the presets
     * (creating the platform MBeanServer costs resident memory). One field read while there is none.
     */
    public boolean serverExists(long nowNanos) {
        if (!serverExists) {
            if (!probed) {
                probed = true;
                platformServer = PlatformServer.probe(instrumentation); // on the evaluator thread, not the start's
            }
            if (platformServer != null) {
                try {
                    if (platformServer.getAsBoolean()) {
                        serverExists = true;
                        ready = true;
                    }
                } catch (Throwable e) {
                    // counted as not yet: the fallback and the Logger still start the rules
                }
            } else {
                scan(nowNanos);
            }
        }
        return serverExists;
    }

    /**
     * Looks at the bootstrap loader's classes for what is still sought ({@code Logger} until the rules may start;
     * {@code MBeanServerBuilder} where the field cannot be read), at most every {@link #scanEveryNanos}, which doubles
     * from look to look up to {@link #SCAN_EVERY_MAX_MILLIS}.
     */
    private void scan(long nowNanos) {
        boolean server = platformServer == null && !serverExists;
        boolean logger = !ready;
        if (!server && !logger || instrumentation == null) {
            return;
        }
        if (scanned && nowNanos - lastScanNanos < scanEveryNanos) {
            return;
        }
        if (scanned) {
            scanEveryNanos = Math.min(scanEveryNanos * 2, TimeUnit.MILLISECONDS.toNanos(SCAN_EVERY_MAX_MILLIS));
        }
        scanned = true;
        lastScanNanos = nowNanos;
        scans++;
        // Both classes sought are the JDK's, defined by the bootstrap loader: only its classes are looked at.
        for (Class<?> c : instrumentation.getInitiatedClasses(null)) {
            if (!mayBeSought(c)) {
                continue;
            }
            String name = c.getName();
            if (name.length() < 24) {
                continue;
            }
            if (server && name.equals(MBEAN_SERVER_BUILDER)) {
                serverExists = true;
                ready = true;
                return;
            }
            if (logger && name.equals(LOGGER)) {
                ready = true;
            }
        }
    }

    /** Looks at the loaded classes so far (tests). */
    int scans() {
        return scans;
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
