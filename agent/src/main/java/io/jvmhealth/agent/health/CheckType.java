package io.jvmhealth.agent.health;

import io.jvmhealth.agent.config.OptionSpec;
import io.jvmhealth.agent.config.Settings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A built-in check as it declares itself, in its own class: its name, what it decides ({@link Role}),
 * one line saying what it measures, its option keys with defaults, ranges and documentation, which of
 * them are thresholds that must be ordered, its metric families, and how an instance is made from
 * the settings. The option parser, the {@code checks=} names, {@code /metrics} and the option tables of
 * the docs are views over these declarations. Immutable; built with {@link #named}.
 */
public final class CheckType {
    /** The suffix of every thresholded check's damping margin key ({@code heap.recover.margin}); see {@link Thresholds}. */
    public static final String RECOVER_MARGIN = ".recover.margin";
    /** The suffix of every thresholded check's damping time key ({@code heap.recover.after}). */
    public static final String RECOVER_AFTER = ".recover.after";

    /** Makes the check from the settings (on the evaluator thread); may throw, the check then reports why. */
    public interface Factory {
        HealthCheck create(Settings settings) throws Exception;
    }

    private final String name;
    private final Role role;
    private final String summary;
    private final List<OptionSpec> options;
    private final List<String[]> ordered;
    private final List<MetricFamily> metrics;
    private final Factory factory;
    private final String madeBy;

    private CheckType(Builder b, Factory factory, String madeBy) {
        this.madeBy = madeBy;
        this.name = b.name;
        this.role = b.role;
        this.summary = b.summary;
        this.options = Collections.unmodifiableList(new ArrayList<OptionSpec>(b.options));
        this.ordered = Collections.unmodifiableList(new ArrayList<String[]>(b.ordered));
        this.metrics = Collections.unmodifiableList(new ArrayList<MetricFamily>(b.metrics));
        this.factory = factory;
    }

    /** Starts the declaration of the check {@code name} (its stable name: {@code checks=}, {@code /health/<name>}). */
    public static Builder named(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public Role role() {
        return role;
    }

    /** What it measures, one line (docs). */
    public String summary() {
        return summary;
    }

    public List<OptionSpec> options() {
        return options;
    }

    /** Pairs {lower, upper} of its option keys: a degraded threshold must not exceed the unhealthy one. */
    public List<String[]> ordered() {
        return ordered;
    }

    public List<MetricFamily> metrics() {
        return metrics;
    }

    /**
     * Null for a check made from the settings alone ({@link #create}); otherwise the part of the agent that makes it
     * from what it knows besides (the {@code hang} check: the recognized applications, which know the servers' request
     * pools). Such a check is declared here all the same (its name, role, options and metric families are the agent's
     * like any other's), but {@link #create} does not make it.
     */
    public String madeBy() {
        return madeBy;
    }

    /** Makes the check from the settings; not for a check {@link #madeBy() made elsewhere}. */
    public HealthCheck create(Settings settings) throws Exception {
        if (factory == null) {
            throw new IllegalStateException("check '" + name + "' is made by " + madeBy);
        }
        return factory.create(settings);
    }

    @Override
    public String toString() {
        return name;
    }

    /** Collects a declaration; {@link #create} ends it. */
    public static final class Builder {
        private final String name;
        private Role role = Role.READINESS;
        private String summary = "";
        private final List<OptionSpec> options = new ArrayList<OptionSpec>();
        private final List<String[]> ordered = new ArrayList<String[]>();
        private final List<MetricFamily> metrics = new ArrayList<MetricFamily>();

        private Builder(String name) {
            this.name = name;
        }

        public Builder role(Role role) {
            this.role = role;
            return this;
        }

        public Builder summary(String summary) {
            this.summary = summary;
            return this;
        }

        public Builder options(OptionSpec... specs) {
            options.addAll(Arrays.asList(specs));
            return this;
        }

        /**
         * Its {@code degraded} key must not exceed its {@code unhealthy} key (unless that is {@code off}); declares the
         * flap damping keys {@code <name>.recover.margin} and {@code <name>.recover.after} too ({@link Thresholds}).
         */
        public Builder thresholds(String degradedKey, String unhealthyKey) {
            ordered.add(new String[] {degradedKey, unhealthyKey});
            options.add(OptionSpec.ratio(name + RECOVER_MARGIN, "0.05", "flap damping: `" + name + "` returns from a worse status at once"
                    + " only when its figure is below the threshold by this fraction of it ([checks.md](checks.md#flap-damping))"));
            options.add(OptionSpec.duration(name + RECOVER_AFTER, "60s", 0, 24 * 3_600_000L, "flap damping: `" + name + "` returns from a"
                    + " worse status once its figure stayed below the threshold this long (`0s`: no damping)"));
            return this;
        }

        /** Its {@code lower} key must not exceed its {@code upper} key (durations: degraded after, unhealthy after); no damping keys. */
        public Builder ordered(String lowerKey, String upperKey) {
            ordered.add(new String[] {lowerKey, upperKey});
            return this;
        }

        public Builder metrics(MetricFamily... families) {
            metrics.addAll(Arrays.asList(families));
            return this;
        }

        public CheckType create(Factory factory) {
            return new CheckType(this, factory, null);
        }

        /** Ends a declaration whose check another part of the agent makes ({@code by}, for the docs; see {@link CheckType#madeBy()}). */
        public CheckType madeBy(String by) {
            return new CheckType(this, null, by);
        }
    }
}
