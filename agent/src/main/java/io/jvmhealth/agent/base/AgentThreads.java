package io.jvmhealth.agent.base;

/**
 * The one way the agent starts a thread. Every agent thread is a daemon (the host's exit never
 * waits for the agent), is named {@code jvm-health-*} (what a thread dump of the host shows and
 * tests look for), and dies quietly: an uncaught failure is one {@link AgentLog} line instead of
 * the JVM's default stack trace on stderr. Threads that must come back after a failure are kept
 * running by {@link SupervisedThread}, which starts its threads here.
 */
public final class AgentThreads {
    /** Every agent thread's name starts with this. */
    public static final String PREFIX = "jvm-health-";

    private AgentThreads() {
    }

    /**
     * A daemon thread named {@code jvm-health-<name>}, not started.
     *
     * @param name the part after the prefix, such as {@code http}
     * @param onDeath told of an uncaught failure instead of the default handler; null: one warning line
     */
    public static Thread create(String name, Runnable body, Thread.UncaughtExceptionHandler onDeath) {
        Thread t = new Thread(body, PREFIX + name);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler(onDeath != null ? onDeath : Quiet.INSTANCE);
        return t;
    }

    /** Creates and starts a daemon thread {@code jvm-health-<name>} that logs one line if it dies. */
    public static Thread start(String name, Runnable body) {
        Thread t = create(name, body, null);
        t.start();
        return t;
    }

    /** A failure of an agent thread as one warning line. */
    private static final class Quiet implements Thread.UncaughtExceptionHandler {
        static final Quiet INSTANCE = new Quiet();

        @Override
        public void uncaughtException(Thread t, Throwable e) {
            AgentLog.warn("thread " + t.getName() + " ended by " + AgentLog.describe(e));
        }
    }
}
