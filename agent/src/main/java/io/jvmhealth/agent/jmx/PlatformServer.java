package io.jvmhealth.agent.jmx;

import io.jvmhealth.agent.base.PrivateAccess;

import java.lang.instrument.Instrumentation;
import java.util.Collections;
import java.util.function.BooleanSupplier;

/**
 * Whether the platform MBeanServer exists, in constant time: one read of {@code ManagementFactory}'s private
 * {@code platformMBeanServer} field (set as {@code getPlatformMBeanServer} creates the server, before it registers the
 * platform MXBeans). Nothing is created, loaded or initialized by asking; whoever creates the server (the application,
 * a library, a JMX agent) is seen at the next question. Before, the agent answered it by scanning every loaded class
 * for {@code MBeanServerBuilder} once per evaluation, for as long as the host never built an MBeanServer: forever on a
 * host without JMX, 2-12 ms per pass from 6,000 to 51,000 classes (docs/performance.md).
 *
 * <p>How, without changing the host: the field is private to java.management. The agent opens its package
 * ({@code java.lang.management}), through {@link PrivateAccess}, to one module only: the unnamed module
 * of a class loader of its own that defines a single class ({@link ServerField}) and nothing else, as
 * {@code health.checks.platform.PlatformBeans} does for {@code sun.management}. The application's class path (where the
 * agent's jar is) gains no access. On Java 8 (no modules) the field is read directly. Where none of this works (no
 * instrumentation, a module that cannot be modified, a JDK without that field), {@link #probe} returns null and the
 * caller falls back to looking at the loaded classes.
 */
final class PlatformServer {
    private static final String FIELD_CLASS = "io.jvmhealth.agent.jmx.ServerField";

    private PlatformServer() {
    }

    /** The field read, or null where it cannot be had. */
    static BooleanSupplier probe(Instrumentation instrumentation) {
        try {
            BooleanSupplier probe = open(instrumentation);
            if (probe != null) {
                probe.getAsBoolean(); // fails here, not later, where the field cannot be read
            }
            return probe;
        } catch (Throwable e) {
            return null;
        }
    }

    /** {@link ServerField} with {@code java.lang.management} opened to it alone ({@link PrivateAccess}; Java 8: read as it is). */
    private static BooleanSupplier open(Instrumentation instrumentation) throws Exception {
        return (BooleanSupplier) PrivateAccess.instance(instrumentation, FIELD_CLASS, java.lang.management.ManagementFactory.class,
                Collections.<String>emptySet(), Collections.singleton("java.lang.management"));
    }
}
