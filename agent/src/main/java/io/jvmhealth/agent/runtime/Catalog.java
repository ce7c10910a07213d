package io.jvmhealth.agent.runtime;

import io.jvmhealth.agent.apps.Applications;
import io.jvmhealth.agent.config.InvalidOptionException;
import io.jvmhealth.agent.config.OptionTable;
import io.jvmhealth.agent.config.Options;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.evidence.Evidence;
import io.jvmhealth.agent.gates.Gates;
import io.jvmhealth.agent.health.CheckType;
import io.jvmhealth.agent.health.checks.BuiltInChecks;
import io.jvmhealth.agent.rules.Rule;
import io.jvmhealth.agent.rules.RuleChecks;
import io.jvmhealth.agent.rules.RuleOptions;
import io.jvmhealth.agent.shutdown.ShutdownWatch;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Every option of the agent, gathered from the classes that declare them, in documentation order:
 * {@code port}, {@code host}, {@code interval}; each built-in check's own ({@link BuiltInChecks#TYPES});
 * which checks run, details, token, log; the gates', the applications', the rules' and the evidence's;
 * {@code config} last. The command-line tool validates options with it too, before attaching.
 */
public final class Catalog {
    private static volatile OptionTable table;

    private Catalog() {
    }

    /** The option table (built once). */
    public static OptionTable options() {
        OptionTable t = table;
        if (t == null) {
            OptionTable.Builder b = OptionTable.builder(BuiltInChecks.names()).add(Settings.leadingSpecs());
            for (CheckType type : BuiltInChecks.TYPES) {
                b.add(type.options());
                for (String[] pair : type.ordered()) {
                    b.ordered(pair[0], pair[1]);
                }
            }
            b.add(Settings.generalSpecs(BuiltInChecks.names()))
                    .add(Gates.OPTIONS)
                    .add(Applications.OPTIONS)
                    .add(RuleChecks.OPTIONS)
                    .add(Evidence.OPTIONS)
                    .add(ShutdownWatch.OPTIONS)
                    .add(Settings.configSpec());
            t = b.build();
            table = t;
        }
        return t;
    }

    /** Settings and rules from this JVM's own sources ({@code -javaagent} options, system properties, environment, file). */
    static Configuration fromEnvironment(String agentArgs) throws InvalidOptionException {
        return resolve(agentArgs, System.getProperties(), System.getenv());
    }

    /** Validates every option, rules included; the first mistake is the exception. */
    public static Configuration resolve(String agentArgs, Properties properties, Map<String, String> env) throws InvalidOptionException {
        Settings settings = Options.resolve(agentArgs, properties, env, options());
        @SuppressWarnings("unchecked")
        List<Integer> ports = settings.get(Gates.READY_PORT.key(), List.class);
        if (settings.port != 0 && ports.contains(settings.port)) {
            throw new InvalidOptionException("option 'ready.port' (from " + settings.origin(Gates.READY_PORT.key()) + ") names "
                    + settings.port + ", the agent's own port: expected the application's ports");
        }
        return new Configuration(settings, RuleOptions.rules(settings, BuiltInChecks.names()));
    }

    /** Validated settings and the rules they define. */
    public static final class Configuration {
        public final Settings settings;
        public final List<Rule> rules;

        Configuration(Settings settings, List<Rule> rules) {
            this.settings = settings;
            this.rules = Collections.unmodifiableList(rules);
        }
    }
}
