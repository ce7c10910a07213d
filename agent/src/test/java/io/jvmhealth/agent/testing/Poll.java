package io.jvmhealth.agent.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/** Waits for a condition by polling with a deadline; never a fixed sleep. */
public final class Poll {
    private Poll() {
    }

    /**
     * Calls {@code probe} every 50 ms until {@code done} accepts its value, and returns that value.
     * Fails with {@code what} and the last value seen (or the last exception) at the deadline.
     */
    public static <T> T until(String what, Duration timeout, Callable<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        Exception lastError = null;
        while (true) {
            try {
                last = probe.call();
                lastError = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (Exception e) {
                lastError = e;
            }
            if (System.nanoTime() - deadline > 0) {
                AssertionError failure = new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for "
                        + what + "; last value: " + last + (lastError == null ? "" : "; last error: " + lastError));
                if (lastError != null) {
                    failure.initCause(lastError);
                }
                throw failure;
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }
}
