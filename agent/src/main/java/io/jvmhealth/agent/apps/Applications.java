package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.config.OptionSpec;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.gates.Gates;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Publisher;
import io.jvmhealth.agent.jmx.JmxAccess;
import io.jvmhealth.agent.jmx.JmxReader;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code ready.auto}: the applications recognized in this JVM ({@link Recognition} over
 * {@link Recognizers#ALL}) and the checks they planned. Knows no application by name.
 */
public final class Applications {
    public static final OptionSpec READY_AUTO = OptionSpec.bool("ready.auto", "true",
            "recognize well-known applications and wait until they serve (`app:...` gates; see [gates.md](gates.md))");
    public static final List<OptionSpec> OPTIONS = Collections.singletonList(READY_AUTO);

    private final boolean enabled;
    private final List<Recognizer> recognized;
    private final List<HealthCheck> checks;
    private final Publisher.Deferred publisher;

    private Applications(boolean enabled, List<Recognizer> recognized, List<HealthCheck> checks, Publisher.Deferred publisher) {
        this.enabled = enabled;
        this.recognized = recognized;
        this.checks = checks;
        this.publisher = publisher;
    }

    /**
     * Recognizes the applications of this JVM (reads the main class file and the loaded class list) and plans
     * their checks; method gates go into {@code gates}, before its watch starts.
     */
    public static Applications plan(Settings settings, Gates gates, Instrumentation instrumentation, boolean atLaunch,
                                    JmxAccess jmxAccess, JmxReader jmxReader) {
        Publisher.Deferred publisher = new Publisher.Deferred();
        if (!settings.flag(READY_AUTO.key())) {
            return new Applications(false, Collections.<Recognizer>emptyList(), Collections.<HealthCheck>emptyList(), publisher);
        }
        List<Recognizer> recognized = Recognition.recognize(Recognizers.ALL, System.getProperty("sun.java.command"), instrumentation);
        AppContext context = new AppContext(gates, instrumentation, !atLaunch, jmxAccess, jmxReader, publisher);
        List<HealthCheck> checks = new ArrayList<HealthCheck>();
        for (Recognizer r : recognized) {
            checks.addAll(r.plan(context));
        }
        return new Applications(true, recognized, checks, publisher);
    }

    /** The planned checks, in recognizer order (for the evaluator, on its thread). */
    public List<HealthCheck> checks(Publisher evaluator) {
        publisher.set(evaluator);
        return checks;
    }

    /** The recognized applications' gate names ({@code app:<name>}), in order. */
    public List<String> gateNames() {
        List<String> names = new ArrayList<String>();
        for (Recognizer r : recognized) {
            names.add(r.gateName());
        }
        return names;
    }

    /** For the start line: what {@code ready.auto} recognized. */
    public String describe() {
        if (!enabled) {
            return "ready.auto off";
        }
        StringBuilder b = new StringBuilder("ready.auto recognized ");
        if (recognized.isEmpty()) {
            return b.append("no framework").toString();
        }
        for (int i = 0; i < recognized.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(recognized.get(i).name());
        }
        return b.toString();
    }
}
