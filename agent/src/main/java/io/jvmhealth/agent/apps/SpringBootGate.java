package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.gates.NeverLoaded;
import io.jvmhealth.agent.health.CheckNames;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code app:spring-boot}: passes once {@code SpringApplication.run} has returned, the moment Spring
 * publishes {@code ApplicationReadyEvent} (its last step before returning), never before. Without
 * instrumentation: {@code run} lasts from the start of {@code main} until the application is ready
 * (seconds), so the gate watches the thread that is inside it and passes when that thread has left it
 * (instrumenting Spring costs its start far more than reading one thread's stack now and then: the
 * figures are in docs/performance.md).
 *
 * <p>How it decides: until a thread is seen inside {@code run}, each poll reads the {@code main}
 * thread's stack and every {@link #SCAN_MILLIS} all threads' stacks (Spring started from another
 * thread, e.g. devtools' {@code restartedMain}). A thread seen inside {@code run} is watched until it
 * has left it: each poll whether it is alive, and its stack alone every {@link #WATCH_READ_MILLIS} when
 * it is not running (blocked or waiting: what a {@code main} that lives on after {@code run} does) and
 * every {@link #RUNNABLE_READ_MILLIS} while it runs (all of Spring's start: the reads are what cost,
 * as each walks that deep stack and stops the thread for the walk); then all threads are looked at once
 * more, and the gate passes only if no other thread is inside (devtools restarts the application on a
 * thread of its own while {@code main} leaves {@code run} by an exception). When no thread was ever
 * seen inside: attached to a running JVM, the class loaded and no thread inside means {@code run}
 * returned before the agent came; at JVM start the same must hold for {@link NeverLoaded#WAIT_MILLIS}
 * (the class can load more than a second before {@code run} is entered). A thread that left
 * {@code run} by an exception also counts (the application then ends, as Spring Boot applications do
 * when {@code run} fails).
 *
 * <p>Once passed, the gate goes on judging readiness: it fails when Spring's application context is closed while
 * the JVM lives on (the application calls {@code close()}), seen within {@link #WATCH_MILLIS} by
 * {@link SpringContexts}. No thread's stack is read any more once it passed.
 */
final class SpringBootGate implements HealthCheck {
    static final String CLASS_NAME = "org.springframework.boot.SpringApplication";
    static final String METHOD = "run";
    static final long SCAN_MILLIS = 500;
    /**
     * How often the stack of a watched thread that is blocked or waiting is read. With the 25 ms gate poll,
     * {@code /ready} turns 200 at most about 100 ms after {@code run} returned when that thread lives on and waits
     * (joins, sleeps, awaits), within a poll when it ends (a typical {@code main}).
     */
    static final long WATCH_READ_MILLIS = 75;
    /**
     * How often the stack of a watched thread that is running is read: a thread inside {@code run} is running
     * nearly all the time (docs/performance.md), so this is the rate of reads during the start. A {@code main} that goes on computing after {@code run} returned is
     * seen within this bound.
     */
    static final long RUNNABLE_READ_MILLIS = 500;
    /** How often, once passed, the watch asks whether Spring's application context is closed. */
    static final long WATCH_MILLIS = 50;

    private final Instrumentation instrumentation;
    private final boolean attached;
    private final List<Thread> inside = new ArrayList<Thread>();
    private Thread main;
    private boolean mainLooked;
    private boolean everInside;
    private boolean loaded;
    private long lastScan;
    private long lastWatchRead;
    private String passedBecause;
    /** Set once {@link #evaluate()} said healthy: from then on only the contexts are watched. */
    private String passed;
    private final SpringContexts contexts;
    /** Reads of a watched thread's stack so far (tests). */
    private int stackReads;
    private final NeverLoaded neverLoaded = new NeverLoaded("spring-boot");
    private final long createdNanos = System.nanoTime();
    /** At JVM start: how long the class may be loaded with no thread inside run before the gate stops waiting. */
    static final long IDLE_AT_LAUNCH_NANOS = NeverLoaded.WAIT_MILLIS * 1_000_000L;

    SpringBootGate(Instrumentation instrumentation, boolean attached) {
        this.instrumentation = instrumentation;
        this.attached = attached;
        this.contexts = new SpringContexts(instrumentation);
    }

    @Override
    public String name() {
        return CheckNames.frameworkGate("spring-boot");
    }

    @Override
    public Role role() {
        return Role.STARTUP;
    }

    @Override
    public boolean judgesReadinessOncePassed() {
        return true;
    }

    @Override
    public long watchMillis() {
        return WATCH_MILLIS;
    }

    /** Once passed (evaluator thread, every {@link #WATCH_MILLIS}): one boolean per known context. */
    @Override
    public boolean stillPassesNow() {
        return contexts.anyOpen();
    }

    /** The gate poll: observes as {@link #evaluate()} does, without building a result each time. */
    @Override
    public boolean passesNow() {
        if (passedBecause == null) {
            observe();
        }
        return passedBecause != null || notLoadedInTime();
    }

    /** At JVM start: the class has not loaded within {@link NeverLoaded#WAIT_MILLIS} (and no thread is inside run). */
    private boolean notLoadedInTime() {
        return !loaded && !attached && inside.isEmpty() && neverLoaded.expired();
    }

    @Override
    public CheckResult evaluate() {
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        details.put("method", CLASS_NAME + "#" + METHOD);
        if (passed != null) {
            details.put("decidedBy", passed);
            String closed = contexts.closed(details);
            return closed == null ? CheckResult.healthy(details) : CheckResult.of(Status.UNHEALTHY, closed, details);
        }
        if (passedBecause == null) {
            observe();
        }
        if (passedBecause != null) {
            details.put("decidedBy", passedBecause);
            return passed(details);
        }
        String waiting = "waiting for SpringApplication.run to return (Spring's ApplicationReadyEvent): ";
        if (!inside.isEmpty()) {
            return CheckResult.of(Status.UNHEALTHY, waiting + "thread '" + inside.get(0).getName() + "' is inside it", details);
        }
        if (notLoadedInTime()) {
            neverLoaded.givenUp(CLASS_NAME, details); // the reason into the details, and the warning once
            return passed(details);
        }
        if (!loaded) {
            return CheckResult.of(Status.UNHEALTHY, waiting + "class " + CLASS_NAME + " has not been loaded yet", details);
        }
        return CheckResult.of(Status.UNHEALTHY, waiting + "class " + CLASS_NAME + " is loaded, no thread is inside run yet", details);
    }

    /** The first healthy result; from now on only the contexts are watched. */
    private CheckResult passed(Map<String, Object> details) {
        passed = String.valueOf(details.get("decidedBy"));
        contexts.closed(details);
        return CheckResult.healthy(details);
    }

    private void observe() {
        // Threads already seen inside: still there? A thread that ended has left (a typical main ends right after run
        // returns: seen within a poll); a live one's stack is read only every WATCH_READ_MILLIS while it waits and
        // every RUNNABLE_READ_MILLIS while it runs, since Spring's start-up stack is deep (the reads are what cost:
        // docs/performance.md).
        long readAt = System.nanoTime();
        long sinceRead = readAt - lastWatchRead;
        boolean read = false;
        for (Iterator<Thread> it = inside.iterator(); it.hasNext(); ) {
            Thread t = it.next();
            if (!t.isAlive()) {
                it.remove();
                continue;
            }
            long every = t.getState() == Thread.State.RUNNABLE ? RUNNABLE_READ_MILLIS : WATCH_READ_MILLIS;
            if (sinceRead >= every * 1_000_000L) {
                read = true;
                stackReads++;
                if (!isInside(t.getStackTrace())) {
                    it.remove();
                }
            }
        }
        if (read) {
            lastWatchRead = readAt;
        }
        if (everInside && inside.isEmpty()) {
            // Before passing, one look at every thread: another may have entered run meanwhile (devtools' restart
            // thread starts the application again while main leaves run by an exception).
            scanAllThreads();
            if (inside.isEmpty()) {
                passedBecause = "the thread that was inside run has left it";
            }
            return;
        }
        if (!inside.isEmpty()) {
            return; // watched: one stack read per poll, no scans of every thread
        }
        if (!mainLooked) {
            mainLooked = true;
            main = findMain();
        }
        if (main != null && main.isAlive() && isInside(main.getStackTrace())) {
            lastWatchRead = System.nanoTime();
            inside.add(main);
            everInside = true;
            return;
        }
        long now = System.nanoTime();
        if (lastScan != 0 && now - lastScan < SCAN_MILLIS * 1_000_000L) {
            return;
        }
        lastScan = now;
        scanAllThreads();
        if (everInside) {
            return;
        }
        if (!loaded) {
            loaded = isLoaded();
        }
        if (loaded) {
            if (attached) {
                passedBecause = "class " + CLASS_NAME + " was loaded before the agent was attached and no thread was inside "
                        + METHOD + ": counted as already returned";
            } else if (now - createdNanos >= IDLE_AT_LAUNCH_NANOS) {
                // At JVM start the agent is there before main: a Spring application is seen inside run within
                // a poll. The class can load well before run is entered (its static initializer starts logging:
                // more than a second on a loaded machine), so only a long absence means run is not called.
                passedBecause = "class " + CLASS_NAME + " was loaded and no thread was inside " + METHOD + " for "
                        + IDLE_AT_LAUNCH_NANOS / 1_000_000_000L + " s since the agent started: this run does not start Spring";
            }
        }
    }

    private void scanAllThreads() {
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (!inside.contains(e.getKey()) && isInside(e.getValue())) {
                lastWatchRead = System.nanoTime();
                inside.add(e.getKey());
                everInside = true;
            }
        }
    }

    private boolean isLoaded() {
        if (instrumentation == null) {
            return false;
        }
        for (Class<?> c : instrumentation.getAllLoadedClasses()) {
            if (c.getClassLoader() != null && CLASS_NAME.equals(c.getName())) { // never one of the JDK's: those go unnamed
                return true;
            }
        }
        return false;
    }

    private static Thread findMain() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if ("main".equals(t.getName())) {
                return t;
            }
        }
        return null;
    }

    int stackReads() {
        return stackReads;
    }

    static boolean isInside(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            if (CLASS_NAME.equals(e.getClassName()) && METHOD.equals(e.getMethodName())) {
                return true;
            }
        }
        return false;
    }
}
