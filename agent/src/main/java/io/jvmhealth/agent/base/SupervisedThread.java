package io.jvmhealth.agent.base;

/**
 * Keeps one daemon thread running a body: starts it, replaces it when it dies (at most
 * {@code maxRestarts} times, the replacement told to wait {@code restartDelayNanos} first so that a
 * cause that persists does not spin), and stops it. It knows nothing of what the body does (the
 * evaluator's body evaluates the checks). Its threads come from {@link AgentThreads}.
 */
public final class SupervisedThread {
    private final String threadName;
    private final String what;
    private final int maxRestarts;
    private final long restartDelayNanos;
    private final Runnable body;
    private volatile boolean running;
    private volatile Thread thread;
    private int restarts;
    private volatile long startDelayNanos;

    /**
     * @param what how log lines name the body ("health evaluator")
     */
    public SupervisedThread(String threadName, String what, int maxRestarts, long restartDelayNanos, Runnable body) {
        this.threadName = threadName;
        this.what = what;
        this.maxRestarts = maxRestarts;
        this.restartDelayNanos = restartDelayNanos;
        this.body = body;
    }

    /** Starts the thread unless it runs; returns false when it was running already. */
    public synchronized boolean start() {
        if (running) {
            return false;
        }
        running = true;
        startThread();
        return true;
    }

    /** False once {@link #stop} was called (and before {@link #start}): the body should return. */
    public boolean isRunning() {
        return running;
    }

    /** The current thread, or null before the first start. */
    public Thread thread() {
        return thread;
    }

    /** How long the current thread should wait before working: 0 for the first, the restart delay for a replacement. */
    public long startDelayNanos() {
        return startDelayNanos;
    }

    /** How many times the thread died and was replaced. */
    public synchronized int restarts() {
        return restarts;
    }

    /** Asks the thread to stop (interrupting it) and waits up to {@code joinMillis} for it to end. */
    public void stop(long joinMillis) {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(joinMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void startThread() {
        Thread t = AgentThreads.create(threadName, body, new Thread.UncaughtExceptionHandler() {
            @Override
            public void uncaughtException(Thread dead, Throwable error) {
                restart(error);
            }
        });
        thread = t;
        t.start();
    }

    /** Called on the dying thread; after {@code maxRestarts} the thread stays down. */
    private synchronized void restart(Throwable error) {
        if (!running) {
            return;
        }
        if (restarts >= maxRestarts) {
            AgentLog.error(what + " died " + (restarts + 1) + " times, not restarting: " + AgentLog.describe(error));
            return;
        }
        restarts++;
        AgentLog.warn(what + " died (" + AgentLog.describe(error) + "); restarting it");
        try {
            startDelayNanos = restartDelayNanos;
            startThread();
        } catch (Throwable e) {
            // e.g. no native thread available: the owner's state shows it (the snapshot turns stale)
            AgentLog.error(what + " could not be restarted: " + AgentLog.describe(e));
        }
    }
}
