package io.jvmhealth.agent.base;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The one way the agent reaches a JDK internal it needs (a helper of java.management, a private field, the JDK's own
 * class definition): one of the agent's classes, written against the JDK alone, is defined again in a class loader of
 * its own that defines that single class and nothing else, and {@link Instrumentation#redefineModule} exports or opens
 * the packages it needs to that loader's unnamed module only. The application's class path, where the agent's jar is,
 * gains no access: a host that tried the same package before still gets the same {@code IllegalAccessException}.
 *
 * <p>Everything through reflection: the agent is Java 8 bytecode, and {@code java.lang.Module} does not exist there. On
 * Java 8 nothing is exported or opened (there are no modules; {@code setAccessible} reaches what the class reads) and
 * the class is still defined in its own loader. Every failure (no instrumentation, a module that cannot be modified, a
 * class missing from the jar) is an exception whose message says why; callers fall back to the public way or say it.
 */
public final class PrivateAccess {
    private static final long MAX_CLASS_BYTES = 64 * 1024;

    private PrivateAccess() {
    }

    /** True on a JVM with modules (Java 9+): exports and opens are needed there. */
    public static boolean modules() {
        return getModule() != null;
    }

    /**
     * A new instance (no-argument constructor) of the agent's class {@code className}, defined in a loader of its own,
     * whose unnamed module alone gets {@code exports} exported and {@code opens} opened from the module of {@code in}.
     *
     * @param in       a class of the JDK module the packages belong to ({@code Object.class} for java.base)
     * @param exports  packages of that module to export, or empty
     * @param opens    packages of that module to open (deep reflection), or empty
     */
    public static Object instance(Instrumentation instrumentation, String className, Class<?> in, Set<String> exports,
                                  Set<String> opens) throws Exception {
        Method getModule = getModule();
        if (getModule != null && instrumentation == null) {
            throw new IllegalStateException("no instrumentation (the agent was not loaded as an agent)");
        }
        Object module = null;
        Class<?> moduleClass = null;
        if (getModule != null) {
            moduleClass = getModule.getReturnType();
            module = getModule.invoke(in);
            Method modifiable = Instrumentation.class.getMethod("isModifiableModule", moduleClass);
            if (!Boolean.TRUE.equals(modifiable.invoke(instrumentation, module))) {
                throw new IllegalStateException(module + " cannot be modified");
            }
        }
        byte[] bytes = AgentResources.read(className.replace('.', '/') + ".class", 4096, MAX_CLASS_BYTES);
        if (bytes == null) {
            throw new IllegalStateException("the agent's jar has no " + className);
        }
        Class<?> c = new OneClass(PrivateAccess.class.getClassLoader()).define(className, bytes);
        if (getModule != null) {
            Set<Object> ours = Collections.singleton(getModule.invoke(c));
            Method redefine = Instrumentation.class.getMethod("redefineModule", moduleClass, Set.class, Map.class, Map.class,
                    Set.class, Map.class);
            redefine.invoke(instrumentation, module, Collections.emptySet(), to(exports, ours), to(opens, ours),
                    Collections.emptySet(), Collections.emptyMap());
        }
        return c.getDeclaredConstructor().newInstance();
    }

    private static Map<String, Set<Object>> to(Set<String> packages, Set<Object> module) {
        if (packages.isEmpty()) {
            return Collections.emptyMap();
        }
        Map<String, Set<Object>> map = new HashMap<String, Set<Object>>();
        for (String p : packages) {
            map.put(p, module);
        }
        return map;
    }

    private static Method getModule() {
        try {
            return Class.class.getMethod("getModule");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** Defines the one class itself (never asking its parent, which would find the agent's copy); delegates the rest. */
    private static final class OneClass extends ClassLoader {
        OneClass(ClassLoader parent) {
            super(parent);
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
