package io.jvmhealth.agent.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One check's outcome: a status, a reason exactly when the status is not healthy, details (values
 * are numbers, strings, booleans, lists and maps of those, ready for JSON), and the figures of the
 * metric families its check declares ({@link HealthCheck#metricFamilies()}, in that order; NaN where
 * a figure is not known): {@code /metrics} is written from these, never from the details.
 */
public final class CheckResult {
    private final Status status;
    private final String reason;
    private final Map<String, Object> details;
    private final boolean checkFailed;
    private final double[] figures;
    private static final double[] NO_FIGURES = new double[0];

    private CheckResult(Status status, String reason, Map<String, Object> details, boolean checkFailed) {
        this(status, reason, details, checkFailed, NO_FIGURES);
    }

    private CheckResult(Status status, String reason, Map<String, Object> details, boolean checkFailed, double[] figures) {
        if ((status == Status.HEALTHY) != (reason == null)) {
            throw new IllegalArgumentException("a reason is required exactly when the status is not healthy");
        }
        this.status = status;
        this.reason = reason;
        this.details = details == null || details.isEmpty()
                ? Collections.<String, Object>emptyMap()
                : Collections.unmodifiableMap(new LinkedHashMap<>(details));
        this.checkFailed = checkFailed;
        this.figures = figures;
    }

    private static final CheckResult ABSENT = new CheckResult(Status.HEALTHY, null, null, false);

    /**
     * Nothing to judge in this JVM (a preset whose MBeans do not exist): the check is left out of
     * this evaluation's snapshot altogether. Not for startup gates.
     */
    public static CheckResult absent() {
        return ABSENT;
    }

    /** True for {@link #absent()}. */
    public boolean isAbsent() {
        return this == ABSENT;
    }

    public static CheckResult healthy(Map<String, Object> details) {
        return new CheckResult(Status.HEALTHY, null, details, false);
    }

    /** A judged result; {@code reason} is required unless {@code status} is healthy, and ignored then. */
    public static CheckResult of(Status status, String reason, Map<String, Object> details) {
        return new CheckResult(status, status == Status.HEALTHY ? null : reason, details, false);
    }

    /** The check itself could not run: unhealthy, with the failure as reason, but never a liveness failure. */
    public static CheckResult failed(String reason) {
        return new CheckResult(Status.UNHEALTHY, reason, null, true);
    }

    public Status status() {
        return status;
    }

    /** Null when healthy. */
    public String reason() {
        return reason;
    }

    public Map<String, Object> details() {
        return details;
    }

    /**
     * The same result with the figures of its check's metric families, in the order the check declares them
     * ({@link HealthCheck#metricFamilies()}); NaN for a figure not known now.
     */
    public CheckResult with(double... figures) {
        if (isAbsent()) {
            return this;
        }
        return new CheckResult(status, reason, details, checkFailed, figures.clone());
    }

    /** The figure at {@code index} of the check's metric families, or NaN when there is none. */
    public double figure(int index) {
        return index < figures.length ? figures[index] : Double.NaN;
    }

    /** How many figures this result carries. */
    public int figureCount() {
        return figures.length;
    }

    /** True when the check threw instead of observing something about the JVM. */
    public boolean checkFailed() {
        return checkFailed;
    }
}
