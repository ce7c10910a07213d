package io.jvmhealth.agent.runtime;

/**
 * How the agent binds its port when it was taken at JVM start: again after 100 ms, 200, 400, 800, then every second,
 * for {@link #LIMIT_MILLIS} in all. What holds a port at a server's start is usually a short-lived JVM of the same
 * container started with the same {@code JAVA_TOOL_OPTIONS} (a CLI tool such as {@code kcadm.sh} or {@code jboss-cli.sh},
 * {@code kc.sh}'s rebuild check, a launcher): it lives seconds, rarely minutes (kc.sh's rebuild check re-augmenting took
 * 3 minutes on a loaded machine). Within a second of its exit the server's agent has the port. Five minutes bound a JVM
 * whose port is held by another long-lived one (two servers with the same port): it then stops, with the ERROR line
 * a taken port always gave. One attempt costs one bind of a socket.
 */
final class BindRetry {
    /** How long the agent keeps trying. */
    static final long LIMIT_MILLIS = 5 * 60_000L;
    static final long FIRST_MILLIS = 100;
    static final long MAX_MILLIS = 1000;

    private BindRetry() {
    }

    /** The pause before attempt {@code attempt} (0 is the first retry). */
    static long delayMillis(int attempt) {
        if (attempt >= 4) {
            return MAX_MILLIS;
        }
        return Math.min(MAX_MILLIS, FIRST_MILLIS << attempt);
    }
}
