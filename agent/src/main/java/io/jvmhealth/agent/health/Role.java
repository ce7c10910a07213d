package io.jvmhealth.agent.health;

/**
 * What a check decides. Every check (built-in, resource, rule, gate) declares one; the endpoints
 * are views over the checks by role:
 * <ul>
 *   <li>{@code /live}: the {@link #LIVENESS} checks (an observed unhealthy state means a restart
 *       helps), and the evaluation being fresh;</li>
 *   <li>{@code /started}: the first evaluation done and every {@link #STARTUP} check (a gate)
 *       passed once; a passed gate is latched;</li>
 *   <li>{@code /ready}: started, and no {@link #LIVENESS} or {@link #READINESS} check unhealthy
 *       (nor a passed gate that keeps judging readiness, see
 *       {@link HealthCheck#judgesReadinessOncePassed()});</li>
 *   <li>{@code /health}: every check.</li>
 * </ul>
 */
public enum Role {
    LIVENESS("liveness"),
    READINESS("readiness"),
    STARTUP("startup");

    private final String word;

    Role(String word) {
        this.word = word;
    }

    /** The lower-case word used in options and documentation. */
    public String word() {
        return word;
    }

    /** The role named {@code word} (case-insensitive), or null. */
    public static Role named(String word) {
        for (Role r : values()) {
            if (r.word.equalsIgnoreCase(word.trim())) {
                return r;
            }
        }
        return null;
    }
}
