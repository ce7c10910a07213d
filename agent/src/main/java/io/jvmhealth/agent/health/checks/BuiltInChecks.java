package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.AgentLog;
import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.health.CheckNames;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.HealthCheck;

import io.jvmhealth.agent.health.checks.cgroup.Cgroup;
import io.jvmhealth.agent.health.checks.platform.PlatformBeans;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the enabled built-in checks from the platform MXBeans. A check that cannot be created on
 * this JVM is replaced by one that reports why, so one missing bean never takes the others down.
 */
public final class BuiltInChecks {
    private BuiltInChecks() {
    }

    public static List<HealthCheck> create(Settings settings) {
        List<HealthCheck> checks = new ArrayList<>();
        Cgroup cgroup = null;
        for (String name : settings.checks) {
            try {
                if (cgroup == null && (name.equals(CheckNames.MEMORY) || name.equals(CheckNames.CPU))) {
                    cgroup = Cgroup.ofThisProcess();
                }
                checks.add(create(name, settings, cgroup));
            } catch (Throwable e) {
                checks.add(new Unavailable(name, e));
            }
        }
        return checks;
    }

    private static HealthCheck create(String name, Settings s, Cgroup cgroup) {
        switch (name) {
            case CheckNames.DEADLOCK:
                return new DeadlockCheck(PlatformBeans.threads());
            case CheckNames.HEAP:
                return new HeapCheck(PlatformBeans.memoryPools(), PlatformBeans.garbageCollectors(), s.heapDegraded, s.heapUnhealthy);
            case CheckNames.GC:
                return new GcCheck(PlatformBeans.garbageCollectors(), s.gcDegraded, s.gcUnhealthy, s.gcWindowMillis);
            case CheckNames.THREADS:
                return new ThreadsCheck(PlatformBeans.threads(), s.threadsDegraded, s.threadsUnhealthy);
            case CheckNames.MEMORY:
                return new MemoryCheck(cgroup, PlatformBeans.memory(), PlatformBeans.memoryPools(),
                        new java.util.concurrent.Callable<List<BufferPoolMXBean>>() {
                            @Override
                            public List<BufferPoolMXBean> call() {
                                return PlatformBeans.bufferPools();
                            }
                        }, s.memoryDegraded, s.memoryUnhealthy);
            case CheckNames.FDS:
                return new FdsCheck(new java.util.concurrent.Callable<java.lang.management.OperatingSystemMXBean>() {
                    @Override
                    public java.lang.management.OperatingSystemMXBean call() {
                        return ManagementFactory.getOperatingSystemMXBean();
                    }
                }, s.fdsDegraded, s.fdsUnhealthy);
            case CheckNames.CPU:
                return new CpuCheck(cgroup, s.cpuDegraded, s.cpuUnhealthy,
                        s.cpuWindowMillis, s.intervalMillis);
            default:
                throw new IllegalArgumentException("no built-in check named '" + name + "'");
        }
    }

    /** Stands in for a check whose MXBeans this JVM could not provide. */
    private static final class Unavailable implements HealthCheck {
        private final String name;
        private final String reason;

        Unavailable(String name, Throwable error) {
            this.name = name;
            this.reason = "check could not be created on this JVM: " + AgentLog.describe(error);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public CheckResult evaluate() {
            return CheckResult.failed(reason);
        }
    }
}
