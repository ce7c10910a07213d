package io.jvmhealth.agent.runtime;

import io.jvmhealth.agent.base.AgentInstrumentation;

import java.io.File;
import java.io.PrintStream;
import java.lang.instrument.Instrumentation;

/**
 * What the entry point ({@code io.jvmhealth.agent.JvmHealthAgent}) calls, by name, once it has the agent's class loader:
 * the start at JVM launch (on the agent's {@code jvm-health-start} thread) and an attach or a stop (on the thread that
 * attached). Takes the JDK's types only. Never throws: {@link AgentRuntime} reports every failure as one line.
 */
public final class Entry {
    private Entry() {
    }

    /**
     * At JVM launch, on the agent's start thread.
     *
     * @param stderr the JVM's {@code System.err} as {@code premain} found it, before the host's main could replace it
     */
    public static void launched(String args, Instrumentation instrumentation, File jar, PrintStream stderr) {
        AgentInstrumentation.set(instrumentation, jar);
        AgentInstrumentation.keepStderr(stderr);
        AgentRuntime.startAtLaunch(args);
    }

    /** Attached into a running JVM: starts the agent, or stops it when {@code args} is {@value AgentRuntime#STOP_ARGUMENT}. */
    public static void attached(String args, Instrumentation instrumentation, File jar, PrintStream stderr) {
        AgentInstrumentation.set(instrumentation, jar);
        AgentInstrumentation.keepStderr(stderr);
        if (args != null && AgentRuntime.STOP_ARGUMENT.equals(args.trim())) {
            AgentRuntime.stop();
        } else {
            AgentRuntime.start(args);
        }
    }
}
