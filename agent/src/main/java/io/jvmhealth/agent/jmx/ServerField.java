package io.jvmhealth.agent.jmx;

import java.lang.reflect.Field;

/**
 * Reads whether {@code ManagementFactory}'s private {@code platformMBeanServer} field is set: whether the platform
 * MBeanServer exists, without creating it or touching anything it would initialize (java.util.logging). Never loaded
 * by the agent's own class loader: {@link PlatformServer} defines it in a loader of its own, whose unnamed module is the
 * only one {@code java.lang.management} is opened to. It refers to no other agent class, so it resolves entirely
 * against the JDK.
 */
public final class ServerField implements java.util.function.BooleanSupplier {
    private final Field field;

    public ServerField() throws ReflectiveOperationException {
        field = Class.forName("java.lang.management.ManagementFactory").getDeclaredField("platformMBeanServer");
        field.setAccessible(true);
    }

    @Override
    public boolean getAsBoolean() {
        try {
            return field.get(null) != null;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("ManagementFactory.platformMBeanServer: " + e, e);
        }
    }
}
