package io.jvmhealth.agent.rules;

import io.jvmhealth.agent.JvmHealthAgent;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.health.Evaluator;
import io.jvmhealth.agent.health.HealthCheck;

import javax.management.MBeanServer;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the checks of the configured rules and active presets (after the built-ins, in that
 * order). They share one {@link JmxAccess} (the LogManager delay) and one {@link JmxReader} (the
 * reader threads, started only at the first read). No rule and no preset: no check, no thread.
 */
public final class RuleChecks {
    private RuleChecks() {
    }

    public static List<HealthCheck> create(Settings settings, Evaluator evaluator) {
        return create(settings.rules, settings.presets, settings.rulesTimeoutMillis,
                JmxAccess.platform(JvmHealthAgent.instrumentation()), evaluator);
    }

    /** Over a given server, ready at once (tests, benchmarks). */
    public static List<HealthCheck> create(List<Rule> rules, Iterable<String> presets, long timeoutMillis,
                                           MBeanServer server, Evaluator evaluator) {
        return create(rules, presets, timeoutMillis, JmxAccess.immediate(server), evaluator);
    }

    static List<HealthCheck> create(List<Rule> rules, Iterable<String> presets, long timeoutMillis,
                                    JmxAccess access, Evaluator evaluator) {
        List<HealthCheck> checks = new ArrayList<>();
        JmxReader reader = new JmxReader(timeoutMillis);
        RuleCheck.FirstReads first = new RuleCheck.FirstReads();
        for (Rule rule : rules) {
            checks.add(new RuleCheck(rule, false, access, reader, first, evaluator));
        }
        for (String preset : presets) {
            checks.add(new PresetCheck(preset, access, reader, first, evaluator));
        }
        return checks;
    }
}
