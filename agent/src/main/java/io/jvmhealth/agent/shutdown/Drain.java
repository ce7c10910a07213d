package io.jvmhealth.agent.shutdown;

import io.jvmhealth.agent.base.AgentLog;
import io.jvmhealth.agent.base.AgentThreads;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.concurrent.TimeUnit;

/**
 * {@code shutdown.drain}: a SIGTERM handler that holds the JVM's shutdown back for a bounded time, so that a
 * load balancer or a Kubernetes Service that follows {@code /ready} stops sending traffic while the
 * application still serves it. Installed only with the option; nothing else in the agent handles a signal.
 *
 * <p>On the first SIGTERM: the listener is told ({@code /ready} 503 at once), and after the drain the signal
 * is handed on to the handler this one replaced, which does exactly what it would have done without the
 * agent: the JVM's own ({@code java.lang.Terminator}) begins the shutdown with exit code 143; a host's own
 * handler does what it does. The previous handler is called on this class's {@code jvm-health-drain}
 * daemon thread (the JVM would have called it on a daemon thread of its own, {@code SIGTERM handler}).
 * <ul>
 *   <li>A second SIGTERM during the drain ends it at once. SIGINT is not handled here: the JVM's own handler
 *       begins the shutdown at once (exit code 130), which ends the drain, as does {@code System.exit}; the
 *       TERM is then not handed on (the shutdown under way decides the exit code).</li>
 *   <li>The handler returns at once: it only records the signal and starts (once) the waiting thread. Where no
 *       thread can be started, the signal is handed on at once.</li>
 *   <li>A SIGTERM after the drain, or once the shutdown began, goes straight to the previous handler, as it
 *       would without the agent.</li>
 *   <li>Not installed (one line says why) where it could not hand the signal on faithfully: under {@code -Xrs}
 *       (the JVM refuses Java handlers for SIGTERM: "Signal already used by VM or OS"), where SIGTERM is ignored
 *       ({@code SIG_IGN}, e.g. inherited), where it has its default action ({@code SIG_DFL}: the process would end
 *       at once and Java code cannot re-raise it) or a native handler (which Java code cannot call).</li>
 *   <li>{@link #close} (the agent's {@code stop}) restores the previous handler if this one is still installed;
 *       if the host installed its own handler after the agent's, that one stays, and this one, still in the
 *       host's chain, hands every SIGTERM straight on. A drain under way is ended and its SIGTERM handed on.</li>
 * </ul>
 * Who wins when the host has a TERM handler too: the handler installed last is the one the JVM calls. Host
 * first, agent second (an attach, or a host that installs early): the drain runs, then the host's handler.
 * Agent first, host second: the host's handler runs at once; the drain runs only if it calls the handler it
 * replaced (this one), after whatever it did first.
 *
 * <p>Compiled against {@code sun.misc.Signal} (JDK 8; module {@code jdk.unsupported} on 9+); where that class
 * is missing, {@link #install} throws a LinkageError that {@link ShutdownWatch} reports.
 */
public final class Drain {
    /**
     * The longest drain: 5 minutes (a Kubernetes pod's default termination grace period is 30 s). A constant expression,
     * as {@link #THREAD} is, so that the classes naming them (the option's declaration, the command-line tool) never load
     * this one, which fails to link where {@code sun.misc.SignalHandler} is missing.
     */
    public static final long MAX_NANOS = 5L * 60 * 1_000_000_000L;
    private static final String THREAD_NAME = "drain";
    static final String THREAD = AgentThreads.PREFIX + THREAD_NAME;

    private static final int IDLE = 0;
    private static final int DRAINING = 1;
    /** The signal went on to the previous handler (or must, at once): from here every SIGTERM goes straight on. */
    private static final int HANDED_ON = 2;

    private final long drainNanos;
    private final ShutdownWatch watch;
    private final Signal term;
    private final Handler handler = new Handler();
    private final Object lock = new Object();
    /** The handler this one replaced; set under {@link #lock} once installed. */
    private SignalHandler previous;
    private int phase = IDLE;
    private long deadline;
    private Signal signal;
    /** Why the drain ends early (a second SIGTERM, the agent stops), or null. */
    private String endEarly;
    private boolean shutdownBegan;
    private boolean closed;

