package io.jvmhealth.agent.evidence;

import io.jvmhealth.agent.base.AgentThreads;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.Snapshot;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Notices a stalled evaluation when no request comes: a {@code jvm-health-watchdog} daemon thread
 * wakes every {@link #PERIOD_MILLIS}, reads the published snapshot's completion time (one volatile
 * read, no allocation) and reports a stall to {@link Evidence}. Its own class, so that the
 * evaluator's supervision can later move here.
 */
final class Watchdog {
    static final long PERIOD_MILLIS = 1000;
    static final String THREAD_NAME = "watchdog";

    private final Evaluator evaluator;
    private final Evidence evidence;
    private final long periodNanos;
    private volatile boolean running;
    private Thread thread;

    Watchdog(Evaluator evaluator, Evidence evidence, long periodMillis) {
        this.evaluator = evaluator;
        this.evidence = evidence;
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
    }

    synchronized void start() {
        running = true;
        Thread t = AgentThreads.create(THREAD_NAME, new Runnable() {
            @Override
            public void run() {
                loop();
            }
        }, null);
        thread = t;
        t.start();
    }

    private void loop() {
        while (running) {
            LockSupport.parkNanos(this, periodNanos);
            if (!running) {
                return;
            }
            try {
                Snapshot s = evaluator.current();
                long now = System.nanoTime();
                if (s != null && s.isStale(now)) {
                    evidence.stalled(now);
                }
            } catch (Throwable ignored) {
                // never let the watchdog die of our own bug; the next turn tries again
            }
        }
    }

    void stop() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
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
