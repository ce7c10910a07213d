package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.gates.InsideThreads;
import io.jvmhealth.agent.gates.NeverLoaded;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.Status;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code app:spring-boot}, without bytecode: passes once Spring says it accepts traffic, and once passed fails when it
 * no longer does. Read from Spring's own objects by {@link SpringContexts} (no code of the application runs):
 * <ol>
 * <li>Spring's readiness state {@code ACCEPTING_TRAFFIC} in every open context that keeps one (its
 * {@code ApplicationAvailabilityBean}: auto-configuration), published as {@code SpringApplication.run}'s last step,
 * right after {@code ApplicationReadyEvent}; polled every 25 ms while the gate waits, every
 * {@link #LAST_STRETCH_POLL_MILLIS} once the bean exists (only the bean is read then).</li>
 * <li>Where no context keeps one (bean definitions final without it), or no context was registered
 * {@link #NO_CONTEXT_MILLIS} after {@code SpringApplication} was seen loaded (registerShutdownHook off), or the agent was
 * attached: the threads inside {@code SpringApplication.run}, from their stacks ({@link InsideThreads}): the gate passes
 * once those found inside have left it; attached, or with a context registered, when none is inside.</li>
 * </ol>
 * A context that closes before it accepts traffic is a start that failed: the gate does not pass. {@code SpringApplication}
 * not loaded within 60 s of the agent's start, or loaded with no context registered and no thread seen inside
 * {@code run} within that time: this run does not start Spring ({@link NeverLoaded}). Once passed, {@code /ready} fails
 * when every context is closed or a context's readiness is anything but {@code ACCEPTING_TRAFFIC}, seen by the watch every
 * {@link #WATCH_MILLIS}.
 */
final class SpringBootGate extends ServingGate {
    static final long NO_CONTEXT_MILLIS = 2_000;
    /** How often the gate asks to be polled once Spring's availability bean exists and has not said ACCEPTING_TRAFFIC yet. */
    static final long LAST_STRETCH_POLL_MILLIS = 10;
    static final String WAITING_FOR = "Spring's readiness (ACCEPTING_TRAFFIC, published as SpringApplication.run returns)";

    private final SpringContexts contexts;
    private final NeverLoaded neverLoaded;
    private final boolean attached;
    private final long noContextNanos;
    private final InsideThreads runThreads = new InsideThreads(SpringBoot.SPRING_APPLICATION, SpringBoot.RUN);
    /** When the class was first seen loaded (nanoTime), 0 before. */
    private long loadedAt;
    /** Why the gate passed, once it did (evaluator thread; latched). */
    private volatile String decidedBy;
    /** What the last look waits for. */
    private String waiting = "class " + SpringBoot.SPRING_APPLICATION + " has not been loaded yet";

    SpringBootGate(String name, SpringContexts contexts, NeverLoaded neverLoaded, boolean attached) {
        this(name, contexts, neverLoaded, attached, NO_CONTEXT_MILLIS);
    }

    /** Tests: reads the threads inside run after {@code noContextMillis} without a registered context. */
    SpringBootGate(String name, SpringContexts contexts, NeverLoaded neverLoaded, boolean attached, long noContextMillis) {
        super(name);
        this.contexts = contexts;
        this.neverLoaded = neverLoaded;
        this.attached = attached;
        this.noContextNanos = TimeUnit.MILLISECONDS.toNanos(noContextMillis);
    }

    /** Once passed (evaluator thread, every {@link #WATCH_MILLIS}): a few field reads. */
    @Override
    public boolean stillPassesNow() {
        return decidedBy == null || contexts.serving();
    }

    /**
     * The poll while waiting: once a context's availability bean exists, only that bean is read, every
     * {@link #LAST_STRETCH_POLL_MILLIS} (Spring is about to serve); the registry again at each full evaluation.
     */
    @Override
    public boolean passesNow() {
        if (decidedBy != null) {
            return contexts.serving();
        }
        return !contexts.knownBeanWaiting() && decide(null) != null;
    }

    @Override
    public long pollMillis() {
        return decidedBy == null && contexts.knownBeanWaiting() ? LAST_STRETCH_POLL_MILLIS : Evaluator.GATE_POLL_MILLIS;
    }

    @Override
    public CheckResult evaluate() {
        Map<String, Object> details = new LinkedHashMap<String, Object>();
        if (decidedBy == null && decide(details) == null) {
            return CheckResult.of(Status.UNHEALTHY, "waiting for " + WAITING_FOR + ": " + waiting, details);
        }
        details.put("decidedBy", decidedBy);
        String stopped = contexts.stopped(details);
        return stopped == null ? CheckResult.healthy(details) : CheckResult.of(Status.UNHEALTHY, stopped, details);
    }

    /** Stack reads so far (tests). */
    int stackReads() {
        return runThreads.reads();
    }

    @Override
    public void close() {
        contexts.stopLooking();
    }

    /** Why the gate passes now (latched), or null while it waits ({@link #waiting} says for what). */
    private String decide(Map<String, Object> details) {
        if (decidedBy != null) {
            return decidedBy;
        }
        if (!contexts.loaded()) {
            String gaveUp = neverLoaded.givenUp(SpringBoot.SPRING_APPLICATION, details == null ? new LinkedHashMap<String, Object>() : details);
            waiting = "class " + SpringBoot.SPRING_APPLICATION + " has not been loaded yet";
            if (gaveUp == null) {
                return null;
            }
            contexts.stopLooking();
            return decidedBy = gaveUp;
        }
        long now = System.nanoTime();
        if (loadedAt == 0) {
            loadedAt = now;
        }
        SpringContexts.Readiness r = contexts.readiness();
        if (r.allClosed) {
            waiting = "Spring's application context closed before it accepted traffic (the start failed)";
            return null;
        }
        if (r.withAvailability > 0) {
            if (r.accepting == r.withAvailability) {
                return decidedBy = "Spring's readiness state " + SpringContexts.ACCEPTING + " (its ApplicationAvailabilityBean)";
            }
            waiting = "Spring's readiness state is " + r.state;
            return null;
        }
        boolean registered = r.open > 0 || contexts.everRegistered();
        if (!attached && r.withoutAvailability == 0 && (registered || now - loadedAt < noContextNanos)) {
            waiting = registered ? "Spring's application context is being refreshed" : "no application context registered yet";
            return null;
        }
        // Nothing of Spring's says it: the threads inside run do.
        String why = registered || attached ? "" : " (no application context in Spring Boot's shutdown-hook registry: registerShutdownHook off?)";
        if (runThreads.watching()) {
            if (runThreads.left()) {
                return decidedBy = "the threads inside SpringApplication.run have left it" + why;
            }
        } else {
            Boolean found = runThreads.findInside(); // null: not due, every read so far found none
            if (Boolean.FALSE.equals(found) && (attached || registered)) {
                return decidedBy = (attached ? "loaded before the agent was attached and " : "") + "no thread is inside SpringApplication.run" + why;
            }
            if (!Boolean.TRUE.equals(found) && !registered) {
                String notStarted = neverLoaded.notStarted(SpringBoot.SPRING_APPLICATION, SpringBoot.RUN,
                        details == null ? new LinkedHashMap<String, Object>() : details);
                if (notStarted != null) {
                    return decidedBy = notStarted;
                }
            }
        }
        waiting = (runThreads.watching() ? "a thread is inside SpringApplication.run" : "no thread seen inside SpringApplication.run yet")
                + ", its stack read " + InsideThreads.READ_MILLIS + " ms to " + InsideThreads.MAX_READ_MILLIS + " ms apart" + why;
        return null;
    }
}
