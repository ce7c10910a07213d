package io.jvmhealth.agent.health;

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

    /** Observes now. May throw: the evaluator turns that into an unhealthy result. */
    CheckResult evaluate();

    /** Releases listeners or other resources; the check is not used afterwards. */
    default void close() {
    }
}
