package io.jvmhealth.agent.health.checks.hang;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DumpPacingTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long S = TimeUnit.SECONDS.toNanos(1);

    @Test
    void theFirstDumpIsAllowedAtOnce() {
        assertTrue(new DumpPacing(10 * S, 100).allowed(0));
    }

    @Test
    void aCheapDumpWaitsTheMinimumSpacing() {
        DumpPacing p = new DumpPacing(10 * S, 100);
        p.taken(0, 5 * MS);
        assertFalse(p.allowed(9 * S));
        assertTrue(p.allowed(10 * S));
        assertEquals(S, p.remaining(9 * S));
    }

    @Test
    void anExpensiveDumpWaitsAHundredTimesItsCost() {
        DumpPacing p = new DumpPacing(10 * S, 100);
        p.taken(0, 2400 * MS); // 100,000 virtual threads on JDK 25
        assertEquals(240 * S, p.spacing());
        assertFalse(p.allowed(239 * S));
        assertTrue(p.allowed(240 * S));
        p.taken(240 * S, 250 * MS); // 10,000
        assertTrue(p.allowed(265 * S));
    }

    @Test
    void anAbsurdCostDoesNotOverflow() {
        DumpPacing p = new DumpPacing(S, 100);
        p.taken(0, Long.MAX_VALUE / 2);
        assertEquals(Long.MAX_VALUE, p.spacing());
        assertFalse(p.allowed(Long.MAX_VALUE / 4));
    }
}
