package io.jvmhealth.agent.health;

/**
 * The four health answers, each a view over the checks by role (see {@link Role}). The HTTP layer
 * maps its paths to these; the snapshot holds one prepared answer per probe.
 */
public enum Probe {
    LIVE("/live"),
    READY("/ready"),
    STARTED("/started"),
    HEALTH("/health");

    private final String path;

    Probe(String path) {
        this.path = path;
    }

    /** The path that serves it, e.g. {@code /ready}. */
    public String path() {
        return path;
    }

    /** Whether {@code ?exclude=} applies to this probe (as in the contract: {@code /ready} and {@code /health}). */
    public boolean acceptsExclude() {
        return this == READY || this == HEALTH;
    }
}
