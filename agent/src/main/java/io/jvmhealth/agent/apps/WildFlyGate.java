package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.base.AgentLog;
import io.jvmhealth.agent.gates.NeverLoaded;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Publisher;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.jmx.JmxAccess;
import io.jvmhealth.agent.jmx.JmxReader;

import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code app:wildfly}: WildFly's (and JBoss EAP's) own account of whether it serves, the MBean
 * {@code jboss.root:type=state} (wildfly-core's {@code RunningStateJmx}: a standard MBean over volatile fields, in the
 * platform MBeanServer from the server's first boot step, the same instance through {@code :reload}). Serving is
 * {@code RunningState} {@code normal} and {@code ProcessState} {@code ok}, {@code reload-required} or
 * {@code restart-required} (a configuration change waiting for a reload leaves the server serving); every other
 * state serves no application request: {@code starting} (the server boots suspended: its HTTP port accepts and holds
 * requests), {@code suspending}/{@code suspended} (answers 503), {@code admin-only} (no deployments), {@code stopping},
 * {@code stopped}. At the end of the boot WildFly turns {@code RunningState} normal just before its activities
 * (Undertow) resume and {@code ProcessState} ok just after: both together are never early.
 *
 * <p>Not {@code jboss.as:management-root=server}'s {@code serverState}: each of its reads is a management operation
 * through the model controller (35-780 ms while it boots, on a loaded machine), it registers late and goes away at
 * {@code :reload} and stop.
 *
 * <p>How it reads: as the rules do, on the agent's MBean reader ({@link JmxReader}: the getters are WildFly's code, read
 * with a time budget, never on the evaluator's thread), and only once WildFly has built its MBeanServer itself
 * ({@link JmxAccess#serverExists}: jboss-modules installs WildFly's LogManager and MBeanServer builder first; an agent
 * that created the platform MBeanServer before that would make WildFly's boot fail). Pending, one read per gate poll
 * (25 ms); passed, it keeps judging readiness with one read every {@link #WATCH_MILLIS}: a suspend, reload or stop
 * turns {@code /ready} 503 within about that. A read that sees the state change asks for an evaluation at once.
 * WildFly that has not registered the MBean within {@link NeverLoaded#WAIT_MILLIS} (a version without it) does not
 * hold {@code /started}: the gate passes with that reason.
 */
final class WildFlyGate extends ServingGate {
    static final String MBEAN = "jboss.root:type=state";
    static final String WAITING = "waiting for WildFly to serve (RunningState normal, ProcessState ok): ";
    static final String STOPPED = "WildFly does not serve: ";

    private final JmxAccess access;
    private final JmxReader reader;
    private final Publisher publisher;
    private final ObjectName objectName;
    private final NeverLoaded neverRegistered;
    private final Runnable read = new Runnable() {
        @Override
        public void run() {
            readNow();
        }
    };

    /** The latest read (written by the reader thread). */
    private volatile State latest;
    private volatile boolean inFlight;
    private volatile long startedNanos;
    private volatile long submittedNanos;
    /** What the read under way is in: asking for the MBeanServer (WildFly may still be building it) or reading the MBean. */
    private volatile boolean inServer;
    /** Evaluator thread: passed once (then judged as serving or not, no longer as waiting). */
    private boolean passed;
    private boolean everRegistered;
    /** The MBean (or WildFly's MBeanServer) did not appear within the wait: passed without it (volatile: the watch reads it). */
    private volatile String gaveUp;

    WildFlyGate(Recognizer recognizer, AppContext context) {
        this(recognizer.gateName(), context.jmxAccess(), context.jmxReader(), context.publisher(), new NeverLoaded(recognizer.name()));
    }

    WildFlyGate(String name, JmxAccess access, JmxReader reader, Publisher publisher, NeverLoaded neverRegistered) {
        super(name);
        this.access = access;
        this.reader = reader;
        this.publisher = publisher;
        this.neverRegistered = neverRegistered;
        try {
            this.objectName = new ObjectName(MBEAN);
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One read of the MBean: its two states, or that it is not registered, or why the read failed. Immutable. */
    static final class State {
        final boolean registered;
        final String running;
        final String process;
        final String failure;

        State(boolean registered, String running, String process, String failure) {
            this.registered = registered;
            this.running = running;
            this.process = process;
            this.failure = failure;
        }

        boolean serving() {
            return registered && failure == null && "normal".equals(running)
                    && ("ok".equals(process) || "reload-required".equals(process) || "restart-required".equals(process));
        }

        boolean sameAs(State o) {
            return o != null && registered == o.registered && eq(running, o.running) && eq(process, o.process) && eq(failure, o.failure);
        }

        private static boolean eq(String a, String b) {
            return a == null ? b == null : a.equals(b);
        }

        /** What the reason says about this state: {@code WildFly's RunningState is suspended}. */
        String why() {
            if (!"normal".equals(running)) {
                return "WildFly's RunningState is " + running + " (ProcessState " + process + ")";
            }
            return "WildFly's ProcessState is " + process + " (RunningState normal)";
        }
    }

    /** The gate poll: queues a read (unless one is under way) and answers from the latest, building nothing. */
    @Override
    public boolean passesNow() {
        long now = System.nanoTime();
        if (!access.serverExists(now)) {
            return gaveUp != null;
        }
        request(now);
        State s = latest;
        return s != null && s.serving() || gaveUp != null && (s == null || !s.registered);
    }

    /** The watch: as the gate poll; a read that sees a change publishes at once. */
    @Override
    public boolean stillPassesNow() {
        return passesNow();
    }

    @Override
    public CheckResult evaluate() {
        long now = System.nanoTime();
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        details.put("mbean", MBEAN);
        if (!access.serverExists(now)) {
            return notThere(WAITING + "WildFly has not built its MBeanServer yet", details);
        }
        CheckResult blocked = request(now);
        if (blocked != null) {
            return blocked;
        }
        State s = latest;
        if (s == null) {
            return CheckResult.of(Status.UNHEALTHY, (passed ? STOPPED : WAITING) + "the first read of " + MBEAN + " has not returned yet", details);
        }
        if (s.registered && s.failure == null) {
            everRegistered = true;
            details.put("runningState", s.running);
            details.put("processState", s.process);
        }
        if (s.serving()) {
            passed = true;
            return CheckResult.healthy(details);
        }
        if (s.failure != null) {
            details.put("readFailed", s.failure);
            return CheckResult.of(Status.UNHEALTHY, (passed ? STOPPED : WAITING) + "reading " + MBEAN + " failed: " + s.failure, details);
        }
        if (!s.registered) {
            if (everRegistered) {
                return CheckResult.of(Status.UNHEALTHY, STOPPED + MBEAN + " is no longer registered", details);
            }
            return notThere(WAITING + MBEAN + " is not registered yet", details);
        }
        return CheckResult.of(Status.UNHEALTHY, (passed ? STOPPED : WAITING) + s.why(), details);
    }

    /** The state cannot be read (no MBeanServer, no MBean yet): waiting, until {@link NeverLoaded#WAIT_MILLIS}; then passed for good. */
    private CheckResult notThere(String waiting, Map<String, Object> details) {
        String because = gaveUp;
        if (because == null) {
            because = neverRegistered.givenUp(MBEAN, details);
            if (because == null) {
                return CheckResult.of(Status.UNHEALTHY, waiting, details);
            }
            gaveUp = because;
        }
        passed = true;
        return decided(because, details);
    }

    /**
     * Queues a read unless one is under way; null, or the result that says the read under way exceeds its budget
     * (the getter blocks: it is not read again until it returns, as a rule's).
     */
    private CheckResult request(long now) {
        reader.maintain(now);
        if (inFlight) {
            long started = startedNanos;
            long budget = reader.budgetNanos();
            if (started != 0 && now - started > budget || started == 0 && now - submittedNanos > budget && reader.exhausted()) {
                Map<String, Object> details = new LinkedHashMap<String, Object>();
                details.put("mbean", MBEAN);
                details.put("blockedMillis", TimeUnit.NANOSECONDS.toMillis(now - (started != 0 ? started : submittedNanos)));
                details.put("budgetMillis", TimeUnit.NANOSECONDS.toMillis(budget));
                String what = inServer ? "WildFly is still building its MBeanServer (the platform MBeanServer has not been handed out for "
                        + TimeUnit.NANOSECONDS.toMillis(budget) + " ms)"
                        : "reading " + MBEAN + " has not returned within " + TimeUnit.NANOSECONDS.toMillis(budget)
                        + " ms: the getter blocks; it is not read again until it returns";
                return CheckResult.of(Status.UNHEALTHY, (passed ? STOPPED : WAITING) + what, details);
            }
            return null;
        }
        inFlight = true;
        startedNanos = 0;
        submittedNanos = now;
        reader.submit(read);
        return null;
    }

    /** On a reader thread. */
    private void readNow() {
        long now = System.nanoTime();
        startedNanos = now == 0 ? 1 : now;
        State s;
        try {
            inServer = true;
            // jboss-modules builds the platform MBeanServer (WildFly's builder) under ManagementFactory's lock: seconds on a
            // loaded machine after MBeanServerBuilder loaded; this waits for it on the reader's thread
            MBeanServer server = access.server();
            inServer = false;
            if (!server.isRegistered(objectName)) {
                s = new State(false, null, null, null);
            } else {
                // The values are enums of WildFly's (Process.RunningState, ...) whose toString is the word: "normal"
                s = new State(true, String.valueOf(server.getAttribute(objectName, "RunningState")),
                        String.valueOf(server.getAttribute(objectName, "ProcessState")), null);
            }
        } catch (InstanceNotFoundException e) {
            s = new State(false, null, null, null);
        } catch (Throwable e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            s = new State(true, null, null, AgentLog.describe(cause));
        }
        State before = latest;
        latest = s;
        inFlight = false;
        if (publisher != null && !s.sameAs(before)) {
            publisher.publishNow();
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
