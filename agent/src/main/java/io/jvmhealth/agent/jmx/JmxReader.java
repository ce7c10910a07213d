package io.jvmhealth.agent.jmx;

import io.jvmhealth.agent.base.AgentThreads;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The agent's one reader of MBeans: runs every MBean read (rules, presets, applications that announce
 * their state in an MBean) on its own daemon threads ({@code jvm-health-jmx}), never on the
 * evaluator's: an MBean getter is the application's code and may block.
 *
 * <p>One thread reads; when its read has taken longer than the budget, it is abandoned (left to
 * finish its getter, then it ends) and a new thread takes the queue, so one blocked getter delays
 * the other rules by at most the budget. While {@link #MAX_THREADS} threads are blocked at
 * once, beyond that no thread is started and the queued reads wait (their rules say so). Each rule
 * has at most one read queued or running (see {@link RuleCheck}), so the queue is bounded by the
 * number of rules, and the threads by {@link #MAX_THREADS}, blocked ones included.
 */
public final class JmxReader {
    public static final String THREAD_NAME = "jmx";
    /** Reader threads at most, blocked ones included. */
    public static final int MAX_THREADS = 4;

    private final long budgetNanos;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private Worker active;
    private int blocked;
    private int started;
    private boolean closed;

    public JmxReader(long budgetMillis) {
        this.budgetNanos = TimeUnit.MILLISECONDS.toNanos(budgetMillis);
    }

    public long budgetNanos() {
        return budgetNanos;
    }

    /** Queues a read. */
    public synchronized void submit(Runnable read) {
        if (closed) {
            return;
        }
        queue.add(read);
        maintain(System.nanoTime());
        notifyAll();
    }

    /**
     * Abandons the reading thread when its read exceeds the budget, and starts a reader when there
     * is work and none (and the limit allows). Called on each submit and each rule evaluation.
     */
    public synchronized void maintain(long nowNanos) {
        if (closed) {
            return;
        }
        Worker w = active;
        if (w != null && w.busySince != 0 && nowNanos - w.busySince > budgetNanos) {
            w.abandoned = true;
            blocked++;
            active = null;
        }
        if (active == null && !queue.isEmpty() && blocked < MAX_THREADS) {
            Worker next = new Worker();
            Thread t = AgentThreads.create(THREAD_NAME + (started == 0 ? "" : "-" + started), next, null);
            started++;
            next.thread = t;
            active = next;
            t.start();
        }
    }

    /** Reader threads left blocked in a getter, now. */
    public synchronized int blocked() {
        return blocked;
    }

    /** True when reads are queued and no thread may be started for them (every allowed reader is blocked). */
    public synchronized boolean exhausted() {
        return active == null && blocked >= MAX_THREADS;
    }

    /** Stops the idle reader; blocked ones end when their getter returns. */
    public synchronized void close() {
        closed = true;
        queue.clear();
        if (active != null && active.thread != null) {
            active.thread.interrupt();
        }
        notifyAll();
    }

    private final class Worker implements Runnable {
        Thread thread;
        /** When the current read began (nanos), 0 when idle; guarded by the reader. */
        long busySince;
        boolean abandoned;

        @Override
        public void run() {
            while (true) {
                Runnable read;
                synchronized (JmxReader.this) {
                    while (!closed && !abandoned && queue.isEmpty()) {
                        try {
                            JmxReader.this.wait();
                        } catch (InterruptedException e) {
                            if (closed) {
                                return;
                            }
                        }
                    }
                    if (closed || abandoned) {
                        return;
                    }
                    read = queue.poll();
                    long now = System.nanoTime();
                    busySince = now == 0 ? 1 : now;
                }
                try {
                    read.run();
                } catch (Throwable ignored) {
                    // a read reports its own failures; nothing may end the reader
                } finally {
                    synchronized (JmxReader.this) {
                        busySince = 0;
                        if (abandoned) {
                            blocked--;
                            maintain(System.nanoTime());
                            return;
                        }
                    }
                }
            }
        }
    }
}
