package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.base.AgentLog;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.CheckType;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Role;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The built-in checks: every {@link CheckType} in report order (the one list a new check is added
 * to), and their creation. A check that cannot be created on this JVM is replaced by one that reports
 * why, so one missing bean never takes the others down.
 */
public final class BuiltInChecks {
    /** Every built-in check, in report order. */
    public static final List<CheckType> TYPES = Collections.unmodifiableList(Arrays.asList(
            DeadlockCheck.TYPE, HeapCheck.TYPE, GcCheck.TYPE, ThreadsCheck.TYPE, MemoryCheck.TYPE, FdsCheck.TYPE, CpuCheck.TYPE,
            VirtualThreadsCheck.TYPE, GcSpiralCheck.TYPE, HangCheck.TYPE, RequestPoolCheck.TYPE));

    private BuiltInChecks() {
    }

    /** The names of {@link #TYPES}, in order. */
    public static List<String> names() {
        List<String> names = new ArrayList<String>();
        for (CheckType t : TYPES) {
            names.add(t.name());
        }
        return names;
    }

    /** The enabled built-in checks ({@code checks=}, {@code disable=}), in report order. */
    public static List<HealthCheck> create(Settings settings) {
        List<HealthCheck> checks = new ArrayList<HealthCheck>();
        for (CheckType type : TYPES) {
            if (!settings.checks.contains(type.name()) || type.madeBy() != null) {
                continue; // disabled, or made elsewhere (hang, request-pool: by the recognized applications)
            }
            try {
                checks.add(type.create(settings));
            } catch (Throwable e) {
                checks.add(new Unavailable(type, e));
            }
        }
        return checks;
    }

    /** Stands in for a check whose MXBeans this JVM could not provide. */
    private static final class Unavailable implements HealthCheck {
        private final CheckType type;
        private final String reason;

        Unavailable(CheckType type, Throwable error) {
            this.type = type;
            this.reason = "check could not be created on this JVM: " + AgentLog.describe(error);
        }

        @Override
        public String name() {
            return type.name();
        }

        @Override
        public Role role() {
            return type.role();
        }

        @Override
        public CheckResult evaluate() {
            return CheckResult.failed(reason);
        }
    }
}
