package io.jvmhealth.agent.gates;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;

/**
 * Defines a class in the bootstrap class loader through the JDK's own class definition
 * ({@code jdk.internal.misc.Unsafe.defineClass} with no loader). Never loaded by the agent's own class loader:
 * {@link BootSignal} defines it in a loader of its own, whose unnamed module alone {@code jdk.internal.misc} is
 * exported to ({@code base.PrivateAccess}). It refers to no other agent class, so it resolves entirely against the
 * JDK. (Not {@code sun.misc.Unsafe}: that one has no class definition since JDK 11, and from JDK 24 on its memory
 * methods make the JVM warn.)
 */
public final class BootDefine implements java.util.function.BiFunction<String, byte[], Class<?>> {
    private final Object unsafe;
    private final Method define;

    public BootDefine() throws ReflectiveOperationException {
        Class<?> type = Class.forName("jdk.internal.misc.Unsafe");
        unsafe = type.getMethod("getUnsafe").invoke(null);
        define = type.getMethod("defineClass", String.class, byte[].class, int.class, int.class, ClassLoader.class,
                ProtectionDomain.class);
    }

    /** Defines {@code name} from {@code bytes} in the bootstrap loader; throws with the JDK's reason when it cannot. */
    @Override
    public Class<?> apply(String name, byte[] bytes) {
        try {
            return (Class<?>) define.invoke(unsafe, name, bytes, 0, bytes.length, null, null);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the JDK did not define " + name + ": " + e.getCause(), e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("the JDK's class definition is not accessible: " + e, e);
        }
    }
}