    private Drain(long drainNanos, ShutdownWatch watch, Signal term) {
        this.drainNanos = drainNanos;
        this.watch = watch;
        this.term = term;
    }

    /**
     * Installs the SIGTERM handler; returns null when it is not installed (the reason said in one line).
     * Throws only a LinkageError (no {@code sun.misc.Signal} here).
     */
    static Drain install(long drainNanos, ShutdownWatch watch) {
        if (drainNanos <= 0 || drainNanos > MAX_NANOS) {
            AgentLog.warn("shutdown.drain is off: " + duration(drainNanos) + " is not between 1ms and " + duration(MAX_NANOS));
            return null;
        }
        if (watch.shuttingDown()) {
            return null;
        }
        Signal term;
        try {
            term = new Signal("TERM");
        } catch (IllegalArgumentException e) {
            AgentLog.warn("shutdown.drain is off: this platform has no SIGTERM (" + e.getMessage() + ")");
            return null;
        }
        Drain drain = new Drain(drainNanos, watch, term);
        String refusal;
        synchronized (drain.lock) { // a SIGTERM arriving now waits in the handler until this is decided
            SignalHandler before;
            try {
                before = Signal.handle(drain.term, drain.handler);
            } catch (IllegalArgumentException e) {
                AgentLog.warn("shutdown.drain is off: this JVM lets no Java code handle SIGTERM (" + e.getMessage()
                        + "); with -Xrs a SIGTERM ends the process at once, without shutdown hooks");
                return null;
            }
            refusal = refusal(before);
            if (refusal == null) {
                drain.previous = before;
                return drain;
            }
            drain.phase = HANDED_ON;
            try {
                // Not restore(): with SIG_IGN the JVM never installed ours natively, and what handle returns then is SIG_IGN
                Signal.handle(drain.term, before);
            } catch (Throwable e) {
                refusal += "; and putting it back failed: " + AgentLog.describe(e);
            }
        }
        AgentLog.warn("shutdown.drain is off: " + refusal);
        return null;
    }

    /** Why the drain cannot hand a SIGTERM on to {@code before} faithfully, or null when it can. */
    static String refusal(SignalHandler before) {
        if (before == null) {
            return "SIGTERM's handler could not be read";
        }
        if (before == SignalHandler.SIG_IGN) {
            return "SIGTERM is ignored in this process (SIG_IGN, inherited or set by the application): the JVM does not act on it";
        }
        if (before == SignalHandler.SIG_DFL) {
            return "SIGTERM has its default action here (SIG_DFL, set by the application): the process would end at once,"
                    + " and Java code cannot raise it again after a drain";
        }
        if (before.getClass().getName().equals("sun.misc.NativeSignalHandler") || String.valueOf(before).contains("NativeHandler")) {
            return "SIGTERM has a native handler (" + before + "), which Java code cannot call after a drain";
        }
        return null;
    }

    /** {@code "drain 3s on SIGTERM, then the JVM's own handler"}. */
    String describe() {
        SignalHandler p;
        synchronized (lock) {
            p = previous;
        }
        return "drain " + duration(drainNanos) + " on SIGTERM, then " + name(p);
    }

    /** The previous handler, named for a log line: the JVM's own ({@code java.lang.Terminator}) or the host's class. */
    static String name(SignalHandler handler) {
        String text = String.valueOf(handler);
        if (text.startsWith("java.lang.Terminator")) {
            return "the JVM's own handler (shutdown, exit code 143)";
        }
        String type = handler == null ? "none" : handler.getClass().getName();
        return "the application's handler " + (type.startsWith("sun.misc.Signal$") ? text : type);
    }

    /** The JVM's signal dispatch calls this on a new daemon thread ({@code SIGTERM handler}) per signal; it returns at once. */
    private final class Handler implements SignalHandler {
        @Override
        public void handle(Signal sig) {
            SignalHandler next = received(sig);
            if (next != null) {
                next.handle(sig); // straight on, on the JVM's own handler thread: what the JVM would have done
            }
        }
    }

