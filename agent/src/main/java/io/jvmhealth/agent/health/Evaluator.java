package io.jvmhealth.agent.health;

import io.jvmhealth.agent.AgentLog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs every check on one daemon thread each interval and publishes the resulting {@link Snapshot}.
 *
 * <p>Guarantees: a check that throws is reported unhealthy with the failure as its reason (and never
 * fails liveness); nothing a check does can end the evaluation loop; if the thread dies anyway, it is
 * replaced; each change of a check's status is logged once. When no evaluation completes for
 * {@link #STALL_INTERVALS} intervals (and at least {@link #MIN_STALL_MILLIS}), the published
 * snapshot answers "stalled" by itself.
 */
public final class Evaluator {
    /** Intervals without a completed evaluation before {@code /live} reports a stall. */
    public static final int STALL_INTERVALS = 3;
    /**
     * The stall limit is never shorter than this, so that with a very short {@code interval} a GC
     * pause or a starved CPU cannot fail liveness: a wrong liveness answer restarts a healthy pod.
     */
    public static final long MIN_STALL_MILLIS = 5000;
    private static final int MAX_RESTARTS = 10;
    static final String THREAD_NAME = "jvm-health-evaluator";

    private final CheckFactory factory;
    private final long intervalMillis;
    private final long intervalNanos;
    private volatile List<HealthCheck> checks = Collections.emptyList();
    private SnapshotWriter writer;
    private boolean checksCreated;
    private final Map<String, Status> lastStatus = new HashMap<>();
    private volatile Snapshot current;
    private volatile boolean running;
    private volatile Thread thread;
    private volatile Runnable beforeFirstEvaluation;
    private int restarts;
    private volatile long restartDelayNanos;

    /** Creates the checks; called once, on the evaluator thread, so MXBean set-up stays off the host's threads. */
    public interface CheckFactory {
        List<HealthCheck> create();
    }

    /**
     * Cheap: nothing is created until {@link #start} (on the evaluator thread) or
     * {@link #prepare()} (on the caller's).
     */
    public Evaluator(CheckFactory factory, long intervalMillis) {
        this.factory = factory;
        this.intervalMillis = intervalMillis;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
    }

    /** Convenience for fixed checks (tests, benchmarks). */
    public Evaluator(List<HealthCheck> checks, long intervalMillis) {
        this(() -> checks, intervalMillis);
    }

    /** The latest snapshot; null only before {@link #start} or {@link #prepare()} has run. */
    public Snapshot current() {
        return current;
    }

    /** Creates the serializer, the first ("starting") snapshot and the checks. Idempotent. */
    public synchronized void prepare() {
        prepareSnapshot();
        if (!checksCreated) {
            // Set only after success: when the factory throws, the evaluator thread dies and its
            // replacement tries again.
            checks = Collections.unmodifiableList(new ArrayList<>(factory.create()));
            checksCreated = true;
        }
    }

    private synchronized void prepareSnapshot() {
        if (writer == null) {
            writer = new SnapshotWriter(stallMillis(intervalMillis));
            current = writer.initial(System.nanoTime());
        }
    }

    /**
     * Starts the evaluation thread. {@code firstTask}, if not null, runs on that thread once the
     * first ("starting") snapshot exists and before the checks are created (the agent starts its
     * HTTP listener there, off the host's start-up thread).
     */
    public synchronized void start(Runnable firstTask) {
        if (running) {
            return;
        }
        running = true;
        beforeFirstEvaluation = firstTask;
        startThread();
    }

    private void startThread() {
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                loop();
            }
        }, THREAD_NAME);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler(new Thread.UncaughtExceptionHandler() {
            @Override
            public void uncaughtException(Thread dead, Throwable error) {
                restart(error);
            }
        });
        thread = t;
        t.start();
    }

    /**
     * Called on the dying thread. The replacement waits one interval before evaluating, so a cause
     * that persists does not spin; after {@link #MAX_RESTARTS} the evaluator stays down and the
     * published snapshot turns "stalled" by itself.
     */
    private synchronized void restart(Throwable error) {
        if (!running) {
            return;
        }
        if (restarts >= MAX_RESTARTS) {
            AgentLog.error("health evaluator died " + (restarts + 1) + " times, not restarting: " + describe(error));
            return;
        }
        restarts++;
        AgentLog.warn("health evaluator died (" + describe(error) + "); restarting it");
        try {
            restartDelayNanos = intervalNanos;
            startThread();
        } catch (Throwable e) {
            // e.g. no native thread available: the snapshot reports the stall
            AgentLog.error("health evaluator could not be restarted: " + describe(e));
        }
    }

    /** How many times the evaluator thread died and was replaced. */
    synchronized int restarts() {
        return restarts;
    }

    /** The current evaluator thread (tests). */
    Thread thread() {
        return thread;
    }

    /** Stops the thread and releases every check. Waits briefly for the thread to end. */
    public void stop() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (HealthCheck check : checks) {
            try {
                check.close();
            } catch (Throwable e) {
                AgentLog.warn("check '" + check.name() + "' failed to close: " + describe(e));
            }
        }
    }

    private void loop() {
        Runnable first = beforeFirstEvaluation;
        if (first != null) {
            beforeFirstEvaluation = null;
            synchronized (this) {
                if (!running) {
                    return;
                }
                prepareSnapshot();
            }
            first.run();
        }
        long delay = restartDelayNanos;
        if (delay > 0) {
            long until = System.nanoTime() + delay;
            long left;
            while (running && (left = until - System.nanoTime()) > 0) {
                LockSupport.parkNanos(this, left);
            }
        }
        prepare();
        long next = System.nanoTime();
        while (running) {
            try {
                evaluateOnce();
            } catch (Throwable e) {
                // Anything here is our own bug (checks are already guarded); keep evaluating.
                AgentLog.warn("health evaluation failed: " + describe(e));
            }
            next += intervalNanos;
            long now = System.nanoTime();
            if (next - now < 0) {
                next = now; // we fell behind (a slow evaluation or a paused JVM): do not try to catch up
            }
            while (running && (now = System.nanoTime()) - next < 0) {
                LockSupport.parkNanos(this, next - now);
                if (Thread.interrupted() && !running) {
                    return;
                }
            }
        }
    }

    /** How long without a completed evaluation before answers say "stalled". */
    public static long stallMillis(long intervalMillis) {
        return Math.max(MIN_STALL_MILLIS, intervalMillis * STALL_INTERVALS);
    }

    /** Runs every check once and publishes the snapshot. Public for tests and benchmarks. */
    public Snapshot evaluateOnce() {
        prepare();
        Map<String, CheckResult> results = new LinkedHashMap<>();
        Map<String, CheckResult> liveness = new LinkedHashMap<>();
        boolean deadlocked = false;
        for (HealthCheck check : checks) {
            CheckResult result;
            try {
                result = check.evaluate();
                if (result == null) {
                    result = CheckResult.failed("check '" + check.name() + "' returned no result");
                }
            } catch (Throwable e) {
                result = CheckResult.failed("check failed: " + describe(e));
            }
            results.put(check.name(), result);
            if (check.decidesLiveness()) {
                liveness.put(check.name(), result);
                deadlocked |= result.status() == Status.UNHEALTHY && !result.checkFailed();
            }
            logChange(check.name(), result);
        }
        Snapshot snapshot = writer.write(System.nanoTime(), System.currentTimeMillis(), results, liveness, deadlocked);
        current = snapshot;
        return snapshot;
    }

    private void logChange(String name, CheckResult result) {
        Status before = lastStatus.put(name, result.status());
        Status previous = before == null ? Status.HEALTHY : before;
        if (previous == result.status()) {
            return;
        }
        String message = "check '" + name + "' " + previous.json() + " -> " + result.status().json()
                + (result.reason() == null ? "" : ": " + result.reason());
        if (result.status() == Status.UNHEALTHY) {
            AgentLog.warn(message);
        } else {
            AgentLog.info(message);
        }
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getName() + (message == null ? "" : ": " + message);
    }
}
