package io.jvmhealth.agent.http;

import fi.iki.elonen.NanoHTTPD;

import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * NanoHTTPD's runner replaced by a bounded pool: at most {@code workers} daemon threads named
 * {@code jvm-health-http-N} and a bounded queue. A thread is started only when no worker is idle,
 * so a JVM probed a few times a second keeps one or two workers, and an idle worker ends after
 * {@code idleSeconds}. When the queue is full, or no thread exists and none can be created, a
 * connection is closed at once: {@link #exec} never blocks the accept loop.
 */
final class WorkerPool implements NanoHTTPD.AsyncRunner {
    private final int maxWorkers;
    private final long idleNanos;
    private final BlockingQueue<NanoHTTPD.ClientHandler> queue;
    private final Set<NanoHTTPD.ClientHandler> running = Collections.newSetFromMap(new ConcurrentHashMap<>());
    private final Set<Thread> threads = Collections.newSetFromMap(new ConcurrentHashMap<>());
    private final ThreadFactory factory;
    private int workers;
    private int idle;
    private boolean shutdown;

    WorkerPool(int maxWorkers, int queue, long idleSeconds) {
        this(maxWorkers, queue, idleSeconds, daemonThreads());
    }

    /** With the given thread factory (tests make it fail as a host out of native threads would). */
    WorkerPool(int maxWorkers, int queue, long idleSeconds, ThreadFactory factory) {
        this.maxWorkers = maxWorkers;
        this.idleNanos = TimeUnit.SECONDS.toNanos(idleSeconds);
        this.queue = new ArrayBlockingQueue<>(queue);
        this.factory = factory;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger ids = new AtomicInteger();
        return new ThreadFactory() {
            @Override
            public Thread newThread(Runnable task) {
                Thread t = new Thread(task, "jvm-health-http-" + ids.incrementAndGet());
                t.setDaemon(true);
                return t;
            }
        };
    }

    @Override
    public void exec(NanoHTTPD.ClientHandler handler) {
        running.add(handler);
        synchronized (this) {
            if (!shutdown && queue.offer(handler)) {
                if (idle < queue.size() && workers < maxWorkers && !startWorker() && workers == 0) {
                    queue.remove(handler); // no thread at all to serve it
                } else {
                    return;
                }
            }
        }
        refuse(handler);
    }

    /**
     * Starts a worker; false when the JVM cannot create a thread (the host has exhausted native
     * threads or memory): the workers that exist then take the connection from the queue.
     */
    private boolean startWorker() {
        workers++;
        Thread t = null;
        try {
            t = factory.newThread(new Runnable() {
                @Override
                public void run() {
                    work();
                }
            });
            threads.add(t);
            t.start();
            return true;
        } catch (Throwable e) {
            workers--;
            if (t != null) {
                threads.remove(t);
            }
            return false;
        }
    }

    private void refuse(NanoHTTPD.ClientHandler handler) {
        running.remove(handler);
        try {
            handler.close();
        } catch (Throwable ignored) {
            // the accept loop goes on
        }
    }

    private void work() {
        try {
            while (true) {
                NanoHTTPD.ClientHandler next;
                synchronized (this) {
                    idle++;
                }
                try {
                    next = queue.poll(idleNanos, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    next = null;
                } finally {
                    synchronized (this) {
                        idle--;
                    }
                }
                if (next == null) {
                    synchronized (this) {
                        if (shutdown || queue.isEmpty()) {
                            return;
                        }
                    }
                    continue;
                }
                try {
                    next.run();
                } catch (Throwable ignored) {
                    // one connection's failure (even an OutOfMemoryError of a full host heap) is not the worker's
                }
            }
        } finally {
            synchronized (this) {
                workers--;
            }
            threads.remove(Thread.currentThread());
        }
    }

    @Override
    public void closed(NanoHTTPD.ClientHandler handler) {
        running.remove(handler);
    }

    @Override
    public void closeAll() {
        for (NanoHTTPD.ClientHandler handler : running.toArray(new NanoHTTPD.ClientHandler[0])) {
            handler.close();
        }
    }

    /** Refuses new work, closes queued connections and ends every worker; waits up to {@code millis}. */
    void shutdown(long millis) {
        synchronized (this) {
            shutdown = true;
        }
        NanoHTTPD.ClientHandler queued;
        while ((queued = queue.poll()) != null) {
            refuse(queued);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (Thread t : threads.toArray(new Thread[0])) {
            t.interrupt();
            long left = deadline - System.nanoTime();
            if (left > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedJoin(t, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Workers waiting for a connection now (for tests). */
    synchronized int idleCount() {
        return idle;
    }

    /** Worker threads alive now (for tests). */
    int threadCount() {
        return threads.size();
    }
}
