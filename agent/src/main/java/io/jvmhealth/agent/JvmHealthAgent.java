package io.jvmhealth.agent;

import java.lang.instrument.Instrumentation;

/**
 * Entry points for {@code -javaagent} ({@link #premain}) and for attaching to a running JVM
 * ({@link #agentmain}). Each is a few lines: all work, including parsing options, happens inside
 * {@link AgentRuntime}'s guard, so nothing the agent does can fail the host's start-up. premain
 * only starts one short-lived daemon thread and returns (about a millisecond): parsing options,
 * binding the port and loading the HTTP and JSON libraries would otherwise cost the host's start-up
 * tens of milliseconds. agentmain works synchronously, so {@code attach} can read the outcome.
 */
public final class JvmHealthAgent {
    /** Agent argument that makes {@link #agentmain} stop a running agent. */
    public static final String STOP = "stop";

    /** The JVM's instrumentation, kept from premain or agentmain (null when started another way, e.g. by tests). */
    private static volatile Instrumentation instrumentation;

    private JvmHealthAgent() {
    }

    public static void premain(String args, Instrumentation instrumentation) {
        JvmHealthAgent.instrumentation = instrumentation;
        premain(args);
    }

    public static void premain(String args) {
        try {
            Thread starter = new Thread(new Starter(args), "jvm-health-start");
            starter.setDaemon(true);
            starter.start();
        } catch (Throwable ignored) {
            // no thread to start the agent on: the application runs on without it
        }
    }

    /**
     * Runs the start on its own thread. Only this small class is loaded on the host's start-up
     * thread: {@link AgentRuntime} (and everything its verification pulls in) loads on ours.
     * A named class, not a lambda: the first lambda would bootstrap invokedynamic on the host's thread.
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

    public static void agentmain(String args, Instrumentation instrumentation) {
        if (instrumentation != null) {
            JvmHealthAgent.instrumentation = instrumentation;
        }
        agentmain(args);
    }

    /**
     * The instrumentation this JVM gave the agent, or null. For the parts that need it (method gates,
     * framework recognition, seeing which classes the application has loaded); never used on the
     * host's start-up thread.
     */
    public static Instrumentation instrumentation() {
        return instrumentation;
    }

    public static void agentmain(String args) {
        if (args != null && STOP.equals(args.trim())) {
            AgentRuntime.stop();
        } else {
            AgentRuntime.start(args);
        }
    }
}
