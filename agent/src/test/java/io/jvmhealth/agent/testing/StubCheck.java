package io.jvmhealth.agent.testing;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.MetricFamily;
import io.jvmhealth.agent.health.Role;
import io.jvmhealth.agent.health.Status;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The tests' one stand-in for a check: named, with a role, whose next result the test sets ({@link #set}, or a
 * failure to throw), which can block its evaluation until released (the way tests stall an evaluator), counts its
 * evaluations and how often it was told of the start, and declares the metric families the test gives it.
 * Healthy until told otherwise; a startup gate ({@link #gate}) waits until {@link #pass()}.
 */
public final class StubCheck implements HealthCheck {
    private final String name;
    private final Role role;
    private final boolean keepsJudging;
    private final AtomicReference<CheckResult> next;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicBoolean block = new AtomicBoolean();
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger evaluations = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private volatile List<MetricFamily> families = java.util.Collections.emptyList();
    private volatile Runnable onStarted;

    private StubCheck(String name, Role role, boolean keepsJudging, CheckResult first) {
        this.name = name;
        this.role = role;
        this.keepsJudging = keepsJudging;
        this.next = new AtomicReference<>(first);
    }

    /** A healthy check with this role. */
    public static StubCheck of(String name, Role role) {
        return new StubCheck(name, role, false, CheckResult.healthy(null));
    }

    /** A readiness check. */
    public static StubCheck readiness(String name) {
        return of(name, Role.READINESS);
    }

    /** A liveness check. */
    public static StubCheck liveness(String name) {
        return of(name, Role.LIVENESS);
    }

    /** A startup gate, waiting ("waiting") until {@link #pass()}; {@code keepsJudging}: it judges readiness once passed. */
    public static StubCheck gate(String name, boolean keepsJudging) {
        return new StubCheck(name, Role.STARTUP, keepsJudging, CheckResult.of(Status.UNHEALTHY, "waiting", null));
    }

    /** The result of the next evaluations. */
    public StubCheck set(CheckResult result) {
        next.set(result);
        failure.set(null);
        return this;
    }

    /** The next evaluations throw this. */
    public StubCheck failWith(RuntimeException e) {
        failure.set(e);
        return this;
    }

    /** The next evaluations throw this error (a check's bug that is not an exception: StackOverflowError, LinkageError). */
    public StubCheck failWith(Error e) {
        failure.set(e);
        return this;
    }

    /** A gate passes (healthy from now on). */
    public StubCheck pass() {
        return set(CheckResult.healthy(null));
    }

    public StubCheck families(MetricFamily... declared) {
        families = Arrays.asList(declared);
        return this;
    }

    /** Runs when the evaluator tells the check of the start. */
    public StubCheck onStarted(Runnable r) {
        onStarted = r;
        return this;
    }

    /** From now on, evaluations block until {@link #release()}. */
    public void block() {
        block.set(true);
    }

    /** Lets blocked evaluations return, and no later one block. */
    public void release() {
        block.set(false);
        released.countDown();
    }

    public int evaluations() {
        return evaluations.get();
    }

    /** How many times the evaluator told it of the start. */
    public int startedCalls() {
        return started.get();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Role role() {
        return role;
    }

    @Override
    public boolean judgesReadinessOncePassed() {
        return keepsJudging;
    }

    @Override
    public List<MetricFamily> metricFamilies() {
        return families;
    }

    @Override
    public CheckResult evaluate() {
        evaluations.incrementAndGet();
        if (block.get()) {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Throwable e = failure.get();
        if (e instanceof Error) {
            throw (Error) e;
        }
        if (e != null) {
            throw (RuntimeException) e;
        }
        return next.get();
    }

    @Override
    public void started() {
        started.incrementAndGet();
        Runnable r = onStarted;
        if (r != null) {
            r.run();
        }
    }
}
