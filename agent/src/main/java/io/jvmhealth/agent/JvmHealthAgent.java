package io.jvmhealth.agent;

import java.lang.instrument.Instrumentation;

/**
 * Entry points for {@code -javaagent} ({@link #premain}) and for attaching to a running JVM
 * ({@link #agentmain}). Each is a few lines: all work, including parsing options, happens inside
 * {@link AgentRuntime}'s guard, so nothing the agent does can fail the host's start-up.
 */
public final class JvmHealthAgent {
    /** Agent argument that makes {@link #agentmain} stop a running agent. */
    public static final String STOP = "stop";

    private JvmHealthAgent() {
    }

    public static void premain(String args, Instrumentation instrumentation) {
        AgentRuntime.startAtLaunch(args);
    }

    public static void premain(String args) {
        AgentRuntime.startAtLaunch(args);
    }

    public static void agentmain(String args, Instrumentation instrumentation) {
        agentmain(args);
    }

    public static void agentmain(String args) {
        if (args != null && STOP.equals(args.trim())) {
            AgentRuntime.stop();
        } else {
            AgentRuntime.start(args);
        }
    }
}
