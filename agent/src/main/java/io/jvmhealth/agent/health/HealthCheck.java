package io.jvmhealth.agent.health;

import java.util.Collections;
import java.util.List;

/**
 * One check: built-in, resource, JMX rule or startup gate. Implementations are called only from
 * the evaluator thread, never from a request thread. A check whose work may block (a foreign MBean
 * getter) must bound it itself and return its latest known result.
 */
public interface HealthCheck {

    /** Stable name used as the key in JSON bodies and in {@code /health/<check>}; see {@link CheckNames}. */
    String name();

    /**
     * What this check decides (see {@link Role}). Only a {@link Role#LIVENESS} check fails
     * {@code /live}, and only with a result it observed ({@link CheckResult#checkFailed()} false).
     */
    default Role role() {
        return Role.READINESS;
    }

    /**
     * For a {@link Role#STARTUP} gate: true when, once passed, it goes on being evaluated as a
     * readiness condition ({@code ready.port}: {@code /ready} is 503 whenever the port stops
     * listening). False (the default): once passed, it is latched and no longer evaluated.
     */
    default boolean judgesReadinessOncePassed() {
        return false;
    }

    /**
     * For a passed gate that keeps judging readiness: how often (milliseconds) the evaluator asks
     * {@link #stillPassesNow()} between evaluations, so that an application that stops serving turns
     * {@code /ready} 503 at once, not at the next interval. 0 (the default): not asked.
     */
    default long watchMillis() {
        return 0;
    }

    /**
     * For a watching gate ({@link #watchMillis()}): whether the application still serves, observed cheaply (no result
     * is built). False asks for a full evaluation at once. May throw: counted as still passing until it evaluates.
     */
    default boolean stillPassesNow() {
        return true;
    }

    /**
     * For a pending {@link Role#STARTUP} gate: how soon (milliseconds, at least {@link Evaluator#MIN_GATE_POLL_MILLIS})
     * it asks to be polled again; {@link Evaluator#GATE_POLL_MILLIS} by default. A gate that sees its application about
     * to serve, and can look cheaply, may ask for less: the sooner the poll, the sooner {@code /ready} says so.
     */
    default long pollMillis() {
        return Evaluator.GATE_POLL_MILLIS;
    }

    /**
     * For a pending {@link Role#STARTUP} gate, polled every {@link #pollMillis()} between evaluations:
     * whether it passes now (a full evaluation follows at once). The default evaluates; a gate whose result
     * is costly to build observes without building it. May throw: the poll then counts it as not passed.
     */
    default boolean passesNow() {
        CheckResult r = evaluate();
        return r != null && r.status() == Status.HEALTHY;
    }

    /**
     * The {@code /metrics} families this check reports, in the order its results carry their figures
     * ({@link CheckResult#with(double...)}). Declared by the check, never derived from its details.
     */
    default List<MetricFamily> metricFamilies() {
        return Collections.emptyList();
    }

    /**
     * Handed once by the evaluator, before the first evaluation: what a check whose answer can change between
     * evaluations (work of its own on another thread, such as a background search) calls to have its new answer
     * published at once instead of at the next interval. The default ignores it.
     */
    default void publishTo(Publisher publisher) {
    }

    /** Observes now. May throw: the evaluator turns that into an unhealthy result. */
    CheckResult evaluate();

    /**
     * Called once, on the evaluator thread, as the first scheduled evaluation (one {@code interval} on) after the
     * snapshot that first said "started" (the first evaluation done and every startup gate passed) begins.
     * A check may leave work that would cost the application's start until here (GC notifications): not in
     * the moments right after the gates pass either, when the application takes its first requests (a Spring
     * Boot web application is serving its first, cold one then). Never called for an agent whose
     * gates never pass.
     */
    default void started() {
    }

    /** Releases listeners or other resources; the check is not used afterwards. */
    default void close() {
    }
}
