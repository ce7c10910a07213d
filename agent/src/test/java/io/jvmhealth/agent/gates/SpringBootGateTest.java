package io.jvmhealth.agent.gates;

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
        Thread t = new Thread(() -> {
            try {
                SpringApplication.run(entered, release, false);
                returned.countDown();
                end.await(); // the application's main goes on after run
            } catch (InterruptedException ignored) {
                // test over
            }
        }, "lives-on");
        t.setDaemon(true);
        t.start();
        threads.add(t);
        releases.add(release);
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