    /** Records a SIGTERM; returns the handler to hand it on to now, or null when the drain holds it. */
    private SignalHandler received(Signal sig) {
        synchronized (lock) {
            if (previous == null) {
                // install declined (SIG_DFL or a native handler before) and is putting it back; this signal came in between
                ShutdownWatch.logAside("a SIGTERM arrived while shutdown.drain was being declined; the handler it would have reached"
                        + " cannot be called from Java, so it was not acted on");
                return null;
            }
            if (closed || phase == HANDED_ON || shutdownBegan) {
                return previous;
            }
            if (phase == DRAINING) {
                if (endEarly == null) {
                    endEarly = "a second SIGTERM";
                    lock.notifyAll();
                }
                return null;
            }
            if (!watch.drainBegan(drainNanos, new Runnable() {
                @Override
                public void run() {
                    shutdownBegan();
                }
            })) {
                phase = HANDED_ON; // the shutdown began already: as without the agent
                return previous;
            }
            phase = DRAINING;
            signal = sig;
            deadline = System.nanoTime() + drainNanos;
        }
        try {
            AgentThreads.start(THREAD_NAME, new Runnable() {
                @Override
                public void run() {
                    drain();
                }
            });
            ShutdownWatch.logAside("SIGTERM: readiness fails now; the JVM's shutdown waits " + duration(drainNanos)
                    + " (shutdown.drain; a second SIGTERM ends the wait)");
            return null;
        } catch (Throwable e) {
            synchronized (lock) {
                phase = HANDED_ON;
            }
            watch.drainEnded("no thread to wait on: " + AgentLog.describe(e));
            return previous; // the signal must not be lost: on now
        }
    }

    /** The {@code jvm-health-drain} thread: waits out the drain, then hands the signal on (unless the shutdown began meanwhile). */
    private void drain() {
        String why;
        Signal sig;
        SignalHandler next;
        synchronized (lock) {
            while (endEarly == null && !shutdownBegan) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    // nobody interrupts this thread but the host (a thread sweep): keep waiting out the deadline
                }
            }
            phase = HANDED_ON;
            if (shutdownBegan) {
                return; // System.exit, SIGINT, ...: the shutdown under way decides the exit code; the TERM is not handed on
            }
            why = endEarly != null ? endEarly : "its " + duration(drainNanos) + " are over";
            sig = signal;
            next = previous;
        }
        if (!watch.drainEnded(why)) {
            return; // the shutdown began between the wait and here
        }
        ShutdownWatch.logAside("drain over (" + why + "): SIGTERM handed on to " + name(next));
        next.handle(sig); // the JVM's own: Shutdown.exit(143), which does not return; a host's: whatever it does
    }

    /** Called by the watch when the JVM's shutdown began. */
    private void shutdownBegan() {
        synchronized (lock) {
            shutdownBegan = true;
            lock.notifyAll();
        }
    }

    /** The agent stops: a drain under way ends (its SIGTERM handed on); the previous handler is put back if this one is still installed. */
    void close() {
        SignalHandler before;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (phase == DRAINING && endEarly == null) {
                endEarly = "the agent stops";
                lock.notifyAll();
            }
            before = previous;
        }
        if (before != null) {
            restore(before);
        }
    }

    /**
     * Puts {@code before} back if this drain's handler is the one installed. The sun.misc API can only read the
     * installed handler by replacing it: when a later one (the host's) comes back, it is installed again at once;
     * a SIGTERM in those microseconds would reach {@code before}.
     */
    private void restore(SignalHandler before) {
        try {
            SignalHandler current = Signal.handle(term, before);
            if (current != handler) {
                Signal.handle(term, current);
                AgentLog.info("the SIGTERM handler installed after the agent's stays; the agent's, in its chain, now hands SIGTERM straight on");
            }
        } catch (Throwable e) {
            AgentLog.warn("could not put SIGTERM's previous handler back: " + AgentLog.describe(e)
                    + "; the agent's hands every SIGTERM straight on to it");
        }
    }

    /** {@code 3s}, {@code 500ms}, {@code 2m}: the form the options take. */
    static String duration(long nanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis != 0 && millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
