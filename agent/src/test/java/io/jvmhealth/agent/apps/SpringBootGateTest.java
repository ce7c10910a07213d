package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.boot.Signals;
import io.jvmhealth.agent.gates.GateHarness;
import io.jvmhealth.agent.gates.Gates;
import io.jvmhealth.agent.gates.MethodGate;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.instrument.Woven;
import io.jvmhealth.agent.runtime.Catalog;
import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spring Boot gate: a method gate on {@code SpringApplication.run}, the advice woven on a stand-in with Spring's
 * class name (test sources) as the agent's transformer weaves it at load. Each case of the thread-watching gate it
 * replaced: a thread inside run, a main that lives on (waiting or running) after run, devtools' restart thread while
 * main leaves run by an exception, a run that throws, nested runs; and no thread's stack is ever read.
 */
class SpringBootGateTest {
    private static final long PASS_MILLIS = 2000;
    private final List<Thread> threads = new ArrayList<>();
    private final List<CountDownLatch> releases = new ArrayList<>();
    private Class<?> spring;
    /** The method gate on run, inside {@link #check}: app:spring-boot as planned (it watches the contexts once passed). */
    private MethodGate gate;
    private HealthCheck check;

    @BeforeEach
    void planTheGateAndWeaveRun() throws Exception {
        Gates gates = Gates.plan(Catalog.resolve("port=0", new Properties(), Collections.emptyMap()).settings, null, true);
        AppContext context = new AppContext(gates, null, false, null, null, null);
        List<HealthCheck> planned = Recognizers.named("spring-boot").plan(context);
        assertEquals(1, planned.size());
        check = planned.get(0);
        gate = (MethodGate) ((SpringBootGate) check).start();
        assertEquals("app:spring-boot", check.name());
        Signals.forget(GateHarness.key(gate));
        spring = Woven.load(SpringApplication.class, "run");
    }

    @AfterEach
    void releaseEverything() throws InterruptedException {
        for (CountDownLatch r : releases) {
            r.countDown();
        }
        for (Thread t : threads) {
            t.join(5000);
        }
        Signals.forget(GateHarness.key(gate));
    }

