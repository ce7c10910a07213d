package io.jvmhealth.agent.rules;

import io.jvmhealth.agent.config.OptionSpec;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Publisher;
import io.jvmhealth.agent.jmx.JmxAccess;
import io.jvmhealth.agent.jmx.JmxReader;

import javax.management.MBeanServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Creates the checks of the configured rules and active presets (after the built-ins, in that
 * order). They share the agent's {@link JmxAccess} (the LogManager delay) and {@link JmxReader} (the
 * reader threads, started only at the first read). No rule and no preset: no check, no thread.
 */
public final class RuleChecks {
    /** The options the rules declare ({@code rule.<name>.<field>} keys are validated by {@link RuleOptions}). */
    public static final List<OptionSpec> OPTIONS = Arrays.asList(RuleOptions.PRESETS, RuleOptions.TIMEOUT);

    private RuleChecks() {
    }

    /** Over a given server, ready at once (tests, benchmarks). */
    public static List<HealthCheck> create(List<Rule> rules, Iterable<String> presets, long timeoutMillis,
                                           MBeanServer server, Publisher publisher) {
        return create(rules, presets, JmxAccess.immediate(server), new JmxReader(timeoutMillis), publisher);
    }

    public static List<HealthCheck> create(List<Rule> rules, Iterable<String> presets, JmxAccess access, JmxReader reader,
                                           Publisher publisher) {
        List<HealthCheck> checks = new ArrayList<>();
        RuleCheck.FirstReads first = new RuleCheck.FirstReads();
        for (Rule rule : rules) {
            checks.add(new RuleCheck(rule, false, access, reader, first, publisher));
        }
        for (String preset : presets) {
            checks.add(new PresetCheck(preset, access, reader, first, publisher));
        }
        return checks;
    }
}
