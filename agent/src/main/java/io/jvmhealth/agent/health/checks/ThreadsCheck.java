package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.health.CheckNames;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Status;

import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/** Degraded or unhealthy when the live thread count reaches the configured limits (a thread leak). */
public final class ThreadsCheck implements HealthCheck {
    private final ThreadMXBean threads;
    private final int degradedAt;
    private final int unhealthyAt;

    public ThreadsCheck(ThreadMXBean threads, int degradedAt, int unhealthyAt) {
        this.threads = threads;
        this.degradedAt = degradedAt;
        this.unhealthyAt = unhealthyAt;
    }

    @Override
    public String name() {
        return CheckNames.THREADS;
    }

    @Override
    public CheckResult evaluate() {
        int live = threads.getThreadCount();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("live", live);
        details.put("peak", threads.getPeakThreadCount());
        details.put("daemon", threads.getDaemonThreadCount());
        Status status = Status.of(live, degradedAt, unhealthyAt);
        int limit = status == Status.UNHEALTHY ? unhealthyAt : degradedAt;
        return CheckResult.of(status, live + " live threads (" + status.json() + " at " + limit + ")", details);
    }
}
