package io.jvmhealth.agent.apps;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Publisher;
import io.jvmhealth.agent.health.Status;

import java.lang.instrument.Instrumentation;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code app:spring-boot}: until it passes, the method gate on {@code SpringApplication.run} decides (see
 * {@link SpringBoot}); once passed, it goes on judging readiness: it fails when Spring's application contexts are all
 * closed while the JVM lives on (the application calls {@code close()}), seen within {@link #WATCH_MILLIS} by
 * {@link SpringContexts} (one boolean per context; no thread's stack is read, no bytecode beyond the start gate's).
 */
final class SpringBootGate extends ServingGate {
    private final HealthCheck start;
    private final SpringContexts contexts;
    /** Set once the start gate passed (evaluator thread). */
    private volatile boolean passed;
    private volatile Publisher publisher;

    SpringBootGate(HealthCheck start, Instrumentation instrumentation) {
        this(start, new SpringContexts(instrumentation));
    }

    SpringBootGate(HealthCheck start, SpringContexts contexts) {
        super(start.name());
        this.start = start;
        this.contexts = contexts;
    }

    /** The start gate (tests). */
    HealthCheck start() {
        return start;
    }

    /** Once passed (evaluator thread, every {@link #WATCH_MILLIS}): one boolean per known context. */
    @Override
    public boolean stillPassesNow() {
        return !passed || contexts.anyOpen();
    }

    @Override
    public boolean passesNow() {
        return passed ? contexts.anyOpen() : start.passesNow();
    }

    @Override
    public void publishTo(Publisher evaluator) {
        publisher = evaluator;
    }

    @Override
    public CheckResult evaluate() {
        CheckResult r = start.evaluate();
        if (r == null || r.status() != Status.HEALTHY) {
            return r;
        }
        Map<String, Object> details = new LinkedHashMap<String, Object>(r.details());
        if (!passed) {
            // The pass is published first; the contexts are looked for in the evaluation asked for right after it. The
            // first look goes over the loaded classes (tens of ms on a large application that has just started), and
            // must not stand between run's return and /ready 200.
            passed = true;
            Publisher p = publisher;
            if (p != null) {
                p.publishNow();
            }
            details.put("contextWatch", "looked for from the next evaluation");
            return CheckResult.healthy(details);
        }
        String closed = contexts.closed(details);
        return closed == null ? CheckResult.healthy(details) : CheckResult.of(Status.UNHEALTHY, closed, details);
    }

    @Override
    public void started() {
        start.started();
    }

    @Override
    public void close() {
        start.close();
    }
}
