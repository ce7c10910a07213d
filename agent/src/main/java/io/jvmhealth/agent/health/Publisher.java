package io.jvmhealth.agent.health;

/**
 * Asks for a full evaluation to be published at once: what a check calls when it sees its result
 * change between evaluations (a gate passing, an MBean read returning, an application stopping).
 * Cheap, never blocks, callable from any thread. The {@link Evaluator} is one; checks hold this
 * interface, never the evaluator.
 */
public interface Publisher {
    void publishNow();

    /**
     * A passed gate that keeps judging readiness saw its application stop serving, on the application's own thread
     * (entering its stop method): publishes at once, before returning, the last snapshot with {@code check}'s result
     * replaced by {@code result} (unhealthy), then asks for a full evaluation. The default only asks for the evaluation.
     */
    default void stoppedServing(String check, CheckResult result) {
        publishNow();
    }

    /**
     * For checks made before the evaluator exists (planned at the agent's start): forwards to the
     * publisher set later, and does nothing until then.
     */
    final class Deferred implements Publisher {
        private volatile Publisher target;

        public void set(Publisher publisher) {
            this.target = publisher;
        }

        @Override
        public void publishNow() {
            Publisher p = target;
            if (p != null) {
                p.publishNow();
            }
        }

        @Override
        public void stoppedServing(String check, CheckResult result) {
            Publisher p = target;
            if (p != null) {
                p.stoppedServing(check, result);
            }
        }
    }
}
