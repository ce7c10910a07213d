package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.config.Settings;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.CheckType;
import io.jvmhealth.agent.health.MetricFamily;
import io.jvmhealth.agent.health.checks.platform.PlatformBeans;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Status;

import java.lang.management.LockInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fails liveness when threads are deadlocked: a restart is the only cure. Uses
 * {@link ThreadMXBean#findDeadlockedThreads()} (monitors and ownable synchronizers such as
 * {@code ReentrantLock}) and falls back to monitors only where the JVM cannot track synchronizers.
 * The report is bounded: at most {@link #MAX_THREADS} threads with {@link #MAX_FRAMES} frames each.
 */
public final class DeadlockCheck implements HealthCheck {
    public static final MetricFamily DEADLOCKED_THREADS = MetricFamily.gauge("jvmhealth_check_deadlocked_threads",
            "Threads deadlocked now (0 when none).");
    public static final CheckType TYPE = CheckType.named("deadlock").role(Role.LIVENESS)
            .summary("threads deadlocked on monitors or ownable synchronizers: liveness (only a restart cures it)")
            .metrics(DEADLOCKED_THREADS)
            .create(new CheckType.Factory() {
                @Override
                public HealthCheck create(Settings settings) {
                    return new DeadlockCheck(PlatformBeans.threads());
                }
            });

    static final int MAX_THREADS = 16;
    static final int MAX_FRAMES = 8;

    private final ThreadMXBean threads;
    private final boolean synchronizers;

    public DeadlockCheck(ThreadMXBean threads) {
        this.threads = threads;
        this.synchronizers = threads.isSynchronizerUsageSupported();
    }

    @Override
    public String name() {
        return TYPE.name();
    }

    /** A deadlock is a state that only a restart cures. */
    @Override
    public Role role() {
        return TYPE.role();
    }

    @Override
    public List<MetricFamily> metricFamilies() {
        return TYPE.metrics();
    }

    @Override
    public CheckResult evaluate() {
        long[] ids = synchronizers ? threads.findDeadlockedThreads() : threads.findMonitorDeadlockedThreads();
        if (ids == null || ids.length == 0) {
            return (synchronizers ? CheckResult.healthy(null)
                    : CheckResult.healthy(Collections.<String, Object>singletonMap("scope", "monitors only: this JVM does not track ownable synchronizers")))
                    .with(0);
        }
        long[] reported = ids.length > MAX_THREADS ? java.util.Arrays.copyOf(ids, MAX_THREADS) : ids;
        ThreadInfo[] infos = threads.getThreadInfo(reported, MAX_FRAMES);
        List<Object> described = new ArrayList<>();
        StringBuilder reason = new StringBuilder().append(ids.length).append(" threads deadlocked: ");
        boolean first = true;
        for (ThreadInfo info : infos) {
            if (info == null) {
                continue; // the thread ended between the two calls
            }
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", info.getThreadName());
            t.put("id", info.getThreadId());
            t.put("state", String.valueOf(info.getThreadState()));
            LockInfo lock = info.getLockInfo();
            String lockName = lock == null ? String.valueOf(info.getLockName()) : lock.getClassName() + "@" + Integer.toHexString(lock.getIdentityHashCode());
            t.put("waitingFor", lockName);
            t.put("heldBy", info.getLockOwnerName());
            t.put("heldById", info.getLockOwnerId());
            List<Object> stack = new ArrayList<>();
            for (StackTraceElement frame : info.getStackTrace()) {
                stack.add(frame.toString());
            }
            t.put("stack", stack);
            described.add(t);
            if (!first) {
                reason.append("; ");
            }
            first = false;
            reason.append('"').append(info.getThreadName()).append("\" waits for ").append(lockName)
                    .append(" held by \"").append(info.getLockOwnerName()).append('"');
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("deadlockedThreads", ids.length);
        details.put("threads", described);
        if (ids.length > reported.length) {
            details.put("truncated", true);
        }
        return CheckResult.of(Status.UNHEALTHY, reason.toString(), details).with(ids.length);
    }
}
