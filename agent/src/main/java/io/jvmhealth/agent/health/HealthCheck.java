package io.jvmhealth.agent.health;

/**
 * One built-in check. Implementations read MXBeans and are called only from the evaluator thread,
 * never from a request thread.
 */
public interface HealthCheck {

    /** Stable name used as the key in JSON bodies. */
    String name();

    /** Observes the JVM now. May throw: the evaluator turns that into an unhealthy result. */
    CheckResult evaluate();

    /**
     * True when an unhealthy result of this check (one it observed, not one where it failed) means a
     * restart would help, so {@code /live} fails. Only the deadlock check says yes.
     */
    default boolean decidesLiveness() {
        return false;
    }

    /** Releases listeners or other resources; the check is not used afterwards. */
    default void close() {
    }
}
