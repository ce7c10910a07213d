package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.config.OptionSpec;
import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.CheckType;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;
import io.jvmhealth.agent.health.checks.hang.RequestPool;
import io.jvmhealth.agent.health.checks.hang.RequestPoolJudge;
import io.jvmhealth.agent.health.checks.hang.Verdict;

import java.util.Map;

/**
 * A saturated request pool (readiness): a recognized server whose request threads have all been busy with no request
 * completed for {@code request-pool.after} serves nobody new, so {@code /ready} is 503 until one completes or a thread
 * is free; busy but completing is degraded (still ready). The twin of {@link HangCheck} (liveness, after
 * {@code hang.after}), sharing its {@link RequestPoolWatch}. Left out of the snapshot while no pool has been found.
 */
public final class RequestPoolCheck implements HealthCheck {
    public static final OptionSpec AFTER = OptionSpec.duration("request-pool.after", "30s", 1000, 24 * 3_600_000L,
            "a recognized server whose request threads are all busy and that completes no request for this long is not ready:"
                    + " `/ready` 503 ([checks.md](checks.md#request-pool); 1 s to 24 h)");
    public static final CheckType TYPE = CheckType.named("request-pool")
            .role(Role.READINESS)
            .summary("a recognized server's request threads all busy: degraded while requests complete, unhealthy (`/ready` 503) when"
                    + " none completes for `request-pool.after`")
            .options(AFTER)
            .madeBy("the recognized applications (apps/Applications), which know the servers' request pools");

    private final RequestPoolWatch watch;

    public RequestPoolCheck(RequestPoolWatch watch) {
        this.watch = watch;
    }

    @Override
    public String name() {
        return TYPE.name();
    }

    @Override
    public Role role() {
        return Role.READINESS;
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
        Verdict v = j == null ? Verdict.OK : j.verdict(now);
        Status status = v == Verdict.UNHEALTHY ? Status.UNHEALTHY : v == Verdict.DEGRADED ? Status.DEGRADED : Status.HEALTHY;
        String reason = status == Status.HEALTHY ? null : worst.server() + " " + worst.name() + ": " + j.reason(now);
        return CheckResult.of(status, reason, details);
    }

    @Override
    public void close() {
        watch.close();
    }
}
