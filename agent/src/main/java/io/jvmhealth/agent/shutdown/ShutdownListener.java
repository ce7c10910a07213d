package io.jvmhealth.agent.shutdown;

/**
 * What the agent's readiness hears about the end of the JVM, from {@link ShutdownWatch}: the seam between
 * the JVM's shutdown machinery (a shutdown hook, the optional SIGTERM drain) and the evaluator that answers
 * {@code /ready}.
 *
 * <p>Order: each method is called at most once, in the order declared here ({@code drainBegan}, then
 * {@code drainEnded}, then {@code shutdownBegan}); either the drain pair or {@code shutdownBegan} may be
 * absent, and a drain that is under way when the shutdown begins is ended first. Calls are serialized.
 *
 * <p>Threads: the JVM's shutdown hook thread, the JVM's {@code SIGTERM handler} thread and the agent's
 * {@code jvm-health-drain} thread. An implementation must return at once (set a volatile, republish the
 * snapshot) and never block: the JVM waits for the shutdown hook to end before it exits. What it throws is
 * caught and dropped.
 *
 * <p>What readiness should do: from {@code drainBegan} on, {@code /ready} fails and never turns back
 * (a SIGTERM is the end of serving, even when the host's own TERM handler lets the JVM live on);
 * {@code /started} and {@code /live} are unchanged by any of these.
 */
public interface ShutdownListener {

    /**
     * A SIGTERM began a drain ({@code shutdown.drain}): fail readiness now. The JVM's own handling of the
     * signal (its shutdown, or the host's TERM handler) follows at the latest {@code drainNanos} after this
     * call, sooner on a second SIGTERM; the application serves normally meanwhile.
     */
    void drainBegan(long drainNanos);

    /**
     * The drain is over ({@code why}: its time is up, a second SIGTERM, the JVM's shutdown began, the agent
     * stops); the signal is handed on now. Readiness stays failed.
     */
    void drainEnded(String why);

    /**
     * The JVM's shutdown began: its shutdown hooks are running (SIGTERM, SIGINT, SIGHUP, {@code System.exit},
     * the last non-daemon thread ending). Readiness fails for good. Told before anything else is done in the
     * hook; what began it follows a few milliseconds later in {@link ShutdownWatch#cause()} (for details and
     * {@code ?verbose}) and in the agent's log line.
     */
    void shutdownBegan();
}
