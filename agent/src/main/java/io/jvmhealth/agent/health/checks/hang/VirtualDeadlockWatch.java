package io.jvmhealth.agent.health.checks.hang;

import io.jvmhealth.agent.base.AgentLog;
import io.jvmhealth.agent.base.AgentThreads;

import java.lang.instrument.Instrumentation;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the virtual-thread deadlock search ({@link VirtualDeadlocks}) on a thread of its own,
 * {@code jvm-health-vt-deadlocks}, and keeps what the last completed search found ({@link #latest()}): the
 * evaluator only reads that, so a search that takes seconds (100,000 virtual threads on a loaded machine: up to 2.5 s
 * of wall time for the walk, and the public dump's parse took 55-81 s in the worst run) never delays an evaluation
 * nor makes it look stalled.
 *
 * <p>Paced by {@link DumpPacing}: the next search begins no sooner than {@code minSpacing} after the last began, and
 * no sooner than 100 times the last one's CPU time (so the searches take at most 1 % of one core); after a search that
 * suspects a cycle, the one that confirms it or not comes as soon as the cost allows (at least 100 ms on). The thread is
 * started by the deadlock check only once the JVM has used virtual threads, and told when to end by {@link #close()}.
 * When a search's answer changes (a deadlock confirmed, or gone) it calls {@code changed} (the evaluator's
 * {@code publishNow}): a confirmed deadlock reaches {@code /live} at once, not at the next interval.
 */
public final class VirtualDeadlockWatch {
    /** The thread's name after {@code jvm-health-}. */
    public static final String THREAD_NAME = "vt-deadlocks";
    /** Search costs are paced at this many times their CPU time. */
    static final long COST_FACTOR = 100;
    /** Bytes of a public JSON dump read at most (about 720 bytes a thread: 700,000 threads). */
    static final long MAX_DUMP_BYTES = 512L * 1024 * 1024;
    /** The shortest wait between two searches, even when a suspected cycle is looked at again at once. */
    static final long MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Threads of a public JSON dump read at most. */
    static final int MAX_DUMP_THREADS = 1_000_000;

    /** What the last completed search found, when it ended and what it cost. Immutable. */
    public static final class Outcome {
        /** The search's answer; on a search that failed, the one before it (null when none did). */
        public final VirtualDeadlocks.Result result;
        /** When the search ended, {@code System.currentTimeMillis()}. */
        public final long endedEpochMillis;
        /** When the search ended, {@code System.nanoTime()}. */
        public final long endedNanos;
        public final long cpuNanos;
        public final long wallNanos;
        /** From this search's start to the next one's (the pacing's answer). */
        public final long spacingNanos;
        /** Searches completed so far (failed ones too). */
        public final long searches;
        /** Why this search failed, or null. */
        public final String problem;

        public Outcome(VirtualDeadlocks.Result result, long endedEpochMillis, long endedNanos, long cpuNanos, long wallNanos, long spacingNanos,
                long searches, String problem) {
            this.result = result;
            this.endedEpochMillis = endedEpochMillis;
            this.endedNanos = endedNanos;
            this.cpuNanos = cpuNanos;
            this.wallNanos = wallNanos;
            this.spacingNanos = spacingNanos;
            this.searches = searches;
            this.problem = problem;
        }

        public boolean deadlocked() {
            return result != null && result.deadlocked();
        }
    }

    private final Instrumentation instrumentation;
    /** The source tests give; null: {@link VirtualDeadlocks#of} on the search thread. */
    private final VirtualDeadlocks.Source given;
    private final long minSpacingNanos;
    private final Runnable changed;
    private volatile Outcome latest;
    private volatile boolean running = true;
    private Thread thread;

    private VirtualDeadlockWatch(Instrumentation instrumentation, VirtualDeadlocks.Source given, long minSpacingNanos, Runnable changed) {
        this.instrumentation = instrumentation;
        this.given = given;
        this.minSpacingNanos = minSpacingNanos;
        this.changed = changed;
    }

    /**
     * Starts the search thread; the JDK's internals are opened there, not on the caller's thread.
     * @param changed called (on the search thread) when the answer changes; may be null
     * @throws RuntimeException or Error when the thread cannot be started (the caller reports it)
     */
    public static VirtualDeadlockWatch start(Instrumentation instrumentation, long minSpacingNanos, Runnable changed) {
        return start(new VirtualDeadlockWatch(instrumentation, null, minSpacingNanos, changed));
    }

    /** With the facts from {@code source} (tests). */
    static VirtualDeadlockWatch start(VirtualDeadlocks.Source source, long minSpacingNanos, Runnable changed) {
        return start(new VirtualDeadlockWatch(null, source, minSpacingNanos, changed));
    }

    private static VirtualDeadlockWatch start(final VirtualDeadlockWatch watch) {
        Thread t = AgentThreads.create(THREAD_NAME, new Runnable() {
            @Override
            public void run() {
                watch.loop();
            }
        }, null);
        watch.thread = t;
        t.start();
        return watch;
    }

    /** The last completed search, or null before the first has ended. */
    public Outcome latest() {
        return latest;
    }

    /** Whether the search thread still runs (it ends on {@link #close()}, or when it died of an error of ours). */
    public boolean alive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    private void loop() {
        VirtualDeadlocks.Source source = given != null ? given : VirtualDeadlocks.of(instrumentation);
        DumpPacing pacing = new DumpPacing(minSpacingNanos, COST_FACTOR);
        VirtualDeadlocks search = new VirtualDeadlocks(source, pacing, MAX_DUMP_BYTES, MAX_DUMP_THREADS);
        long searches = 0;
        boolean wasDeadlocked = false;
        while (running) {
            long began = System.nanoTime();
            long cpu0 = source.cpuNanos();
            VirtualDeadlocks.Result result;
            String problem = null;
            try {
                result = search.evaluate(began);
            } catch (Throwable e) {
                Outcome before = latest;
                result = before == null ? null : before.result;
                problem = AgentLog.describe(e);
                pacing.taken(began, 0);
            }
            long ended = System.nanoTime();
            searches++;
            Outcome outcome = new Outcome(result, System.currentTimeMillis(), ended, Math.max(0, source.cpuNanos() - cpu0), ended - began,
                    pacing.spacing(), searches, problem);
            latest = outcome;
            if (outcome.deadlocked() != wasDeadlocked) {
                wasDeadlocked = outcome.deadlocked();
                if (changed != null) {
                    try {
                        changed.run();
                    } catch (RuntimeException e) {
                        // the next evaluation publishes it anyway
                    }
                }
            }
            long wait = Math.max(problem == null ? search.untilNext(System.nanoTime()) : pacing.remaining(System.nanoTime()), MIN_WAIT_NANOS);
            long until = System.nanoTime() + wait;
            while (running && until - System.nanoTime() > 0) {
                LockSupport.parkNanos(this, until - System.nanoTime());
            }
        }
    }

    /** Ends the search thread (waits briefly for a search under way). */
    public void close() {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
