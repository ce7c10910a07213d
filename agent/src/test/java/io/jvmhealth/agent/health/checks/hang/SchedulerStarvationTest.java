package io.jvmhealth.agent.health.checks.hang;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Driven by the figures scripts/hangs/SchedulerFigures.java recorded on JDK 25.0.3, 2 shared cores
 * (scheduler-jdk25.tsv: idle, 10,000 busy virtual threads, starved by 2 spinning ones, recovered; a sample every 500 ms).
 */
class SchedulerStarvationTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);

    private static SchedulerStarvation judge() {
        return new SchedulerStarvation(10 * S, 60 * S, 3 * S);
    }

    private record Sample(long at, String phase, int parallelism, int pool, int mounted, long queued) {
    }

    private static List<Sample> recorded() throws IOException {
        List<Sample> samples = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                SchedulerStarvationTest.class.getResourceAsStream("scheduler-jdk25.tsv"), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("#") || line.startsWith("t\t")) {
                    continue;
                }
                String[] f = line.split("\t");
                samples.add(new Sample((long) (Double.parseDouble(f[0]) * S), f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                        Integer.parseInt(f[4]), Long.parseLong(f[5])));
            }
        }
        return samples;
    }

    @Test
    void aBusyButHealthyVirtualThreadApplicationIsNeverStarvedThoughItsCarriersAreMostlyFull() throws IOException {
        SchedulerStarvation judge = judge();
        int saturated = 0;
        int busy = 0;
        for (Sample s : recorded()) {
            if (!s.phase.equals("busy10k") && !s.phase.equals("idle")) {
                continue;
            }
            judge.sample(s.at, s.parallelism, s.pool, s.mounted, s.queued);
            assertEquals(Verdict.OK, judge.verdict(s.at), s.toString());
            if (s.phase.equals("busy10k")) {
                busy++;
                if (s.mounted >= s.parallelism && s.queued > 0) {
                    saturated++;
                }
            }
        }
        assertTrue(saturated * 2 > busy, "the recording shows a saturated scheduler in most samples: " + saturated + " of " + busy);
    }

    @Test
    void theStarvedSchedulerIsDegradedTenSecondsIn() throws IOException {
        SchedulerStarvation judge = judge();
        long degradedAt = -1;
        long runFrom = -1; // the busy phase's last samples were saturated already: the run began there
        for (Sample s : recorded()) {
            boolean saturated = s.mounted >= s.parallelism && s.queued > 0;
            if (!saturated) {
                runFrom = -1;
            } else if (runFrom < 0) {
                runFrom = s.at;
            }
            judge.sample(s.at, s.parallelism, s.pool, s.mounted, s.queued);
            if (judge.verdict(s.at) == Verdict.DEGRADED && degradedAt < 0) {
                degradedAt = s.at;
                assertEquals("starved", s.phase);
                long after = (degradedAt - runFrom) / S;
                assertTrue(after == 10, "degraded " + after + " s after every sample began to show it saturated");
                assertTrue(judge.reason(s.at).startsWith("virtual threads queued (11000, up to 11000) while all 2 carrier threads were busy for 10s"),
                        judge.reason(s.at));
            }
            if (s.phase.equals("recovered") && s.mounted < s.parallelism) {
                assertEquals(Verdict.OK, judge.verdict(s.at), "a free carrier ends it");
            }
        }
        assertTrue(degradedAt > 0, "degraded during the starved phase");
    }

    @Test
    void unhealthyOnlyAfterAMinuteOfSamplesAllSaturated() {
        SchedulerStarvation judge = judge();
        for (long t = 0; t <= 59; t++) {
            judge.sample(t * S, 2, 2, 2, 500);
            assertTrue(judge.verdict(t * S) != Verdict.UNHEALTHY);
        }
        judge.sample(60 * S, 2, 2, 2, 500);
        assertEquals(Verdict.UNHEALTHY, judge.verdict(60 * S));
        assertEquals(2, judge.details().get("parallelism"));
    }

    @Test
    void aGapBetweenSamplesOrAnEmptyQueueStartsAfresh() {
        SchedulerStarvation judge = judge();
        for (long t = 0; t <= 8; t++) {
            judge.sample(t * S, 2, 2, 2, 5);
        }
        judge.sample(20 * S, 2, 2, 2, 5); // 12 s without a sample
        assertEquals(Verdict.OK, judge.verdict(20 * S));
        judge.sample(21 * S, 2, 2, 2, 5);
        judge.sample(31 * S, 2, 2, 2, 5); // a 10 s gap: too long
        assertEquals(Verdict.OK, judge.verdict(31 * S));
        for (long t = 32; t <= 45; t++) {
            judge.sample(t * S, 2, 2, 2, t == 40 ? 0 : 5);
        }
        assertEquals(Verdict.OK, judge.verdict(45 * S), "the queue emptied at 40 s");
    }

    @Test
    void aSingleSampleOrAnOldOneSaysNothing() {
        SchedulerStarvation judge = judge();
        judge.sample(0, 2, 2, 2, 5);
        assertEquals(Verdict.OK, judge.verdict(100 * S));
        judge.sample(S, 2, 2, 2, 5);
        assertEquals(Verdict.OK, judge.verdict(100 * S), "no sample for 99 s: not known");
    }

    @Test
    void unknownFiguresAreNotSaturation() {
        SchedulerStarvation judge = judge();
        for (long t = 0; t <= 100; t++) {
            judge.sample(t * S, 2, -1, -1, -1);
        }
        assertEquals(Verdict.OK, judge.verdict(100 * S));
    }
}
