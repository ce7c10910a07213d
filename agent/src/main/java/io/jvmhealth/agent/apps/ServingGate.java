package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Role;

import java.lang.instrument.Instrumentation;
import java.util.Map;

/**
 * What the gates of recognized applications share: a {@link Role#STARTUP} gate under the recognizer's gate name
 * ({@code app:<framework>}) that, once passed, keeps judging readiness ({@code /ready} 503 once the application stops
 * serving), its watch ({@link #stillPassesNow()}) asked every {@link #WATCH_MILLIS}. When it passes, when it stops
 * serving and why stay each gate's own. Loaded with the first gate of a recognized application, never before.
 */
abstract class ServingGate implements HealthCheck {
    /** How often, once passed, the evaluator asks the gate's watch whether the application still serves. */
    static final long WATCH_MILLIS = 50;
    /** How often at most {@link #anyLoadedNow} looks through the loaded classes (a few ms each). */
    static final long CLASS_CHECK_NANOS = 5_000_000_000L;

    private final String name;
    private long lastClassCheck;

    ServingGate(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Role role() {
        return Role.STARTUP;
    }

    @Override
    public final boolean judgesReadinessOncePassed() {
        return true;
    }

    @Override
    public final long watchMillis() {
        return WATCH_MILLIS;
    }

    /**
     * Whether one of {@code classes} is loaded ({@link LoadedClasses#anyLoaded}: false without instrumentation),
     * looked up at most every {@link #CLASS_CHECK_NANOS}; null when the last look was more recent (evaluator thread).
     */
    final Boolean anyLoadedNow(Instrumentation instrumentation, String... classes) {
        long now = System.nanoTime();
        if (lastClassCheck != 0 && now - lastClassCheck < CLASS_CHECK_NANOS) {
            return null;
        }
        lastClassCheck = now;
        return LoadedClasses.anyLoaded(instrumentation, classes) ? Boolean.TRUE : Boolean.FALSE;
    }

    /** The gate passes without its application's signal, for {@code because} (also put into the details as decidedBy). */
    static CheckResult decided(String because, Map<String, Object> details) {
        details.put("decidedBy", because);
        return CheckResult.healthy(details);
    }
}
