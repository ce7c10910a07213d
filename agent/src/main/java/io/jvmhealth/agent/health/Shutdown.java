package io.jvmhealth.agent.health;

/**
 * Where the JVM is in its end, as {@code /ready} and {@code /metrics} say it: running; draining (a
 * SIGTERM was received with {@code shutdown.drain}: {@code /ready} 503 while the application still
 * serves, the JVM's own shutdown begins when the drain ends); stopping (the JVM's shutdown began:
 * hooks run, the application closes). Never affects {@code /live} or {@code /started}. Immutable.
 */
public final class Shutdown {
    /** The three states, as {@code jvmhealth_shutdown{state}} names them. */
    public enum State {
        RUNNING("running"),
        DRAINING("draining"),
        STOPPING("stopping");

        private final String word;

        State(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    public static final Shutdown RUNNING = new Shutdown(State.RUNNING, null, 0);

    private final State state;
    private final String reason;
    private final long endsAtMillis;

    private Shutdown(State state, String reason, long endsAtMillis) {
        this.state = state;
        this.reason = reason;
        this.endsAtMillis = endsAtMillis;
    }

    /** The JVM's shutdown began ({@code why}: what began it, when known, e.g. "SIGTERM"). */
    public static Shutdown stopping(String why) {
        return new Shutdown(State.STOPPING, "shutting down" + (why == null ? "" : " (" + why + ")"), 0);
    }

    /** A drain began; the JVM's shutdown begins at {@code endsAtMillis} (epoch milliseconds). */
    public static Shutdown draining(long drainMillis, long endsAtMillis) {
        return new Shutdown(State.DRAINING, "shutting down: draining for " + drainMillis / 1000.0 + " s (shutdown.drain) before the JVM's"
                + " shutdown begins at " + UtcTime.iso(endsAtMillis), endsAtMillis);
    }

    public State state() {
        return state;
    }

    public boolean isRunning() {
        return state == State.RUNNING;
    }

    /** What {@code /ready} says while not running; null while running. */
    public String reason() {
        return reason;
    }

    /** While draining: when the drain ends (epoch milliseconds); 0 otherwise. */
    public long endsAtMillis() {
        return endsAtMillis;
    }
}
