package io.jvmhealth.agent.shutdown;

import io.jvmhealth.agent.base.AgentLog;
import io.jvmhealth.agent.base.AgentThreads;
import io.jvmhealth.agent.config.OptionSpec;

/**
 * Tells a {@link ShutdownListener} when the JVM's shutdown begins, and (with {@code shutdown.drain}) owns
 * the {@link Drain}. The shutdown is seen by a JVM shutdown hook: the JVM starts every application hook at
 * once when its shutdown begins (SIGTERM, SIGINT, SIGHUP, {@code System.exit}, the last non-daemon thread
 * ending), so the hook runs within a millisecond or two of the signal (measured: docs/performance.md#shutdown).
 * Without a drain the agent installs no signal handler.
 *
 * <p>Guarantees, for the host's sake:
 * <ul>
 *   <li>{@link #start} never throws. A hook that cannot be added is reported in one line and the watch is
 *       inert: a start during the JVM's shutdown (an attach while the hooks run: {@code addShutdownHook}
 *       throws {@code IllegalStateException}) tells the listener at once instead; a security manager that
 *       refuses is reported.</li>
 *   <li>The hook never blocks the JVM's exit: it tells the listener (which returns at once) and ends; its
 *       log line is written by a short-lived daemon thread (stderr may be a full pipe). It throws nothing.</li>
 *   <li>The hooks run concurrently and in no order: nothing here depends on another hook, and nothing
 *       another hook does (closing logging, a {@code Runtime.halt}) can make this one fail loudly.</li>
 *   <li>{@link #close} (the agent's own {@code stop}, which is not a shutdown of the application) removes
 *       the hook and the drain's signal handler, and tells the listener nothing more.</li>
 * </ul>
 */
public final class ShutdownWatch {
    /** {@code shutdown.drain}: off, or how long SIGTERM waits before the JVM's own shutdown (a {@code Long} of ms, -1 off). */
    public static final OptionSpec DRAIN = OptionSpec.durationOrOff("shutdown.drain", "off", 1, Drain.MAX_NANOS / 1_000_000L,
            "on SIGTERM: `/ready` 503 at once, the JVM's own shutdown begins only after this duration (a second SIGTERM or a"
                    + " SIGINT ends it); `off`: no signal handler ([kubernetes.md](kubernetes.md#shutdown))");
    public static final java.util.List<OptionSpec> OPTIONS = java.util.Collections.singletonList(DRAIN);

    private static final String HOOK_NAME = "shutdown";
    private static final String LOG_NAME = "shutdown-log";
    static final String HOOK_THREAD = AgentThreads.PREFIX + HOOK_NAME;

    private static final int SERVING = 0;
    private static final int DRAINING = 1;
    /** The drain ended and the signal was handed on; the JVM's shutdown may follow (or the host's handler let it live). */
    private static final int DRAINED = 2;
    private static final int SHUTTING_DOWN = 3;

    /** Adds and removes shutdown hooks: {@code Runtime}'s, or a test's. */
    interface Hooks {
        void add(Thread hook);

        boolean remove(Thread hook);
    }

