package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.gates.NeverLoaded;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.jmx.JmxAccess;
import io.jvmhealth.agent.jmx.JmxReader;
import io.jvmhealth.agent.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code app:wildfly} against a stand-in of wildfly-core's {@code RunningStateJmx} ({@code jboss.root:type=state}, its
 * values enums whose toString is the word) in an MBeanServer of the test's own: the states of a boot, a reload-required
 * configuration change, a suspend and a stop, in the order WildFly 38 goes through them (notes of issue 21).
 */
class WildFlyGateTest {
    /** WildFly's Process.RunningState and Process.ProcessState: enums that print as their lower-case word. */
    enum Word {
        STOPPED, STARTING, NORMAL, SUSPENDING, SUSPENDED, STOPPING, OK, RELOAD_REQUIRED, ADMIN_ONLY;

        @Override
        public String toString() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    public interface StateMBean {
        Object getRunningState();

        Object getProcessState();
    }

    public static final class State implements StateMBean {
        volatile Word running = Word.STOPPED;
        volatile Word process = Word.STOPPED;
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public Object getRunningState() {
            reads.incrementAndGet();
            return running;
        }

        @Override
        public Object getProcessState() {
            return process;
        }

        void set(Word r, Word p) {
            running = r;
            process = p;
        }
    }

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final JmxReader reader = new JmxReader(500);
    private final AtomicInteger published = new AtomicInteger();
    private final State state = new State();

    @AfterEach
    void close() {
        reader.close();
    }

    private WildFlyGate gate(long waitMillis) {
        return new WildFlyGate("app:wildfly", JmxAccess.immediate(server), reader, published::incrementAndGet,
                new NeverLoaded("wildfly", waitMillis));
    }

    private static CheckResult until(WildFlyGate gate, String what, java.util.function.Predicate<CheckResult> done) {
        return Poll.until(what, Duration.ofSeconds(10), gate::evaluate, done);
    }

    private static boolean says(CheckResult r, String text) {
        return r.reason() != null && r.reason().contains(text);
    }

    @Test
    void waitsThroughTheBootAndPassesOnlyWhenRunningStateIsNormalAndProcessStateOk() throws Exception {
        WildFlyGate gate = gate(60_000);
        CheckResult r = until(gate, "not registered", x -> says(x, "jboss.root:type=state is not registered yet"));
        assertEquals(Status.UNHEALTHY, r.status());
        assertTrue(r.reason().startsWith("waiting for WildFly to serve (RunningState normal, ProcessState ok): "), r.reason());

        server.registerMBean(state, new ObjectName(WildFlyGate.MBEAN));
        r = until(gate, "stopped", x -> says(x, "WildFly's RunningState is stopped"));
        state.set(Word.STARTING, Word.STARTING);
        r = until(gate, "starting", x -> says(x, "WildFly's RunningState is starting (ProcessState starting)"));
        assertEquals(Status.UNHEALTHY, r.status());
        assertEquals("starting", r.details().get("runningState"));
        // The boot's end: RunningState normal just before Undertow resumes, ProcessState ok after: still waiting in between.
        state.set(Word.NORMAL, Word.STARTING);
        r = until(gate, "normal, starting", x -> says(x, "WildFly's ProcessState is starting (RunningState normal)"));
        assertFalse(gate.passesNow());
        state.set(Word.NORMAL, Word.OK);
        assertTrue(Poll.until("the poll to see it", Duration.ofSeconds(10), gate::passesNow, b -> b));
        r = gate.evaluate();
        assertEquals(Status.HEALTHY, r.status(), String.valueOf(r.reason()));
        assertEquals("ok", r.details().get("processState"));
        assertTrue(published.get() > 0, "a read that saw a change asked for an evaluation");
        assertTrue(gate.judgesReadinessOncePassed());
        assertEquals(WildFlyGate.WATCH_MILLIS, gate.watchMillis());
    }

