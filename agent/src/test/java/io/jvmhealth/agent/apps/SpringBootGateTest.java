package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spring Boot gate against threads inside a stand-in {@code SpringApplication.run} (test sources). */
class SpringBootGateTest {
    private final List<Thread> threads = new ArrayList<>();
    private final List<CountDownLatch> releases = new ArrayList<>();

    @AfterEach
    void releaseEverything() throws InterruptedException {
        for (CountDownLatch r : releases) {
            r.countDown();
        }
        for (Thread t : threads) {
            t.join(5000);
        }
    }

    /** Starts a thread that enters run and stays there until the returned latch counts down. */
    private CountDownLatch threadInsideRun(String name, boolean fail) throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                SpringApplication.run(entered, release, fail);
            } catch (InterruptedException | IllegalStateException ignored) {
                // left run
            }
        }, name);
        t.setDaemon(true);
        t.start();
        threads.add(t);
        releases.add(release);
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        return release;
    }

    /** What a thread does after it returned from run. */
    private interface Afterwards {
        void run() throws InterruptedException;
    }

    /** Starts a thread that enters run, leaves it normally once {@code release} counts down, says so, then does {@code then}. */
    private Thread leavesRunThen(String name, CountDownLatch entered, CountDownLatch release, CountDownLatch returned,
                                 Afterwards then) {
        Thread t = new Thread(() -> {
            try {
                SpringApplication.run(entered, release, false);
                returned.countDown();
                then.run(); // the application's main goes on after run
            } catch (InterruptedException ignored) {
                // test over
            }
        }, name);
        t.setDaemon(true);
        t.start();
        threads.add(t);
        releases.add(release);
        return t;
    }

    private static void awaitGone(Thread t) throws InterruptedException {
        t.join(5000);
        assertTrue(!t.isAlive(), t + " ended");
    }

    @Test
    void waitsWhileAThreadIsInsideRunAndPassesOnceItLeft() throws Exception {
        SpringBootGate gate = new SpringBootGate(null, false);
        CountDownLatch release = threadInsideRun("app-starter", false);
        CheckResult waiting = gate.evaluate();
        assertEquals(Status.UNHEALTHY, waiting.status(), waiting.toString());
        assertTrue(waiting.reason().contains("thread 'app-starter' is inside it"), waiting.reason());
        assertEquals(Status.UNHEALTHY, gate.evaluate().status(), "still inside");
        release.countDown();
        awaitGone(threads.get(0));
        CheckResult passed = gate.evaluate();
        assertEquals(Status.HEALTHY, passed.status(), passed.toString());
        assertEquals("the thread that was inside run has left it", passed.details().get("decidedBy"));
        assertEquals(Status.HEALTHY, gate.evaluate().status(), "latched");
    }

    /** A main that lives on after run returned: its stack is read every WATCH_READ_MILLIS, so the gate passes soon after. */
    @Test
    void aThreadThatLivesOnAfterRunPassesWithinAFewStackReads() throws Exception {
        SpringBootGate gate = new SpringBootGate(null, false);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch end = new CountDownLatch(1);
        CountDownLatch returned = new CountDownLatch(1);
        Thread t = leavesRunThen("lives-on", entered, release, returned, end::await); // main goes on, waiting
        releases.add(end);
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        assertEquals(Status.UNHEALTHY, gate.evaluate().status());
        release.countDown();
        assertTrue(returned.await(5, TimeUnit.SECONDS));
        long left = System.nanoTime();
        CheckResult r = Poll.until("the gate to pass", java.time.Duration.ofSeconds(5), gate::evaluate,
                x -> x.status() == Status.HEALTHY);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - left);
        assertEquals(Status.HEALTHY, r.status(), r.toString());
        assertTrue(t.isAlive(), "still alive: decided by its stack, not by its end");
        assertTrue(tookMillis <= SpringBootGate.WATCH_READ_MILLIS + 500, "passed " + tookMillis + " ms after run returned");
    }

    /**
     * Spring's start keeps main running inside run: its deep stack is read every RUNNABLE_READ_MILLIS, not at every
     * poll; a thread waiting inside run is read every WATCH_READ_MILLIS. Polled every 5 ms for 1.5 s each.
     */
    @Test
    void aRunningThreadInsideRunIsReadRarelyAWaitingOneOften() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch entered = new CountDownLatch(1);
        Thread busy = new Thread(() -> SpringApplication.run(entered, stop), "busy-starter");
        busy.setDaemon(true);
        busy.start();
        threads.add(busy);
        try {
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            SpringBootGate gate = new SpringBootGate(null, false);
            int running = pollFor(gate, 1500);
            assertTrue(running >= 1 && running <= 1500 / SpringBootGate.RUNNABLE_READ_MILLIS + 1,
                    running + " reads of a running thread's stack in 1.5 s");
        } finally {
            stop.set(true);
        }
        awaitGone(busy);

        threadInsideRun("waiting-starter", false);
        SpringBootGate gate = new SpringBootGate(null, false);
        int waiting = pollFor(gate, 1500);
        assertTrue(waiting >= 6 && waiting <= 1500 / SpringBootGate.WATCH_READ_MILLIS + 1,
                waiting + " reads of a waiting thread's stack in 1.5 s");
    }

    /** Polls the gate as the evaluator does for {@code millis}; returns how often it read the watched thread's stack. */
    private static int pollFor(SpringBootGate gate, long millis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            assertTrue(!gate.passesNow(), "a thread is inside run");
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        return gate.stackReads();
    }

    /** A main that goes on running after run returned is seen by its stack within RUNNABLE_READ_MILLIS of the poll. */
    @Test
    void aThreadThatRunsOnAfterRunPassesWithinTheRunningReadBound() throws Exception {
        SpringBootGate gate = new SpringBootGate(null, false);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch returned = new CountDownLatch(1);
        AtomicBoolean end = new AtomicBoolean();
        Thread t = leavesRunThen("runs-on", entered, release, returned, () -> {
            long n = 0;
            while (!end.get()) {
                n++; // main goes on computing
            }
            if (n < 0) {
                throw new IllegalStateException();
            }
        });
        try {
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            assertTrue(!gate.passesNow());
            release.countDown();
            assertTrue(returned.await(5, TimeUnit.SECONDS));
            long left = System.nanoTime();
            Poll.until("the gate to pass", java.time.Duration.ofSeconds(5), gate::passesNow, x -> x);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - left);
            assertTrue(t.isAlive(), "still alive: decided by its stack, not by its end");
            assertTrue(tookMillis <= SpringBootGate.RUNNABLE_READ_MILLIS + 1000, "passed " + tookMillis + " ms after run returned");
            CheckResult r = gate.evaluate();
            assertEquals(Status.HEALTHY, r.status(), r.toString());
            assertEquals("the thread that was inside run has left it", r.details().get("decidedBy"));
        } finally {
            end.set(true);
        }
    }

    /** devtools: main leaves run by an exception while restartedMain has entered it: the gate keeps waiting. */
    @Test
    void anotherThreadInsideRunWhenTheWatchedOneLeavesKeepsTheGateWaiting() throws Exception {
        SpringBootGate gate = new SpringBootGate(null, false);
        CountDownLatch first = threadInsideRun("first-starter", true);
        assertEquals(Status.UNHEALTHY, gate.evaluate().status());
        CountDownLatch second = threadInsideRun("restartedMain", false);
        first.countDown();
        awaitGone(threads.get(0));
        CheckResult afterFirst = gate.evaluate();
        assertEquals(Status.UNHEALTHY, afterFirst.status(), afterFirst.toString());
        assertTrue(afterFirst.reason().contains("'restartedMain' is inside it"), afterFirst.reason());
        second.countDown();
        awaitGone(threads.get(1));
        assertEquals(Status.HEALTHY, gate.evaluate().status());
    }

    @Test
    void atLaunchWithSpringNotLoadedTheGateWaitsAndSaysForWhat() {
        CheckResult r = new SpringBootGate(null, false).evaluate();
        assertEquals(Status.UNHEALTHY, r.status());
        assertTrue(r.reason().contains("has not been loaded yet"), r.reason());
    }
}
