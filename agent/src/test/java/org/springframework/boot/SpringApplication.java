package org.springframework.boot;

import java.util.concurrent.CountDownLatch;

/**
 * A stand-in with the name of Spring Boot's entry class, for SpringBootGateTest only (Spring Boot is
 * not on the agent module's test class path): a thread inside {@link #run} shows the frame
 * {@code org.springframework.boot.SpringApplication.run} that the gate looks for, until released.
 */
public final class SpringApplication {
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
