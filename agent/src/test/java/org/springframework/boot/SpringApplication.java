package org.springframework.boot;

import java.util.concurrent.CountDownLatch;

/**
 * A stand-in with the name of Spring Boot's entry class, for the Spring Boot gate's tests (Spring Boot is
 * not on the agent module's test class path): threads of the tests stay inside its {@code run} methods, where the
 * gate finds them by their stacks. Its static {@code shutdownHook} has the shape of Spring Boot's registry of contexts.
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
}
