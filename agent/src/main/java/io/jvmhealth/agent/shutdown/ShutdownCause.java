package io.jvmhealth.agent.shutdown;

/**
 * Tells, from the shutdown hook, what began the JVM's shutdown: the thread that began it is running the
 * hooks ({@code java.lang.Shutdown.exit} or {@code java.lang.Shutdown.shutdown} on its stack), and the
 * frames under that frame say why. The JDK offers no API for it; this reads stacks, so it is bounded: the
 * likely threads first by name ({@code SIGTERM handler}, {@code DestroyJavaVM}, {@code main}, the drain),
 * then at most {@value #MAX_THREADS_READ} others. A cause it cannot tell is {@value #UNKNOWN}.
 *
 * <p>What the stacks look like on JDK 8 to 25 (top first):
 * <ul>
 *   <li>a signal: {@code Shutdown.exit <- Terminator$1.handle <- ... Signal$1.run} on the JVM's thread
 *       {@code SIGTERM handler} (or {@code SIGINT handler}, {@code SIGHUP handler}); after a drain the same on
 *       {@code jvm-health-drain};</li>
 *   <li>{@code System.exit}: {@code Shutdown.exit <- Runtime.exit <- System.exit <- caller} (also from a host's
 *       own TERM handler, on the {@code SIGTERM handler} thread);</li>
 *   <li>the last non-daemon thread ended: {@code Shutdown.shutdown} on the launcher's {@code DestroyJavaVM}
 *       thread.</li>
 * </ul>
 * A host that calls {@code Runtime.halt} runs no hooks: nothing is told then.
 */
final class ShutdownCause {
    static final String UNKNOWN = "cause not known";
    /** Threads whose stacks are read beyond the likely ones, at most: each read is a handshake with that thread. */
    static final int MAX_THREADS_READ = 128;
    /** Threads looked at (names), at most. */
    private static final int MAX_THREADS = 4096;

    private ShutdownCause() {
    }

    /** The cause as far as the threads' stacks tell it; never null, never throws. {@code self} (the hook) is skipped. */
    static String find(Thread self) {
        try {
            Thread[] threads = allThreads();
            // Likely initiators first: cheap to pick by name, and one or two stack reads settle it.
            for (Thread t : threads) {
                if (t != null && t != self && likely(t.getName())) {
                    String cause = describe(t.getName(), t.getStackTrace());
                    if (cause != null) {
                        return cause;
                    }
                }
            }
            int read = 0;
            for (Thread t : threads) {
                if (t == null || t == self || likely(t.getName())) {
                    continue;
                }
                if (++read > MAX_THREADS_READ) {
                    break;
                }
                String cause = describe(t.getName(), t.getStackTrace());
                if (cause != null) {
                    return cause;
                }
            }
        } catch (Throwable ignored) {
            // a stack we may not read, a thread gone: the cause stays unknown
        }
        return UNKNOWN;
    }

    private static boolean likely(String name) {
        return name != null && (isSignalThread(name) || name.equals("DestroyJavaVM") || name.equals("main")
                || name.equals(Drain.THREAD));
    }

    /** The JVM runs each Java signal handler on a new thread named {@code SIG<NAME> handler}. */
    private static boolean isSignalThread(String name) {
        return name.startsWith("SIG") && name.endsWith(" handler") && name.indexOf(' ') == name.length() - " handler".length();
    }

    /**
     * The cause, when {@code stack} is that of the thread that began the shutdown; null otherwise. Pure: the
     * unit tests give it the stacks JDK 17 and 25 show.
     */
    static String describe(String threadName, StackTraceElement[] stack) {
        if (stack == null) {
            return null;
        }
        for (int i = 0; i < stack.length; i++) {
            StackTraceElement f = stack[i];
            if (!"java.lang.Shutdown".equals(f.getClassName())) {
                continue;
            }
            if ("shutdown".equals(f.getMethodName())) {
                return "the last non-daemon thread ended";
            }
            if (!"exit".equals(f.getMethodName())) {
                continue;
            }
            int j = i + 1;
            boolean exitCall = false;
            while (j < stack.length && isExitFrame(stack[j])) {
                exitCall = true;
                j++;
            }
            String signal = threadName != null && isSignalThread(threadName)
                    ? threadName.substring(0, threadName.length() - " handler".length()) : null;
            if (exitCall) {
                String caller = j < stack.length ? stack[j].getClassName() + "." + stack[j].getMethodName() : "unknown code";
                return "System.exit from " + caller + (signal != null ? " (in a " + signal + " handler)" : "");
            }
            if (j < stack.length && stack[j].getClassName().startsWith("java.lang.Terminator")) {
                if (signal != null) {
                    return signal;
                }
                return Drain.THREAD.equals(threadName) ? "SIGTERM, after the drain" : "a signal";
            }
            return "Shutdown.exit from " + (j < stack.length ? stack[j].getClassName() + "." + stack[j].getMethodName() : "unknown code");
        }
        return null;
    }

    private static boolean isExitFrame(StackTraceElement f) {
        return "exit".equals(f.getMethodName())
                && ("java.lang.Runtime".equals(f.getClassName()) || "java.lang.System".equals(f.getClassName()));
    }

    private static Thread[] allThreads() {
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        while (group != null && group.getParent() != null) {
            group = group.getParent();
        }
        if (group == null) {
            return new Thread[0];
        }
        int size = Math.min(MAX_THREADS, group.activeCount() * 2 + 16);
        Thread[] threads = new Thread[size];
        group.enumerate(threads, true);
        return threads;
    }
}
