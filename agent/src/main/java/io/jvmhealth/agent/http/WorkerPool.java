package io.jvmhealth.agent.http;

import fi.iki.elonen.NanoHTTPD;

import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * NanoHTTPD's runner replaced by a bounded pool: at most {@code workers} daemon threads named
 * {@code jvm-health-http-N}, created on demand and ended after an idle period, and a bounded queue.
 * When both are full, or no thread can be created, a connection is closed at once; {@link #exec}
 * never blocks the accept loop.
 */
final class WorkerPool implements NanoHTTPD.AsyncRunner {
    private final ThreadPoolExecutor executor;
    private final Set<NanoHTTPD.ClientHandler> running = Collections.newSetFromMap(new ConcurrentHashMap<>());

    WorkerPool(int workers, int queue, long idleSeconds) {
        this(workers, queue, idleSeconds, daemonThreads());
    }

    /** With the given thread factory (tests make it fail as a host out of native threads would). */
    WorkerPool(int workers, int queue, long idleSeconds, ThreadFactory threads) {
        executor = new ThreadPoolExecutor(workers, workers, idleSeconds, TimeUnit.SECONDS, new LinkedBlockingQueue<>(queue), threads);
        executor.allowCoreThreadTimeOut(true);
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger ids = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, "jvm-health-http-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void exec(NanoHTTPD.ClientHandler handler) {
        running.add(handler);
        try {
            executor.execute(handler);
        } catch (RejectedExecutionException e) {
            refuse(handler);
        } catch (OutOfMemoryError e) {
            // No native thread for a new worker (the host has exhausted threads or memory): the
            // workers that exist take it from the queue; without any, the connection is closed.
            if (executor.getPoolSize() == 0 || !executor.getQueue().offer(handler)) {
                refuse(handler);
            }
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

    /** Ends every worker thread; waits up to {@code millis}. */
    void shutdown(long millis) {
        executor.shutdownNow();
        try {
            executor.awaitTermination(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
