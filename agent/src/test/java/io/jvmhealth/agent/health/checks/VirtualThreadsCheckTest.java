package io.jvmhealth.agent.health.checks;

import io.jvmhealth.agent.health.CheckResult;
import io.jvmhealth.agent.health.Status;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vthreads check over a scheduler that says what the test wants, sampled by the test. */
class VirtualThreadsCheckTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private static final class FakeScheduler implements VirtualThreadsCheck.Scheduler {
        boolean used = true;
        String unavailable;
        long[] figures = {2, 2, 0, 0};
        int reads;
        int asked;
        RuntimeException failure;

        @Override
        public boolean used() {
            return used;
        }

        @Override
        public String unavailable() {
            asked++;
            return unavailable;
        }

        @Override
        public long[] read() {
            reads++;
            if (failure != null) {
                throw failure;
            }
            return figures.clone();
        }
    }

    private static VirtualThreadsCheck check(FakeScheduler scheduler) {
        return new VirtualThreadsCheck(scheduler, 10_000, 60_000, false);
    }

    @Test
    void aJvmThatNeverUsedVirtualThreadsIsNotRead() {
        FakeScheduler scheduler = new FakeScheduler();
        scheduler.used = false;
        VirtualThreadsCheck check = check(scheduler);
        check.sample(0);
        CheckResult r = check.evaluate(0);
        assertEquals(Status.HEALTHY, r.status());
        assertEquals(0, scheduler.asked, "the bean is not even looked up");
        assertEquals(0, scheduler.reads);
        assertTrue(r.details().get("virtualThreads").toString().startsWith("none"), r.details().toString());
        assertTrue(Double.isNaN(r.figure(0)));
    }

    @Test
    void aJdkWithoutTheBeanIsHealthyAndSaysSo() {
        FakeScheduler scheduler = new FakeScheduler();
        scheduler.unavailable = "this JDK has no jdk.management:type=VirtualThreadScheduler (JDK 24+)";
        CheckResult r = check(scheduler).evaluate(0);
        assertEquals(Status.HEALTHY, r.status());
        assertEquals("not measured: this JDK has no jdk.management:type=VirtualThreadScheduler (JDK 24+)", r.details().get("note"));
    }

    @Test
    void starvedForTenSecondsIsDegradedForSixtyUnhealthyAndAFreeCarrierEndsIt() {
        FakeScheduler scheduler = new FakeScheduler();
        VirtualThreadsCheck check = check(scheduler);
        assertEquals("the first sample is under way", check.evaluate(0).details().get("note"));
        scheduler.figures = new long[] {2, 2, 2, 11_000};
        for (long s = 0; s <= 9; s++) {
            check.sample(s * SECOND);
        }
        assertEquals(Status.HEALTHY, check.evaluate(9 * SECOND).status());
        check.sample(10 * SECOND);
        CheckResult degraded = check.evaluate(10 * SECOND);
        assertEquals(Status.DEGRADED, degraded.status());
        assertTrue(degraded.reason().startsWith("virtual threads queued (11000, up to 11000) while all 2 carrier threads were busy for 10s"),
                degraded.reason());
        assertEquals(2, degraded.details().get("parallelism"));
        assertEquals(11_000L, degraded.details().get("queuedVirtualThreads"));
        assertEquals(10.0, degraded.figure(4));
        for (long s = 11; s <= 60; s++) {
            check.sample(s * SECOND);
        }
        CheckResult unhealthy = check.evaluate(60 * SECOND);
        assertEquals(Status.UNHEALTHY, unhealthy.status());
        assertEquals(2.0, unhealthy.figure(0));
        assertEquals(2.0, unhealthy.figure(2));
        assertEquals(11_000.0, unhealthy.figure(3));
        scheduler.figures = new long[] {2, 2, 1, 11_000};
        check.sample(61 * SECOND);
        assertEquals(Status.HEALTHY, check.evaluate(61 * SECOND).status());
    }

    @Test
    void busyButServingNeverDegrades() {
        FakeScheduler scheduler = new FakeScheduler();
        VirtualThreadsCheck check = check(scheduler);
        check.evaluate(0);
        for (long s = 0; s < 600; s++) {
            // every carrier busy with threads queued, but a free moment every third second (measured: at least every ~3 s)
            scheduler.figures = s % 3 == 2 ? new long[] {2, 2, 0, 0} : new long[] {2, 2, 2, 5000};
            check.sample(s * SECOND);
            assertEquals(Status.HEALTHY, check.evaluate(s * SECOND).status(), "at " + s + " s");
        }
    }

    @Test
    void aBeanThatFailsToReadIsSaidAndNeverJudged() {
        FakeScheduler scheduler = new FakeScheduler();
        scheduler.failure = new IllegalStateException("gone");
        VirtualThreadsCheck check = check(scheduler);
        check.evaluate(0);
        check.sample(0);
        CheckResult r = check.evaluate(0);
        assertEquals(Status.HEALTHY, r.status());
        assertTrue(r.details().get("note").toString().contains("could not be read: ") && r.details().get("note").toString().contains("gone"), r.details().toString());
    }

    @Test
    void theOptionsAreDeclaredWithTheirDefaults() {
        assertEquals("vthreads", VirtualThreadsCheck.TYPE.name());
        assertEquals("10s", VirtualThreadsCheck.TYPE.options().get(0).defaultValue());
        assertEquals("60s", VirtualThreadsCheck.TYPE.options().get(1).defaultValue());
        assertEquals(5, VirtualThreadsCheck.TYPE.metrics().size());
    }
}