    @Test
    void keepsJudgingReadiness() throws Exception {
        WildFlyGate gate = gate(60_000);
        server.registerMBean(state, new ObjectName(WildFlyGate.MBEAN));
        state.set(Word.NORMAL, Word.OK);
        until(gate, "serving", x -> x.status() == Status.HEALTHY);

        // A configuration change that needs a reload: the server goes on serving.
        state.set(Word.NORMAL, Word.RELOAD_REQUIRED);
        CheckResult r = until(gate, "reload-required read", x -> "reload-required".equals(x.details().get("processState")));
        assertEquals(Status.HEALTHY, r.status());

        // :suspend answers 503: the gate says so, and the watch sees it.
        state.set(Word.SUSPENDED, Word.OK);
        assertFalse(Poll.until("the watch to see the suspend", Duration.ofSeconds(10), gate::stillPassesNow, b -> !b));
        r = gate.evaluate();
        assertEquals(Status.UNHEALTHY, r.status());
        assertEquals("WildFly does not serve: WildFly's RunningState is suspended (ProcessState ok)", r.reason());

        state.set(Word.NORMAL, Word.OK); // :resume
        assertTrue(Poll.until("the watch to see the resume", Duration.ofSeconds(10), gate::stillPassesNow, b -> b));
        assertEquals(Status.HEALTHY, gate.evaluate().status());

        state.set(Word.STOPPING, Word.STOPPING); // :reload, SIGTERM
        r = until(gate, "stopping", x -> x.status() == Status.UNHEALTHY);
        assertEquals("WildFly does not serve: WildFly's RunningState is stopping (ProcessState stopping)", r.reason());

        state.set(Word.ADMIN_ONLY, Word.OK); // started in admin-only mode: no deployments
        until(gate, "admin-only", x -> says(x, "RunningState is admin-only"));

        server.unregisterMBean(new ObjectName(WildFlyGate.MBEAN));
        r = until(gate, "gone", x -> says(x, "no longer registered"));
        assertEquals("WildFly does not serve: jboss.root:type=state is no longer registered", r.reason());
    }

    /** A WildFly without the MBean (an old version) does not hold /started for ever. */
    @Test
    void passesWhenTheMBeanNeverAppears() throws Exception {
        WildFlyGate gate = gate(300);
        CheckResult r = until(gate, "gave up", x -> x.status() == Status.HEALTHY);
        assertTrue(String.valueOf(r.details().get("decidedBy")).contains("did not load within"), r.details().toString());
        assertTrue(gate.passesNow());
        assertTrue(gate.stillPassesNow());
    }

    /** Nothing of the MBeanServer is touched before the application has built it. */
    @Test
    void waitsForWildFlyToBuildItsMBeanServer() {
        JmxAccess notYet = new JmxAccess(null, () -> {
            throw new AssertionError("the MBeanServer was asked for");
        }, 60_000);
        WildFlyGate gate = new WildFlyGate("app:wildfly", notYet, reader, published::incrementAndGet, new NeverLoaded("wildfly", 60_000));
        CheckResult r = gate.evaluate();
        assertEquals(Status.UNHEALTHY, r.status());
        assertTrue(says(r, "WildFly has not built its MBeanServer yet"), r.reason());
        assertFalse(gate.passesNow());
    }

    /**
     * jboss-modules builds the platform MBeanServer under ManagementFactory's lock once MBeanServerBuilder has loaded: the
     * reader waits for it there. Past the read budget the reason says that WildFly is still building it, not that a getter
     * blocks; once the server is handed out the gate reads the state as usual.
     */
    @Test
    void saysWhenWildFlyIsStillBuildingItsMBeanServer() throws Exception {
        java.util.concurrent.CountDownLatch built = new java.util.concurrent.CountDownLatch(1);
        // the platform MBeanServer's field is set while jboss-modules builds it: handed out only once built
        JmxAccess building = JmxAccess.existing(() -> {
            try {
                built.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return server;
        });
        WildFlyGate gate = new WildFlyGate("app:wildfly", building, reader, published::incrementAndGet, new NeverLoaded("wildfly", 60_000));
        try {
            CheckResult r = until(gate, "past the budget", x -> says(x, "WildFly is still building its MBeanServer"));
            assertEquals(Status.UNHEALTHY, r.status());
            assertTrue(r.reason().startsWith(WildFlyGate.WAITING), r.reason());
            assertFalse(says(r, "the getter blocks"), r.reason());
            assertFalse(gate.passesNow());
        } finally {
            built.countDown();
        }
        server.registerMBean(state, new ObjectName(WildFlyGate.MBEAN));
        state.set(Word.NORMAL, Word.OK);
        CheckResult r = until(gate, "serving", x -> x.status() == Status.HEALTHY);
        assertEquals("normal", r.details().get("runningState"));
    }
}
