package io.jvmhealth.agent.http;

/**
 * Makes the JDK's own Linux selector provider ({@code sun.nio.ch.EPollSelectorProvider}). Never loaded by the agent's
 * own class loader: {@link Transport} defines it in a loader of its own, whose unnamed module is the only one
 * {@code sun.nio.ch} is exported to. It refers to no other agent class, so it resolves entirely against the JDK.
 */
public final class ProviderCall implements java.util.concurrent.Callable<Object> {
    @Override
    public Object call() throws Exception {
        return Class.forName("sun.nio.ch.EPollSelectorProvider").getConstructor().newInstance();
    }
}
