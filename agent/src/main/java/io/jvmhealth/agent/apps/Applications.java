package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.config.OptionSpec;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.gates.Gates;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Publisher;
import io.jvmhealth.agent.health.checks.HangCheck;
import io.jvmhealth.agent.health.checks.RequestPoolCheck;
import io.jvmhealth.agent.health.checks.RequestPoolWatch;
import io.jvmhealth.agent.health.checks.hang.RequestPools;
import io.jvmhealth.agent.jmx.JmxAccess;
import io.jvmhealth.agent.jmx.JmxReader;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The applications recognized in this JVM ({@link Recognition} over {@link Recognizers#ALL}) and the checks they
 * planned: with {@code ready.auto}, their gates; with {@code hang} or {@code request-pool} enabled, those two checks
 * over the request pools of the servers recognized ({@link Recognizer#requestPools}, one watch for both). Knows no
 * application by name.
 */
public final class Applications {
    public static final OptionSpec READY_AUTO = OptionSpec.bool("ready.auto", "true",
            "recognize well-known applications and wait until they serve (`app:...` gates; see [gates.md](gates.md))");
    public static final List<OptionSpec> OPTIONS = Collections.singletonList(READY_AUTO);

    private final boolean enabled;
    private final List<Recognizer> recognized;
    private final List<HealthCheck> checks;
    private final Publisher.Deferred publisher;
    private final RequestPoolWatch pools;

    private Applications(boolean enabled, List<Recognizer> recognized, List<HealthCheck> checks, Publisher.Deferred publisher,
                         RequestPoolWatch pools) {
        this.enabled = enabled;
        this.recognized = recognized;
        this.checks = checks;
        this.publisher = publisher;
        this.pools = pools;
    }

    /**
     * Recognizes the applications of this JVM (reads the main class file and the loaded class list) and plans
     * their checks; method gates go into {@code gates}, before its watch starts.
     */
    public static Applications plan(Settings settings, Gates gates, Instrumentation instrumentation, boolean atLaunch,
                                    JmxAccess jmxAccess, JmxReader jmxReader) {
        Publisher.Deferred publisher = new Publisher.Deferred();
        boolean auto = settings.flag(READY_AUTO.key());
        boolean hang = settings.checks.contains(HangCheck.TYPE.name());
        boolean saturation = settings.checks.contains(RequestPoolCheck.TYPE.name());
        if (!auto && !hang && !saturation) {
            return new Applications(false, Collections.<Recognizer>emptyList(), Collections.<HealthCheck>emptyList(), publisher, null);
        }
        List<Recognizer> recognized = Recognition.recognize(Recognizers.ALL, System.getProperty("sun.java.command"), instrumentation);
        List<HealthCheck> checks = new ArrayList<HealthCheck>();
        if (auto && !recognized.isEmpty()) {
            AppContext context = new AppContext(gates, instrumentation, !atLaunch, jmxAccess, jmxReader, publisher);
            for (Recognizer r : recognized) {
                checks.addAll(r.plan(context));
            }
        }
        RequestPoolWatch watch = null;
        List<RequestPools> sources = hang || saturation ? requestPools(recognized) : Collections.<RequestPools>emptyList();
        if (!sources.isEmpty()) {
            watch = new RequestPoolWatch(sources, jmxAccess, jmxReader, settings.millis(HangCheck.AFTER.key()),
                    settings.millis(RequestPoolCheck.AFTER.key()), settings.intervalMillis);
            if (hang) {
                checks.add(new HangCheck(watch));
            }
            if (saturation) {
                checks.add(new RequestPoolCheck(watch));
            }
        }
        return new Applications(auto, auto ? recognized : Collections.<Recognizer>emptyList(), checks, publisher, watch);
    }

    /** The recognized applications' request pools, one source per server (Spring Boot and Tomcat both name Tomcat's). */
    static List<RequestPools> requestPools(List<Recognizer> recognized) {
        List<RequestPools> sources = new ArrayList<RequestPools>();
        List<String> servers = new ArrayList<String>();
        for (Recognizer r : recognized) {
            for (RequestPools p : r.requestPools()) {
                if (!servers.contains(p.server())) {
                    servers.add(p.server());
                    sources.add(p);
                }
            }
        }
        return sources;
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

    /** For the start line: what {@code ready.auto} recognized, and whose request pools are sought. */
    public String describe() {
        String pooled = pools == null ? "" : ", request pools of " + String.join(", ", pools.servers());
        if (!enabled) {
            return "ready.auto off" + pooled;
        }
        StringBuilder b = new StringBuilder("ready.auto recognized ");
        if (recognized.isEmpty()) {
            return b.append("no framework").append(pooled).toString();
        }
        for (int i = 0; i < recognized.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(recognized.get(i).name());
        }
        return b.append(pooled).toString();
    }
}
