package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.config.OptionSpec;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.CheckType;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.MetricFamily;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.health.checks.hang.RequestPool;
import io.jvmhealth.agent.health.checks.hang.RequestPoolJudge;
import io.jvmhealth.agent.health.checks.hang.Verdict;

import java.util.List;
import java.util.Map;

/**
 * A hung request pool (liveness): a recognized server whose request threads are all busy and that has completed no
 * request for {@code hang.after} serves nobody and will not again (requests blocked forever, e.g. reading from a
 * downstream that never answers, with no timeout): {@code /live} 503, and the evidence's thread dump shows what the
 * threads wait for. Any completion starts it afresh: a server that is busy but completes requests is never hung. A pool
 * whose server counts no completions (Jetty without a {@code StatisticsHandler}, Undertow without jboss-threads
 * statistics) is never judged hung, and its details say so. Left out of the snapshot while no pool has been found.
 * Made by the recognized applications ({@code apps/Applications}), which know the servers; its readiness twin is
 * {@link RequestPoolCheck}.
 */
public final class HangCheck implements HealthCheck {
    public static final MetricFamily BUSY_THREADS = MetricFamily.gauge("jvmhealth_check_busy_threads",
            "Busy request threads of the pool each check judges (the worst pool).");
    public static final MetricFamily MAX_THREADS = MetricFamily.gauge("jvmhealth_check_max_threads",
            "The most request threads that pool may have.");
    public static final MetricFamily COMPLETED = MetricFamily.gauge("jvmhealth_check_completed",
            "Requests (or tasks) that pool has completed, as its server counts them; absent where it counts none.");
    public static final OptionSpec AFTER = OptionSpec.duration("hang.after", "5m", 1000, 24 * 3_600_000L,
            "a recognized server whose request threads are all busy and that completes no request for this long is hung: `/live` 503"
                    + " ([checks.md](checks.md#hang); 1 s to 24 h)");
    public static final CheckType TYPE = CheckType.named("hang")
            .role(Role.LIVENESS)
            .summary("a recognized server (Tomcat, Jetty, Undertow) whose request threads are all busy and that completes no request"
                    + " for `hang.after` (`/live` 503)")
            .options(AFTER)
            .metrics(BUSY_THREADS, MAX_THREADS, COMPLETED)
            .madeBy("the recognized applications (apps/Applications), which know the servers' request pools");

    private final RequestPoolWatch watch;

    public HangCheck(RequestPoolWatch watch) {
        this.watch = watch;
    }

    @Override
    public String name() {
        return TYPE.name();
    }

    @Override
    public Role role() {
        return Role.LIVENESS;
    }

    @Override
    public List<MetricFamily> metricFamilies() {
        return TYPE.metrics();
    }

    @Override
    public CheckResult evaluate() {
        return evaluate(System.nanoTime());
    }

    CheckResult evaluate(long now) {
        watch.update(now);
        if (watch.nothingFound()) {
            return CheckResult.absent();
        }
        RequestPool worst = watch.worst(now);
        RequestPoolJudge j = watch.judge(worst);
        Map<String, Object> details = watch.details(now);
        Status status = Status.HEALTHY;
        String reason = null;
        if (j != null && j.hung(now)) {
            status = Status.UNHEALTHY;
            reason = worst.server() + " " + worst.name() + ": " + j.reason(now);
        } else if (j != null && j.verdict(now) == Verdict.UNHEALTHY) {
            status = Status.DEGRADED; // not ready already (request-pool); hung once it lasts hang.after
            reason = worst.server() + " " + worst.name() + ": all " + worst.max() + " request threads busy and no request completed for "
                    + j.stalledFor(now) / 1_000_000_000L + "s (hung after " + details.get("hangAfterSeconds") + "s)";
        }
        return CheckResult.of(status, reason, details).with(worst.busy() < 0 ? Double.NaN : worst.busy(),
                worst.max() <= 0 ? Double.NaN : worst.max(), worst.completed() < 0 ? Double.NaN : worst.completed());
    }

    @Override
    public void close() {
        watch.close();
    }
}
