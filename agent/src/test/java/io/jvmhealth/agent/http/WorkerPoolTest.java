package io.jvmhealth.agent.http;

import fi.iki.elonen.NanoHTTPD;
import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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

}