    static final Hooks RUNTIME = new Hooks() {
        @Override
        public void add(Thread hook) {
            Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override
        public boolean remove(Thread hook) {
            return Runtime.getRuntime().removeShutdownHook(hook);
        }
    };

    private final ShutdownListener listener;
    private final Hooks hooks;
    private final Object lock = new Object();
    private int state = SERVING;
    private boolean closed;
    private String cause;
    /** The hook as added, or null when none could be added. */
    private Thread hook;
    private Drain drain;
    /** Woken when the shutdown begins (the drain's thread), or null. */
    private Runnable onShutdown;

    private ShutdownWatch(ShutdownListener listener, Hooks hooks) {
        this.listener = listener;
        this.hooks = hooks;
    }

    /**
     * Adds the shutdown hook and, when {@code drainNanos > 0}, installs the SIGTERM drain ({@link Drain}:
     * bounded by {@link Drain#MAX_NANOS}). Never throws; what could not be installed is said in one line.
     */
    public static ShutdownWatch start(ShutdownListener listener, long drainNanos) {
        return start(listener, RUNTIME, drainNanos);
    }

    /** For tests: the hook added through {@code hooks}. */
    static ShutdownWatch start(ShutdownListener listener, Hooks hooks, long drainNanos) {
        ShutdownWatch watch = new ShutdownWatch(listener, hooks);
        watch.addHook();
        if (drainNanos > 0) {
            watch.installDrain(drainNanos);
        }
        return watch;
    }

    private void addHook() {
        try {
            ShutdownCause.describe(HOOK_THREAD, new StackTraceElement[0]); // loads the class now, not during the shutdown
            Thread h = AgentThreads.create(HOOK_NAME, new Runnable() {
                @Override
                public void run() {
                    hookRan();
                }
            }, null);
            hooks.add(h);
            synchronized (lock) {
                hook = h;
            }
        } catch (IllegalStateException e) {
            // "Shutdown in progress": the agent started (an attach, or a launch racing a short main) while the hooks run
            began("the JVM's shutdown was under way when the agent started");
        } catch (Throwable e) {
            AgentLog.warn("readiness will not turn 503 when the JVM shuts down: cannot add a shutdown hook: " + AgentLog.describe(e));
        }
    }

    private void installDrain(long drainNanos) {
        try {
            Drain d = Drain.install(drainNanos, this);
            synchronized (lock) {
                drain = d;
            }
        } catch (Throwable e) {
            // NoClassDefFoundError sun/misc/SignalHandler: seen with `java -m app/...` (jdk.unsupported not resolved) and a jlink image without it
            AgentLog.warn("shutdown.drain is off: " + AgentLog.describe(e) + " (it needs sun.misc.Signal of module jdk.unsupported,"
                    + " which a JVM started with a main module (-m) resolves only with --add-modules jdk.unsupported,"
                    + " and a runtime image made without it lacks)");
        }
    }

    /** The shutdown hook's body. */
    void hookRan() {
        try {
            began(null);
        } catch (Throwable ignored) {
            // nothing a hook of ours throws may reach the host's stderr
        }
    }

    /**
     * The shutdown began: the listener first (nothing else before it: every millisecond here is one more of
     * readiness saying yes to a JVM that stops), then the cause ({@code knownCause}, or read from the threads'
     * stacks: a few milliseconds, the first stack read of a JVM is the dearest), then the log line.
     */
    private void began(String knownCause) {
        Runnable wake;
        synchronized (lock) {
            if (closed || state == SHUTTING_DOWN) {
                return;
            }
            if (state == DRAINING) {
                tellDrainEnded("the JVM's shutdown began");
            }
            state = SHUTTING_DOWN;
            tellShutdownBegan();
            wake = onShutdown;
        }
        if (wake != null) {
            wake.run();
        }
        String why = knownCause != null ? knownCause : ShutdownCause.find(Thread.currentThread());
        synchronized (lock) {
            cause = why;
        }
        Thread line = logAside("the JVM's shutdown began (" + why + "): readiness fails from now on");
        if (line != null && Thread.currentThread() == hookThread()) {
            try {
                line.join(HOOK_LOG_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Thread hookThread() {
        synchronized (lock) {
            return hook;
        }
    }

    /** From the drain: a SIGTERM began it. False when it may not begin (the shutdown began, the watch is closed). */
    boolean drainBegan(long drainNanos, Runnable wakeOnShutdown) {
        synchronized (lock) {
            if (closed || state != SERVING) {
                return false;
            }
            state = DRAINING;
            onShutdown = wakeOnShutdown;
            tellDrainBegan(drainNanos);
            return true;
        }
    }

    /** From the drain: it is over and the signal is handed on. False when the shutdown began meanwhile (the signal must not be handed on). */
    boolean drainEnded(String why) {
        synchronized (lock) {
            if (state == SHUTTING_DOWN) {
                return false;
            }
            if (state == DRAINING) {
                state = DRAINED;
                if (!closed) {
                    tellDrainEnded(why);
                }
            }
            return true;
        }
    }

    /** Whether the JVM's shutdown has begun (the hook ran, or the agent started during it). */
    public boolean shuttingDown() {
        synchronized (lock) {
            return state == SHUTTING_DOWN;
        }
    }

    /**
     * What began the shutdown, in a few words ({@code "SIGTERM"}, {@code "System.exit from com.acme.Main.main"},
     * {@code "the last non-daemon thread ended"}), or null: before the shutdown, and for the few milliseconds
     * after it in which the hook reads it from the threads' stacks (see {@link ShutdownCause}).
     */
    public String cause() {
        synchronized (lock) {
            return cause;
        }
    }

    /** A few words for the agent's start line: {@code "readiness ends with the JVM's shutdown; drain 3s on SIGTERM"}. */
    public String describe() {
        synchronized (lock) {
            String text = hook != null ? "readiness ends with the JVM's shutdown" : "no shutdown hook";
            return drain != null ? text + "; " + drain.describe() : text;
        }
    }

    /**
     * The agent stops (its {@code stop} command): removes the hook, restores the SIGTERM handler the drain
     * replaced (if it is still the one installed), tells the listener nothing more. A drain under way is ended
     * and its SIGTERM handed on: the signal was sent to end the JVM, and stopping the agent must not swallow it.
     */
    public void close() {
        Thread h;
        Drain d;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            h = hook;
            hook = null;
            d = drain;
            drain = null;
        }
        if (d != null) {
            d.close();
        }
        if (h != null) {
            try {
                hooks.remove(h);
            } catch (Throwable ignored) {
                // IllegalStateException: the shutdown began; the hook runs and, closed, tells nobody
            }
        }
    }

    /* The listener's calls, under {@link #lock} (serialized, in order); what it throws must not become the host's. */

    private void tellDrainBegan(long drainNanos) {
        try {
            listener.drainBegan(drainNanos);
        } catch (Throwable ignored) {
            // dropped
        }
    }

    private void tellDrainEnded(String why) {
        try {
            listener.drainEnded(why);
        } catch (Throwable ignored) {
            // dropped
        }
    }

    private void tellShutdownBegan() {
        try {
            listener.shutdownBegan();
        } catch (Throwable ignored) {
            // dropped
        }
    }

    /**
     * One line on stderr from a short-lived daemon thread, so that no caller waits for stderr: the hook must not
     * (a full pipe would hold the JVM's exit), nor the drain (it would hold the signal). The hook waits for the
     * line at most {@value #HOOK_LOG_WAIT_MILLIS} ms (a daemon thread's line is lost when the JVM halts first).
     */
    static Thread logAside(final String line) {
        try {
            return AgentThreads.start(LOG_NAME, new Runnable() {
                @Override
                public void run() {
                    AgentLog.info(line);
                }
            });
        } catch (Throwable ignored) {
            return null; // no thread for a log line: the line is dropped, the shutdown goes on
        }
    }

    /** How long the hook waits for its log line to be written. */
    static final long HOOK_LOG_WAIT_MILLIS = 100;
}
