package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.gates.NeverLoaded;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationShutdownHook;
import org.springframework.boot.availability.ReadinessState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.jvmhealth.agent.apps.SpringContextsTest.AvailabilityBean;
import static io.jvmhealth.agent.apps.SpringContextsTest.Context;
import static io.jvmhealth.agent.apps.SpringContextsTest.refreshed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spring Boot gate, without bytecode: Spring's readiness from its availability bean where a context keeps one, the
 * threads inside {@code SpringApplication.run} where none does (stand-ins with Spring's names and shapes, test sources).
 */
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
        SpringApplicationShutdownHook.instance().clear();
    }

    private static SpringBootGate gate(boolean attached, long noContextMillis) {
        return new SpringBootGate("app:spring-boot", new SpringContexts(ClassNotice.of(SpringApplication.class)),
                NeverLoaded.orNotStarted("spring-boot"), attached, noContextMillis);
    }

    private static void assertWaiting(SpringBootGate gate, String forWhat) {
        CheckResult r = gate.evaluate();
        assertEquals(Status.UNHEALTHY, r.status(), r.toString());
        assertEquals("waiting for " + SpringBootGate.WAITING_FOR + ": " + forWhat, r.reason());
        assertFalse(gate.passesNow(), "the gate poll agrees");
    }

    /** Starts a thread that enters the stand-in's run and stays there until the returned latch counts down. */
    private CountDownLatch threadInsideRun(String name) throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                SpringApplication.run(entered, release, false);
            } catch (InterruptedException ignored) {
                // ends
            }
        }, name);
        t.setDaemon(true);
        t.start();
        threads.add(t);
        releases.add(release);
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        return release;
    }

    private static CheckResult passes(SpringBootGate gate, String why) {
        Poll.until(why, Duration.ofSeconds(10), gate::passesNow, b -> b);
        CheckResult r = gate.evaluate();
        assertEquals(Status.HEALTHY, r.status(), r.toString());
        return r;
    }

    @Test
    void passesWhenSpringAcceptsTrafficAndFailsOnceItNoLongerDoes() {
        SpringBootGate gate = gate(false, 60_000);
        assertWaiting(gate, "no application context registered yet");
        Context context = new Context().register();
        assertWaiting(gate, "Spring's application context is being refreshed");
        assertEquals(Evaluator.GATE_POLL_MILLIS, gate.pollMillis());
        AvailabilityBean bean = refreshed(context, true);
        assertWaiting(gate, "Spring's readiness state is not published yet");
        assertEquals(SpringBootGate.LAST_STRETCH_POLL_MILLIS, gate.pollMillis(), "the bean exists: Spring is about to serve");
        bean.publish(ReadinessState.ACCEPTING_TRAFFIC); // run's last step
        assertTrue(gate.passesNow());
        assertEquals(Evaluator.GATE_POLL_MILLIS, gate.pollMillis());
        CheckResult passed = gate.evaluate();
        assertEquals(Status.HEALTHY, passed.status(), passed.toString());
        assertEquals("Spring's readiness state ACCEPTING_TRAFFIC (its ApplicationAvailabilityBean)", passed.details().get("decidedBy"));
        assertEquals(0, gate.stackReads(), "no thread's stack was read");

        assertTrue(gate.stillPassesNow());
        bean.publish(ReadinessState.REFUSING_TRAFFIC); // the application says so
        assertFalse(gate.stillPassesNow(), "the watch sees it");
        CheckResult refusing = gate.evaluate();
        assertEquals(Status.UNHEALTHY, refusing.status());
        assertEquals("Spring's readiness state is REFUSING_TRAFFIC", refusing.reason());
        bean.publish(ReadinessState.ACCEPTING_TRAFFIC);
        assertEquals(Status.HEALTHY, gate.evaluate().status(), "and back");
        context.close();
        assertFalse(gate.stillPassesNow());
        assertEquals("Spring's application context is closed", gate.evaluate().reason());
        assertEquals(0, gate.stackReads());
    }

    @Test
    void aContextThatClosesBeforeItAcceptsTrafficIsAStartThatFailed() {
        SpringBootGate gate = gate(false, 0);
        Context context = new Context().register();
        refreshed(context, true);
        context.close(); // run failed: Spring closes the context before it rethrows
        assertWaiting(gate, "Spring's application context closed before it accepted traffic (the start failed)");
    }

    /** Every open context that keeps a readiness state must accept traffic (a second application, a restart). */
    @Test
    void everyContextWithAReadinessStateMustAcceptTraffic() {
        SpringBootGate gate = gate(false, 60_000);
        AvailabilityBean first = refreshed(new Context().register(), true);
        AvailabilityBean second = refreshed(new Context().register(), true);
        first.publish(ReadinessState.ACCEPTING_TRAFFIC);
        assertWaiting(gate, "Spring's readiness state is not published yet");
        second.publish(ReadinessState.ACCEPTING_TRAFFIC);
        assertTrue(gate.passesNow());
    }

    /** No auto-configuration, so no availability bean: the thread inside run decides, once it has left. */
    @Test
    void withoutAnAvailabilityBeanTheThreadInsideRunDecides() throws Exception {
        SpringBootGate gate = gate(false, 60_000);
        CountDownLatch release = threadInsideRun("main");
        Context context = new Context().register();
        assertWaiting(gate, "Spring's application context is being refreshed");
        assertEquals(0, gate.stackReads(), "Spring's own objects may still tell");
        refreshed(context, false);
        CheckResult waiting = gate.evaluate();
        assertTrue(waiting.reason().endsWith("a thread is inside SpringApplication.run, its stack read 250 ms to 4000 ms apart"), waiting.reason());
        release.countDown();
        CheckResult passed = passes(gate, "the gate to pass once main left run");
        assertEquals("the threads inside SpringApplication.run have left it", passed.details().get("decidedBy"));
    }

    /** registerShutdownHook off: no context is ever registered; after a while the threads inside run decide. */
    @Test
    void withNoContextRegisteredTheThreadInsideRunDecides() throws Exception {
        SpringBootGate gate = gate(false, 0);
        CountDownLatch release = threadInsideRun("main");
        assertTrue(gate.evaluate().reason().contains("a thread is inside SpringApplication.run"));
        release.countDown();
        CheckResult passed = passes(gate, "the gate to pass once main left run");
        assertEquals("the threads inside SpringApplication.run have left it (no application context in Spring Boot's shutdown-hook "
                + "registry: registerShutdownHook off?)", passed.details().get("decidedBy"));
    }

    @Test
    void aContextRegisteredLateStillDecidesBySpringsReadiness() throws Exception {
        SpringBootGate gate = gate(false, 0);
        threadInsideRun("main");
        assertFalse(gate.passesNow(), "inside run, no context yet");
        AvailabilityBean bean = refreshed(new Context().register(), true);
        assertWaiting(gate, "Spring's readiness state is not published yet");
        bean.publish(ReadinessState.ACCEPTING_TRAFFIC);
        assertTrue(gate.passesNow(), "while main is still inside run: Spring said it");
    }

    @Test
    void attachedToAnApplicationThatAcceptsTrafficPassesAtOnceWithoutAStackRead() {
        refreshed(new Context().register(), true).publish(ReadinessState.ACCEPTING_TRAFFIC);
        SpringBootGate gate = gate(true, 60_000);
        assertTrue(gate.passesNow());
        assertEquals(0, gate.stackReads());
    }

    @Test
    void attachedWithNothingToReadAndNoThreadInsideRunPassesAtOnce() {
        SpringBootGate gate = gate(true, 60_000);
        CheckResult r = gate.evaluate();
        assertEquals(Status.HEALTHY, r.status(), r.toString());
        assertTrue(String.valueOf(r.details().get("decidedBy")).startsWith("loaded before the agent was attached and no thread is inside"),
                r.toString());
    }

    /** Loaded, no context and no thread inside run for the whole wait: this run does not start Spring. */
    @Test
    void loadedButNeverStartedGivesUpAfterTheWait() {
        SpringBootGate gate = new SpringBootGate("app:spring-boot", new SpringContexts(ClassNotice.of(SpringApplication.class)),
                NeverLoaded.orNotStarted("spring-boot", 300), false, 0);
        assertFalse(gate.passesNow());
        CheckResult r = passes(gate, "the gate to give up");
        assertTrue(String.valueOf(r.details().get("decidedBy")).contains("was loaded but no thread was seen inside run"), r.toString());
    }

    @Test
    void neverLoadedGivesUpAfterTheWait() {
        SpringBootGate gate = new SpringBootGate("app:spring-boot", new SpringContexts(ClassNotice.watch(null, SpringBoot.SPRING_APPLICATION)),
                NeverLoaded.orNotStarted("spring-boot", 300), false, 0);
        assertWaiting(gate, "class org.springframework.boot.SpringApplication has not been loaded yet");
        CheckResult r = passes(gate, "the gate to give up");
        assertTrue(String.valueOf(r.details().get("decidedBy")).contains("did not load within"), r.toString());
    }
}
