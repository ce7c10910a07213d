package io.jvmhealth.agent.health;

/**
 * One family of {@code /metrics}, declared by the check (or the part of the agent) that owns it: its
 * name, its type and its help text. A check's result carries one figure per family it declares
 * ({@link CheckResult#with(double...)}); {@code /metrics} writes {@code name{check="<check>"} figure} for
 * each, so renaming a detail of a JSON body never renames a metric. Families that several checks
 * share (the same name) must be the same declaration: {@link #RATIO} and {@link #WINDOW_SECONDS} are
 * such, and a test holds every declared family of the agent to one type and help per name.
 */
public final class MetricFamily {
    /** The Prometheus metric types the agent writes. */
    public enum Type {
        GAUGE("gauge"),
        COUNTER("counter");

        private final String word;

        Type(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /** The checked figure as a fraction of its limit (heap after GC of its max, open descriptors of the limit, ...). */
    public static final MetricFamily RATIO = gauge("jvmhealth_check_ratio",
            "The figure each check judges, as a fraction of its limit (heap after GC of max, open file descriptors of the limit, working set of the memory limit).");
    /** The window a check's figure is taken over. */
    public static final MetricFamily WINDOW_SECONDS = gauge("jvmhealth_check_window_seconds",
            "The window each check's figure is taken over, in seconds.");

    private final String name;
    private final Type type;
    private final String help;

    private MetricFamily(String name, Type type, String help) {
        this.name = name;
        this.type = type;
        this.help = help;
    }

    public static MetricFamily gauge(String name, String help) {
        return new MetricFamily(name, Type.GAUGE, help);
    }

    /** A counter: {@code name} ends in {@code _total}. */
    public static MetricFamily counter(String name, String help) {
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends in _total: " + name);
        }
        return new MetricFamily(name, Type.COUNTER, help);
    }

    public String name() {
        return name;
    }

    public Type type() {
        return type;
    }

    public String help() {
        return help;
    }

    @Override
    public String toString() {
        return name;
    }
}
