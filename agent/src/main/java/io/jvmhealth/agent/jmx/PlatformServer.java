package io.jvmhealth.agent.jmx;

import io.jvmhealth.agent.base.AgentResources;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
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
 * ({@code java.lang.management}), through {@link Instrumentation#redefineModule}, to one module only: the unnamed module
 * of a class loader of its own that defines a single class ({@link ServerField}) and nothing else, as
 * {@code health.checks.platform.PlatformBeans} does for {@code sun.management}. The application's class path (where the
 * agent's jar is) gains no access. On Java 8 (no modules) the field is read directly. Where none of this works (no
 * instrumentation, a module that cannot be modified, a JDK without that field), {@link #probe} returns null and the
 * caller falls back to looking at the loaded classes.
 */
final class PlatformServer {
    private static final String FIELD_CLASS = "io.jvmhealth.agent.jmx.ServerField";
    private static final long MAX_CLASS_BYTES = 64 * 1024;

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

    /** Everything through reflection: the agent is Java 8 bytecode, and {@code java.lang.Module} does not exist there. */
    private static BooleanSupplier open(Instrumentation instrumentation) throws Exception {
        Method getModule;
        try {
            getModule = Class.class.getMethod("getModule");
        } catch (NoSuchMethodException e) {
            getModule = null; // Java 8: no modules, setAccessible reaches the field as it is
        }
        if (getModule != null && instrumentation == null) {
            return null;
        }
        byte[] bytes = AgentResources.read(FIELD_CLASS.replace('.', '/') + ".class", 4096, MAX_CLASS_BYTES);
        if (bytes == null) {
            return null;
        }
        FieldLoader loader = new FieldLoader(PlatformServer.class.getClassLoader());
        Class<?> field = loader.define(FIELD_CLASS, bytes);
        if (getModule != null) {
            Class<?> moduleClass = getModule.getReturnType();
            Object management = getModule.invoke(java.lang.management.ManagementFactory.class);
            Method modifiable = Instrumentation.class.getMethod("isModifiableModule", moduleClass);
            if (!Boolean.TRUE.equals(modifiable.invoke(instrumentation, management))) {
                return null;
            }
            Object ours = getModule.invoke(field);
            Method redefine = Instrumentation.class.getMethod("redefineModule", moduleClass, Set.class, Map.class, Map.class,
                    Set.class, Map.class);
            redefine.invoke(instrumentation, management, Collections.emptySet(), Collections.emptyMap(),
                    Collections.singletonMap("java.lang.management", Collections.singleton(ours)),
                    Collections.emptySet(), Collections.emptyMap());
        }
        return (BooleanSupplier) field.getDeclaredConstructor().newInstance();
    }

    /**
     * Defines {@link ServerField} itself (never asking its parent, which would find the agent's copy) and delegates
     * everything else. Its unnamed module is the only one {@code java.lang.management} is opened to.
     */
    static final class FieldLoader extends ClassLoader {
        FieldLoader(ClassLoader parent) {
            super(parent);
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
