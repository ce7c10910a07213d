package io.jvmhealth.agent.gates;

import io.jvmhealth.agent.base.AgentLog;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The bound on a recognized framework whose classes never load. Frameworks are recognized from the
 * main class's bytes, so a main class that can start Tomcat (or Jetty, Spring Boot, a Kafka broker)
 * but does not, in this run, would otherwise hold {@code /started} forever, and Kubernetes would
 * restart an application that is up. When the framework's class has not loaded within
 * {@link #WAIT_MILLIS} of the agent's start, its gate passes with that reason (and one warning). For a
 * framework that can be loaded without being started (Spring Boot's {@code SpringApplication}), its gate may also
 * ask {@link #notStarted} once it saw no sign of a start within that time ({@link #orNotStarted}: a main class that
 * touches the framework's class without starting it).
 * Not used for {@code ready.after}, which the user asked for: that gate waits, and says that its
 * class has not been loaded yet.
 */
public final class NeverLoaded {
    public static final long WAIT_MILLIS = 60_000;

    private final String framework;
    private final long since = System.nanoTime();
    private final long waitNanos;
    private final boolean orNotStarted;
    private boolean warned;

    public NeverLoaded(String framework) {
        this(framework, WAIT_MILLIS, false);
    }

    /** With a wait of its own (tests). */
    public NeverLoaded(String framework, long waitMillis) {
        this(framework, waitMillis, false);
    }

    NeverLoaded(String framework, long waitMillis, boolean orNotStarted) {
        this.framework = framework;
        this.waitNanos = TimeUnit.MILLISECONDS.toNanos(waitMillis);
        this.orNotStarted = orNotStarted;
    }

    /** Also gives up, when its gate asks ({@link #notStarted}), on a class that loaded with no sign of a start within {@link #WAIT_MILLIS}. */
    public static NeverLoaded orNotStarted(String framework) {
        return new NeverLoaded(framework, WAIT_MILLIS, true);
    }

    /** As {@link #orNotStarted(String)}, with a wait of its own (tests). */
    public static NeverLoaded orNotStarted(String framework, long waitMillis) {
        return new NeverLoaded(framework, waitMillis, true);
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
        return giveUp(className + " did not load within " + waitNanos / 1_000_000_000L + " s of the agent's start", details);
    }

    /**
     * Called while the framework's class is loaded but no thread was seen inside its start method: the reason the gate
     * passes now, or null while it still waits.
     */
    public synchronized String notStarted(String className, String methodName, Map<String, Object> details) {
        if (!orNotStarted || System.nanoTime() - since < waitNanos) {
            return null;
        }
        return giveUp(className + " was loaded but no thread was seen inside " + methodName + " within " + waitNanos / 1_000_000_000L
                + " s of the agent's start", details);
    }

    private String giveUp(String what, Map<String, Object> details) {
        String because = what + ": this run of the application does not start " + framework
                + " (it was recognized from the main class only), so its gate does not hold /started";
        details.put("decidedBy", because);
        if (!warned) {
            warned = true;
            AgentLog.warn("startup gate for " + framework + ": " + because);
        }
        return because;
    }
}
