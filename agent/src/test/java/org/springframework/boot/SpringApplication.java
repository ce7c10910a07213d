package org.springframework.boot;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stand-in with the name of Spring Boot's entry class, for SpringBootGateTest only (Spring Boot is
 * not on the agent module's test class path): the test weaves the gate advice on its {@code run}
 * methods, as the agent does on Spring's, and calls them on threads of its own. Its static
 * {@code shutdownHook} has the shape of Spring Boot's registry of contexts, for SpringContextsTest.
 */
public final class SpringApplication {
    /** As Spring Boot's: the registry of the contexts its JVM shutdown hook will close (SpringContextsTest). */
    static final SpringApplicationShutdownHook shutdownHook = new SpringApplicationShutdownHook();

    private SpringApplication() {
    }

    /** Stays inside {@code run} until {@code release} counts down; then returns, or throws if asked to. */
    public static void run(CountDownLatch entered, CountDownLatch release, boolean fail) throws InterruptedException {
        entered.countDown();
        release.await();
        if (fail) {
            throw new IllegalStateException("application failed to start");
        }
    }

    /** A run inside a run (Spring Cloud's bootstrap context): the inner one returns once {@code inner} counts down. */
    public static void run(CountDownLatch entered, CountDownLatch inner, CountDownLatch outer) throws InterruptedException {
        run(new CountDownLatch(1), inner, false);
        entered.countDown();
        outer.await();
    }

    /** Stays inside {@code run} running (RUNNABLE, as Spring's start is) until {@code release} is set; then returns. */
    public static void run(CountDownLatch entered, AtomicBoolean release) {
        entered.countDown();
        long spins = 0;
        while (!release.get()) {
            spins++;
        }
        if (spins < 0) {
            throw new IllegalStateException(); // keeps the loop from being optimized away
        }
    }
}
