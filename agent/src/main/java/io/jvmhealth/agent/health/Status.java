package io.jvmhealth.agent.health;

/** A check's verdict, ordered from best to worst. */
public enum Status {
    HEALTHY("healthy"),
    DEGRADED("degraded"),
    UNHEALTHY("unhealthy");

    private final String json;

    Status(String json) {
        this.json = json;
    }

    /** The lower-case word used in JSON bodies and logs. */
    public String json() {
        return json;
    }

    public Status worst(Status other) {
        return other.ordinal() > ordinal() ? other : this;
    }

    /** The status for {@code value} against two thresholds; a value at a threshold crosses it. */
    public static Status of(double value, double degradedAt, double unhealthyAt) {
        if (value >= unhealthyAt) {
            return UNHEALTHY;
        }
        return value >= degradedAt ? DEGRADED : HEALTHY;
    }
}
