package io.jvmhealth.agent;

import io.jvmhealth.agent.base.AgentInstrumentation;
import io.jvmhealth.agent.base.AgentThreads;
import io.jvmhealth.agent.runtime.AgentRuntime;

import java.lang.instrument.Instrumentation;

/**
 * Entry points for {@code -javaagent} ({@link #premain}) and for attaching to a running JVM
 * ({@link #agentmain}); the only class of this package, and no other package imports it. Each is a
 * few lines: all work, including parsing options, happens inside {@link AgentRuntime}'s guard, so
 * nothing the agent does can fail the host's start-up. premain only starts one short-lived daemon
 * thread and returns: options are parsed, the port bound and the agent's classes loaded on that
 * thread, never on the host's. agentmain works synchronously, so {@code attach} can read the outcome.
 */
public final class JvmHealthAgent {
    /** Agent argument that makes {@link #agentmain} stop a running agent. */
    public static final String STOP = AgentRuntime.STOP_ARGUMENT;

    private JvmHealthAgent() {
    }

    public static void premain(String args, Instrumentation instrumentation) {
        AgentInstrumentation.set(instrumentation);
        premain(args);
    }

    public static void premain(String args) {
        AgentInstrumentation.keepStderr(); // before the host's main can replace System.err (WildFly does)
        try {
            AgentThreads.start("start", new Starter(args));
        } catch (Throwable ignored) {
            // no thread to start the agent on: the application runs on without it
        }
    }

    public static void agentmain(String args, Instrumentation instrumentation) {
        AgentInstrumentation.set(instrumentation);
        agentmain(args);
    }

    public static void agentmain(String args) {
        AgentInstrumentation.keepStderr();
        if (args != null && STOP.equals(args.trim())) {
            AgentRuntime.stop();
        } else {
            AgentRuntime.start(args);
        }
    }

    /**
     * Runs the start on its own thread, so that only this small class is loaded on the host's start-up
     * thread. A named class, not a lambda: the first lambda would bootstrap invokedynamic there.
     */
    private static final class Starter implements Runnable {
        private final String args;

        Starter(String args) {
            this.args = args;
        }

        @Override
        public void run() {
            AgentRuntime.startAtLaunch(args);
        }
    }
}
