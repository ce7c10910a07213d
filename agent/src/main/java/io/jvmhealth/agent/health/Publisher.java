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
    }
}
