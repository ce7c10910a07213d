package io.jvmhealth.agent.gates;

import io.jvmhealth.agent.base.AgentLog;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The bound on a recognized framework whose classes never load. Frameworks are recognized from the
 * main class's bytes, so a main class that can start Tomcat (or Jetty, Spring Boot, a Kafka broker)
 * but does not, in this run, would otherwise hold {@code /started} forever, and Kubernetes would
 * restart an application that is up. When the framework's class has not loaded within
 * {@link #WAIT_MILLIS} of the agent's start, its gate passes with that reason (and one warning).
 * Not used for {@code ready.after}, which the user asked for: that gate waits, and says that its
 * class has not been loaded yet.
 */
public final class NeverLoaded {
    public static final long WAIT_MILLIS = 60_000;

    private final String framework;
    private final long since = System.nanoTime();
    private final long waitNanos;
    private boolean warned;

    public NeverLoaded(String framework) {
        this(framework, WAIT_MILLIS);
    }

    /** With a wait of its own (tests). */
    public NeverLoaded(String framework, long waitMillis) {
        this.framework = framework;
        this.waitNanos = TimeUnit.MILLISECONDS.toNanos(waitMillis);
    }

    /** Whether the wait is over (what {@link #givenUp} would pass with), without logging or building anything. */
    public boolean expired() {
        return System.nanoTime() - since >= waitNanos;
    }

    /**
     * Called while the framework's class has not loaded: the reason the gate passes now, or null
     * while it still waits. The reason also goes into {@code details}.
     */
    public synchronized String givenUp(String className, Map<String, Object> details) {
        if (System.nanoTime() - since < waitNanos) {
            return null;
        }
        String because = className + " did not load within " + waitNanos / 1_000_000_000L + " s of the agent's start: this run of the"
                + " application does not start " + framework + " (it was recognized from the main class only), so its gate does not hold /started";
        details.put("decidedBy", because);
        if (!warned) {
            warned = true;
            AgentLog.warn("startup gate for " + framework + ": " + because);
        }
        return because;
    }
}
