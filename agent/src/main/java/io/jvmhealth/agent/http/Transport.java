package io.jvmhealth.agent.http;

import io.jvmhealth.agent.base.AgentInstrumentation;
import io.jvmhealth.agent.base.PrivateAccess;

import java.nio.channels.spi.SelectorProvider;
import java.util.Collections;
import java.util.concurrent.Callable;

/**
 * The selector provider the agent's listening socket comes from, and through it ({@code channel.provider()}) its selector
 * and its warm-up sockets: on Linux the JDK's own epoll provider, made by the agent for itself, not
 * {@link SelectorProvider#provider()}.
 *
 * <p>Why: {@code SelectorProvider.provider()} is one per JVM and chosen once, by its first caller. Asking it at the
 * JVM's start would make the agent that caller: the system property {@code java.nio.channels.spi.SelectorProvider} is
 * read at that moment (a host that sets it in its {@code main} would find it ignored), and a ServiceLoader looks for a
 * provider on the application's class path, so a provider the application ships would be instantiated on the agent's
 * thread and serve the agent's own sockets. The lookup is also the most expensive step of the agent's first bind: its
 * first lambdas and a search of every module and jar for a service file (docs/performance.md). With a provider of its
 * own the agent leaves the JVM-wide choice to the host, untouched.
 *
 * <p>How: {@code sun.nio.ch} is not exported; {@link PrivateAccess} exports it to one class ({@link ProviderCall}) in a
 * loader of its own. Where that does not work (another OS, no instrumentation, a JDK without the class) the agent uses
 * {@code SelectorProvider.provider()}, as before: the same channels, only the choice is shared.
 */
public final class Transport {
    private static final String CALL_CLASS = "io.jvmhealth.agent.http.ProviderCall";
    private static volatile SelectorProvider provider;

    private Transport() {
    }

    /** The agent's selector provider (made once). */
    public static SelectorProvider provider() {
        SelectorProvider p = provider;
        if (p == null) {
            synchronized (Transport.class) {
                p = provider;
                if (p == null) {
                    p = own();
                    if (p == null) {
                        p = SelectorProvider.provider();
                    }
                    provider = p;
                }
            }
        }
        return p;
    }

    private static SelectorProvider own() {
        try {
            Callable<?> call = (Callable<?>) PrivateAccess.instance(AgentInstrumentation.get(), CALL_CLASS, Object.class,
                    Collections.singleton("sun.nio.ch"), Collections.<String>emptySet());
            Object made = call.call();
            return made instanceof SelectorProvider ? (SelectorProvider) made : null;
        } catch (Throwable e) {
            return null; // not Linux, no instrumentation, a JDK without it: the JVM-wide provider serves
        }
    }
}
