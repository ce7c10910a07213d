package io.jvmhealth.agent.base;

import java.lang.instrument.Instrumentation;

/**
 * The {@link Instrumentation} this JVM gave the agent (from {@code premain} or {@code agentmain}), kept
 * where every layer can read it without importing the entry point. Null when the agent was started
 * another way (tests, benchmarks): the parts that need it (method gates, recognizing applications,
 * seeing loaded classes, the platform beans' export) then fall back or say so.
 */
public final class AgentInstrumentation {
    private static volatile Instrumentation instrumentation;

    private AgentInstrumentation() {
    }

    /** Kept once per start; a later agentmain without one keeps the earlier. */
    public static void set(Instrumentation given) {
        if (given != null) {
            instrumentation = given;
        }
    }

    /** The JVM's instrumentation, or null. Never used on the host's start-up thread. */
    public static Instrumentation get() {
        return instrumentation;
    }
}
