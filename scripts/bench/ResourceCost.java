import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.checks.BuiltInChecks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * CPU time and allocation of one evaluate() of each resource check (memory, fds, cpu), measured on
 * the calling thread ({@link ThreadMXBean#getCurrentThreadCpuTime()} and HotSpot's
 * getThreadAllocatedBytes), after a warm-up. Usage: {@code ResourceCost [RUNS]}. Prints one line per
 * check with p50/p90 in microseconds and bytes allocated per call, and which cgroup files it read.
 */
public final class ResourceCost {
    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean sun = (com.sun.management.ThreadMXBean) mx;
        long self = Thread.currentThread().getId();
        for (String name : Arrays.asList("memory", "fds", "cpu")) {
            Settings s = io.jvmhealth.agent.runtime.Catalog.resolve("checks=" + name, new java.util.Properties(), Collections.<String, String>emptyMap()).settings;
            List<HealthCheck> checks = BuiltInChecks.create(s);
            HealthCheck check = checks.get(0);
            for (int i = 0; i < 500; i++) {
                check.evaluate();
            }
            long[] cpu = new long[runs];
            long bytes0 = sun.getThreadAllocatedBytes(self);
            for (int i = 0; i < runs; i++) {
                long c0 = mx.getCurrentThreadCpuTime();
                check.evaluate();
                cpu[i] = mx.getCurrentThreadCpuTime() - c0;
            }
            long bytes = (sun.getThreadAllocatedBytes(self) - bytes0) / runs;
            Arrays.sort(cpu);
            Object details = check.evaluate().details();
            System.out.printf("%s: p50 %.1f us, p90 %.1f us CPU per evaluate(), %d bytes allocated per call (%d runs); %s%n", name,
                    cpu[runs / 2] / 1000.0, cpu[runs * 9 / 10] / 1000.0, bytes, runs,
                    details instanceof java.util.Map ? ((java.util.Map<?, ?>) details).get("source") : "");
        }
    }
}
