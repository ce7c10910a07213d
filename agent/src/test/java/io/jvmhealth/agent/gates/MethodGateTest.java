package io.jvmhealth.agent.gates;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A thread that was inside the gated method when the advice came (the class loaded before the watch) cannot report its
 * return: the gate reads its stack, rarely while it runs (each read is a global safepoint on JDK 17), and never once it
 * ended.
 */
class MethodGateTest {

    /** The gated class: {@code start} stays inside until released, running or waiting. */
    static final class Starter {
        static void start(CountDownLatch entered, AtomicBoolean release, boolean spin) {
            entered.countDown();
            long n = 0;
            while (!release.get()) {
                if (spin) {
                    n++;
                } else {
                    LockSupport.parkNanos(1_000_000);
                }
            }
            if (n < 0) {
                throw new IllegalStateException();
            }
        }
    }

    private static Thread inside(String name, AtomicBoolean release, boolean spin, Runnable afterwards) throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            Starter.start(entered, release, spin);
            afterwards.run();
        }, name);
        t.setDaemon(true);
        t.start();
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        return t;
    }

    private static MethodGate gate() {
        return new MethodGate("after:x", Starter.class.getName(), "start", "start to return", null, null);
    }

    /** Polls as the evaluator does (every 5 ms) for {@code millis}; returns the stack reads made meanwhile. */
    private static int poll(MethodGate gate, long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            assertTrue(!gate.passesNow(), "a thread is inside");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return gate.insideReads();
    }

    @Test
    void aRunningThreadInsideIsReadLessAndLessOftenAWaitingOneEvery250Ms() throws Exception {
        AtomicBoolean release = new AtomicBoolean();
        try {
            Thread busy = inside("busy", release, true, () -> { });
            MethodGate gate = gate();
            gate.installed(true, List.of(busy), false);
            int reads = poll(gate, 3000);
            // 0.25, 0.75, 1.75 s (then 3.75): 3, where a fixed 250 ms would read 12 times
            assertTrue(reads >= 2 && reads <= 4, reads + " reads of a running thread's stack in 3 s");
        } finally {
            release.set(true);
        }
        AtomicBoolean release2 = new AtomicBoolean();
        try {
            Thread waiting = inside("waiting", release2, false, () -> { });
            MethodGate gate = gate();
            gate.installed(true, List.of(waiting), false);
            int reads = poll(gate, 1500);
            assertTrue(reads >= 4 && reads <= 7, reads + " reads of a waiting thread's stack in 1.5 s");
        } finally {
            release2.set(true);
        }
    }

    @Test
    void aThreadThatLeftAndEndedPassesWithoutAReadOneThatLivesOnIsReadSoon() throws Exception {
        AtomicBoolean release = new AtomicBoolean();
        Thread ends = inside("ends", release, true, () -> { });
        MethodGate gate = gate();
        gate.installed(true, List.of(ends), false);
        assertTrue(!gate.passesNow());
        release.set(true);
        ends.join(5000);
        assertTrue(gate.passesNow(), "ended: passed at the next poll");
        assertEquals(0, gate.insideReads(), "no stack read");

        AtomicBoolean release2 = new AtomicBoolean();
        AtomicBoolean end = new AtomicBoolean();
        CountDownLatch left = new CountDownLatch(1);
        Thread livesOn = inside("lives-on", release2, true, () -> {
            left.countDown();
            while (!end.get()) {
                LockSupport.parkNanos(1_000_000); // waits after its start, as a main that joins its server does
            }
        });
        try {
            MethodGate gate2 = gate();
            gate2.installed(true, List.of(livesOn), false);
            poll(gate2, 2000); // the interval has grown while it ran
            release2.set(true);
            assertTrue(left.await(5, TimeUnit.SECONDS));
            long leftAt = System.nanoTime();
            CheckResult r = Poll.until("the gate to pass", Duration.ofSeconds(5), gate2::evaluate, x -> x.status() == Status.HEALTHY);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - leftAt);
            assertTrue(took <= InsideThreads.READ_MILLIS + 500, "passed " + took + " ms after it left, waiting");
            assertTrue(String.valueOf(r.details().get("decidedBy")).contains("have left it"), r.toString());
        } finally {
            end.set(true);
        }
    }
}