    /** Calls the woven {@code run} with these arguments (the test's own references resolve to the unwoven stand-in). */
    private void run(Object... args) throws Exception {
        for (Method m : spring.getMethods()) {
            Class<?> last = m.getParameterCount() == 0 ? null : m.getParameterTypes()[m.getParameterCount() - 1];
            if (m.getName().equals("run") && m.getParameterCount() == args.length
                    && (last == boolean.class ? Boolean.class : last).isInstance(args[args.length - 1])) {
                try {
                    m.invoke(null, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause() instanceof Exception ? (Exception) e.getCause() : new IllegalStateException(e.getCause());
                }
                return;
            }
        }
        throw new AssertionError("no run method for " + args.length + " arguments");
    }

    /** Starts a thread that enters run and stays there until the returned latch counts down; then returns or throws. */
    private CountDownLatch threadInsideRun(String name, boolean fail, Runnable afterwards) throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                run(entered, release, fail);
                afterwards.run();
            } catch (Exception ignored) {
                // left run by an exception
            }
        }, name);
        t.setDaemon(true);
        t.start();
        threads.add(t);
        releases.add(release);
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        return release;
    }

    private CheckResult passes(String why) {
        return Poll.until(why, Duration.ofMillis(PASS_MILLIS), gate::evaluate, r -> r.status() == Status.HEALTHY);
    }

    @Test
    void waitsForTheInstrumentationThenForTheClassThenForRunToReturn() throws Exception {
        CheckResult installing = check.evaluate();
        assertEquals(Status.UNHEALTHY, installing.status());
        assertTrue(installing.reason().contains("instrumentation being installed"), installing.reason());
        GateHarness.installed(gate);
        CheckResult notLoaded = check.evaluate();
        assertTrue(notLoaded.reason().contains("class org.springframework.boot.SpringApplication has not been loaded yet"), notLoaded.reason());
        GateHarness.classSeen(gate);
        CountDownLatch release = threadInsideRun("app-starter", false, () -> { });
        CheckResult waiting = check.evaluate();
        assertEquals(Status.UNHEALTHY, waiting.status(), waiting.toString());
        assertTrue(waiting.reason().startsWith("waiting for SpringApplication.run to return (Spring's ApplicationReadyEvent)"), waiting.reason());
        assertTrue(!check.passesNow(), "the gate poll agrees");
        release.countDown();
        CheckResult passed = passes("the gate to pass once run returned");
        assertEquals("returned normally", passed.details().get("decidedBy"));
        assertEquals(Status.HEALTHY, check.evaluate().status(), "latched");
    }

    /** A main that lives on after run, waiting or running: the return itself is reported, at once. */
    @Test
    void aMainThatLivesOnAfterRunPassesAtOnceWhetherItWaitsOrRuns() throws Exception {
        GateHarness.installed(gate);
        GateHarness.classSeen(gate);
        AtomicBoolean end = new AtomicBoolean();
        CountDownLatch returned = new CountDownLatch(1);
        CountDownLatch release = threadInsideRun("runs-on", false, () -> {
            returned.countDown();
            long n = 0;
            while (!end.get()) {
                n++; // main goes on computing
            }
            if (n < 0) {
                throw new IllegalStateException();
            }
        });
        try {
            assertEquals(Status.UNHEALTHY, check.evaluate().status());
            release.countDown();
            assertTrue(returned.await(5, TimeUnit.SECONDS));
            assertTrue(check.passesNow(), "passed at the first poll after the return");
            assertTrue(threads.get(0).isAlive(), "still alive: decided by the return, not by its end");
        } finally {
            end.set(true);
        }
    }

    /** devtools: main leaves run by an exception while restartedMain is inside it: the gate waits for a normal return. */
    @Test
    void aRunThatThrowsDoesNotPassButTheRestartedOnesReturnDoes() throws Exception {
        GateHarness.installed(gate);
        GateHarness.classSeen(gate);
        CountDownLatch main = threadInsideRun("main", true, () -> { });
        CountDownLatch restarted = threadInsideRun("restartedMain", false, () -> { });
        main.countDown();
        threads.get(0).join(5000);
        assertTrue(!threads.get(0).isAlive());
        CheckResult afterThrow = check.evaluate();
        assertEquals(Status.UNHEALTHY, afterThrow.status(), "a run that threw is not a start: " + afterThrow);
        assertTrue(!check.passesNow());
        restarted.countDown();
        passes("the gate to pass once restartedMain's run returned");
    }

    /** Spring Cloud's bootstrap context: a run inside a run returns first; only the outermost return passes. */
    @Test
    void aNestedRunReturningDoesNotPassTheOutermostDoes() throws Exception {
        GateHarness.installed(gate);
        GateHarness.classSeen(gate);
        CountDownLatch innerReturned = new CountDownLatch(1);
        CountDownLatch inner = new CountDownLatch(1);
        CountDownLatch outer = new CountDownLatch(1);
        AtomicReference<Exception> failed = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                run(innerReturned, inner, outer);
            } catch (Exception e) {
                failed.set(e);
            }
        }, "main");
        t.setDaemon(true);
        t.start();
        threads.add(t);
        releases.add(inner);
        releases.add(outer);
        inner.countDown();
        assertTrue(innerReturned.await(5, TimeUnit.SECONDS), "the inner run returned");
        assertEquals(Status.UNHEALTHY, check.evaluate().status(), "the inner run's return is not the start");
        outer.countDown();
        passes("the gate to pass once the outermost run returned");
        assertEquals(null, failed.get());
    }

    /** Attached to a running application: Spring loaded and no thread inside run counts as returned before the agent. */
    @Test
    void attachedWithSpringLoadedAndNoThreadInsideRunPassesAtOnce() {
        GateHarness.installedLoaded(gate, Collections.emptyList(), true);
        CheckResult r = check.evaluate();
        assertEquals(Status.HEALTHY, r.status(), r.toString());
        assertTrue(String.valueOf(r.details().get("decidedBy")).contains("loaded before the agent was attached"), r.toString());
    }

    /** Attached while a thread is inside run (no advice on that call): passes once it has left. */
    @Test
    void attachedWhileAThreadIsInsideRunPassesOnceItLeft() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        AtomicBoolean release = new AtomicBoolean();
        // The unwoven stand-in: this call started before the advice existed.
        Thread busy = new Thread(() -> SpringApplication.run(entered, release), "main");
        busy.setDaemon(true);
        busy.start();
        threads.add(busy);
        assertTrue(entered.await(5, TimeUnit.SECONDS));
        GateHarness.installedLoaded(gate, List.of(busy), true);
        assertEquals(Status.UNHEALTHY, check.evaluate().status(), "a thread is inside run");
        release.set(true);
        CheckResult passed = passes("the gate to pass once that thread left run");
        assertTrue(String.valueOf(passed.details().get("decidedBy")).contains("have left it"), passed.toString());
    }
}
