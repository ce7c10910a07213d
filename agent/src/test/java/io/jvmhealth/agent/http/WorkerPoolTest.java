package io.jvmhealth.agent.http;

import fi.iki.elonen.NanoHTTPD;
import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.util.concurrent.ThreadFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerPoolTest {
    private final NanoHTTPD server = new NanoHTTPD(0) { };
    private final WorkerPool pool = new WorkerPool(2, 3, 30);

    /** A connection handler that runs {@code body} and records whether it was closed unserved. */
    final class Job extends NanoHTTPD.ClientHandler {
        final Runnable body;
        final AtomicBoolean closed = new AtomicBoolean();
        final AtomicBoolean ran = new AtomicBoolean();

        Job(Runnable body) {
            server.super(null, null);
            this.body = body;
        }

        @Override
        public void run() {
            ran.set(true);
            body.run();
            pool.closed(this);
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @AfterEach
    void shutdown() {
        pool.shutdown(2000);
    }

    @Test
    void sequentialConnectionsReuseOneWorker() {
        AtomicInteger done = new AtomicInteger();
        for (int i = 0; i < 20; i++) {
            int expected = i + 1;
            pool.exec(new Job(done::incrementAndGet));
            Poll.until("job " + expected, Duration.ofSeconds(5), done::get, n -> n == expected);
            Poll.until("the worker to be idle again", Duration.ofSeconds(5), pool::idleCount, n -> n == 1);
        }
        assertEquals(1, pool.threadCount(), "a probe at a time never needs a second thread");
    }

    @Test
    void busyWorkersAreBoundedAndTheQueueHoldsTheRestThenRefuses() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(2);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Job job = new Job(() -> {
                started.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            jobs.add(job);
            pool.exec(job);
            if (i == 1) {
                assertTrue(started.await(5, TimeUnit.SECONDS), "two workers run the first two jobs");
            }
        }
        assertEquals(2, pool.threadCount(), "never more than the maximum");
        assertTrue(jobs.get(5).closed.get(), "the sixth connection finds the queue (3) full and is closed");
        assertFalse(jobs.get(5).ran.get());
        for (int i = 2; i < 5; i++) {
            assertFalse(jobs.get(i).ran.get(), "queued, not yet run");
            assertFalse(jobs.get(i).closed.get());
        }
        release.countDown();
        for (int i = 0; i < 5; i++) {
            Job job = jobs.get(i);
            Poll.until("job " + i + " to run", Duration.ofSeconds(5), job.ran::get, r -> r);
        }
    }

    @Test
    void aFailingConnectionDoesNotKillItsWorker() {
        AtomicInteger done = new AtomicInteger();
        pool.exec(new Job(() -> {
            throw new OutOfMemoryError("simulated: the host filled its heap");
        }));
        pool.exec(new Job(done::incrementAndGet));
        Poll.until("the next job", Duration.ofSeconds(5), done::get, n -> n == 1);
        assertTrue(pool.threadCount() >= 1);
    }

    @Test
    void shutdownEndsEveryWorkerAndRefusesNewConnections() {
        pool.exec(new Job(() -> { }));
        Poll.until("a worker", Duration.ofSeconds(5), pool::threadCount, n -> n == 1);
        pool.shutdown(2000);
        assertEquals(0, pool.threadCount());
        Job late = new Job(() -> { });
        pool.exec(late);
        assertTrue(late.closed.get());
        assertFalse(late.ran.get());
    }


    // Out of native threads, a full queue: the runner never blocks or throws into the accept loop.

    private static final NanoHTTPD SERVER = new NanoHTTPD(0) {
    };

    /** A connection handler that records whether it ran or was closed. */
    private static final class Handler extends NanoHTTPD.ClientHandler {
        final CountDownLatch ran = new CountDownLatch(1);
        final AtomicBoolean closed = new AtomicBoolean();
        private final CountDownLatch hold;

        Handler(CountDownLatch hold) {
            SERVER.super(new ByteArrayInputStream(new byte[0]), new Socket());
            this.hold = hold;
        }

        @Override
        public void run() {
            ran.countDown();
            try {
                hold.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    /** Creates {@code allowed} threads, then fails like a JVM whose host has no native thread left. */
    private static ThreadFactory failingAfter(int allowed) {
        AtomicInteger created = new AtomicInteger();
        return task -> {
            if (created.incrementAndGet() > allowed) {
                throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource limits reached");
            }
            Thread t = new Thread(task, "test-worker");
            t.setDaemon(true);
            return t;
        };
    }

    @Test
    void withoutANewThreadAConnectionWaitsForAnExistingWorker() throws Exception {
        WorkerPool pool = new WorkerPool(8, 32, 30, failingAfter(1));
        try {
            CountDownLatch hold = new CountDownLatch(1);
            Handler first = new Handler(hold);
            pool.exec(first);
            assertTrue(first.ran.await(5, TimeUnit.SECONDS));
            Handler second = new Handler(new CountDownLatch(0));
            pool.exec(second); // needs a second thread, which cannot be created: must not throw
            assertFalse(second.closed.get(), "queued, not refused");
            hold.countDown();
            assertTrue(second.ran.await(5, TimeUnit.SECONDS), "the existing worker takes it from the queue");
        } finally {
            pool.shutdown(1000);
        }
    }

    @Test
    void withoutAnyWorkerTheConnectionIsClosed() {
        WorkerPool pool = new WorkerPool(8, 32, 30, failingAfter(0));
        try {
            Handler handler = new Handler(new CountDownLatch(0));
            pool.exec(handler);
            assertTrue(handler.closed.get());
            assertTrue(handler.ran.getCount() == 1, "never ran");
        } finally {
            pool.shutdown(1000);
        }
    }

    @Test
    void aFullQueueClosesAtOnce() throws Exception {
        WorkerPool pool = new WorkerPool(1, 1, 30);
        CountDownLatch hold = new CountDownLatch(1);
        try {
            Handler busy = new Handler(hold);
            pool.exec(busy);
            assertTrue(busy.ran.await(5, TimeUnit.SECONDS));
            Handler queued = new Handler(new CountDownLatch(0));
            pool.exec(queued);
            Handler refused = new Handler(new CountDownLatch(0));
            long start = System.nanoTime();
            pool.exec(refused);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "exec never waits");
            assertTrue(refused.closed.get());
            assertFalse(queued.closed.get());
        } finally {
            hold.countDown();
            pool.shutdown(1000);
        }
    }
}
