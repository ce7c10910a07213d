package io.jvmhealth.agent.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every option key the agent knows, in documentation order, as declared by the classes that use them
 * (assembled by the runtime's catalog), with the pairs of keys that must be ordered (a check's
 * {@code degraded} threshold not above its {@code unhealthy} one) and the names of the built-in checks
 * ({@code checks=} and {@code disable=} accept those). Immutable.
 */
public final class OptionTable {
    private final Map<String, OptionSpec> specs;
    private final List<String[]> ordered;
    private final List<String> checkNames;

    private OptionTable(Map<String, OptionSpec> specs, List<String[]> ordered, List<String> checkNames) {
        this.specs = Collections.unmodifiableMap(specs);
        this.ordered = Collections.unmodifiableList(ordered);
        this.checkNames = Collections.unmodifiableList(checkNames);
    }

    /** Starts a table whose built-in checks are {@code checkNames} (report order). */
    public static Builder builder(List<String> checkNames) {
        return new Builder(checkNames);
    }

    /** The known keys, in documentation order. */
    public Set<String> keys() {
        return specs.keySet();
    }

    public OptionSpec spec(String key) {
        return specs.get(key);
    }

    /** Every declaration, in documentation order. */
    public List<OptionSpec> specs() {
        return new ArrayList<OptionSpec>(specs.values());
    }

    /** Pairs {low, high}: the value of low must not exceed the value of high. */
    List<String[]> ordered() {
        return ordered;
    }

    /** The built-in checks, in report order. */
    public List<String> checkNames() {
        return checkNames;
    }

    /** Collects declarations; a key declared twice is a bug of the agent, refused at once. */
    public static final class Builder {
        private final Map<String, OptionSpec> specs = new LinkedHashMap<String, OptionSpec>();
        private final List<String[]> ordered = new ArrayList<String[]>();
        private final List<String> checkNames;

        private Builder(List<String> checkNames) {
            this.checkNames = new ArrayList<String>(checkNames);
        }

        public Builder add(List<OptionSpec> declared) {
            for (OptionSpec s : declared) {
                if (specs.put(s.key(), s) != null) {
                    throw new IllegalStateException("option '" + s.key() + "' is declared twice");
                }
            }
            return this;
        }

        /** The value of {@code low} must not exceed that of {@code high} (a threshold that is {@code off} is never compared). */
        public Builder ordered(String low, String high) {
            ordered.add(new String[] {low, high});
            return this;
        }

        public OptionTable build() {
            return new OptionTable(new LinkedHashMap<String, OptionSpec>(specs), new ArrayList<String[]>(ordered), checkNames);
        }
    }
}
