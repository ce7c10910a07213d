package io.jvmhealth.hosts.pools;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the hung-pool hosts' requests do: {@code /block} waits forever (as a request reading from a downstream that
 * never answers, with no timeout), {@code /sleep?ms=N} works for N ms and answers, anything else answers at once.
 */
final class Blocking {
    static final AtomicLong BLOCKED = new AtomicLong();
    static final AtomicLong ANSWERED = new AtomicLong();
    private static final CountDownLatch NEVER = new CountDownLatch(1);

    private Blocking() {
    }

    /** Runs the request of {@code path} and {@code query} on the calling (request) thread; returns the answer's body. */
    static String handle(String path, String query) {
        if ("/block".equals(path)) {
            BLOCKED.incrementAndGet();
            while (true) {
                try {
                    NEVER.await();
                } catch (InterruptedException e) {
                    // blocked forever: a stop interrupts, the request still never ends
                }
            }
        }
        if ("/sleep".equals(path)) {
            long ms = 100;
            if (query != null && query.startsWith("ms=")) {
                ms = Long.parseLong(query.substring(3));
            }
            try {
                TimeUnit.MILLISECONDS.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ANSWERED.incrementAndGet();
        return "ok";
    }
}
