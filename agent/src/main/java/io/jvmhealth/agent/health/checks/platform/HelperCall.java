package io.jvmhealth.agent.health.checks.platform;

/**
 * Calls one static, argument-less method of java.management's {@code ManagementFactoryHelper}.
 * Never loaded by the agent's own class loader: {@link PlatformBeans} defines it in a loader of its
 * own, whose unnamed module is the only one the helper's package is exported to. It refers to no
 * other agent class, so it resolves entirely against the JDK.
 */
public final class HelperCall implements java.util.function.Function<String, Object> {
    private final Class<?> helper;

    public HelperCall() throws ClassNotFoundException {
        helper = Class.forName("sun.management.ManagementFactoryHelper");
    }

    @Override
    public Object apply(String method) {
        try {
            return helper.getMethod(method).invoke(null);
        } catch (Exception e) {
            throw new IllegalStateException("ManagementFactoryHelper." + method + ": " + e, e);
        }
    }
}
