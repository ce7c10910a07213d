package io.jvmhealth.agent.testing;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.HealthCheck;
import io.jvmhealth.agent.health.Role;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A check that, once {@link #block()} is called, blocks its evaluation until {@link #release()}: the
 * one way tests stall an in-process evaluator. Healthy otherwise; counts its evaluations.
 */
public final class BlockingCheck implements HealthCheck {
    private final String name;
    private final Role role;
    private final AtomicBoolean block = new AtomicBoolean();
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger evaluations = new AtomicInteger();

    public BlockingCheck(String name, Role role) {
        this.name = name;
        this.role = role;
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

    @Override
    public String name() {
        return name;
    }

    @Override
    public Role role() {
        return role;
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
        return CheckResult.healthy(null);
    }
}
