package io.jvmhealth.agent.http;

import fi.iki.elonen.NanoHTTPD;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner never blocks or throws into the accept loop: full queue and no native thread both end in a close or a queue slot. */
class WorkerPoolTest {
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
