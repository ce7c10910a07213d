package io.jvmhealth.agent.runtime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The background bind's pauses: quick at first (a CLI tool's JVM often ends within a second), then once a second. */
class BindRetryTest {
    @Test
    void pausesDoubleFromATenthOfASecondToOneSecond() {
        long[] expected = {100, 200, 400, 800, 1000, 1000};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], BindRetry.delayMillis(i), "attempt " + i);
        }
        assertEquals(1000, BindRetry.delayMillis(Integer.MAX_VALUE));
        long total = 0;
        int attempts = 0;
        while (total < BindRetry.LIMIT_MILLIS) {
            total += BindRetry.delayMillis(attempts++);
        }
        assertEquals(299, attempts - 4, "about one attempt a second for five minutes");
    }
}
